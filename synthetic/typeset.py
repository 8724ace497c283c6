"""Typeset clean paragraphs into the plain text of a scanned book, keeping the truth.

Used to test that page furniture is learned from the text alone, on books
with running heads the rules have never seen, and (seeded) by the
benchmarks. The result looks like an Internet Archive OCR dump: wrapped
lines, a blank line between paragraphs, a running head set apart by two
blank lines at the top of each page, and a bare folio at the foot of a
chapter's first page.

:func:`paginate` lays out lines already wrapped, chapter by chapter, and
says what each output line is; :func:`typeset` wraps and paginates one
chapter; :mod:`synthetic.degrade` wraps with hyphenation, paginates several
chapters and adds OCR noise.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Typeset:
    """The typeset text and its truth: the furniture lines (1-based) with their pages."""

    text: str
    furniture: dict[int, int]
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Slot:
    """One output line of a paginated book.

    ``kind`` is ``body`` (a line of the chapter's text, blank between
    paragraphs; ``body`` is its index in the chapters' lines taken in order),
    ``blank`` (space around furniture), ``running_head`` or ``folio``.
    """

    kind: str
    text: str
    page: int
    body: int | None = None


def running_head(page: int, book_title: str, section_title: str) -> str:
    """Even pages carry "N Book Title", odd pages "Section Title N".

    >>> running_head(22, "Lenin’s Fight Against Stalinism", "Introduction"), running_head(23, "X", "Introduction")
    ('22 Lenin’s Fight Against Stalinism', 'Introduction 23')
    """
    return f"{page} {book_title}" if page % 2 == 0 else f"{section_title} {page}"


def paginate(
    chapters: Sequence[tuple[Sequence[str], str]],
    *,
    book_title: str,
    first_page: int = 1,
    lines_per_page: int = 36,
) -> list[Slot]:
    """Lay out wrapped lines on pages; each chapter (lines, section title) starts a new page.

    A chapter's first page ends with its bare folio; every other page starts
    with a running head (:func:`running_head`) between blank lines.

    >>> slots = paginate([(["a", "b", "c"], "One"), (["d"], "Two")], book_title="Book", first_page=7, lines_per_page=2)
    >>> [(s.kind, s.text, s.page) for s in slots if s.kind not in ("blank",)]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('body', 'a', 7), ('body', 'b', 7), ('folio', '7', 7), ('running_head', '8 Book', 8), ('body', 'c', 8),
     ('body', 'd', 9), ('folio', '9', 9)]
    """
    slots: list[Slot] = []
    page = first_page
    body = 0
    for lines, section_title in chapters:
        for start in range(0, len(lines), lines_per_page):
            chunk = [Slot("body", text, page, body + start + i) for i, text in enumerate(lines[start : start + lines_per_page])]
            blank = Slot("blank", "", page)
            if start == 0:
                slots.extend(chunk)
                slots.extend([blank, blank, Slot("folio", str(page), page)])
            else:
                slots.extend([blank, blank, Slot("running_head", running_head(page, book_title, section_title), page)])
                slots.extend([blank, blank])
                slots.extend(chunk)
            page += 1
        body += len(lines)
    return slots


def typeset(
    paragraphs: list[str],
    *,
    book_title: str,
    section_title: str,
    first_page: int = 1,
    width: int = 60,
    lines_per_page: int = 36,
) -> Typeset:
    """Lay the paragraphs out on pages; even pages carry "N Book Title", odd pages "Section Title N".

    >>> t = typeset(["word " * 300], book_title="A Book", section_title="Part One", first_page=3, lines_per_page=10)
    >>> sorted(set(t.furniture.values()))
    [3, 4, 5]
    >>> t.text.splitlines()[min(t.furniture)-1:min(t.furniture)], t.text.splitlines()[sorted(t.furniture)[1]-1]
    (['3'], '4 A Book')
    """
    body: list[str] = []
    for paragraph in paragraphs:
        if body:
            body.append("")
        body.extend(textwrap.wrap(paragraph, width=width))
    slots = paginate([(body, section_title)], book_title=book_title, first_page=first_page, lines_per_page=lines_per_page)
    furniture = {n: s.page for n, s in enumerate(slots, start=1) if s.kind in ("running_head", "folio")}
    return Typeset("\n".join(s.text for s in slots) + "\n", furniture, tuple(paragraphs))
