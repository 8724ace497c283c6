"""Page spans: where each printed page begins and ends in the raw lines, once the furniture is known.

Whether each kind of furniture sits at the top or the foot of its page is
learned from pairs of consecutive folios that stand next to each other; page
breaks between known folios are placed at blank-line gaps, preferring one
before a heading.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Mapping, NamedTuple, Sequence

import regex

from pipeline.model import Line
from pipeline.stages.remove_page_furniture.candidates import Furniture


@dataclass(frozen=True, slots=True)
class PageSpan:
    """A printed page: its number, raw line span, and the furniture found for it."""

    number: int
    first_line: int
    last_line: int
    evidence: str
    furniture: tuple[Furniture, ...]


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
_CAPITAL_FIRST = regex.compile(r"^\p{Lu}")
_COMMA_END = regex.compile(r"[,;]\W*$")
_DIGIT_END = regex.compile(r"\d\W*$")
_SENTENCE_END = regex.compile(r"[.!?”\])]\W*$")


def short_width(lines: Sequence[Line]) -> float:
    """Lines shorter than this (60% of the median line) are headings, signatures, dates."""
    return 0.6 * statistics.median(len(line.text.strip()) for line in lines if line.text.strip())


class Break(NamedTuple):
    """A line after two or more blank (or missing) lines, where a page may begin: its number and
    text, the text of the line after it and of the last line with text before it (all stripped)."""

    number: int
    text: str
    after: str
    before: str


def page_breaks(lines: Sequence[Line]) -> list[Break]:
    """Every place a page may begin, with the neighbours :func:`heading_starts` reads.

    One pass that keeps only the breaks: a dict of every line's text would
    cost ~80 bytes a line, 20 MB for a book thirty times this one.

    >>> [(b.number, b.after, b.before) for b in page_breaks([Line(1, "x."), Line(4, "Part I "), Line(5, " y")])]
    [(4, 'y', 'x.')]
    """
    breaks: list[Break] = []
    last_number, last_text, waiting = None, "", None
    for line in lines:
        text = line.text.strip()
        if waiting is not None:
            breaks.append(waiting._replace(after=text if line.number == waiting.number + 1 else ""))
            waiting = None
        if not text:
            continue
        if last_number is not None and line.number - last_number >= 3:
            waiting = Break(line.number, text, "", last_text)
        last_number, last_text = line.number, text
    if waiting is not None:
        breaks.append(waiting)
    return breaks


def heading_starts(breaks: Sequence[Break], short: float) -> set[int]:
    """The breaks whose first line reads as a heading after a finished text.

    Short, capitalised, not ending in a comma or a number (a contents line)
    and not a dateline closing a letter (one set above a title is kept),
    after a line that ends a sentence or a citation, or after another short
    line.
    """
    return {
        b.number
        for b in breaks
        if len(b.text) < short
        and _CAPITAL_FIRST.match(b.text)
        and not _COMMA_END.search(b.text)
        and not (_DIGIT_END.search(b.text) and not _DATE_LINE.search(b.text))
        and (not _DATE_LINE.search(b.text) or len(b.after) in range(1, int(short)))
        and (_SENTENCE_END.search(b.before) or len(b.before) < short)
    }


def page_spans(
    furniture: Sequence[Furniture], roles: Mapping[str, str], lines: Sequence[Line], length: float
) -> list[PageSpan]:
    """Cut the text into printed pages from first to last folio, gaps included."""
    breaks = page_breaks(lines)
    starts = [b.number for b in breaks]
    short = short_width(lines)
    openings = heading_starts(breaks, short)
    near = {n for s in openings for n in range(s - 8, s)}  # where _snap asks: just before a heading
    long_lines = {line.number for line in lines if line.number in near and len(line.text.strip()) >= short}
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
