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

_NOTE_START = regex.compile(r"^(?P<number>\d{1,3})\.\s+")
# A mark glued to the end of a word or its punctuation, before a space, a dash, punctuation or the end.
_MARK = regex.compile(
    r"(?<=[\p{L}\p{N}](?P<punct>[.,;:’”')\]]{0,3}|[.,;:’”')\]]{1,3} [’”]))(?P<mark>[\d!?°®ë’'*]{1,3})(?=[\s—;,.:)”]|$)"
)
_ABBREVIATION = regex.compile(r"(?<![\p{L}.])(?:etc|e\.g|i\.e|viz|cf)\.$", regex.IGNORECASE)
# A number set apart at a paragraph's end after an ellipsis or a closing quote: "remark from Radek... 17".
_LOOSE_MARK = regex.compile(r"(?<=(?:\.\.\.|[”’]) )(?P<mark>\d{1,2})\s*$")
# Junk no text has, set apart by a space: "Comrade Lenin’s ë which", "Mussavatists, ° and".
_SPACED_JUNK = regex.compile(r"(?<=[\p{L}\p{P}] )(?P<mark>[°®ë]{1,2})(?=\s|$)")

ORDINARY_PUNCTUATION = frozenset({"?", "!", "’", "'"})
"""Marks that are also ordinary punctuation: candidates only where they are out of place.
An apostrophe, common as a closing quote, only ever counts for the number it reads as."""

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


@dataclass(frozen=True, slots=True)
class Link:
    """A note reference chosen by the alignment, with the evidence for it.

    ``certain`` is False for junk that only fills a place in the sequence,
    with no reading and no shared words to back it: such links go on the
    review list.
    """

    number: int
    mark: Mark
    evidence: str
    certain: bool


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
            marks.append(
                Mark(
                    i, start, m.end(), text[start : m.end()], before.isalpha(),
                    stop, bool(following and following[1].islower()),
                    text[max(0, m.start() - 80) : m.start()],
                )
            )
        for m in filter(None, (_LOOSE_MARK.search(text), *_SPACED_JUNK.finditer(text))):
            marks.append(Mark(i, m.start(), m.end("mark"), m["mark"], False, True, False, text[max(0, m.start() - 80) : m.start()]))
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
    if mark.text in {"’", "'"}:
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
    opening = {w.lower() for w in _CONTENT_WORD.findall(" ".join(note.split()[:15]))}
    return (before & opening) - common


def align(
    marks: Sequence[Mark], notes: Sequence[Note], look_alikes: Mapping[str, str], common: frozenset[str] = frozenset()
) -> list[Link]:
    """Choose at most one mark per note, in order, maximising the evidence.

    ``notes`` are the notes of one part in order (1..K). A mark may stand
    for number n if it reads as n; pure junk (not ordinary punctuation) may
    also stand for a number the sequence leaves open. Ordinary punctuation is
    a candidate only where it is out of place (:func:`out_of_place`).
    """
    numbers = [n.number for n in notes]
    usable = [m for m in marks if m.text not in ORDINARY_PUNCTUATION or out_of_place(m)]
    options: list[dict[int, tuple[float, str]]] = []
    for mark in usable:
        value, score, how = readings(mark, look_alikes)
        choice: dict[int, tuple[float, str]] = {}
        if value is not None and value in numbers:
            choice[value] = (score, f"{how} {mark.text!r} read as {value}")
        if not mark.text.isdigit() and mark.text not in {"’", "'"}:  # junk or a stray "?": may fill an open place
            for n in numbers:
                choice.setdefault(n, (SCORE_JUNK, f"junk {mark.text!r} fills the place of note {n} in the sequence"))
        for note in notes:
            shared = shared_words(mark.context, note.text, common)
            if note.number in choice and shared:
                score, why = choice[note.number]
                bonus = SCORE_SHARED_WORD * min(2, len(shared))
                choice[note.number] = (score + bonus, f"{why}; the note shares {', '.join(sorted(shared))!r} with the text")
        options.append(choice)
    k = len(numbers)
    # best[i][j]: best score using the first i marks for the first j numbers.
    best = [[0.0] * (k + 1) for _ in range(len(usable) + 1)]
    step: list[list[str]] = [[""] * (k + 1) for _ in range(len(usable) + 1)]
    for i in range(1, len(usable) + 1):
        for j in range(0, k + 1):
            best[i][j], step[i][j] = best[i - 1][j], "skip-mark"
            if j and best[i][j - 1] > best[i][j]:
                best[i][j], step[i][j] = best[i][j - 1], "skip-number"
            if j and numbers[j - 1] in options[i - 1]:
                score = best[i - 1][j - 1] + options[i - 1][numbers[j - 1]][0]
                if score > best[i][j]:
                    best[i][j], step[i][j] = score, "take"
    links: list[Link] = []
    i, j = len(usable), k
    while i > 0 and j > 0:
        move = step[i][j]
        if move == "take":
            n = numbers[j - 1]
            score, why = options[i - 1][n]
            links.append(Link(n, usable[i - 1], why, certain=score > SCORE_JUNK))
            i, j = i - 1, j - 1
        elif move == "skip-number":
            j -= 1
        else:
            i -= 1
    return links[::-1]


def drop_ambiguous(links: Sequence[Link], numbers: Sequence[int]) -> tuple[list[Link], dict[int, str]]:
    """Keep a junk link only where the sequence forces it; say why the others went.

    Junk ("®", a stray "?") carries no number: the alignment places it by
    order alone. That holds only when the junk marks between two certain
    links are exactly as many as the notes left open there. With fewer, a
    lost mark shifts them and each may stand one note off (in Part II three
    junk marks for notes 2-6 would all be placed, and two would be wrong), so
    none of them is linked.

    >>> mark = Mark(0, 0, 1, "?", False, True, False)
    >>> links = [Link(1, mark, "digits", True), Link(2, mark, "junk", False), Link(4, mark, "digits", True)]
    >>> kept, why = drop_ambiguous(links, [1, 2, 3, 4])
    >>> [l.number for l in kept], why[3]
    ([1, 4], 'junk marks could stand for notes 2-3 (1 mark for 2 notes between note 1 and note 4); which is which is a guess')
    """
    certain = sorted(link.number for link in links if link.certain)
    first, last = min(numbers, default=0), max(numbers, default=0)
    kept, reasons = [], {}
    for link in links:
        if link.certain:
            kept.append(link)
            continue
        lo = max((n for n in certain if n < link.number), default=first - 1)
        hi = min((n for n in certain if n > link.number), default=last + 1)
        open_ = [n for n in numbers if lo < n < hi]
        junk = sum(1 for other in links if not other.certain and lo < other.number < hi)
        if junk == len(open_):
            kept.append(link)
            continue
        left = f"note {lo}" if lo >= first else "the part's start"
        right = f"note {hi}" if hi <= last else "its last note"
        why = (
            f"junk marks could stand for notes {open_[0]}-{open_[-1]} ({junk} mark{'s' if junk > 1 else ''} for "
            f"{len(open_)} notes between {left} and {right}); which is which is a guess"
        )
        reasons.update((n, why) for n in open_)
    return kept, reasons

