"""Learn a book's page furniture from its text: folio candidates, the page sequence, page spans.

Plain OCR text has no page markers, only the furniture the printer set:
running heads with a folio ("6 Lenin’s Fight Against Stalinism",
"Introduction 7") and bare folios ("5" at the foot of a part's first page).
This module finds them without knowing the book:

1. every short line set apart by a blank line that ends or starts with a
   number (allowing the OCR digit confusions in rules/folio_digits.tsv) is a
   *candidate*;
2. titles that recur on many candidates are *running titles*;
3. the page sequence is the best increasing chain of candidates (dynamic
   programming: running heads weigh most, skipped numbers cost), so an index
   entry "Aristotle, 30, 31" or a date "December 15, 1922" cannot enter it;
4. a page the chain skips is looked for where the sequence expects it: a line
   one digit away from the expected number ("19" where 79 belongs) is a
   misread folio; a page with nothing is reported as a gap;
5. whether each kind of furniture sits at the top or the foot of its page is
   learned from pairs of consecutive folios that stand next to each other.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Mapping, Sequence

import regex
from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from pipeline.model import Line

MAX_TITLE = 70
"""A running head is a short line; longer lines are text."""
MAX_SKIP = 12
"""The chain may jump at most this many page numbers at once."""
MIN_PAGE_LINES = 12
"""A sequence whose pages are shorter than this is a list (a contents page), not pages."""
RUNNING_TITLE_MIN = 3
"""A title seen on this many candidates is a running title."""

_DIGIT = regex.compile(r"[0-9]")

WEIGHT_RUNNING, WEIGHT_BARE, WEIGHT_OTHER = 2.0, 1.0, 0.5
SKIP_COST = 1.5


@dataclass(frozen=True, slots=True)
class Candidate:
    """A line that may be page furniture: its number as read, and its shape.

    ``form`` is ``bare`` (only a number), ``head_first`` ("6 Lenin’s Fight…")
    or ``head_last`` ("Introduction 7"); ``title`` is the text beside the number.
    """

    line: int
    value: int
    form: str
    title: str
    text: str
    digits: str


@dataclass(frozen=True, slots=True)
class Furniture:
    """A furniture line accepted into the page sequence."""

    candidate: Candidate
    page: int
    kind: str  # head, folio, misread
    evidence: str


@dataclass(frozen=True, slots=True)
class PageSpan:
    """A printed page: its number, raw line span, and the furniture found for it."""

    number: int
    first_line: int
    last_line: int
    evidence: str
    furniture: tuple[Furniture, ...]


def title_key(title: str) -> str:
    """Letters only, lower case: how running titles are compared.

    >>> title_key("Lenin’s Fight Against Stalinism")
    'leninsfightagainststalinism'
    """
    return regex.sub(r"[^\p{L}]", "", title).lower()


def _digit_class(digit_map: Mapping[str, str]) -> str:
    extra = "".join(regex.escape(c) for c in sorted(digit_map))
    return rf"[0-9{extra}]"


class CandidateReader:
    """Parses lines into folio candidates using the configured OCR digit confusions."""

    def __init__(self, digit_map: Mapping[str, str]):
        self.digit_map = dict(digit_map)
        d = _digit_class(digit_map)
        num = rf"(?P<num>{d}{{0,3}}[0-9]{d}{{0,3}})"
        self.bare = regex.compile(rf"^[\p{{P}}\p{{S}}]{{0,2}}\s*{num}\s*[\p{{P}}\p{{S}}]{{0,2}}$")
        self.first = regex.compile(rf"^{num}\s+(?P<title>\p{{L}}.*)$")
        self.last = regex.compile(rf"^(?P<title>.*\p{{L}}.*?)\s+{num}$")

    def to_int(self, digits: str) -> int | None:
        value = "".join(self.digit_map.get(c, c) for c in digits)
        if len(digits) > 4 or not value.isdigit():
            return None
        return int(value)

    def read(self, line: Line) -> Candidate | None:
        """A candidate for a short line shaped like a folio or running head, else None.

        >>> reader = CandidateReader({"T": "7"})
        >>> reader.read(Line(3669, "The Hifredmanaeys T5")).value
        75
        >>> reader.read(Line(231, "6 Lenin’s Fight Against Stalinism")).form
        'head_first'
        >>> reader.read(Line(7700, "Aristotle, 30, 31")).value  # a candidate; the chain rejects it
        31
        >>> reader.read(Line(99, "December 23, 1922 and then a long line of text that goes on")) is None
        True
        """
        text = line.text.strip()
        if not text or len(text) > MAX_TITLE:
            return None
        words = text.split()
        if not _DIGIT.search(words[0] + words[-1]):
            return None  # the folio stands first or last and has a digit: most lines stop here, cheaply
        for form, pattern in (("bare", self.bare), ("head_first", self.first), ("head_last", self.last)):
            match = pattern.match(text)
            if match:
                value = self.to_int(match["num"])
                if value is None or value == 0:
                    return None
                title = match.groupdict().get("title") or ""
                return Candidate(line.number, value, form, title.strip(), text, match["num"])
        return None


def running_titles(candidates: Sequence[Candidate]) -> set[str]:
    """Title keys that recur on at least RUNNING_TITLE_MIN candidates.

    >>> cands = [Candidate(i, i, "head_last", "Introduction", "", "") for i in range(3)]
    >>> running_titles(cands)
    {'introduction'}
    """
    counts: dict[str, int] = {}
    for cand in candidates:
        key = title_key(cand.title)
        if key:
            counts[key] = counts.get(key, 0) + 1
    return {key for key, count in counts.items() if count >= RUNNING_TITLE_MIN}


def is_running(cand: Candidate, titles: set[str]) -> bool:
    """True when the candidate's title is a running title, or an OCR variant of one."""
    key = title_key(cand.title)
    return bool(key) and (key in titles or any(ratio(key, t) >= 90 for t in titles))


def best_chain(candidates: Sequence[Candidate], titles: set[str]) -> list[Candidate]:
    """The highest-scoring chain of candidates with increasing page numbers, in line order."""
    ordered = sorted(candidates, key=lambda c: c.line)
    weight = [
        WEIGHT_RUNNING if is_running(c, titles) else WEIGHT_BARE if c.form == "bare" else WEIGHT_OTHER
        for c in ordered
    ]
    by_value: dict[int, list[int]] = {}
    score = [0.0] * len(ordered)
    back: list[int | None] = [None] * len(ordered)
    for j, cand in enumerate(ordered):
        score[j] = weight[j]
        for step in range(1, MAX_SKIP + 1):
            for i in by_value.get(cand.value - step, ()):
                linked = score[i] - SKIP_COST * (step - 1) + weight[j]
                if linked > score[j]:
                    score[j], back[j] = linked, i
        by_value.setdefault(cand.value, []).append(j)
    if not ordered:
        return []
    j: int | None = max(range(len(ordered)), key=lambda k: (score[k], -k))
    chain = []
    while j is not None:
        chain.append(ordered[j])
        j = back[j]
    return chain[::-1]


def page_length(chain: Sequence[Candidate]) -> float:
    """Typical raw lines per page: the median distance per page step along the chain.

    A foot folio stands a few lines from the next page's head, but most steps
    are a whole page, so the median is the page. A contents list gives a
    median of two or three lines, which is how it is told from pages.
    """
    steps = [(b.line - a.line) / (b.value - a.value) for a, b in zip(chain, chain[1:])]
    return float(statistics.median(steps)) if steps else 0.0


def trim_outliers(chain: list[Candidate], length: float) -> list[Candidate]:
    """Drop chain ends that stand much too far from the rest (a contents line "Introduction 5")."""
    while len(chain) >= 2 and chain[1].line - chain[0].line > 4 * length * (chain[1].value - chain[0].value):
        chain = chain[1:]
    while len(chain) >= 2 and chain[-1].line - chain[-2].line > 4 * length * (chain[-1].value - chain[-2].value):
        chain = chain[:-1]
    return chain


def _set_apart(number: int, nonblank: set[int]) -> bool:
    """True when the raw lines just before and after are blank (or removed)."""
    return number - 1 not in nonblank and number + 1 not in nonblank


def find_misread(
    reader: CandidateReader,
    lines: Sequence[Line],
    nonblank: set[int],
    expected: int,
    near: float,
    length: float,
    titles: set[str] = frozenset(),
) -> Candidate | None:
    """A set-apart short line one edit away from the expected folio, nearest to where it should be.

    ``near`` is interpolated between the neighbouring folios, which may be a
    head at the top and a folio at the foot, so the window is a page wide.
    """
    want = str(expected)
    best: tuple[float, Candidate] | None = None
    for line in lines:
        text = line.text.strip()
        if not text or len(text) > MAX_TITLE or abs(line.number - near) > length:
            continue
        tokens = text.split()
        for token in {tokens[0], tokens[-1]}:
            digits = "".join(reader.digit_map.get(c, c) for c in token.strip(".,;:"))
            if not any(c.isdigit() for c in token) or Levenshtein.distance(digits, want) != 1:
                continue
            if len(tokens) == 1 and not _set_apart(line.number, nonblank):
                continue
            rest = " ".join(t for t in tokens if t != token)
            if len(tokens) > 1 and not (titles and any(ratio(title_key(rest), t) >= 60 for t in titles)):
                continue  # a line with words is a head only if its words are a running title ("7) We are…" is text)
            form = "bare" if len(tokens) == 1 else "head_first" if token == tokens[0] else "head_last"
            cand = Candidate(line.number, expected, form, " ".join(t for t in tokens if t != token), text, token)
            distance = abs(line.number - near)
            if best is None or distance < best[0]:
                best = (distance, cand)
    return best[1] if best else None


def learn_roles(furniture: Sequence[Furniture], nonblank: set[int]) -> dict[str, str]:
    """Whether each form of furniture sits at the top or the foot of its page.

    Two consecutive folios with only blank lines between them stand on either
    side of a page break: the first is at the foot of its page, the second at
    the top of the next. Forms with no such evidence default to: heads at the
    top, bare numbers at the foot.
    """
    votes: dict[str, dict[str, int]] = {}
    for a, b in zip(furniture, furniture[1:]):
        between = range(a.candidate.line + 1, b.candidate.line)
        if b.page == a.page + 1 and len(between) <= 8 and not any(n in nonblank for n in between):
            votes.setdefault(a.candidate.form, {}).setdefault("bottom", 0)
            votes[a.candidate.form]["bottom"] += 1
            votes.setdefault(b.candidate.form, {}).setdefault("top", 0)
            votes[b.candidate.form]["top"] += 1
    roles = {"head_first": "top", "head_last": "top", "bare": "bottom"}
    for form, tally in votes.items():
        roles[form] = max(tally, key=lambda role: (tally[role], role == roles[form]))
    return roles


def _snap(estimate: float, starts: Sequence[int], openings: set[int], long_lines: set[int], lo: int, hi: int, length: float) -> int:
    """The page-break position nearest the estimate: a line after two or more blank lines.

    A page that opens a part or document starts with a heading, so a break
    before a heading wins over a nearer one before running text, and the
    break goes before the first line of a heading group ("Part IV" /
    "THE BUREAUCRACY" / "Introduction": short lines only between them).
    """
    inside = [
        s for s in starts if lo < s <= hi and abs(s - estimate) <= (length / 2 if s in openings else length / 3)
    ]
    if not inside:
        return max(lo + 1, min(hi, round(estimate)))
    best = min(inside, key=lambda s: abs(s - estimate) - (length / 4 if s in openings else 0))
    group = [
        s
        for s in openings
        if best in openings and lo < s < best and best - s <= 8 and not long_lines.intersection(range(s, best))
    ]
    return max(group) if group else best


_DATE_LINE = regex.compile(r"\b1[5-9]\d\d\b|\b20\d\d\b")


def short_width(lines: Sequence[Line]) -> float:
    """Lines shorter than this (60% of the median line) are headings, signatures, dates."""
    return 0.6 * statistics.median(len(line.text.strip()) for line in lines if line.text.strip())


def heading_starts(lines: Sequence[Line], starts: Sequence[int]) -> set[int]:
    """Break positions whose first line reads as a heading after a finished text.

    Short, capitalised, not ending in a comma or a number (a contents line)
    and not a dateline closing a letter (one set above a title is kept),
    after a line that ends a sentence or a citation, or after another short
    line.
    """
    text = {line.number: line.text.strip() for line in lines if line.text.strip()}
    numbers = sorted(text)
    previous = dict(zip(numbers[1:], numbers))
    short = short_width(lines)
    return {
        s
        for s in starts
        if len(text[s]) < short
        and regex.match(r"^\p{Lu}", text[s])
        and not regex.search(r"[,;]\W*$", text[s])
        and not (regex.search(r"\d\W*$", text[s]) and not _DATE_LINE.search(text[s]))
        and (not _DATE_LINE.search(text[s]) or len(text.get(s + 1, "")) in range(1, int(short)))
        and (
            s not in previous
            or regex.search(r"[.!?”\])]\W*$", text[previous[s]])
            or len(text[previous[s]]) < short
        )
    }


def page_spans(
    furniture: Sequence[Furniture], roles: Mapping[str, str], lines: Sequence[Line], length: float
) -> list[PageSpan]:
    """Cut the text into printed pages from first to last folio, gaps included."""
    nonblank = [line.number for line in lines if line.text.strip()]
    starts = [b for a, b in zip(nonblank, nonblank[1:]) if b - a >= 3]
    openings = heading_starts(lines, starts)
    short = short_width(lines)
    long_lines = {line.number for line in lines if len(line.text.strip()) >= short}
    by_page = {f.page: f for f in furniture}
    first, last = min(by_page), max(by_page)
    # Known page starts: a head at the top starts its page; a folio at the foot ends it.
    points: dict[int, int] = {}
    for f in furniture:
        if roles[f.candidate.form] == "top":
            points[f.page] = f.candidate.line
        else:
            points.setdefault(f.page + 1, f.candidate.line + 1)
    start: dict[int, int] = {}
    known = sorted(points.items())
    end_of_text = lines[-1].number if lines else 0
    for n in range(first, last + 1):
        if n in points:
            start[n] = points[n]
            continue
        left = [(k, v) for k, v in known if k < n]
        right = [(k, v) for k, v in known if k > n]
        if left and right:
            (k0, v0), (k1, v1) = left[-1], right[0]
            if k0 == n - 1:  # the page before is known and most likely full
                estimate = min(v0 + length, v1 - 1)
            else:
                estimate = v0 + (v1 - v0) * (n - k0) / (k1 - k0)
        elif right:
            k1, v1 = right[0]
            estimate = v1 - (k1 - n) * length
        else:
            k0, v0 = left[-1]
            estimate = v0 + (n - k0) * length
        lo = start.get(n - 1, 0)
        start[n] = _snap(estimate, starts, openings, long_lines, lo, end_of_text, length)
    spans = []
    for n in range(first, last + 1):
        finish = start[n + 1] - 1 if n + 1 in start else end_of_text
        if n == last and n in by_page and roles[by_page[n].candidate.form] == "bottom":
            finish = by_page[n].candidate.line
        mine = tuple(f for f in furniture if f.page == n)
        evidence = mine[0].kind if mine else "inferred"
        spans.append(PageSpan(n, start[n], max(start[n], finish), evidence, mine))
    return spans


def find_pages(lines: Sequence[Line], digit_map: Mapping[str, str], min_chain: int = 3) -> list[PageSpan]:
    """The printed pages of a text and the furniture lines that number them; [] if none.

    Furniture inside a page span is what the stage removes; lines before the
    first span (title pages) and after the last one stay unnumbered only when
    the last folio is at the foot of its page.
    """
    reader = CandidateReader(digit_map)
    nonblank = {line.number for line in lines if line.text.strip()}
    # Furniture is set apart from the text by a blank line on at least one side.
    candidates = [
        c
        for c in map(reader.read, lines)
        if c is not None and (c.line - 1 not in nonblank or c.line + 1 not in nonblank)
    ]
    titles = running_titles(candidates)
    excluded: set[int] = set()
    for _ in range(3):
        chain = best_chain([c for c in candidates if c.line not in excluded], titles)
        trimmed = trim_outliers(chain, page_length(chain))
        if len(trimmed) == len(chain):
            break
        excluded.update(c.line for c in chain if c not in trimmed)
    length = page_length(chain)
    if len(chain) < min_chain or length < MIN_PAGE_LINES:
        return []
    furniture: list[Furniture] = []
    for a, b in zip([None, *chain], chain):
        if a is not None:
            for missing in range(a.value + 1, b.value):
                near = a.line + (b.line - a.line) * (missing - a.value) / (b.value - a.value)
                between = [line for line in lines if a.line < line.number < b.line]
                found = find_misread(reader, between, nonblank, missing, near, length, titles)
                if found is not None:
                    evidence = f"{found.digits!r} stands where the sequence {a.value}…{b.value} expects {missing}"
                    furniture.append(Furniture(found, missing, "misread", evidence))
        furniture.append(_accepted(b, titles, reader))
    furniture.sort(key=lambda f: f.candidate.line)
    roles = learn_roles(furniture, nonblank)
    return page_spans(furniture, roles, lines, length)


def _accepted(cand: Candidate, titles: set[str], reader: CandidateReader) -> Furniture:
    """Label a chain member: a running head, a bare folio, or a misread one."""
    misread_digits = not cand.digits.isdigit()
    if cand.form == "bare" and not misread_digits:
        return Furniture(cand, cand.value, "folio", f"folio {cand.value} in the page sequence")
    if is_running(cand, titles) and not misread_digits:
        return Furniture(cand, cand.value, "head", f"running head {cand.title!r} with folio {cand.value}")
    return Furniture(cand, cand.value, "misread", f"{cand.digits!r} read as folio {cand.value} in the page sequence")
