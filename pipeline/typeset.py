"""Typeset clean paragraphs into the plain text of a scanned book, keeping the truth.

Used to test that page furniture is learned from the text alone, on books
with running heads the rules have never seen, and (seeded) by the
benchmarks. The result looks like an Internet Archive OCR dump: wrapped
lines, a blank line between paragraphs, a running head set apart by two
blank lines at the top of each page, and a bare folio at the foot of a
chapter's first page.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Typeset:
    """The typeset text and its truth: the furniture lines (1-based) with their pages."""

    text: str
    furniture: dict[int, int]
    paragraphs: tuple[str, ...]


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
    out: list[str] = []
    furniture: dict[int, int] = {}
    page = first_page
    for start in range(0, len(body), lines_per_page):
        chunk = body[start : start + lines_per_page]
        if page == first_page:
            out.extend(chunk)
            out.extend(["", "", str(page)])
            furniture[len(out)] = page
        else:
            head = f"{page} {book_title}" if page % 2 == 0 else f"{section_title} {page}"
            out.extend(["", "", head])
            furniture[len(out)] = page
            out.extend(["", ""])
            out.extend(chunk)
        page += 1
    return Typeset("\n".join(out) + "\n", furniture, tuple(paragraphs))
