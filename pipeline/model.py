"""The small document model every stage reads and returns, and the change record.

A book is a sequence of raw lines (numbered as in the raw file, 1-based) that
stages filter and rewrite until paragraphs are rebuilt; from then on it is
paragraphs that remember which raw lines and printed pages they came from. Nothing here is
mutable: a stage returns a new ``Book`` and the list of ``Change`` records that
explain every difference between its input and its output.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import FrozenInstanceError, asdict, dataclass, replace


_NO_PAGE = -(2**31)
"""The page of a line on no numbered page, in an array of pages."""


@dataclass(frozen=True, slots=True)
class Line:
    """One raw line: its number in the raw file, its current text, its printed page.

    ``page`` is ``None`` until page furniture is removed, and stays ``None`` for
    unnumbered matter (title pages, back cover).
    """

    number: int
    text: str
    page: int | None = None


class Lines(Sequence[Line]):
    """A book's lines stored by column: numbers and pages in arrays, the texts in a tuple.

    It reads as a tuple of :class:`Line` (each made when it is read) and
    equals a tuple of the same lines. Why: a book keeps two sets of lines
    while it is cleaned (as read, for the archive check, and as the
    stages left them), and a ``Line`` object with its number is ~90 bytes
    besides its text, twice the text itself: stored by column the lines
    cost 16 bytes each besides their text.

    >>> lines = Lines([Line(7, "Lenin"), Line(8, "Trotsky", 12)])
    >>> lines[1], len(lines), lines[:1] == (Line(7, "Lenin"),)
    (Line(number=8, text='Trotsky', page=12), 2, True)
    """

    __slots__ = ("_numbers", "_texts", "_pages", "_again")

    def __init__(self, lines: Iterable[Line] = ()):
        lines = lines if isinstance(lines, (tuple, list)) else list(lines)
        no_page = _NO_PAGE
        self._numbers = array("i", [line.number for line in lines])
        self._texts = tuple([line.text for line in lines])
        self._pages = array("i", [no_page if line.page is None else line.page for line in lines])
        self._again = None

    @classmethod
    def numbered(cls, texts: Iterable[str], again: Callable[[], Sequence[str]] | None = None) -> Lines:
        """Lines numbered from 1, with no page: a raw file as read. ``again()`` reads the same texts
        again from where they came from (:func:`pipeline.reader.read_book` gives it): see :meth:`for_later`.

        >>> Lines.numbered(["a", "b"])[1]
        Line(number=2, text='b', page=None)
        """
        texts = tuple(texts)
        lines = _columns(array("i", range(1, len(texts) + 1)), texts, array("i", [_NO_PAGE]) * len(texts))
        lines._again = again
        return lines

    def __len__(self) -> int:
        return len(self._texts)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return _columns(self._numbers[index], self._texts[index], self._pages[index])
        page = self._pages[index]
        return Line(self._numbers[index], self._texts[index], None if page == _NO_PAGE else page)

    def __iter__(self) -> Iterator[Line]:
        no_page = _NO_PAGE
        for number, text, page in zip(self._numbers, self._texts, self._pages):
            yield Line(number, text, None if page == no_page else page)

    def __eq__(self, other) -> bool:
        if isinstance(other, Lines):
            return self._texts == other._texts and self._numbers == other._numbers and self._pages == other._pages
        if isinstance(other, (tuple, list)):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._texts, self._numbers.tobytes(), self._pages.tobytes()))

    def __repr__(self) -> str:
        return f"Lines({list(self)!r})"

    def __reduce__(self):
        return _columns, (self._numbers, self._texts, self._pages)

    def for_later(self) -> Lines:
        """The same lines, kept for a reader at the end of a run: lines read from a file
        (:meth:`numbered` with ``again``) keep no texts until then, and read them again at the first use.

        The book as read waits through every stage for the archive check,
        which reads it once at the end, and not at all when its result is
        cached. Kept as strings, its texts cost about twice the file's bytes
        (a string's header is ~50 bytes; one curly quote makes a whole line
        two bytes a character) and kept alive every line the stages left
        unchanged; kept compressed, still half the file's bytes for each
        copy of a book. Lines made in memory are kept as they are.

        >>> lines = Lines.numbered(["Lenin’s", ""], again=lambda: ("Lenin’s", ""))
        >>> later = lines.for_later()
        >>> later._texts._texts is None, later == lines, later[0].text, later._texts._texts is not None
        (True, True, 'Lenin’s', True)
        """
        if self._again is None:
            return self
        return _columns(self._numbers, ReadAgain(self._again, len(self._texts)), self._pages)


class ReadAgain(Sequence[str]):
    """Texts read again, at the first use, from where they came from (``again()``), and kept from then on:
    the texts of the book as read, held back until the archive check (:meth:`Lines.for_later`).

    >>> texts = ReadAgain(lambda: ("Lenin", "", "Trotsky’s"), 3)
    >>> len(texts), texts._texts is None
    (3, True)
    >>> texts[2], texts[:2], texts == ("Lenin", "", "Trotsky’s"), hash(texts) == hash(("Lenin", "", "Trotsky’s"))
    ('Trotsky’s', ('Lenin', ''), True, True)
    """

    __slots__ = ("_again", "_count", "_texts")

    def __init__(self, again: Callable[[], Sequence[str]], count: int):
        self._again, self._count, self._texts = again, count, None

    @property
    def texts(self) -> tuple[str, ...]:
        """The texts, read at the first use (two threads at once only read them twice)."""
        if self._texts is None:
            self._texts = tuple(self._again())
        return self._texts

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        return self.texts[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __eq__(self, other) -> bool:
        if isinstance(other, ReadAgain):
            other = other.texts
        return self.texts == tuple(other) if isinstance(other, (tuple, list)) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.texts)

    def __reduce__(self):
        return tuple, (self.texts,)


def _columns(numbers: array, texts: tuple[str, ...], pages: array) -> Lines:
    """Lines made straight from their columns (a slice, unpickling)."""
    lines = Lines()
    lines._numbers, lines._texts, lines._pages = numbers, texts, pages
    return lines


class Numbers(array):
    """A paragraph's raw line numbers or line starts, as :class:`Paragraph` reads them out of its array.

    It reads, compares and hashes like the tuple of its ints, so code and
    tests written for tuples (``p.lines == (10, 11)``, ``p.lines[0]``,
    ``p.lines.index(n)``) read it unchanged; like that tuple, it is never
    changed in place. A slice is a plain ``array``.

    >>> Numbers((10, 11)) == (10, 11), Numbers((10, 11)) != [10, 11], hash(Numbers((10, 11))) == hash((10, 11))
    (True, False, True)
    """

    __slots__ = ()

    def __new__(cls, values: Iterable[int] = ()):
        return super().__new__(cls, "i", values)

    def __eq__(self, other) -> bool:
        if isinstance(other, (tuple, list)):
            return len(self) == len(other) and tuple(self) == tuple(other)
        return array.__eq__(self, other)

    def __ne__(self, other) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))


class Paragraph:
    """A paragraph with its provenance: the raw lines and printed pages it came from.

    ``lines`` lists every raw line joined into it, in order (so a paragraph that
    runs across a page break skips the removed running head); ``starts`` gives
    the offset in ``text`` where each of those lines begins, and ``line_pages``
    the printed page of each. ``standalone`` marks a short line kept as its own
    paragraph (heading, signature, date). Frozen, like the rest of the model.

    The three are kept in one array of 4-byte ints (lines, then starts, then
    pages) and read back as :class:`Numbers` and a tuple: every paragraph of
    every stage keeps them, and three objects of their own (two arrays and a
    tuple of page ints) cost ~250 bytes a paragraph more than the numbers, a
    tenth of the memory each extra copy of a book costs.

    >>> p = Paragraph("the anticapi- talist rule", (10, 11), (0, 14), (5, 6))
    >>> p.pages, p.locate(16)
    ((5, 6), (11, 6, 2))
    >>> q = p.edit(4, 21, "anticapitalist ")
    >>> q.text, q.starts
    ('the anticapitalist rule', (0, 19))
    """

    __slots__ = ("text", "_where", "standalone")
    text: str
    standalone: bool

    def __init__(self, text: str, lines: Iterable[int], starts: Iterable[int],
                 line_pages: Iterable[int | None], standalone: bool = False) -> None:
        where = array("i", lines)
        count = len(where)
        where.extend(starts)
        where.extend([_NO_PAGE if page is None else page for page in line_pages])
        if len(where) != 3 * count:
            raise ValueError(f"a paragraph needs a start and a page for each of its {count} line(s)")
        _set(self, "text", text)
        _set(self, "_where", where)
        _set(self, "standalone", standalone)

    @property
    def lines(self) -> Numbers:
        """The raw line numbers, in order."""
        return Numbers(self._where[: len(self._where) // 3])

    @property
    def starts(self) -> Numbers:
        """The offset in ``text`` where each line begins."""
        count = len(self._where) // 3
        return Numbers(self._where[count : 2 * count])

    @property
    def line_pages(self) -> tuple[int | None, ...]:
        """The printed page of each line (None for unnumbered matter)."""
        return tuple([None if page == _NO_PAGE else page for page in self._where[2 * (len(self._where) // 3) :]])

    @property
    def first_line(self) -> int:
        """The first raw line (``lines[0]``, without making ``lines``)."""
        return self._where[0]

    @property
    def last_line(self) -> int:
        """The last raw line (``lines[-1]``, without making ``lines``)."""
        return self._where[len(self._where) // 3 - 1]

    @property
    def pages(self) -> tuple[int, ...]:
        """The distinct printed pages, in order."""
        pages = dict.fromkeys(self._where[2 * (len(self._where) // 3) :])
        pages.pop(_NO_PAGE, None)
        return tuple(pages)

    def locate(self, offset: int) -> tuple[int, int | None, int]:
        """(raw line, page, column in that line) of a character offset in ``text``."""
        where, count = self._where, len(self._where) // 3
        index = max(bisect.bisect_right(where, offset, count, 2 * count) - count - 1, 0)  # starts never decrease, edits included
        page = where[2 * count + index]
        return where[index], None if page == _NO_PAGE else page, offset - where[count + index]

    def edit(self, start: int, end: int, new: str) -> Paragraph:
        """Replace ``text[start:end]`` with ``new``, keeping line starts in step.

        A line start inside the replaced span (a line break the edit joins
        across) moves to the end of the new text.
        """
        where, count = self._where, len(self._where) // 3
        delta = len(new) - (end - start)
        moved = where[:count]
        moved.extend([s if s <= start else s + delta if s >= end else start + len(new) for s in where[count : 2 * count]])
        moved.extend(where[2 * count :])
        return _paragraph(self.text[:start] + new + self.text[end:], moved, self.standalone)

    def __eq__(self, other) -> bool:
        if other.__class__ is not Paragraph:
            return NotImplemented
        return self.text == other.text and self._where == other._where and self.standalone == other.standalone

    def __hash__(self) -> int:
        return hash((self.text, self._where.tobytes(), self.standalone))

    def __repr__(self) -> str:
        return (f"Paragraph(text={self.text!r}, lines={self.lines!r}, starts={self.starts!r}, "
                f"line_pages={self.line_pages!r}, standalone={self.standalone!r})")

    def __setattr__(self, name: str, value) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self):
        return _paragraph, (self.text, self._where, self.standalone)


_set = object.__setattr__


def _paragraph(text: str, where: array, standalone: bool) -> Paragraph:
    """A paragraph from its text and its one array, as :meth:`Paragraph.edit` and unpickling make it."""
    paragraph = object.__new__(Paragraph)
    _set(paragraph, "text", text)
    _set(paragraph, "_where", where)
    _set(paragraph, "standalone", standalone)
    return paragraph


def homes(paragraphs: Sequence[Paragraph], lines: Iterable[int]) -> dict[int, int]:
    """The index of the first paragraph that holds each of these raw lines; a line no paragraph holds is left out.

    One pass over the paragraphs for all the lines: looked up one at a time,
    a book's review rows cost rows × paragraphs (a 45 MB book has ~16,000
    rows and ~145,000 paragraphs).

    >>> homes([Paragraph("a", (1, 2), (0, 1), (5, 5)), Paragraph("b", (2, 4), (0, 1), (5, 5))], [4, 2, 9])
    {2: 0, 4: 1}
    """
    wanted, found = set(lines), {}
    for index, paragraph in enumerate(paragraphs):
        for line in paragraph.lines:
            if line in wanted and line not in found:
                found[line] = index
        if len(found) == len(wanted):
            break
    return found


def joined_lines(texts) -> tuple[str, tuple[int, ...]]:
    """Lines joined into a paragraph's text (each stripped, one space between) and where each begins:
    how ``rebuild_paragraphs`` makes a paragraph, and how the replay and the check rebuild it.

    >>> joined_lines(["the anticapi- ", " talist rule"])
    ('the anticapi- talist rule', (0, 14))
    """
    texts = [text.strip() for text in texts]
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1
    return " ".join(texts), tuple(starts)


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
class ReviewItem:
    """A case for a person to check: a token a stage would not decide alone (left as printed),
    a decision taken only by default, or a difference from the archive.

    Written to ``clean/<book>/review.tsv`` (stage, page, line, token, candidates, context, reason).
    """

    stage: str
    line: int
    page: int | None
    token: str
    candidates: tuple[str, ...]
    context: str
    reason: str


@dataclass(frozen=True, slots=True)
class NoteEntry:
    """One endnote of a notes section and where its reference was found (or why not)."""

    number: int
    text: str
    line: int
    linked_line: int | None
    document: int | None
    evidence: str
    certain: bool = False


@dataclass(frozen=True, slots=True)
class Document:
    """One document of the book: a letter, an article, a part introduction, a notes section…

    It spans ``book.paragraphs[first:end]``. ``source`` is the citation
    ("[Lenin, Collected Works, vol. 33, pp. 487-502.]") taken out of the body
    (its paragraph indexes in ``source_paragraphs``); ``footnotes`` are the
    endnotes it cites, (number, text); a notes section lists its ``notes``.
    ``confidence`` is ``low`` for matter that is mostly scanner junk (a library
    card); ``unreadable`` lists paragraphs of mostly junk inside a document, kept
    out of the edition's text but in the document's file. ``heading`` and
    ``part_heading`` are the paragraphs that print its title and its part's
    title, which the edition renders as headings.
    """

    number: int
    kind: str
    title: str
    author: str | None
    part: str | None
    first: int
    end: int
    evidence: str
    toc_page: int | None = None
    source: str | None = None
    source_paragraphs: tuple[int, ...] = ()
    dates: tuple[str, ...] = ()
    footnotes: tuple[tuple[int, str], ...] = ()
    notes: tuple[NoteEntry, ...] = ()
    confidence: str = "high"
    unreadable: tuple[int, ...] = ()
    heading: tuple[int, ...] = ()
    part_heading: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class BookInfo:
    """What the title and copyright pages say about the book, and where the scan came from.

    ``provenance`` is the scanner's notice ("Digitized by the Internet Archive
    in 2023 ..."), metadata, never the book's text; ``evidence`` says for each
    field how it was read (the raw line, or the rules file that gives it).
    """

    title: str | None = None
    authors: tuple[str, ...] = ()
    editor: str | None = None
    publisher: str | None = None
    place: str | None = None
    year: int | None = None
    isbn: tuple[str, ...] = ()
    lccn: str | None = None
    provenance: str | None = None
    source_url: str | None = None
    evidence: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict:
        data = asdict(self)
        data["evidence"] = dict(self.evidence)
        return data


@dataclass(frozen=True, slots=True)
class PageRef:
    """A page reference of the index: a page or range, ``kind`` ``n`` (a note on that page),
    ``b`` (a biographical note) or ``ff`` (and following pages)."""

    first: int
    last: int
    kind: str = ""

    def __str__(self) -> str:
        pages = str(self.first) if self.first == self.last else f"{self.first}-{self.last}"
        return pages + self.kind


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """An index entry: its heading, page references, cross-references, sub-entries,
    the raw lines it was read from, and what could not be read."""

    heading: str
    refs: tuple[PageRef, ...] = ()
    see: tuple[str, ...] = ()
    subentries: tuple[IndexEntry, ...] = ()
    lines: tuple[int, ...] = ()
    problems: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "heading": self.heading,
            "refs": [str(r) for r in self.refs],
            "see": list(self.see),
            "subentries": [s.to_dict() for s in self.subentries],
            "lines": list(self.lines),
            "problems": list(self.problems),
        }


@dataclass(frozen=True, slots=True)
class Book:
    """The whole book at some point in the pipeline.

    ``lines`` may be given as any sequence of :class:`Line`; the book keeps
    them as :class:`Lines`. Once ``rebuild_paragraphs`` has grouped them into
    ``paragraphs`` (which record the raw lines and pages they came from), the
    book keeps no lines.
    """

    name: str
    lines: Lines
    pages: tuple[PageInfo, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    review: tuple[ReviewItem, ...] = ()
    documents: tuple[Document, ...] = ()
    warnings: tuple[str, ...] = ()
    info: BookInfo = BookInfo()
    index: tuple[IndexEntry, ...] = ()
    closed: tuple[tuple[str, int, str], ...] = ()
    """Review rows (stage, line, token) a reviewer has decided (rules/review_decisions.tsv)."""

    def __post_init__(self) -> None:
        if not isinstance(self.lines, Lines):
            object.__setattr__(self, "lines", Lines(self.lines))

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



def change_in(paragraph: Paragraph, stage: str, rule: str, start: int, end: int, after: str, evidence: str = "") -> Change:
    """The change record for replacing ``paragraph.text[start:end]`` with ``after``.

    It names the raw line and page where the span begins and the column in
    that line, so the edit can be found in the scan and replayed.

    >>> p = Paragraph("the anticapi- talist rule", (10, 11), (0, 14), (5, 6))
    >>> change_in(p, "join_hyphenated_words", "book_joined", 4, 20, "anticapitalist")
    Change(stage='join_hyphenated_words', rule='book_joined', line=10, page=5, before='anticapi- talist', after='anticapitalist', evidence='', column=4)
    """
    line, page, column = paragraph.locate(start)
    return Change(stage, rule, line, page, paragraph.text[start:end], after, evidence, column)
