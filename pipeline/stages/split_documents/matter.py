"""Front and back matter: the title page read into metadata, scanner junk kept apart from the book's text.

A scanned book opens with the scanner's notice ("Digitized by the Internet
Archive in 2023 …"), the title and copyright pages, and often library
stamps; it ends with a library card and the back cover. The notice and the
title page say *about* the book (who wrote it, who published it, when, its
ISBN): :func:`read_title_page` reads them into a :class:`BookInfo`, each
field with the raw line it came from. A library card is a run of short
lines of dates, call numbers and junk after the last printed text
(:func:`library_card_end`), and a paragraph whose tokens are mostly no
words at all is unreadable (:func:`is_unreadable`): both are kept, flagged,
and out of the edition's text.

A title the OCR lost (set as an image on the title page) cannot be read
from the text; ``rules/<book>.toml`` may give it (``[metadata] title``).
"""

from __future__ import annotations

from typing import Collection, Mapping, Sequence

import regex
from rapidfuzz import fuzz

from pipeline.lexicon import WORD, is_english_word
from pipeline.model import BookInfo, Paragraph

_NOTICE = regex.compile(r"^Digitized by (?P<who>.+?)(?:\s+(?P<url>https?://\S+))?$")
_EDITOR = regex.compile(r"^(?:Edited|Compiled|Translated)(?: with an introduction)? by\s+(?P<name>.+)$", regex.I)
_PUBLISHER = regex.compile(r"^(?P<name>[\p{L}&. ]*\b(?:Press|Publishers|Books)\b(?:, Inc\.)?)(?:, (?P<place>[\p{L}. ]+))?$")
_YEAR = regex.compile(r"(?:Copyright|©)\D{0,6}(?P<year>1[5-9]\d\d|20\d\d)")
_ISBN = regex.compile(r"(?P<isbn>\d[\d-]{8,15}[\dX])(?:\s*\((?P<binding>[\p{L} ]+)\))?")
_LCCN = regex.compile(r"Catalog Card Number\s+(?P<lccn>\d{2,4}-\d+)")
PROSE_WORDS = 10
"""A paragraph of at least this many words is running text, not a line of a library card."""
UNREADABLE_SHARE = 0.5
"""A paragraph in which fewer than this share of the word tokens are words is unreadable."""


def isbn10_valid(isbn: str) -> bool:
    """The ISBN-10 check digit holds.

    >>> isbn10_valid("0-87348-414-2"), isbn10_valid("0-87348-414-3")
    (True, False)
    """
    chars = isbn.replace("-", "")
    if not regex.fullmatch(r"\d{9}[\dX]", chars):
        return False
    total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(chars))
    return total % 11 == 0


def _letters(text: str) -> str:
    return "".join(regex.findall(r"\p{L}", text.lower()))


def match_authors(line: str, known: Collection[str]) -> list[str]:
    """The authors a title-page line names, each read as the closest author of the contents.

    >>> match_authors("VLLENIN AND LEON TROTSKY", ["V.I. Lenin", "Leon Trotsky", "L.D. Trotsky"])
    ['V.I. Lenin', 'Leon Trotsky']
    """
    found = []
    for part in filter(None, regex.split(r"\s+(?:AND|and|&)(?:\s+|$)|,\s*", line.strip())):
        scored = [(fuzz.ratio(_letters(part), _letters(name)), name) for name in known]
        score, name = max(scored, default=(0, ""))
        if score >= 80 and name not in found:
            found.append(name)
    return found


def read_title_page(
    paragraphs: Sequence[Paragraph], indexes: Sequence[int], authors: Collection[str], rules: Mapping
) -> tuple[BookInfo, int | None]:
    """The book's metadata from its front matter, and the index of the scanner's notice (None if absent).

    ``authors`` are the authors the contents page names (the title page's
    names are matched against them, so "VLLENIN" reads as "V.I. Lenin");
    ``rules`` is the ``[metadata]`` section of ``rules/<book>.toml``.
    """
    fields: dict = {}
    evidence: dict[str, str] = {}
    notice = None

    def found(name: str, value, i: int) -> None:
        if value and name not in fields:
            fields[name] = value
            evidence[name] = f"raw line {paragraphs[i].first_line}: {paragraphs[i].text[:80]}"

    indexes = list(indexes)
    for n, i in enumerate(indexes):
        text = paragraphs[i].text.strip()
        if regex.search(r"\s(?:AND|and|&)$", text) and n + 1 < len(indexes):
            text = f"{text} {paragraphs[indexes[n + 1]].text.strip()}"  # "V.I. LENIN AND" / "LEON TROTSKY"
        if (m := _NOTICE.match(text)) and notice is None:
            notice = i
            found("provenance", f"Digitized by {m['who']}", i)
            found("source_url", m["url"], i)
        elif "authors" not in fields and (names := match_authors(text, authors)) and len(names) > 1:
            found("authors", tuple(names), i)
        elif m := _EDITOR.match(text):
            found("editor", m["name"].strip().title() if m["name"].isupper() else m["name"].strip(), i)
        elif m := _PUBLISHER.match(text):
            found("publisher", m["name"].strip(), i)
            found("place", m["place"], i)
        if m := _YEAR.search(text):
            found("year", int(m["year"]), i)
        if "ISBN" in text:
            isbns = [f"{m['isbn']} ({m['binding']})" if m["binding"] else m["isbn"] for m in _ISBN.finditer(text.split("ISBN", 1)[1])]
            found("isbn", tuple(isbns), i)
        if m := _LCCN.search(text):
            found("lccn", m["lccn"], i)
    if "authors" not in fields:
        # A title page with one author names them on a line of their own.
        for i in indexes:
            if names := match_authors(paragraphs[i].text, authors):
                found("authors", tuple(names), i)
                break
    for key, value in rules.items():
        fields[key] = value
        evidence[key] = "rules file [metadata]"
    return BookInfo(**fields, evidence=tuple(evidence.items())), notice


def is_unreadable(text: str, known: Collection[str] = frozenset()) -> bool:
    """True when fewer than half of a paragraph's word tokens are words (dictionary, lexicon or archive).

    >>> is_unreadable("Mier ee"), is_unreadable("Ler Senta She 1 ind sm"), is_unreadable("RUSSELL BLOCK", {"RUSSELL"})
    (True, True, False)
    """
    tokens = WORD.findall(text)
    if not tokens:
        return not regex.search(r"\d", text)
    words = sum(1 for t in tokens if is_english_word(t) or t in known or t.capitalize() in known)
    return words / len(tokens) < UNREADABLE_SHARE


def library_card_end(paragraphs: Sequence[Paragraph], first: int, end: int) -> int:
    """Where a library card (short lines: dates, call numbers, stamps) ends and the back cover's text begins.

    The back cover's text is the first paragraph of running prose (at least
    :data:`PROSE_WORDS` words), with the short running line set just above it
    (a category line such as "History/Soviet Studies"); the card's lines
    before that are standalone or short.
    """
    k = next((i for i in range(first, end) if len(paragraphs[i].text.split()) >= PROSE_WORDS), end)
    if first < k - 1 and k < end and not paragraphs[k - 1].standalone:
        k -= 1
    return k
