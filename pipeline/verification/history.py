"""The words of a stretch of the book after each stage, rebuilt from the raw lines and the change log.

The per-stage table needs, for each matched document, its words as every
stage left them. Keeping every stage's whole book for that costs about
twenty times the raw file's size per copy of the book; the change log
already says what each stage did, line by line and paragraph by paragraph.
So only the raw lines of the matched stretches are taken, and each stage's
records that fall inside them are applied in turn, as
:mod:`pipeline.changelog.replay` applies the whole log (its test proves
that the log reproduces the clean text). Paragraphs are grouped as in the
finished book: no stage after ``rebuild_paragraphs`` regroups lines.

A record that does not fit the text it names is applied all the same
(the figures are a diagnosis; the replay test is where such a bug fails).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterator, Sequence

import regex

from pipeline.model import Book, Change, Paragraph, joined_lines
from pipeline.verification.align import WORD

_NOTE_MARKER = regex.compile(r"\[\^?\d+\]")


def paragraph_words(text: str) -> list:
    """The word matches of a paragraph, footnote markers left out."""
    markers = [m.span() for m in _NOTE_MARKER.finditer(text)] if "[" in text else []
    if not markers:
        return list(WORD.finditer(text))
    return [m for m in WORD.finditer(text) if not any(a <= m.start() < b for a, b in markers)]


@dataclass(frozen=True, slots=True)
class Stretch:
    """A run of raw lines, ``first`` to ``last``, less the lines in ``exclude`` (a source citation)."""

    first: int
    last: int
    exclude: frozenset[int]


class _Place:
    """One stretch's text at the current stage: its raw lines, then the paragraphs that begin in it.

    A paragraph's words are read again only when a stage edited it: most
    stages touch few of a stretch's paragraphs."""

    def __init__(self, stretch: Stretch, lines: dict[int, str], groups: list[tuple[int, ...]]):
        self.stretch = stretch
        self.lines = lines
        self.groups = groups
        self.paragraphs: list[Paragraph] = []
        self.home = {n: k for k, group in enumerate(groups) for n in group}
        self._read: dict[int, tuple[Paragraph, list[str]]] = {}  # by paragraph: its words, read from that paragraph

    def group(self) -> None:
        for group in self.groups:
            text, starts = joined_lines(self.lines[n] for n in group)
            self.paragraphs.append(Paragraph(text, group, starts, (None,) * len(group)))
        self.lines = {}

    def apply(self, change: Change, kind: str) -> None:
        if kind == "lines":
            if change.line in self.lines:
                text, column = self.lines[change.line], change.column
                self.lines[change.line] = text[:column] + change.after + text[column + len(change.before) :]
        elif kind == "paragraphs" and change.line in self.home:
            k = self.home[change.line]
            p = self.paragraphs[k]
            offset = p.starts[p.lines.index(change.line)] + change.column
            self.paragraphs[k] = p.edit(offset, offset + len(change.before), change.after)

    def words(self) -> list[str]:
        s = self.stretch
        if self.paragraphs:
            return [w for k, p in enumerate(self.paragraphs) if p.first_line not in s.exclude for w in self._words(k, p)]
        return [w for n in range(s.first, s.last + 1) if n not in s.exclude for w in WORD.findall(self.lines.get(n, ""))]

    def _words(self, k: int, paragraph: Paragraph) -> list[str]:
        read = self._read.get(k)
        if read is None or read[0] is not paragraph:
            read = self._read[k] = (paragraph, [m.group() for m in paragraph_words(paragraph.text)])
        return read[1]


def _number(line) -> int:
    return line.number


def stage_words(raw: Book, book: Book, changes: Sequence[Change], stages: Sequence[tuple[str, str]],
                stretches: Sequence[Stretch]) -> Iterator[tuple[str | None, list[list[str]]]]:
    """Yield the words of every stretch as read (stage ``None``), then after each stage of ``stages``
    ((name, kind) in the order they ran): the words of its lines before the paragraphs are built,
    then those of the finished book's paragraphs that begin in it, in order.

    >>> from pipeline.model import Line
    >>> raw = Book("b", (Line(1, "The anticapi-"), Line(2, "talist ru1e"), Line(3, "7")))
    >>> log = [Change("repair_unicode", "digit", 2, None, "ru1e", "rule", "", 7),
    ...        Change("remove_page_furniture", "folio", 3, None, "7", "", "", 0),
    ...        Change("join_hyphenated_words", "joined", 1, None, "anticapi- talist", "anticapitalist", "", 4)]
    >>> book = Book("b", (), paragraphs=(Paragraph("The anticapitalist rule", (1, 2), (0, 19), (5, 5)),))
    >>> stages = [("repair_unicode", "lines"), ("remove_page_furniture", "lines"),
    ...           ("rebuild_paragraphs", "grouping"), ("join_hyphenated_words", "paragraphs")]
    >>> for name, found in stage_words(raw, book, log, stages, [Stretch(1, 3, frozenset())]):
    ...     print(name, found[0])
    None ['The', 'anticapi', 'talist', 'ru', '1', 'e', '7']
    repair_unicode ['The', 'anticapi', 'talist', 'rule', '7']
    remove_page_furniture ['The', 'anticapi', 'talist', 'rule']
    rebuild_paragraphs ['The', 'anticapi', 'talist', 'rule']
    join_hyphenated_words ['The', 'anticapitalist', 'rule']
    """
    order = sorted(range(len(book.paragraphs)), key=lambda k: book.paragraphs[k].first_line)  # book order is raw order, or nearly
    firsts = [book.paragraphs[k].first_line for k in order]
    places: list[_Place] = []
    where: dict[int, list[_Place]] = defaultdict(list)
    for s in stretches:
        picked = sorted(order[bisect.bisect_left(firsts, s.first) : bisect.bisect_right(firsts, s.last)])
        groups = [book.paragraphs[k].lines for k in picked]
        wanted = set(range(s.first, s.last + 1)).union(*groups)
        lo = bisect.bisect_left(raw.lines, min(wanted), key=_number)
        hi = bisect.bisect_right(raw.lines, max(wanted), lo=lo, key=_number)
        place = _Place(s, {line.number: line.text for line in raw.lines[lo:hi] if line.number in wanted}, groups)
        places.append(place)
        for n in place.lines:
            where[n].append(place)
    yield None, [place.words() for place in places]
    by_stage: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_stage[change.stage].append(change)
    for name, kind in stages:
        if kind == "grouping":
            for place in places:
                place.group()
        for change in by_stage.get(name, ()):
            for place in where.get(change.line, ()):
                place.apply(change, kind)
        yield name, [place.words() for place in places]
