"""Stage ``rebuild_paragraphs``: join lines into paragraphs, also across page breaks.

Printed lines of a paragraph are joined with a space; a line-end hyphen stays
visible ("anticapi- talist") for ``join_hyphenated_words`` to decide. A blank
line ends a paragraph unless the text plainly runs on: the last line ends in
a hyphen, the next block starts in lower case, or a full-width line without
closing punctuation meets the next block; across a page break a full-width
line that the page cut off also runs on. Short lines inside a block (headings,
salutations, signatures, dates, "Taken down by M.V.") stay paragraphs of
their own. Each join across a blank line or a page break is logged with the
reason; ordinary line wrapping inside a block is not an edit and is not logged.

The book it returns keeps no lines: every line with text is in a paragraph,
which records the raw lines and pages it came from, and the later stages
read paragraphs only. So the lines' texts are freed here, not held to the end.

>>> from pipeline.model import Book, Line
>>> from pipeline.config import Config
>>> rows = [("the first anticapi-", 5), ("talist revolution and thereby justify their own rule. This", 5),
...         ("", 5), ("oppositional core later developed.", 6), ("", 6), ("Lenin", 6)]
>>> book = Book("demo", tuple(Line(i, t, p) for i, (t, p) in enumerate(rows, start=1)))
>>> out, changes = rebuild_paragraphs(book, Config())
>>> [p.text for p in out.paragraphs]
['the first anticapi- talist revolution and thereby justify their own rule. This oppositional core later developed.', 'Lenin']
>>> [(p.pages, p.standalone) for p in out.paragraphs]
[((5, 6), False), ((6,), True)]
>>> changes[0].rule, changes[0].evidence
('join_across_page', 'next block starts in lower case')
"""

from __future__ import annotations

import statistics

import regex

from pipeline.config import Config
from pipeline.model import Book, Change, Line, Paragraph, joined_lines

STAGE = "rebuild_paragraphs"

SHORT = 0.6
"""A line shorter than this share of the typical width is a short line."""
FULL = 0.8
"""A line at least this share of the typical width is full: the text ran on past it."""

MAX_PRINTED_WIDTH = 120
"""A typical line longer than this means the text is not wrapped into printed lines."""

_TERMINAL = regex.compile(r"[.?!:;][\p{Pf}\p{Pe}’”'\")\]]*[\d°®!’'?]{0,3}$")  # "subsequently.'5": a note mark
_HYPHEN_END = regex.compile(r"\p{L}[-¬\u00ad]$")
_LOWER_START = regex.compile(r"^[^\p{L}\p{N}]*\p{Ll}")
_CLAUSE_END = regex.compile(r"[;:?!][\p{Pf}\p{Pe}’”'\")\]]*$")  # ends a clause; a full stop may be "etc."
_NEW_ENTRY = regex.compile(r"^(?:\d+\.\s|\p{Lu}[\p{L}’'-]+,\s)")  # "9. The plenum", "Mdivani, Polikarp"
# "…of the" runs on; "…delay. a" does not: a lone word after a full stop is a speck, not the start of a sentence.
_CONTINUES = regex.compile(r"(?<![.?!][”’)]? )\b(?:the|of|to|and|on|in|for|a|an|by|with|or|at|from)$")
_SENTENCE_END = regex.compile(r"[.?!][”’)]*$")
_SPECK_START = regex.compile(r"^\p{Ll}\s+\p{Lu}")  # "g K. Radek": a speck before a signature


def typical_width(lines: list[Line]) -> float:
    """The median length of lines of several words: the printed measure in characters."""
    widths = [len(line.text.strip()) for line in lines if len(line.text.split()) >= 4]
    return float(statistics.median(widths)) if widths else 60.0


def _blocks(lines: list[Line]) -> list[list[Line]]:
    """Runs of non-blank lines with consecutive raw numbers (a blank or removed line ends a run)."""
    blocks: list[list[Line]] = []
    for line in lines:
        if not line.text.strip():
            continue
        if blocks and blocks[-1][-1].number == line.number - 1:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _runs_on(last: str, first: str) -> str | None:
    """Why text ending with ``last`` plainly continues with ``first``, or None.

    The same test cuts a block after a short line and joins blocks across a
    blank line, so cleaning the output again joins nothing more.

    >>> _runs_on("the first anticapi-", "talist"), _runs_on("and NEP, 73;", "resists reform")
    ('line ends in a hyphen', None)
    >>> _runs_on("as a topical slogan.", "g K. Radek"), _runs_on("without wavering or delay. a", "The bureaucratic")
    (None, None)
    """
    if _HYPHEN_END.search(last):
        return "line ends in a hyphen"
    if _CONTINUES.search(last):
        return "line ends in a word that needs a continuation"
    if _LOWER_START.match(first) and not _CLAUSE_END.search(last):
        if _SPECK_START.match(first) and _SENTENCE_END.search(last):
            return None  # "slogan." / "g K. Radek": a speck, not a sentence going on
        return "next block starts in lower case"
    return None


def _split_block(block: list[Line], width: float) -> list[list[Line]]:
    """Cut a block after each short line that does not plainly run on into the next."""
    groups: list[list[Line]] = [[]]
    for line, nxt in zip(block, block[1:] + [None]):
        groups[-1].append(line)
        text = line.text.strip()
        if nxt is None or len(text) >= SHORT * width:
            continue
        if not _runs_on(text, nxt.text.strip()):
            groups.append([])
    return [g for g in groups if g]


def _join_reason(prev: list[Line], nxt: list[Line], width: float) -> str | None:
    """Why the paragraph ending with ``prev`` runs on into ``nxt`` across a blank, or None.

    Beyond :func:`_runs_on`, printed lines tell more: a full-width line that
    stops without closing punctuation was cut by the margin or the page, not
    by the end of a paragraph. Text that is not wrapped into printed lines
    (such as this stage's own output) gets only the plain tests.
    """
    last, first = prev[-1].text.strip(), nxt[0].text.strip()
    reason = _runs_on(last, first)
    if reason or width > MAX_PRINTED_WIDTH:
        return reason
    if prev[-1].page is None or nxt[0].page is None:
        return None  # unnumbered front and back matter is not running text
    full = len(last) >= FULL * width
    if full and not _TERMINAL.search(last) and len(first) >= SHORT * width:
        return "full-width line without closing punctuation"
    page_break = prev[-1].page != nxt[0].page
    if page_break and full and len(first) >= FULL * width and len(prev) > 1 and not _NEW_ENTRY.match(first):
        return "full-width last line of the page runs on"
    return None


def _paragraph(group: list[Line], width: float) -> Paragraph:
    text, starts = joined_lines(line.text for line in group)
    standalone = len(group) == 1 and len(text) < SHORT * width
    return Paragraph(text, tuple(line.number for line in group), starts, tuple(line.page for line in group), standalone)


def rebuild_paragraphs(book: Book, config: Config) -> tuple[Book, list[Change]]:
    """Group the book's lines into paragraphs with their raw lines and pages."""
    lines = list(book.lines)
    width = typical_width(lines)
    groups: list[list[Line]] = []
    changes: list[Change] = []
    for block in _blocks(lines):
        pieces = _split_block(block, width)
        if groups:
            reason = _join_reason(groups[-1], pieces[0], width)
            if reason is not None:
                prev, first = groups[-1][-1], pieces[0][0]
                rule = "join_across_page" if prev.page != first.page else "join_blocks"
                before = f"{prev.text.strip()[-30:]}\n\n{first.text.strip()[:30]}"
                after = f"{prev.text.strip()[-30:]} {first.text.strip()[:30]}"
                changes.append(Change(STAGE, rule, first.number, first.page, before, after, reason))
                groups[-1].extend(pieces[0])
                pieces = pieces[1:]
        groups.extend(pieces)
    paragraphs = tuple(_paragraph(g, width) for g in groups)
    return book.evolve(paragraphs=paragraphs, lines=()), changes  # the paragraphs carry the lines' provenance
