"""Learn a book's page sequence from its text: the chain of folio candidates, misread folios, the pages.

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

import bisect
import statistics
from typing import Mapping, Sequence

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from pipeline.model import Line
from pipeline.stages.remove_page_furniture.candidates import (
    MAX_TITLE, Candidate, CandidateReader, Furniture, is_running, running_titles, title_key,
)
from pipeline.stages.remove_page_furniture.page_spans import PageSpan, learn_roles, page_spans

MAX_SKIP = 12
"""The chain may jump at most this many page numbers at once."""
MIN_PAGE_LINES = 12
"""A sequence whose pages are shorter than this is a list (a contents page), not pages."""

WEIGHT_RUNNING, WEIGHT_BARE, WEIGHT_OTHER = 2.0, 1.0, 0.5
"""How much a candidate adds to a chain. A running head (a title seen on three or more
candidates, with its number) is the surest furniture; a bare number is furniture or a
number in the text (an index entry, a date); a line of other words with a number is
most often text. The ratios, not the values, matter: one running head outweighs a bare
number and an odd line together."""
SKIP_COST = 1.5
"""The cost of each page the chain skips. Above the weight of a bare number, so a chain
never jumps a page to take in one more bare number it could do without, and below the
weight of a running head, so a page whose folio OCR lost does not break the chain."""
MISREAD_TITLE = 60
"""Lower similarity accepted for the title of a line whose number is also misread: both
halves are damaged ("The Hifredmanaeys T5" for "The Bureaucracy 75"); the number must then
be one edit from the page the sequence expects there."""


def best_chain(candidates: Sequence[Candidate], titles: set[str]) -> list[Candidate]:
    """The highest-scoring chain of candidates with increasing page numbers, in line order."""
    ordered = sorted(candidates, key=lambda c: c.line)
    weight = [
        WEIGHT_RUNNING if is_running(c, titles) else WEIGHT_BARE if c.form == "bare" else WEIGHT_OTHER
        for c in ordered
    ]
    by_value: dict[int, list[int]] = {}
    score = [0.0] * len(ordered)
    size = [1] * len(ordered)
    back: list[int | None] = [None] * len(ordered)
    for j, cand in enumerate(ordered):
        score[j] = weight[j]
        for step in range(1, MAX_SKIP + 1):
            for i in by_value.get(cand.value - step, ()):
                linked = score[i] - SKIP_COST * (step - 1) + weight[j]
                if (linked, size[i] + 1) > (score[j], size[j]):
                    score[j], size[j], back[j] = linked, size[i] + 1, i
        by_value.setdefault(cand.value, []).append(j)
    if not ordered:
        return []
    # Equal scores: the chain with more members (two chains can tie while one of them is a
    # single candidate: keeping that one found no page at all), then the earlier end.
    j: int | None = max(range(len(ordered)), key=lambda k: (score[k], size[k], -k))
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


def trim_weak_ends(chain: list[Candidate], titles: set[str], nonblank: set[int]) -> list[Candidate]:
    """Drop chain ends that are a line of words seen once, with a number, inside running text.

    Such a line ("… inspection. The 31", the first line of a paragraph) is
    furniture only where the sequence vouches for it on both sides; at an end
    of the chain only one neighbour does. A bare number, a running head, a
    title another member of the chain carries too, or a line set apart by
    blank lines on both sides (as 155 of the first book's 156 furniture lines
    are) stays.
    """
    seen: dict[str, int] = {}
    for c in chain:
        seen[title_key(c.title)] = seen.get(title_key(c.title), 0) + 1

    def strong(c: Candidate) -> bool:
        return (c.form == "bare" or is_running(c, titles) or seen[title_key(c.title)] > 1
                or _set_apart(c.line, nonblank))

    while chain and not strong(chain[0]):
        chain = chain[1:]
    while chain and not strong(chain[-1]):
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
            if len(tokens) > 1 and not (titles and any(ratio(title_key(rest), t) >= MISREAD_TITLE for t in titles)):
                continue  # a line with words is a head only if its words are a running title ("7) We are…" is text)
            form = "bare" if len(tokens) == 1 else "head_first" if token == tokens[0] else "head_last"
            cand = Candidate(line.number, expected, form, " ".join(t for t in tokens if t != token), text, token)
            distance = abs(line.number - near)
            if best is None or distance < best[0]:
                best = (distance, cand)
    return best[1] if best else None


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
    chain = trim_weak_ends(chain, titles, nonblank)
    length = page_length(chain)
    if len(chain) < min_chain or length < MIN_PAGE_LINES:
        return []
    furniture: list[Furniture] = []
    numbers = [line.number for line in lines]  # in raw order: the lines between two folios are a slice
    for a, b in zip([None, *chain], chain):
        if a is not None and b.value > a.value + 1:
            between = lines[bisect.bisect_right(numbers, a.line) : bisect.bisect_left(numbers, b.line)]
            for missing in range(a.value + 1, b.value):
                near = a.line + (b.line - a.line) * (missing - a.value) / (b.value - a.value)
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
