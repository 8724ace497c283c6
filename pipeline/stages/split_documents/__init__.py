"""Stage ``split_documents``: cut the book into its documents, with metadata and their own notes.

The table of contents gives the documents (see :mod:`pipeline.stages.split_documents.contents`);
each is found in the body by its printed page and a fuzzy title match. A
book without a contents page falls back to its part headings. Around the
found starts: a part heading ("Part II" / "ON LENIN’S TESTAMENT") belongs
to the part's introduction, and a dateline set above a title after the
previous document's source citation belongs to the new document. Text before
the first entry is the front matter and, where ``rules/<book>.toml`` says
where it starts, the back matter is a library card (low confidence) and the
back cover, so no text is outside a document. The title page is read into
the book's metadata and the scanner's notice is the front matter's source,
not its text (:mod:`pipeline.stages.split_documents.matter`).

Endnotes: every "Notes to Part N" is parsed into numbered notes, their
references are recovered in the part's documents (see :mod:`pipeline.stages.split_documents.notes`)
and rewritten as Markdown footnote references (``[^2]``), each logged; every
document then carries the notes it cites.

>>> from pipeline.model import Book, Paragraph
>>> from pipeline.config import Config
>>> texts = [("Contents", ()), ("PART I: Letters", ()), ("To Comrade Stalin by V.I. Lenin 3", ()),
...          ("Notes to Part I 4", ()), ("Part I", (3,)), ("LETTERS", (3,)), ("To Comrade Stalin", (3,)),
...          ("The question of the monopoly.1 I insist.", (3,)), ("NOTES TO PART I", (4,)), ("1. See the CC.", (4,))]
>>> ps = tuple(Paragraph(t, (i,), (0,), (p[0] if p else None,)) for i, (t, p) in enumerate(texts, start=1))
>>> book, changes = split_documents(Book("demo", (), paragraphs=ps), Config())
>>> [(d.number, d.kind, d.title, d.first, d.end, d.footnotes) for d in book.documents]
[(0, 'front', 'Front matter', 0, 4, ()), (1, 'document', 'To Comrade Stalin', 4, 8, ((1, 'See the CC.'),)), (2, 'notes', 'Notes to Part I', 8, 10, ())]
>>> book.paragraphs[7].text, changes[0].rule
('The question of the monopoly.[^1] I insist.', 'note_reference')
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Sequence

import regex

from pipeline.config import Config
from pipeline.stages.split_documents.contents import (
    Entry, find_contents, heading_length, locate, parse_contents, title_score,
)
from pipeline.stages.split_documents.index import is_preface, read_index, repair_page_digits
from pipeline.stages.split_documents.matter import is_unreadable, library_card_end, read_title_page
from pipeline.lexicon import word_counts
from pipeline.model import Book, BookInfo, Change, Document, IndexEntry, NoteEntry, Paragraph, ReviewItem, change_in
from pipeline.stages.split_documents.note_links import Link, align_marks, leftovers, place_lost
from pipeline.stages.split_documents.notes import find_marks, parse_notes

STAGE = "split_documents"

COMMON_WORD = 20
"""A word used more often than this in the book says nothing about which note a mark is."""

_CITATION = regex.compile(r"^[\[{(|].*(?:Collected Works|Papers|pp?\.\s*\d|Speaks|vol\.)", regex.IGNORECASE)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = regex.compile(rf"\b(?P<month>{_MONTHS})\s+(?P<day>\d{{1,2}})(?:,\s*|\s+\[)(?P<year>1[89]\d\d)\b")
_DATELINE = regex.compile(rf"^\W*(?:[\p{{L}}.]+:\s*)?(?:{_MONTHS})\s+\d{{1,2}}(?:,\s*|\s+\[)\d{{4}}\W*$")
LONG_DOCUMENT = 60
"""In a document of more paragraphs than this (an article), a dateline in the middle dates a letter it
quotes; only datelines among its first and last :data:`DATED_EDGE` paragraphs date the document."""
DATED_EDGE = 5
_PART_HEADING = regex.compile(r"^part\s+(?P<roman>[IVXL]+)$", regex.IGNORECASE)


def iso_dates(text: str) -> list[str]:
    """Dates written "December 23, 1922" in the text, as ISO strings.

    >>> iso_dates("Taken down by M.V. December 23, 1922; [March 2, 1923]; September 29 [1922]")
    ['1922-12-23', '1923-03-02', '1922-09-29']
    """
    months = _MONTHS.split("|")
    return [
        f"{m['year']}-{months.index(m['month']) + 1:02d}-{int(m['day']):02d}" for m in _DATE.finditer(text)
    ]


def _with_dateline(paragraphs: Sequence[Paragraph], start: int, floor: int) -> int:
    """Move a start back over a dateline that sits after the previous document's citation."""
    if start - 2 >= floor and _DATELINE.match(paragraphs[start - 1].text) and _CITATION.match(paragraphs[start - 2].text):
        return start - 1
    return start


def _with_part_heading(paragraphs: Sequence[Paragraph], start: int, floor: int, entry: Entry) -> int:
    """Move the first document of a part back over the part's heading ("Part I" / "LETTERS")."""
    k = start
    if entry.part_title and k - 1 >= floor and title_score(entry.part_title, paragraphs[k - 1].text) >= 90:
        k -= 1
    if k - 1 >= floor and regex.match(rf"^part\s+{entry.part}$", paragraphs[k - 1].text.strip(), regex.IGNORECASE):
        return k - 1
    return start


def _fallback_entries(paragraphs: Sequence[Paragraph]) -> list[tuple[Entry, int]]:
    """Without a contents page: one document per part heading ("Part II"), and per notes heading."""
    found = []
    for i, p in enumerate(paragraphs):
        text = p.text.strip()
        heading = _PART_HEADING.match(text)
        if p.standalone and heading:
            found.append((Entry(f"Part {heading['roman'].upper()}", None, heading["roman"].upper(), None, "intro"), i))
        elif p.standalone and regex.match(r"^notes to part\s+[IVXL]+$", text, regex.IGNORECASE):
            found.append((Entry(text.title(), None, text.split()[-1].upper(), None, "notes"), i))
    return found


def find_documents(book: Book, config: Config) -> tuple[list[Document], list[str], BookInfo]:
    """The documents' spans and metadata, warnings for entries not found, and what the title page says."""
    paragraphs = book.paragraphs
    warnings: list[str] = []
    span = find_contents(paragraphs)
    placed: list[tuple[Entry, int, int, str]] = []
    entries: list[Entry] = []
    if span:
        entries = parse_contents(paragraphs[span[0] : span[1]])
        floor = span[1]
        for entry, (index, score) in zip(entries, locate(entries, paragraphs, floor)):
            if index is None:
                warnings.append(f"{book.name}: contents entry {entry.title!r} (p. {entry.page}) not found in the body")
                continue
            previous = placed[-1][1] + 1 if placed else floor
            start = _with_dateline(paragraphs, index, previous)
            if entry.part and (not placed or placed[-1][0].part != entry.part):
                start = _with_part_heading(paragraphs, start, previous, entry)
            where = f"p. {entry.page}" if entry.page is not None else f"page printed {entry.printed_page!r}, unreadable"
            how = f"contents {where}, heading match {score:.0f}" + (", with its dateline" if start < index else "")
            placed.append((entry, start, index, how))
    else:
        warnings.append(f"{book.name}: no contents page; documents cut at part headings")
        placed = [(entry, index, index, "part heading") for entry, index in _fallback_entries(paragraphs)]
    back_line = config.book_rules.get(book.name, {}).get(STAGE, {}).get("back_matter_line")
    back = next((i for i, p in enumerate(paragraphs) if back_line and p.first_line >= back_line), len(paragraphs))
    documents: list[Document] = []
    first_start = placed[0][1] if placed else len(paragraphs)
    if not placed:
        # No contents to cut by: the text is one document, never all "front matter" kept out of the edition.
        documents.append(Document(0, "document", book.name, None, None, 0, back, "no table of contents found: the whole text"))
    elif first_start > 0:
        documents.append(Document(0, "front", "Front matter", None, None, 0, first_start, "before the first contents entry"))
    for n, (entry, start, index, how) in enumerate(placed):
        end = placed[n + 1][1] if n + 1 < len(placed) else back
        part_heading, heading = _headings(entry, paragraphs, start, index, end)
        documents.append(
            Document(len(documents), entry.kind, entry.title, entry.author, entry.part, start, end, how, entry.page,
                     heading=heading, part_heading=part_heading)
        )
    if back < len(paragraphs):
        card = library_card_end(paragraphs, back, len(paragraphs))
        where = f"rules/{book.name}.toml back_matter_line"
        if card > back:
            documents.append(Document(len(documents), "back", "Library card", None, None, back, card,
                                      f"{where}; short standalone lines up to the back cover's text", confidence="low"))
        if card < len(paragraphs):
            documents.append(Document(len(documents), "back", "Back cover", None, None, card, len(paragraphs),
                                      f"{where}; the first running text after the library card"))
    documents = [_with_metadata(d, paragraphs) for d in documents]
    info = BookInfo()
    if documents and documents[0].kind == "front":
        contents = range(*span) if span else range(0)
        outside = [i for i in range(documents[0].first, documents[0].end) if i not in contents]
        authors = {e.author for e in entries if e.author}
        info, notice = read_title_page(paragraphs, outside, authors, config.book_rules.get(book.name, {}).get("metadata", {}))
        known = config.lexicon_words | config.archive_words
        documents[0] = replace(
            documents[0],
            source=paragraphs[notice].text if notice is not None else None,
            source_paragraphs=(notice,) if notice is not None else (),
            unreadable=tuple(i for i in outside if i != notice and is_unreadable(paragraphs[i].text, known)),
        )
    return documents, warnings, info


def _headings(entry: Entry, paragraphs: Sequence[Paragraph], start: int, index: int, end: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The paragraphs printing the part's title ("Part II" / "ON LENIN’S TESTAMENT") and the document's title."""
    k, part = start, []
    if k < index and _DATELINE.match(paragraphs[k].text):
        k += 1
    if k < end and regex.match(r"^part\s+[IVXL]+$", paragraphs[k].text.strip(), regex.IGNORECASE):
        part.append(k)
        k += 1
        while entry.part_title and k < end and title_score(entry.part_title, paragraphs[k].text) >= 90:
            part.append(k)
            k += 1
    k = max(k, index)
    length = heading_length(entry.title, paragraphs[:end], k)
    return tuple(part), tuple(range(k, k + length))


def _with_metadata(document: Document, paragraphs: Sequence[Paragraph]) -> Document:
    """Take the source citation out of the body; collect the dates of its datelines."""
    source: list[int] = []
    for i in range(document.end - 1, max(document.first, document.end - 3) - 1, -1):
        if _CITATION.match(paragraphs[i].text) and (not source or source[-1] == i + 1):
            source.append(i)
        elif source or not paragraphs[i].standalone:
            break
    source.sort()
    dates = []
    if document.kind in ("document", "intro"):
        span = range(document.first, document.end)
        if len(span) > LONG_DOCUMENT:
            span = [*span[:DATED_EDGE], *span[-DATED_EDGE:]]
        for p in (paragraphs[i] for i in span):
            if p.standalone or _DATELINE.match(p.text):
                dates.extend(iso_dates(p.text))
    return Document(
        **{
            **{f: getattr(document, f) for f in Document.__slots__},
            "source": " ".join(paragraphs[i].text for i in source) or None,
            "source_paragraphs": tuple(source),
            "dates": tuple(dict.fromkeys(dates)),
        }
    )


def link_notes(
    book: Book, documents: list[Document], config: Config
) -> tuple[list[Paragraph], list[Change], dict[int, list[tuple[int, str]]], dict[int, tuple[NoteEntry, ...]], list[ReviewItem]]:
    """Recover each part's note references, rewrite them as ``[^n]``, and say which document cites which note.

    A mark that is no punctuation where it stands but that no note could be
    linked to (or that stands in a part without notes) is taken out of the
    text, a closing quote it also stood for kept, and put on the review list.
    """
    paragraphs = list(book.paragraphs)
    changes: list[Change] = []
    review: list[ReviewItem] = []
    footnotes: dict[int, list[tuple[int, str]]] = defaultdict(list)
    entries: dict[int, tuple[NoteEntry, ...]] = {}
    counts = word_counts(p.text.lower() for p in paragraphs)
    common = frozenset(w for w, c in counts.items() if c > COMMON_WORD)
    parts = dict.fromkeys(d.part for d in documents if d.part and d.kind in ("intro", "document"))
    for part in parts:
        notes_doc = next((d for d in documents if d.kind == "notes" and d.part == part), None)
        notes = parse_notes(paragraphs, range(notes_doc.first, notes_doc.end)) if notes_doc else []
        citing = [d for d in documents if d.part == part and d.kind in ("intro", "document")]
        body = [i for d in citing for i in range(d.first, d.end) if i not in d.source_paragraphs]
        marks = find_marks(paragraphs, body)
        links, dropped = align_marks(marks, notes, config.note_marks, common)
        places = place_lost(paragraphs, body, notes, links, common)
        if places:  # align again with the places as candidates: they may settle marks left ambiguous
            links, dropped = align_marks(marks, notes, config.note_marks, common, places)
        by_number: dict[int, Link] = {link.number: link for link in links}
        edits = [(link.mark, f"{link.mark.closes}[^{link.number}]", f"Part {part} note {link.number}: {link.evidence}")
                 for link in links]
        for mark in leftovers(marks, links):
            why = f"no note of Part {part} could be linked to it" if notes else f"Part {part} has no notes"
            edits.append((mark, mark.closes, f"{mark.text!r} is no punctuation where it stands and {why}; taken out"))
        shift: dict[int, int] = defaultdict(int)
        for mark, put, evidence in sorted(edits, key=lambda e: (e[0].paragraph, e[0].start)):
            p = paragraphs[mark.paragraph]
            at, end = mark.start + shift[mark.paragraph], mark.end + shift[mark.paragraph]
            if mark.text and p.text[at - 1 : at] == " ":
                at -= 1  # a mark set apart ("Lenin’s ë which", "Radek... 17") goes with its space
            # The change spans the whole printed token, so "Krupskaya.!" stays findable in the log.
            start = p.text.rfind(" ", 0, at) + 1
            stop = p.text.find(" ", end) if " " in p.text[end:] else len(p.text)
            new = p.text[start:at] + put + p.text[end:stop]
            rule = "note_reference" if "[^" in put else "note_mark_removed"
            changes.append(change_in(p, STAGE, rule, start, stop, new, evidence))
            if rule == "note_mark_removed":
                line, page, _ = p.locate(at)
                context = p.text[max(0, at - 60) : end + 30]
                review.append(ReviewItem(STAGE, line, page, mark.text, (), context, evidence))
            paragraphs[mark.paragraph] = p.edit(start, stop, new)
            shift[mark.paragraph] += len(new) - (stop - start)
        if not notes_doc:
            continue
        note_entries = []
        for note in notes:
            link = by_number.get(note.number)
            doc = next((d for d in citing if link and d.first <= link.mark.paragraph < d.end), None)
            line = paragraphs[note.paragraph].first_line
            if link and doc:
                footnotes[doc.number].append((note.number, note.text))
                evidence = link.evidence
                linked = paragraphs[link.mark.paragraph].locate(link.mark.start)[0]
            else:
                evidence = dropped.get(note.number, "no reference mark found where the sequence expects it")
                linked = None
            certain = bool(link and doc and link.certain)
            note_entries.append(NoteEntry(note.number, note.text, line, linked, doc.number if doc else None, evidence, certain))
        entries[notes_doc.number] = tuple(note_entries)
    return paragraphs, changes, footnotes, entries, review


def split_documents(book: Book, config: Config) -> tuple[Book, list[Change]]:
    """Find the documents, link their endnotes, and attach both to the book."""
    documents, warnings, info = find_documents(book, config)
    paragraphs, changes, footnotes, entries, removed = link_notes(book, documents, config)
    final = []
    for d in documents:
        fields = {f: getattr(d, f) for f in Document.__slots__}
        fields["footnotes"] = tuple(sorted(footnotes.get(d.number, ())))
        fields["notes"] = entries.get(d.number, ())
        final.append(Document(**fields))
    uncertain = [(d, e) for d in final for e in d.notes if not e.certain]
    wanted = {e.linked_line or e.line for _, e in uncertain}
    page_of = {n: page for p in paragraphs for n, page in zip(p.lines, p.line_pages) if n in wanted}  # not every line's: a big book has hundreds of thousands
    review = tuple(
        ReviewItem(STAGE, e.linked_line or e.line, page_of.get(e.linked_line or e.line), f"note {e.number}", (),
                   " ".join(e.text.split()[:14]), f"Part {d.part}: {e.evidence}")
        for d, e in uncertain
    ) + tuple(removed)
    index: tuple[IndexEntry, ...] = ()
    pages = {p.number for p in book.pages}
    for d in (d for d in final if d.kind == "index"):
        body = [i for i in range(d.first, d.end) if i not in d.heading and not is_preface(paragraphs[i].text)]
        changes += repair_page_digits(paragraphs, body, config.folio_digits, pages)
        index = read_index(paragraphs, body, pages)
        page_of = {n: page for i in body for n, page in zip(paragraphs[i].lines, paragraphs[i].line_pages)}
        review += tuple(
            ReviewItem(STAGE, e.lines[0], page_of.get(e.lines[0]), e.heading, (), " ".join(str(r) for r in e.refs)[:80], f"index entry: {problem}")
            for e in index
            for problem in e.problems
        )
    return (
        book.evolve(
            paragraphs=tuple(paragraphs),
            documents=tuple(final),
            review=book.review + review,
            warnings=book.warnings + tuple(warnings),
            info=info,
            index=index,
        ),
        changes,
    )

