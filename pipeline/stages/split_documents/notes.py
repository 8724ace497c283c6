"""Endnotes: parse a "Notes to Part N" section and recover the note references in the body.

The book prints superscript note numbers; OCR reads them as digits glued to
a word ("capitalism.2"), as look-alike marks ("Kamenev?" for 2, "proved,'"
for 1, "Dzhugashvili,!°" for 10, "congress.”!4" for 14), as junk ("®"), or
set apart by a space ("Radek... 17", "Mussavatists, °"). Each part numbers
its notes 1, 2, 3… through its documents, so the references must appear in
that order: the references are chosen by aligning the candidate marks with
the sequence of note numbers (dynamic programming), preferring real digits,
then marks whose look-alike reading is the expected number, then pure junk
that fills a gap, which is kept only where the sequence forces it
(:func:`drop_ambiguous`). A plain "?" or "’" is taken only when it reads as
the number the sequence expects there, so ordinary questions stay questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import regex

from pipeline.model import Paragraph
from pipeline.quotes import is_apostrophe, open_quotes

_NOTE_START = regex.compile(r"^(?P<number>\d{1,3})\.\s+")
# A mark glued to the end of a word or its punctuation, before a space, a dash, punctuation or the end.
_MARK = regex.compile(
    r"(?<=[\p{L}\p{N}](?P<punct>[.,;:’”')\]]{0,3}|[.,;:’”')\]]{1,3} [’”]))(?P<mark>[\d!?°®ë’'‘*]{1,3})(?=[\s—;,.:)”]|$)"
)
_ABBREVIATION = regex.compile(r"(?<![\p{L}.])(?:etc|e\.g|i\.e|viz|cf)\.$", regex.IGNORECASE)
# A number set apart at a paragraph's end after an ellipsis or a closing quote: "remark from Radek... 17".
_LOOSE_MARK = regex.compile(r"(?<=(?:\.\.\.|\. \. \.|[”’]) )(?P<mark>\d{1,2})\s*$")
# Junk no text has, set apart by a space: "Comrade Lenin’s ë which", "Mussavatists, ° and".
_SPACED_JUNK = regex.compile(r"(?<=[\p{L}\p{P}] )(?P<mark>[°®ë]{1,2})(?=\s|$)")

ORDINARY_PUNCTUATION = frozenset({"?", "!", "’", "'", "‘"})
"""Marks that are also ordinary punctuation: candidates only where they are out of place."""
QUOTE_MARKS = frozenset("’'‘")
CONTEXT = 200
"""Characters before a mark whose words may name what its note explains."""
OPENING_WORDS = 25
"""The words of a note's opening that may name what it explains (a first sentence, about)."""

SCORE_DIGITS, SCORE_READING, SCORE_JUNK = 3.0, 2.0, 1.0
SCORE_SHARED_WORD = 1.5
"""Per word shared by a note's opening and the words just before a mark (at most two count)."""
_CONTENT_WORD = regex.compile(r"\p{L}{4,}")


@dataclass(frozen=True, slots=True)
class Note:
    """A parsed endnote: its number, text, and the paragraph it starts in."""

    number: int
    text: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class Mark:
    """A possible note reference: where it stands and what it may read as."""

    paragraph: int
    start: int
    end: int
    text: str
    after_letter: bool
    after_stop: bool
    before_lower: bool
    context: str = ""
    stray: bool = False
    """A quote mark that pairs with nothing, or a "?" after a signature: no punctuation, so a mark."""
    closes: str = ""
    """The closing quote the mark also stands for: in “… congress.’ the ’ is ” and the note number fused."""


def parse_notes(paragraphs: Sequence[Paragraph], indexes: Sequence[int]) -> list[Note]:
    """Numbered notes in the given paragraphs; an unnumbered paragraph continues the previous note.

    >>> from pipeline.model import Paragraph
    >>> ps = [Paragraph(t, (1,), (0,), (None,)) for t in ["NOTES TO PART III", "1. See Part II.", "2. Zinoviev and", "more text."]]
    >>> [(n.number, n.text) for n in parse_notes(ps, range(4))]
    [(1, 'See Part II.'), (2, 'Zinoviev and more text.')]
    """
    notes: list[Note] = []
    for i in indexes:
        text = paragraphs[i].text.strip()
        match = _NOTE_START.match(text)
        if match:
            notes.append(Note(int(match["number"]), text[match.end() :], i))
        elif notes:
            last = notes[-1]
            notes[-1] = Note(last.number, f"{last.text} {text}", last.paragraph)
    return notes


def sentence_mark(text: str, m: regex.Match) -> bool:
    """True when a mark opens with the sentence's own "?" or "!" and the note mark follows it.

    That is a "?" or "!" right after a word or its closing quote, followed by
    more marks, where a sentence ends (the paragraph's end or a capital):
    "understood?®" keeps its question mark. After a stop ("congress.”!4")
    or before lower case ("day!’ he") the "!" is part of the misread number.

    >>> [sentence_mark(t, _MARK.search(t)) for t in ("be understood?®", "the congress.”!4 Then", "same day!’ he")]
    [True, False, False]
    """
    mark, punct = m["mark"], m["punct"]
    if len(mark) < 2 or mark[0] not in "?!" or regex.search(r"[.,;:]", punct):
        return False
    rest = text[m.end() :]
    return not rest.strip() or bool(regex.match(r"\s+[“‘\"']?\p{Lu}", rest))


def _stray_quote(text: str, m: regex.Match) -> tuple[bool | None, str]:
    """Whether a lone quote mark glued to a word pairs with nothing (None: it is a quotation mark),
    and the closing quote it stands for when it ends an open “ quotation.

    "request‘ that": an opening quote never follows a word. "article’ on",
    "group,’ let’s": no ‘ is open and no word ends so. "congress.’" with a “
    open: the closing ” and the note number read as one ’; "compromise,’
    Lenin warned" with a “ open is only the closing ”. "workers’" is a
    possessive: no stray.
    """
    mark, at = m["mark"], m.start()
    if mark == "‘":
        return True, ""
    if text[at - 1] in "”’":
        return None, ""  # "“duumvirate”’": a run of closing quotes, repair_punctuation's to read
    open_ = open_quotes(text, at)
    if open_.endswith("‘"):
        return None, ""
    if mark == "’" and open_.endswith("“"):
        # A ’ that ends an open “ quotation is its closing quote misread; after the quotation's full
        # stop ("congress.’") it may also carry the note number: the book numbers quotations there.
        return (True, "”") if text[at - 1] in ".?!" else (None, "")
    if text[at - 1].isalpha():
        return (not is_apostrophe(text, at, False)), ""
    return True, ""


def _signature_query(p: Paragraph, m: regex.Match) -> bool:
    """A "?" that ends a short line of names ("V. Ulyanov (Lenin)?"): a signature asks nothing."""
    return m["mark"] == "?" and p.standalone and m.end() == len(p.text.rstrip()) and not regex.search(r"\b\p{Ll}", p.text)


def find_marks(paragraphs: Sequence[Paragraph], indexes: Sequence[int]) -> list[Mark]:
    """Every mark in the given paragraphs that could be a note reference, in text order."""
    marks = []
    for i in indexes:
        text = paragraphs[i].text
        for m in _MARK.finditer(text):
            before = text[m.start() - 1] if m.start() else ""
            glued_to = text[m.start() - len(m["punct"]) - 1]
            if before.isdigit() or (glued_to.isdigit() and m["mark"].isdigit() and not regex.search(r"[)\]”’]", m["punct"])):
                continue  # "34", "4.5": a number; but "(1922),9" and "in 1956.'" are marks
            # "companies!; we": the sentence goes on; "parliamentarism?” he" is ordinary.
            following = regex.match(r"[;,:]?\s+(\p{L})", text[m.end() :])
            # "harmful, etc.?" asks a question: the full stop is the abbreviation's.
            stop = bool(regex.search(r"[.,;:]", m["punct"])) and not _ABBREVIATION.search(text, 0, m.start())
            start = m.start()
            if sentence_mark(text, m):
                start += 1  # "understood?®": the "?" ends the sentence, the "®" is the note
            stray, closes = _stray_quote(text, m) if m["mark"] in QUOTE_MARKS else (False, "")
            if stray is None:
                continue  # it closes a ‘ that is open: a quotation mark
            stray = stray or _signature_query(paragraphs[i], m)
            marks.append(
                Mark(
                    i, start, m.end(), text[start : m.end()], before.isalpha(),
                    stop, bool(following and following[1].islower()),
                    text[max(0, m.start() - CONTEXT) : m.start()], stray, closes,
                )
            )
        for m in filter(None, (_LOOSE_MARK.search(text), *_SPACED_JUNK.finditer(text))):
            context = text[max(0, m.start() - CONTEXT) : m.start()]
            marks.append(Mark(i, m.start(), m.end("mark"), m["mark"], False, True, False, context))
    marks.sort(key=lambda mark: (mark.paragraph, mark.start))
    return marks


def readings(mark: Mark, look_alikes: Mapping[str, str]) -> tuple[int | None, float, str]:
    """The number a mark reads as (None if unreadable), how strong that is, and why.

    >>> readings(Mark(0, 0, 1, "2", False, False, False), {})
    (2, 3.0, 'digits')
    >>> readings(Mark(0, 0, 2, "!°", False, False, False), {"!": "1", "°": "0"})
    (10, 2.0, 'look-alike')
    """
    if mark.text.isdigit():
        return int(mark.text), SCORE_DIGITS, "digits"
    digits = "".join(c if c.isdigit() else look_alikes.get(c, "") for c in mark.text)  # "!4" reads 14
    value = int(digits) if len(digits) == len(mark.text) else None
    return value, SCORE_READING, "look-alike"


def out_of_place(mark: Mark) -> bool:
    """True when a "?", "!" or apostrophe cannot be ordinary punctuation where it stands.

    After a full stop or comma ("Krupskaya.!", "Bolshevik.”?", "proved,'")
    or before a sentence that goes on in lower case ("Kamenev? was, of
    course") it is a misread note number; "in essence! The" is an
    exclamation and "“obligatory”? Or" a question.

    >>> out_of_place(Mark(0, 0, 1, "!", after_letter=False, after_stop=True, before_lower=False))
    True
    >>> out_of_place(Mark(0, 0, 1, "?", after_letter=False, after_stop=False, before_lower=False))
    False
    """
    if mark.stray:
        return True
    if mark.text in QUOTE_MARKS:
        return not mark.after_letter  # "workers’" is a possessive, "proved,'" is not
    return mark.after_stop or mark.before_lower


def shared_words(context: str, note: str, common: frozenset[str] = frozenset()) -> set[str]:
    """Content words the text before a mark shares with the opening of a note.

    Notes often start by naming what they explain: "Mixed companies were
    joint enterprises…" for "…to build up mixed companies!;". Words common
    in the book ("party", "Lenin") prove nothing and are left out.

    >>> sorted(shared_words("we have begun to build up mixed companies", "Mixed companies were joint enterprises"))
    ['companies', 'mixed']
    """
    before = {w.lower() for w in _CONTENT_WORD.findall(context)}
    opening = {w.lower() for w in _CONTENT_WORD.findall(" ".join(note.split()[:OPENING_WORDS]))}
    return (before & opening) - common
