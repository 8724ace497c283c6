"""The small document model every stage reads and returns, and the change record.

A book is a sequence of raw lines (numbered as in the raw file, 1-based) that
stages filter and rewrite, plus, once paragraphs are rebuilt, paragraphs that
remember which raw lines and printed pages they came from. Nothing here is
mutable: a stage returns a new ``Book`` and the list of ``Change`` records that
explain every difference between its input and its output.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace


@dataclass(frozen=True, slots=True)
class Line:
    """One raw line: its number in the raw file, its current text, its printed page.

    ``page`` is ``None`` until page furniture is removed, and stays ``None`` for
    unnumbered matter (title pages, back cover).
    """

    number: int
    text: str
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph with its provenance: the raw lines and printed pages it came from.

    ``lines`` lists every raw line joined into it, in order (so a paragraph that
    runs across a page break skips the removed running head). ``standalone``
    marks a short line kept as its own paragraph (heading, signature, date).
    """

    text: str
    lines: tuple[int, ...]
    pages: tuple[int, ...]
    standalone: bool = False


@dataclass(frozen=True, slots=True)
class PageInfo:
    """A printed page found in the text: its number and where it lies in the raw file.

    ``evidence`` says how the number was established: ``head`` or ``folio`` for a
    furniture line read as printed, ``misread`` for one repaired from the
    sequence, ``inferred`` for a page with no furniture line at all.
    """

    number: int
    first_line: int
    last_line: int
    evidence: str
    furniture: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Book:
    """The whole book at some point in the pipeline."""

    name: str
    lines: tuple[Line, ...]
    pages: tuple[PageInfo, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    warnings: tuple[str, ...] = ()

    def evolve(self, **changes) -> Book:
        """Return a copy with some fields replaced (stages never mutate a book)."""
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Change:
    """One explained edit: which stage and rule changed what, where, and why.

    ``line`` is the raw line number the edit applies to, ``column`` the offset
    of ``before`` in that line's text as the stage saw it. A removed line has
    ``after == ""`` and ``column == 0``; its text stays findable in ``before``.
    """

    stage: str
    rule: str
    line: int
    page: int | None
    before: str
    after: str
    evidence: str = ""
    column: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

