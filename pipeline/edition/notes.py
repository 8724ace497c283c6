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


def _text_in(book: Book, number: int, after_line: int | None = None, before_line: int | None = None) -> int:
    """How much body text (characters) a document has after one raw line and before another."""
    d = book.documents[number]
    return sum(
        len(p.text)
        for p in book.paragraphs[d.first : d.end]
        if (after_line is None or p.last_line > after_line) and (before_line is None or p.first_line < before_line)
    )


def notes_by_document(book: Book) -> dict[int, list[tuple[NoteEntry, bool]]]:
    """Document number -> its notes in order, each with True if its reference was found in the text.

    A note with no reference goes to the document its previous and next
    linked notes share. Otherwise the lost marks of a run of unlinked notes
    stand, in order, between the previous mark (or the part's start) and the
    next (or the part's end): the j-th of k is placed at j/(k+1) of that
    stretch of text, in the document found there. Part VI note 7, signed
    "L.T.", so falls in Trotsky's article rather than in the two-line end of
    the letter before it. It is a guess, and its entry says the mark was not found.
    """
    placed: dict[int, list[tuple[NoteEntry, bool]]] = defaultdict(list)
    for notes_doc in (d for d in book.documents if d.kind == "notes"):
        entries = list(notes_doc.notes)
        citing = [d.number for d in book.documents if d.part == notes_doc.part and d.kind != "notes"]
        k = 0
        while k < len(entries):
            if entries[k].document is not None:
                placed[entries[k].document].append((entries[k], entries[k].linked_line is not None))
                k += 1
                continue
            run_end = next((j for j in range(k, len(entries)) if entries[j].document is not None), len(entries))
            before = entries[k - 1] if k else None
            after = entries[run_end] if run_end < len(entries) else None
            for j, entry in enumerate(entries[k:run_end], start=1):
                home = _home(book, citing, before, after, j / (run_end - k + 1))
                if home is not None:
                    placed[home].append((entry, False))
            k = run_end
    return {number: sorted(notes, key=lambda pair: pair[0].number) for number, notes in placed.items()}


def _home(book: Book, citing: list[int], before: NoteEntry | None, after: NoteEntry | None, share: float) -> int | None:
    """The document at ``share`` of the text between two linked notes' marks (or the part's ends)."""
    if not citing:
        return None
    first = before.document if before else citing[0]
    last = after.document if after else citing[-1]
    stretch = []
    for n in (c for c in citing if first <= c <= last):
        size = _text_in(book, n, after_line=before.linked_line if before and n == first else None,
                        before_line=after.linked_line if after and n == last else None)
        stretch.append((n, size))
    total = sum(size for _, size in stretch)
    position = total * share
    for n, size in stretch:
        if position <= size:
            return n
        position -= size
    return stretch[-1][0]
