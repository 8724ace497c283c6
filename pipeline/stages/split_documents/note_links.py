"""Which mark is which note: align a part's candidate marks with its note sequence, and say how sure that is.

Each part numbers its notes 1, 2, 3… through its documents, so the
references appear in that order. The marks are aligned with the numbers by
dynamic programming, maximising the evidence: real digits, then marks whose
look-alike reading is the expected number (:func:`~.notes.readings`), then
junk that fills an open place (a "®", a stray "?" or a quote mark that pairs
with nothing), plus words the text before a mark shares with the note's
opening. A note that cites a source ("See …") is not referenced between two
words of a running sentence.

A link is kept only when the evidence *decides* it: the best alignment
that does not give that mark to that note must score at least
:data:`MARGIN` less. Junk between two certain links is kept where the
sequence forces it (as many junk marks as open notes), and dropped where it
could as well stand one note off (fewer marks than notes, nothing else to
tell them apart); those notes go to review unlinked.

A note whose mark is lost altogether is placed after the one sentence
between its neighbours that shares a rare word with the note ("to leave
without worry." for "Lenin was preparing to leave Moscow…"), on the review
list; with no such sentence, or several, it stays unlinked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import regex

from pipeline.model import Paragraph
from pipeline.stages.split_documents.notes import (
    QUOTE_MARKS, SCORE_JUNK, SCORE_SHARED_WORD, Mark, Note, ORDINARY_PUNCTUATION, out_of_place, readings, shared_words,
)

MARGIN = 1.0
"""A link must beat the best alignment without it by this much (one junk mark's worth)."""
SCORE_PLACE = SCORE_JUNK + SCORE_SHARED_WORD
"""A place where no mark survives, with its shared word: worth a junk mark that shares one."""
_CITATION = regex.compile(r"^See\s")
_SENTENCE_END = regex.compile(r"(?<=\p{L}[)\]]?)[.?!][”’)\]]*(?=\s+[“‘(]?\p{Lu}|\s*$)")


@dataclass(frozen=True, slots=True)
class Link:
    """A note reference chosen by the alignment, with the evidence for it.

    ``certain`` is False for junk that only fills a place in the sequence,
    with no reading and no shared words to back it, and for a place where no
    mark survives: such links go on the review list.
    """

    number: int
    mark: Mark
    evidence: str
    certain: bool


def usable(mark: Mark) -> bool:
    """A mark that may be a note reference: not ordinary punctuation where it stands."""
    return mark.text not in ORDINARY_PUNCTUATION or out_of_place(mark)


def options(mark: Mark, notes: Sequence[Note], look_alikes: Mapping[str, str], common: frozenset[str]) -> dict[int, tuple[float, str]]:
    """The notes a mark may stand for, each with its score and the reason."""
    numbers = [n.number for n in notes]
    value, score, how = readings(mark, look_alikes)
    choice: dict[int, tuple[float, str]] = {}
    if value is not None and value in numbers:
        choice[value] = (score, f"{how} {mark.text!r} read as {value}")
    if not mark.text.isdigit() and (mark.text not in QUOTE_MARKS or mark.stray):  # junk may fill an open place
        what = "stray quote" if mark.text in QUOTE_MARKS else "junk"
        for n in numbers:
            choice.setdefault(n, (SCORE_JUNK, f"{what} {mark.text!r} fills the place of note {n} in the sequence"))
    for note in notes:
        if note.number not in choice:
            continue
        if _CITATION.match(note.text) and mark.after_letter and mark.before_lower and not mark.text.isdigit():
            del choice[note.number]  # "See …" cites a quotation: its mark ends the quotation, not a word inside it
            continue
        shared = shared_words(mark.context, note.text, common)
        if shared:
            score, why = choice[note.number]
            bonus = SCORE_SHARED_WORD * min(2, len(shared))
            choice[note.number] = (score + bonus, f"{why}; the note shares {', '.join(sorted(shared))!r} with the text")
    return choice


def best_alignment(
    choices: Sequence[Mapping[int, tuple[float, str]]], numbers: Sequence[int], banned: tuple[int, int] | None = None
) -> tuple[float, list[tuple[int, int]]]:
    """The best order-keeping assignment of marks to numbers: its score and (mark index, number) pairs.

    ``banned`` forbids one (mark index, number) pair, to measure what a link is worth.

    >>> best_alignment([{1: (3.0, "")}, {2: (1.0, ""), 3: (1.0, "")}], [1, 2, 3])
    (4.0, [(0, 1), (1, 2)])
    >>> best_alignment([{1: (3.0, "")}, {2: (1.0, ""), 3: (1.0, "")}], [1, 2, 3], banned=(1, 2))
    (4.0, [(0, 1), (1, 3)])
    """
    k = len(numbers)
    best = [[0.0] * (k + 1) for _ in range(len(choices) + 1)]
    step = [[""] * (k + 1) for _ in range(len(choices) + 1)]
    for i in range(1, len(choices) + 1):
        for j in range(k + 1):
            best[i][j], step[i][j] = best[i - 1][j], "skip-mark"
            if j and best[i][j - 1] > best[i][j]:
                best[i][j], step[i][j] = best[i][j - 1], "skip-number"
            n = numbers[j - 1] if j else None
            if j and n in choices[i - 1] and (i - 1, n) != banned:
                score = best[i - 1][j - 1] + choices[i - 1][n][0]
                if score > best[i][j]:
                    best[i][j], step[i][j] = score, "take"
    pairs: list[tuple[int, int]] = []
    i, j = len(choices), k
    while i > 0 and j > 0:
        if step[i][j] == "take":
            pairs.append((i - 1, numbers[j - 1]))
            i, j = i - 1, j - 1
        elif step[i][j] == "skip-number":
            j -= 1
        else:
            i -= 1
    return best[len(choices)][k], pairs[::-1]


def align_marks(
    marks: Sequence[Mark], notes: Sequence[Note], look_alikes: Mapping[str, str], common: frozenset[str] = frozenset(),
    places: Sequence[Link] = (),
) -> tuple[list[Link], dict[int, str]]:
    """The links the evidence decides, and why each note the best alignment gave a mark was not linked.

    ``places`` (from :func:`place_lost`) are candidates for their own note only.
    """
    found = [(m, options(m, notes, look_alikes, common)) for m in marks if usable(m)]
    found += [(place.mark, {place.number: (SCORE_PLACE, place.evidence)}) for place in places]
    found.sort(key=lambda pair: (pair[0].paragraph, pair[0].start))
    candidates = [m for m, _ in found]
    choices = [choice for _, choice in found]
    numbers = [n.number for n in notes]
    total, pairs = best_alignment(choices, numbers)
    links: list[Link] = []
    dropped: dict[int, str] = {}
    for i, n in pairs:
        score, why = choices[i][n]
        margin = total - best_alignment(choices, numbers, banned=(i, n))[0]
        if margin < MARGIN:
            dropped[n] = (
                f"{why}, but an alignment as good gives it another note or none (margin {margin:.1f}); "
                "which is which is a guess"
            )
            continue
        links.append(Link(n, candidates[i], why, certain=score > SCORE_JUNK and bool(candidates[i].text)))
    return links, dropped


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph, the end after its closing marks.

    >>> t = "He left. “It was late.” Then more"
    >>> [t[a:b] for a, b in sentences(t)]
    ['He left.', '“It was late.”', 'Then more']
    """
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end() + 1
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def place_lost(
    paragraphs: Sequence[Paragraph], body: Sequence[int], notes: Sequence[Note], links: Sequence[Link],
    common: frozenset[str],
) -> list[Link]:
    """Links for notes whose mark is lost: after the one sentence between their neighbours sharing a rare word."""
    order = {p: k for k, p in enumerate(body)}
    linked = sorted(links, key=lambda link: link.number)
    unlinked = [n for n in notes if n.number not in {link.number for link in links}]
    places: dict[int, list[tuple[int, int, set[str]]]] = {}
    for note in unlinked:
        before = max((l for l in linked if l.number < note.number), key=lambda l: l.number, default=None)
        after = min((l for l in linked if l.number > note.number), key=lambda l: l.number, default=None)
        lo = (order[before.mark.paragraph], before.mark.end) if before else (-1, 0)
        hi = (order[after.mark.paragraph], after.mark.start) if after else (len(body), 0)
        found = []
        for p in body[lo[0] if lo[0] >= 0 else 0 : hi[0] + 1]:
            for start, end in sentences(paragraphs[p].text):
                if (order[p], start) < lo or (order[p], end) > hi:
                    continue
                shared = shared_words(paragraphs[p].text[start:end], note.text, common)
                if shared:
                    found.append((p, end, shared))
        places[note.number] = found
    claimed = [(p, end) for found in places.values() for p, end, _ in found]
    placed = []
    for number, found in places.items():
        if len(found) != 1 or claimed.count(found[0][:2]) > 1:
            continue  # no sentence, or several, or one another lost note wants too: a guess
        p, end, shared = found[0]
        text = paragraphs[p].text
        mark = Mark(p, end, end, "", text[end - 1 : end].isalpha(), True, False, text[max(0, end - 80) : end])
        why = f"no mark survives; the only sentence between its neighbours that shares {', '.join(sorted(shared))!r} with the note"
        placed.append(Link(number, mark, why, certain=False))
    return placed


def leftovers(marks: Sequence[Mark], links: Sequence[Link]) -> list[Mark]:
    """The marks that are no punctuation but no note could be linked to: they come out of the text."""
    taken = {(link.mark.paragraph, link.mark.start) for link in links}
    return [m for m in marks if usable(m) and (m.paragraph, m.start) not in taken]

