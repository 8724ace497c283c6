"""``book.tei.xml``: the edition as TEI P5, for editors and digital-edition tools.

- ``teiHeader`` from the metadata the title page gave (title, authors,
  editor, publisher, place, year, ISBN, LCCN) and the scan's provenance;
- ``front`` (title page and contents, scanner junk as ``gap``), ``body``
  (a ``div type="part"`` per part with its ``head``, a ``div`` per document
  with ``head``, ``byline``, ``dateline``, ``opener``/``closer``, ``p`` and
  its source as ``bibl``), ``back`` (biographical notes, the index as a
  nested ``list``, the back cover; the library card with ``cert="low"``);
- a note reference is ``<ref xml:id="ref-iv-3" target="#note-iv-3">``, the
  note in its part's notes section ``<note xml:id="note-iv-3" target="#ref-iv-3">``;
- ``<pb n="57" xml:id="page-57"/>`` where a printed page begins, from each line's page
  provenance, and the index's page references point at them.

Built with :mod:`xml.etree.ElementTree`, so the output is well-formed by construction.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby
from types import SimpleNamespace
from typing import Iterable

import regex

from pipeline import __version__
from pipeline.edition import Write
from pipeline.edition.markdown import body_indexes, heading_text, part_heading_text
from pipeline.edition.notes import REFERENCE, label
from pipeline.model import Book, Document, IndexEntry, Paragraph
from pipeline.stages.split_documents import iso_dates

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_DATELINE = regex.compile(r"^\W*(?:[\p{L}.]+:\s*)?(?:\p{Lu}\p{Ll}+\s+\d{1,2},?\s*)?\[?1[89]\d\d\]?\W*$")
_SALUTE = regex.compile(r"^(?:Dear\s.*|(?:To\s+)?Comrades?\s+[\p{Lu}][\p{L}., ]*)[:!,]$")
_GREETING = regex.compile(r"^(?:With\b|Yours\b|\p{L}+ yours\b|Greetings\b|Comradely\b|Communist greetings\b)")
_POSTSCRIPT = regex.compile(r"^P\.?\s?S\.?\b")
_BYLINE = regex.compile(r"^By\s+\p{Lu}")


class _Pages:
    """The printed page the text has reached, so a ``pb`` goes where a new one begins."""

    def __init__(self) -> None:
        self.page: int | None = None
        self.seen: set[int] = set()

    def breaks(self, p: Paragraph) -> list[tuple[int, int]]:
        """(offset, page) of each page that begins inside the paragraph."""
        found = []
        for start, page in zip(p.starts, p.line_pages):
            if page is not None and page != self.page:
                self.page = page
                if page not in self.seen:
                    self.seen.add(page)
                    found.append((start, page))
        return found


def _fill(element: ET.Element, text: str, breaks: list[tuple[int, int]], part: str | None) -> None:
    """Put text into an element with a ``pb`` at each page break and a ``ref`` for each note reference."""
    events = [(offset, "pb", str(page)) for offset, page in breaks]
    events += [(m.start(), "ref", m[1]) for m in REFERENCE.finditer(text)]
    position, last = 0, None
    element.text = ""
    for offset, kind, value in sorted(events):
        chunk = text[position:offset]
        if last is None:
            element.text += chunk
        else:
            last.tail = (last.tail or "") + chunk
        if kind == "pb":
            last = ET.SubElement(element, "pb", {"n": value, XML_ID: f"page-{value}"})
            position = offset
        else:
            name = label(part, int(value))
            last = ET.SubElement(element, "ref", {XML_ID: f"ref-{name}", "target": f"#note-{name}", "type": "note"})
            last.text = value
            position = offset + len(f"[^{value}]")
    rest = text[position:]
    if last is None:
        element.text += rest
    else:
        last.tail = (last.tail or "") + rest


def _block(parent: ET.Element, tag: str, p: Paragraph, pages: _Pages, part: str | None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    _fill(element, p.text, pages.breaks(p), part)
    return element


def _closer_start(book: Book, d: Document, indexes: list[int]) -> int:
    """Where a letter's closing lines (greeting, signature, date) begin: up to four short standalone
    paragraphs at its end, after its last paragraph of running text."""
    if d.kind != "document":
        return len(indexes)
    k = len(indexes)
    while k > 1 and len(indexes) - k < 4:
        p = book.paragraphs[indexes[k - 1]]
        if not (p.standalone and len(p.text) < 60):
            break
        k -= 1
    return k


def _document(parent: ET.Element, book: Book, d: Document, pages: _Pages, **attributes) -> None:
    div = ET.SubElement(parent, "div", {"type": d.kind, XML_ID: f"d{d.number:02d}", "n": str(d.number), **attributes})
    for i in d.heading:
        _page_start(div, book.paragraphs[i], pages)
    head = ET.SubElement(div, "head")
    head.text = heading_text(book, d)
    if d.kind == "notes" and d.notes:
        pending = list(range(d.first, d.end))
        for entry in d.notes:
            while pending and book.paragraphs[pending[0]].first_line <= entry.line:
                _page_start(div, book.paragraphs[pending.pop(0)], pages)
            name = label(d.part, entry.number)
            note = ET.SubElement(div, "note", {XML_ID: f"note-{name}", "n": str(entry.number)})
            if entry.linked_line is not None:
                note.set("target", f"#ref-{name}")
            note.text = entry.text
        return
    skip = set(d.heading) | set(d.part_heading)
    indexes = [i for i in body_indexes(d) if i not in skip]
    closer_from = _closer_start(book, d, indexes)
    opener = None
    for k, i in enumerate(indexes):
        p = book.paragraphs[i]
        short = p.standalone and len(p.text) < 80
        if k >= closer_from and _POSTSCRIPT.match(p.text):
            _block(ET.SubElement(div, "postscript"), "p", p, pages, d.part)
        elif k >= closer_from:
            closer = div.find("closer")
            if closer is None:
                closer = ET.SubElement(div, "closer")
            tag = "salute" if _GREETING.match(p.text) else "dateline" if iso_dates(p.text) and short else "signed"
            _block(closer, tag, p, pages, d.part)
        elif short and _BYLINE.match(p.text) and k < 2:
            _block(div, "byline", p, pages, d.part)
        elif short and _DATELINE.match(p.text) and iso_dates(p.text):
            dateline = _block(div, "dateline", p, pages, d.part)
            dateline.set("n", " ".join(iso_dates(p.text)))
        elif short and _SALUTE.match(p.text) and k < 4:
            if opener is None:
                opener = ET.SubElement(div, "opener")
            _block(opener, "salute", p, pages, d.part)
        else:
            _block(div, "p", p, pages, d.part)
    if d.source and d.kind != "front":  # the front matter's source is the scan notice, in the header
        bibl = ET.SubElement(div, "bibl", {"type": "source"})
        bibl.text = d.source
    for i in d.unreadable:
        ET.SubElement(div, "gap", {"reason": "illegible", "unit": "paragraph", "quantity": "1"})


def _page_start(parent: ET.Element, p: Paragraph, pages: _Pages) -> None:
    """A ``pb`` for each page that begins in a paragraph rendered as no text of its own (a heading)."""
    for _, page in pages.breaks(p):
        ET.SubElement(parent, "pb", {"n": str(page), XML_ID: f"page-{page}"})


def _index_list(parent: ET.Element, entries: Iterable[IndexEntry], pages: set[int]) -> None:
    listing = ET.SubElement(parent, "list", {"type": "index"})
    for entry in entries:
        item = ET.SubElement(listing, "item")
        term = ET.SubElement(item, "term")
        term.text = entry.heading
        _index_refs(item, entry, pages)
        for target in entry.see:
            see = ET.SubElement(item, "ref", {"type": "see"})
            see.text = target
        if entry.problems:
            ET.SubElement(item, "note", {"type": "unread"}).text = "; ".join(entry.problems)
        if entry.subentries:
            sub = ET.SubElement(item, "list")
            for s in entry.subentries:
                sub_item = ET.SubElement(sub, "item")
                sub_item.text = s.heading
                _index_refs(sub_item, s, pages)


def _index_refs(item: ET.Element, entry: IndexEntry, pages: set[int]) -> None:
    for r in entry.refs:
        ref = ET.SubElement(item, "ref", {"target": f"#page-{r.first}"} if r.first in pages else {})
        ref.text = str(r)
        ref.tail = " "


def _header(book: Book) -> ET.Element:
    info = book.info
    header = ET.Element("teiHeader")
    file_desc = ET.SubElement(header, "fileDesc")
    title_stmt = ET.SubElement(file_desc, "titleStmt")
    ET.SubElement(title_stmt, "title").text = info.title or book.name
    for author in info.authors:
        ET.SubElement(title_stmt, "author").text = author
    if info.editor:
        ET.SubElement(title_stmt, "editor").text = info.editor
    publication = ET.SubElement(file_desc, "publicationStmt")
    ET.SubElement(publication, "p").text = (
        f"Text cleaned from OCR by the pipeline {__version__}; every edit is in changes.jsonl beside this file."
    )
    source = ET.SubElement(file_desc, "sourceDesc")
    bibl = ET.SubElement(source, "biblStruct")
    monogr = ET.SubElement(bibl, "monogr")
    for author in info.authors:
        ET.SubElement(monogr, "author").text = author
    ET.SubElement(monogr, "title", {"level": "m"}).text = info.title or book.name
    if info.editor:
        ET.SubElement(monogr, "editor").text = info.editor
    for isbn in info.isbn:
        ET.SubElement(monogr, "idno", {"type": "ISBN"}).text = isbn
    if info.lccn:
        ET.SubElement(monogr, "idno", {"type": "LCCN"}).text = info.lccn
    imprint = ET.SubElement(monogr, "imprint")
    if info.place:
        ET.SubElement(imprint, "pubPlace").text = info.place
    if info.publisher:
        ET.SubElement(imprint, "publisher").text = info.publisher
    date = ET.SubElement(imprint, "date", {"when": str(info.year)} if info.year else {})
    date.text = str(info.year) if info.year else "unknown"
    if info.provenance:
        note = ET.SubElement(source, "p")
        note.text = info.provenance + (": " if info.source_url else "")
        if info.source_url:
            ET.SubElement(note, "ref", {"target": info.source_url}).text = info.source_url
    return header


def write_tei(book: Book, write: Write) -> None:
    """The whole book as a TEI P5 document, serialised straight to ``write`` (never as one string)."""
    ET.register_namespace("", TEI_NS)
    tei = ET.Element("TEI", {"xmlns": TEI_NS})
    tei.append(_header(book))
    text = ET.SubElement(tei, "text")
    front, body, back = (ET.SubElement(text, tag) for tag in ("front", "body", "back"))
    pages = _Pages()
    book_pages = {p.number for p in book.pages}
    started = False
    for part, group in groupby(book.documents, key=lambda d: d.part):
        documents = list(group)
        if part is not None:
            started = True
            div = ET.SubElement(body, "div", {"type": "part", "n": part})
            first = documents[0]
            for i in first.part_heading[:1]:
                _page_start(div, book.paragraphs[i], pages)
            ET.SubElement(div, "head").text = part_heading_text(book, first) if first.part_heading else f"Part {part}"
            for d in documents:
                _document(div, book, d, pages)
            continue
        for d in documents:
            where = back if started else front
            if d.kind == "index" and book.index:
                div = ET.SubElement(where, "div", {"type": "index", XML_ID: f"d{d.number:02d}", "n": str(d.number)})
                for i in range(d.first, d.end):  # the index's own pages begin here; its entries are a list
                    _page_start(div, book.paragraphs[i], pages)
                ET.SubElement(div, "head").text = heading_text(book, d)
                _index_list(div, book.index, book_pages)
            else:
                _document(where, book, d, pages, **({"cert": "low"} if d.confidence == "low" else {}))
    if not body.findall("div"):
        ET.SubElement(body, "p")
    ET.indent(tei, space=" ")
    write('<?xml version="1.0" encoding="UTF-8"?>\n')
    ET.ElementTree(tei).write(SimpleNamespace(write=write), encoding="unicode")
    write("\n")
