"""Replay a change log over the raw text: proof that the log explains every difference.

Each stage's kind (:data:`pipeline.stages.STAGES`) says how its records
apply: ``lines`` stages edit raw lines at (line, column); a ``grouping``
stage only groups lines (its records explain joins, they edit nothing), so
the grouping is read from ``paragraphs.jsonl``; ``paragraphs`` stages edit
paragraphs at the (line, column) where the edited span begins. Applying the records in order
must give back the clean text (``paragraphs.jsonl``, which ``book.md`` presents) exactly.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from pipeline.model import Change, Paragraph, joined_lines
from pipeline.stages import STAGES


class ReplayError(AssertionError):
    """A change whose ``before`` is not where it says: the log does not explain the output."""


def _apply(text: str, column: int, before: str, after: str, where: str) -> str:
    if text[column : column + len(before)] != before:
        raise ReplayError(f"{where}: expected {before!r} at column {column}, found {text[column:column + len(before)]!r}")
    return text[:column] + after + text[column + len(before) :]


def replay(raw_lines: Sequence[str], changes: Iterable[Change], groups: Sequence[Sequence[int]]) -> list[str]:
    """The paragraph texts that the raw lines, the change log and the grouping produce.

    >>> raw = ["_ the anticapi-", "talist rule"]
    >>> log = [Change("repair_unicode", "stray_mark", 1, None, "_ ", "", "", 0),
    ...        Change("join_hyphenated_words", "dictionary", 1, None, "anticapi- talist", "anticapitalist", "", 4)]
    >>> replay(raw, log, [[1, 2]])
    ['the anticapitalist rule']
    """
    lines = {number: text.rstrip() for number, text in enumerate(raw_lines, start=1)}
    changes = list(changes)
    for c in changes:
        if STAGES[c.stage].kind == "lines":
            lines[c.line] = _apply(lines[c.line], c.column, c.before, c.after, f"line {c.line}")
    paragraphs: list[Paragraph] = []
    home: dict[int, int] = {}
    for index, group in enumerate(groups):
        text, starts = joined_lines(lines[n] for n in group)
        paragraphs.append(Paragraph(text, tuple(group), starts, (None,) * len(group)))
        home.update((n, index) for n in group)
    for c in changes:
        if STAGES[c.stage].kind != "paragraphs":
            continue
        p = paragraphs[home[c.line]]
        offset = p.starts[p.lines.index(c.line)] + c.column
        if p.text[offset : offset + len(c.before)] != c.before:
            raise ReplayError(f"line {c.line}: expected {c.before!r} at column {c.column} of the paragraph")
        paragraphs[home[c.line]] = p.edit(offset, offset + len(c.before), c.after)
    return [p.text for p in paragraphs]
