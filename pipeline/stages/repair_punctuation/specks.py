"""Specks and spacing: a lone letter or mark between sentences, a space before punctuation, broken ellipses.

A speck is judged from the raw line it came from: a lone lower-case letter
that stands at the edge of its printed line between two sentences
("slogan." / "g K. Radek", "delay. a" / "The bureaucratic") is no word, for
no sentence starts in lower case; a lone mark at a line's edge between two
words ("republics" / ". will be regarded") is no punctuation. Where a
quotation is still open at a speck after a full stop, the speck is its
misread closing quote (”); otherwise it goes.

Ellipses: the book's way of writing them (". . ." spaced, or "...") is
learned from the ellipses it prints; forms OCR broke (".. .", "... .",
". ...") count for the spaced habit, for they show spaces between dots.
Every ellipsis not in the book's way is rewritten with its dots counted
(three, or four where a sentence ends), the space before it kept as printed.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import regex

from pipeline.model import Change, Paragraph
from pipeline.quotes import open_quotes
from pipeline.stages.repair_punctuation.edits import edit_token

CLEAR_HABIT = 5
"""One way of writing ellipses must be this many times commoner than the other to be the book's."""

_LONE_LETTER = regex.compile(r"(?<=[.?!][”’)]? )\p{Ll}(?= [“‘]?\p{Lu}| ?$)|^\p{Ll}(?= \p{Lu})")
_LONE_MARK = regex.compile(r"(?<=\p{L}) [.,;:'‘’•·](?= \p{Ll})")
_SPACE_BEFORE = regex.compile(r"(?<=\p{L}) (?=[,;:?!](?:\s|$))")
_GLUED_QUOTE = regex.compile(r"(?<=\p{L})(?=[‘“]*“[‘“]*\p{L})")  # "time“‘an": the quote run is read later
_DOTS = regex.compile(r"\.(?: ?\.){2,}")
_ABBREVIATED = regex.compile(r"(?:\b\p{L}|etc|e\.g|i\.e|viz|cf|vol|pp|ibid)\.[”’)]? $", regex.IGNORECASE)


def ellipsis_style(paragraphs: Sequence[Paragraph]) -> str | None:
    """``" "`` when the book spaces the dots of its ellipses, ``""`` when it closes them up, None when unclear.

    >>> ps = [Paragraph(t, (1,), (0,), (1,)) for t in ["a . . . b", "c. . . . D", "e .. . f", "g... h"]]
    >>> ellipsis_style(ps * 2) is None, ellipsis_style(ps * 2 + ps[:3] * 2)
    (True, ' ')
    """
    forms = Counter("closed" if " " not in m[0] else "spaced" for p in paragraphs for m in _DOTS.finditer(p.text))
    spaced, closed = forms["spaced"], forms["closed"]
    if spaced and spaced >= CLEAR_HABIT * closed:
        return " "
    if closed and closed >= CLEAR_HABIT * spaced:
        return ""
    return None


def _edge(p: Paragraph, start: int, end: int) -> bool:
    """True when ``text[start:end]`` opens or ends one of the paragraph's printed lines."""
    ends = {s - 1 for s in p.starts[1:]} | {len(p.text)}
    return start in p.starts or end in ends


def repair_specks(p: Paragraph, style: str | None, stage: str) -> tuple[Paragraph, list[Change]]:
    """Take out lone specks, spaces before punctuation, and write broken ellipses the book's way."""
    changes: list[Change] = []

    def apply(pattern: regex.Pattern, make, rule: str) -> None:
        nonlocal p
        m = pattern.search(p.text)
        while m:
            found = make(m)
            if found is None:
                m = pattern.search(p.text, max(m.end(), m.start() + 1))
                continue
            start, end, new, why = found
            p, change, at = edit_token(p, stage, rule, start, end, new, why)
            changes.append(change)
            m = pattern.search(p.text, at)

    def letter(m: regex.Match):
        if not _edge(p, m.start(), m.end()) or _ABBREVIATED.search(p.text, 0, m.start()):
            return None
        if not m.start():
            return 0, m.end() + 1, "", f"lone letter {m[0]!r} opening a line before a capital: no word"
        if open_quotes(p.text, m.start()).endswith("“"):  # "delay. a" -> "delay.”"
            return m.start() - 1, m.end(), "”", f"lone letter {m[0]!r} at a line's edge after a full stop, where the open quotation closes"
        return m.start() - 1, m.end(), "", f"lone letter {m[0]!r} at a line's edge between sentences: no sentence starts in lower case"

    def mark(m: regex.Match):
        if not _edge(p, m.start() + 1, m.end()):
            return None
        return m.start(), m.end(), "", f"lone {m[0].strip()!r} at a line's edge between two words"

    def dots(m: regex.Match):
        count = m[0].count(".")
        if style is None or count not in (3, 4):
            return None
        new = style.join("." * count)
        return (m.start(), m.end(), new, f"the book writes its ellipses {'. . .' if style else '...'}") if new != m[0] else None

    apply(_LONE_LETTER, letter, "speck")
    apply(_LONE_MARK, mark, "speck")
    apply(_SPACE_BEFORE, lambda m: (m.start(), m.end() + 1, p.text[m.end()], "a space before punctuation"), "space_before_punctuation")
    apply(_GLUED_QUOTE, lambda m: (m.start(), m.end(), " ", "an opening quote glued to the word before it"), "space_before_quote")
    apply(_DOTS, dots, "ellipsis")
    return p, changes
