"""The book's index as files: ``index.json`` (structured) and Markdown (``index.md`` and book.md's index).

The entries are read by :mod:`pipeline.stages.split_documents.index` (which
logs every page number it repairs); here they are written out. A reference
is printed as the book prints it ("75-76", "149n" for a note on page 149,
"150b" for the biographical notes); an entry the OCR left partly unreadable
says so in italics, so a reader knows where to look in the scan.
"""

from __future__ import annotations

import json

from pipeline.model import Book, IndexEntry


def render_index_json(book: Book) -> str:
    """Every entry with its references, cross-references, sub-entries, raw lines and problems."""
    entries = [entry.to_dict() for entry in book.index]
    summary = {
        "entries": len(book.index),
        "subentries": sum(len(e.subentries) for e in book.index),
        "references": sum(len(e.refs) + sum(len(s.refs) for s in e.subentries) for e in book.index),
        "with_problems": sum(bool(e.problems) for e in book.index),
    }
    return json.dumps({"book": book.name, "summary": summary, "entries": entries}, ensure_ascii=False, indent=2) + "\n"


def _refs(entry: IndexEntry) -> str:
    return ", ".join(str(r) for r in entry.refs)


def entry_lines(entry: IndexEntry) -> list[str]:
    """One entry as a Markdown list item with its sub-entries nested.

    >>> from pipeline.model import PageRef
    >>> e = IndexEntry("Bureaucracy", (PageRef(5, 5), PageRef(112, 112, "n")), (), (IndexEntry("defined", (PageRef(11, 11),)),))
    >>> entry_lines(e)
    ['- **Bureaucracy**, 5, 112n', '  - defined, 11']
    """
    head = f"- **{entry.heading}**" + (f", {_refs(entry)}" if entry.refs else "")
    if entry.see:
        head += "".join(f". *See{' also' if entry.refs or entry.subentries else ''}* {target}" for target in entry.see)
    if entry.problems:
        head += f" *(unread in the scan: {'; '.join(entry.problems)}; raw line {entry.lines[0]})*"
    return [head] + [f"  - {sub.heading}" + (f", {_refs(sub)}" if sub.refs else "") for sub in entry.subentries]


def render_index_markdown(book: Book) -> list[str]:
    """The index as Markdown blocks: one list, an entry per item."""
    return ["\n".join(line for entry in book.index for line in entry_lines(entry))] if book.index else []
