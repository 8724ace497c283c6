"""Em dashes: learn whether the book closes them up or spaces them, and join line-end dashes to match.

OCR keeps the dash at the end of a printed line ("most importantly—" / "they
openly declared"); joining the lines with a space, as every other line
break is joined, gives "importantly— they", a dash the book never printed.
The book's habit is read from dashes inside its lines: 5 closed-up dashes
to every spaced one at least, or the other way round; a book with too few
dashes, or no clear habit, is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import regex

from pipeline.model import Change, Paragraph
from pipeline.stages.repair_punctuation.edits import edit_token

DASH = "—"
CLEAR_HABIT = 5
"""One way of setting dashes must be this many times commoner than the other to count as the book's habit."""
MIN_DASHES = 10
"""Fewer dashes inside lines than this teach nothing."""

_CLOSED = regex.compile(r"(?<=[^\s—])—(?=[^\s—])")
_SPACED = regex.compile(r"(?<=[^\s—]) — (?=[^\s—])")
_ONE_SIDED = regex.compile(r"(?<=[^\s—])— (?=[^\s—])|(?<=[^\s—]) —(?=[^\s—])")


@dataclass(frozen=True, slots=True)
class DashStyle:
    """How the book sets its em dashes inside lines: ``closed`` (or None: no clear habit), and the counts."""

    closed: bool | None
    closed_count: int
    spaced_count: int

    @property
    def evidence(self) -> str:
        return f"the book sets {self.closed_count} dashes closed up and {self.spaced_count} spaced inside its lines"


def _inside_lines(p: Paragraph) -> list[str]:
    """The paragraph's text cut at its line starts: dashes there are as printed, not made by a join."""
    bounds = list(p.starts) + [len(p.text)]
    return [p.text[a:b] for a, b in zip(bounds, bounds[1:])]


def dash_style(paragraphs: Sequence[Paragraph]) -> DashStyle:
    """The book's dash habit, from the dashes that stand inside printed lines.

    >>> closed, spaced = Paragraph("a—b c—d e—f", (1,), (0,), (1,)), Paragraph("g — h", (2,), (0,), (1,))
    >>> dash_style([closed] * 4 + [spaced])
    DashStyle(closed=True, closed_count=12, spaced_count=1)
    >>> dash_style([closed] + [spaced] * 9).closed is None
    True
    """
    closed = spaced = 0
    for p in paragraphs:
        for piece in _inside_lines(p):
            closed += len(_CLOSED.findall(piece))
            spaced += len(_SPACED.findall(piece))
    if closed + spaced < MIN_DASHES:
        return DashStyle(None, closed, spaced)
    if closed >= CLEAR_HABIT * spaced:
        return DashStyle(True, closed, spaced)
    if spaced >= CLEAR_HABIT * closed:
        return DashStyle(False, closed, spaced)
    return DashStyle(None, closed, spaced)


def close_up_dashes(p: Paragraph, style: DashStyle, stage: str) -> tuple[Paragraph, list[Change]]:
    """Close up the dashes spaced on one side in a book that closes its dashes up.

    A dash at a line end joined with a space is ``join_dash``; one spaced on
    one side inside a line ("Samizdat— Voices") is ``dash_spacing``.
    """
    if style.closed is not True:
        return p, []
    changes: list[Change] = []
    m = _ONE_SIDED.search(p.text)
    while m:  # left to right, each change logged against the text as it then stands (the log replays in order)
        line_ends = {start - 1 for start in p.starts[1:]}  # the spaces that joined two lines
        at_line_end = m[0].startswith(DASH) and m.start() + 1 in line_ends
        rule = "join_dash" if at_line_end else "dash_spacing"
        why = "the line ends in a dash; " if at_line_end else "a dash spaced on one side only; "
        p, change, at = edit_token(p, stage, rule, m.start(), m.end(), DASH, why + style.evidence)
        changes.append(change)
        m = _ONE_SIDED.search(p.text, at - 1)
    return p, changes
