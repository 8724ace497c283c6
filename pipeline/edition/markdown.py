"""``book.md`` and the document files as Markdown that renders: headings, footnotes that resolve, no junk.

The paragraphs stay as the stages left them (``paragraphs.jsonl`` and the
change log explain every word); here they are only presented:

- the book opens with its title and a line of what the title page says
  (from the metadata), not with the scanner's notice;
- each part gets a ``#`` heading ("Part II: On Lenin’s Testament") and each
  document a ``##`` heading made of the paragraphs that print its title,
  joined ("Comments on Lenin’s Proposal Concerning the Work of Deputies");
  its dateline, salutation and signature stay paragraphs of their own;
- a note reference is labelled by its part (``[^iv-3]``) and the part's notes
  section defines every linked note; a note whose mark was lost is listed
  as such, with its number;
- low-confidence matter (a library card) and unreadable paragraphs are left
  to their own files.

A document file (``NN-slug.md``) carries YAML front matter, its heading, its
body, and all of its notes.
"""

from __future__ import annotations

import json
import unicodedata

import regex

from pipeline.edition import Write
from pipeline.edition.index import render_index_markdown
from pipeline.edition.notes import label, notes_by_document, relabel
from pipeline.model import Book, Document, NoteEntry

SMALL_WORDS = frozenset("a an and as at but by for in of on or the to".split())


def slug(title: str) -> str:
    """A file-name form of a title.

    >>> slug("Letter to J.V. Stalin re the Foreign Trade Monopoly")
    'letter-to-j-v-stalin-re-the-foreign-trade-monopoly'
    >>> slug("On Lenin’s Testament")
    'on-lenins-testament'
    """
    ascii_title = unicodedata.normalize("NFKD", title.replace("’", "")).encode("ascii", "ignore").decode()
    return regex.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].rstrip("-") or "untitled"


def document_file(d: Document) -> str:
    return f"{d.number:02d}-{slug(d.title)}.md"


def document_pages(book: Book, d: Document) -> list[int]:
    pages = [page for p in book.paragraphs[d.first : d.end] for page in p.pages]
    return [min(pages), max(pages)] if pages else []


def body_indexes(d: Document) -> list[int]:
    """The document's paragraphs without its source citation and its unreadable junk."""
    return [i for i in range(d.first, d.end) if i not in d.source_paragraphs and i not in d.unreadable]


def body_paragraphs(book: Book, d: Document) -> list[str]:
    return [book.paragraphs[i].text for i in body_indexes(d)]


def title_case(text: str) -> str:
    """A heading set in capitals, in title case; any other heading as printed.

    >>> title_case("ON LENIN’S TESTAMENT"), title_case("NOTES TO PART IV"), title_case("Letter to the congress")
    ('On Lenin’s Testament', 'Notes to Part IV', 'Letter to the congress')
    """
    if not text.isupper():
        return text
    words = text.split()
    return " ".join(
        w if regex.fullmatch(r"[IVXL]+", w) else w.lower() if k and w.lower() in SMALL_WORDS else w.capitalize()
        for k, w in enumerate(words)
    )


def heading_text(book: Book, d: Document) -> str:
    """The document's title as the body prints it (wrapped lines joined), or the contents' title."""
    printed = " ".join(title_case(book.paragraphs[i].text.strip()) for i in d.heading)
    return printed or d.title


def part_heading_text(book: Book, d: Document) -> str:
    """ "Part II: On Lenin’s Testament" from the paragraphs "Part II" / "ON LENIN’S TESTAMENT"."""
    texts = [title_case(book.paragraphs[i].text.strip()) for i in d.part_heading]
    return f"{texts[0]}: {' '.join(texts[1:])}" if len(texts) > 1 else " ".join(texts)


def _yaml(value) -> str:
    """A YAML scalar or flow list (JSON syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def document_meta(book: Book, d: Document) -> dict:
    """What the manifest and a document's front matter both say about it."""
    return {
        "id": d.number,
        "title": d.title,
        "author": d.author,
        "part": d.part,
        "kind": d.kind,
        "confidence": d.confidence,
        "pages": document_pages(book, d),
        "notes": len(notes_by_document(book).get(d.number, ())),
    }


def _note_lines(notes: list[tuple[NoteEntry, bool]], part: str | None, book_wide: bool, defined: bool = True) -> list[str]:
    """Definitions for the linked notes (``defined``), the others listed with their number, said to have no mark.

    A definition renders only where its reference is, so the file of a notes
    section (which has none) lists every note by number.
    """
    blocks = []
    for entry, linked in notes:
        name = label(part, entry.number) if book_wide else str(entry.number)
        if linked and defined:
            blocks.append(f"[^{name}]: {entry.text}")
        else:
            lost = "" if linked else " (no reference mark found in the text)"
            blocks.append(f"{entry.number}\\.{lost} {entry.text}")
    return blocks


def _body_blocks(book: Book, d: Document, book_wide: bool) -> list[str]:
    """The body's paragraphs in Markdown: headings left out (rendered apart), references labelled."""
    skip = set(d.heading) | set(d.part_heading)
    blocks = []
    for i in body_indexes(d):
        if i in skip:
            continue
        text = book.paragraphs[i].text
        blocks.append(relabel(text, d.part) if book_wide else text)
    if d.source:
        blocks.append(f"*{d.source}*")
    return blocks


def write_blocks(blocks: list[str], write: Write) -> None:
    r"""``"\n\n".join(blocks) + "\n"`` (nothing for no blocks), written a block at a time.

    >>> from pipeline.edition import as_text
    >>> as_text(write_blocks, ["# A", "b"]), as_text(write_blocks, [])
    ('# A\n\nb\n', '')
    """
    for n, block in enumerate(blocks):
        if n:
            write("\n\n")
        write(block)
    if blocks:
        write("\n")


def write_document(book: Book, d: Document, write: Write) -> None:
    """Front matter, the heading, the body, then all the notes of the document."""
    meta = document_meta(book, d) | {
        "dates": list(d.dates),
        "source": d.source,
        "contents_page": d.toc_page,
        "found_by": d.evidence,
    }
    write("---\n" + "".join(f"{key}: {_yaml(value)}\n" for key, value in meta.items()) + "---\n\n")
    blocks = [f"# {heading_text(book, d)}"]
    if d.kind == "notes":
        blocks += _note_lines([(e, e.linked_line is not None) for e in d.notes], d.part, False, defined=False) or _body_blocks(book, d, False)
    else:
        blocks += _body_blocks(book, d, False)
        notes = notes_by_document(book).get(d.number, [])
        if notes:
            blocks += ["## Notes"] + _note_lines(notes, d.part, False)
    if d.unreadable:
        blocks += ["## Unreadable text (low confidence, not part of the edition)"]
        blocks += [book.paragraphs[i].text for i in d.unreadable]
    write_blocks(blocks, write)


def _title_block(book: Book) -> list[str]:
    info = book.info
    blocks = [f"# {info.title}"] if info.title else []  # no title read: none invented
    if info.authors:
        blocks.append(f"**{' and '.join(info.authors)}**")
    facts = [f"Edited by {info.editor}" if info.editor else "",
             ", ".join(str(v) for v in (info.publisher, info.place, info.year) if v),
             f"ISBN {'; '.join(info.isbn)}" if info.isbn else ""]
    if any(facts):
        blocks.append(" · ".join(f for f in facts if f))
    return blocks


def _front_blocks(book: Book, d: Document) -> list[str]:
    """The printed contents; the title and copyright pages are the title block (and the front matter's file).
    Without a contents page, the front matter as it stands."""
    body = body_indexes(d)
    contents = next((k for k, i in enumerate(body) if book.paragraphs[i].text.strip().lower() == "contents"), None)
    pointer = f"*The title and copyright pages as scanned: {document_file(d)}.*"
    if contents is None:  # no contents page: what comes before the first document is text of its own
        return [book.paragraphs[i].text for i in body]
    return [pointer, "## Contents"] + [book.paragraphs[i].text for i in body[contents + 1 :]]


def write_book(book: Book, write: Write) -> None:
    """The whole edition as one Markdown file."""
    blocks = _title_block(book) if book.documents else []
    for d in book.documents:
        if d.part_heading:
            blocks.append(f"# {part_heading_text(book, d)}")
        level = "#" if d.part is None else "##"
        if d.kind == "front":
            blocks += _front_blocks(book, d)
            continue
        blocks.append(f"{level} {heading_text(book, d)}")
        if d.confidence == "low":
            blocks.append(f"*Scanner text of low confidence (a library card, stamps): kept in {document_file(d)}, not part of the edition.*")
        elif d.kind == "notes":
            blocks += _note_lines([(e, e.linked_line is not None) for e in d.notes], d.part, True) or _body_blocks(book, d, True)
        elif d.kind == "index" and book.index:
            preface = [t for t in _body_blocks(book, d, True)[:2] if len(t.split()) >= 8 and t.endswith(".")]
            blocks += preface + render_index_markdown(book)
        else:
            blocks += _body_blocks(book, d, True)
    if not book.documents:
        blocks = [p.text for p in book.paragraphs]
    write_blocks(blocks, write)
