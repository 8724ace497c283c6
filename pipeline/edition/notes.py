"""Footnotes for the edition: labels unique across the book, and every note placed with its document.

Each part numbers its endnotes from 1, so "note 3" means five different
notes in one book: in ``book.md`` a note is labelled by its part
(``[^iv-3]``). A note whose reference mark the OCR lost still belongs to a
document: the one its neighbours in the sequence are linked in
(:func:`notes_by_document`), so each document's file carries all of its notes.
"""

from __future__ import annotations

from collections import defaultdict

import regex

from pipeline.model import Book, NoteEntry

REFERENCE = regex.compile(r"\[\^(\d+)\]")


def label(part: str | None, number: int) -> str:
    """The book-wide label of a note.

    >>> label("IV", 3), label(None, 2)
    ('iv-3', '2')
    """
    return f"{part.lower()}-{number}" if part else str(number)


def relabel(text: str, part: str | None) -> str:
    """A paragraph's references with book-wide labels.

    >>> relabel("the monopoly.[^1] I insist.[^12]", "V")
    'the monopoly.[^v-1] I insist.[^v-12]'
    """
    return REFERENCE.sub(lambda m: f"[^{label(part, int(m[1]))}]", text)


def notes_by_document(book: Book) -> dict[int, list[tuple[NoteEntry, bool]]]:
    """Document number -> its notes in order, each with True if its reference was found in the text.

    A note with no reference goes to the document its previous and next
    linked notes share; between two documents it goes with the previous one
    (a part's notes follow its documents in order).
    """
    placed: dict[int, list[tuple[NoteEntry, bool]]] = defaultdict(list)
    for notes_doc in (d for d in book.documents if d.kind == "notes"):
        entries = list(notes_doc.notes)
        for k, entry in enumerate(entries):
            if entry.document is not None:
                placed[entry.document].append((entry, entry.linked_line is not None))
                continue
            before = next((e.document for e in reversed(entries[:k]) if e.document is not None), None)
            after = next((e.document for e in entries[k + 1 :] if e.document is not None), None)
            home = before if before is not None else after
            if home is not None:
                placed[home].append((entry, False))
    return {number: sorted(notes, key=lambda pair: pair[0].number) for number, notes in placed.items()}
