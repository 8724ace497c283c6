"""The book's own OCR confusions: a noisy channel re-estimated from the corrections it is sure of.

Kernighan, Church and Gale (1990) estimate how likely each character
confusion is from counts of corrections, and Brill and Moore (2000) do it for
strings ("rn" read for "m"). Here the first pass corrects with the prior, the
confusions of rules/ocr_confusions.tsv at ``CONFUSION_COST`` each; each
correction it made is a sighting of the confusions that turn the scan's token
into the word ("extrernely" -> "extremely": "rn" for "m"); and the second pass
decides again, with the confusions this book shows often made cheaper. A scan
that reads "n" as "u" a dozen times ("iu", "au", "tbe") makes "reactiouary" a
"reactionary" without a doubt, where the prior alone only listed it for review.

The rate of a confusion is smoothed towards the prior as in those papers: a
confusion seen ``n`` times in a book of ``W`` words, where the prior expects
``W * PRIOR_RATE`` sightings, is ``(n + 1) / (W * PRIOR_RATE + 1)`` times as
likely as the prior says, within ``[1, MAX_GAIN]``: what the book shows only
ever makes a confusion likelier, never less likely than the prior (one book
is too little evidence to rule a confusion out). A confusion not in the list
(a letter SymSpell's edits replaced, "c" for "e") seen ``LEARN_MIN`` times
joins the list for the second pass. rules/ocr_confusions.tsv is the prior,
not the whole list.

>>> from pipeline.model import Change
>>> seen = [Change("correct_ocr_words", "confusion", 1, 1, before, after, "") for before, after in
...         [("iu", "in"), ("au", "an"), ("ou", "on"), ("coucessions.", "concessions."), ("tbe", "the")]]
>>> channel = learn(seen, 2_000, (("u", "n"), ("tb", "th")))
>>> channel.sightings[("u", "n")], round(channel.gain(("u", "n")), 1), channel.gain(("tb", "th"))
(4, 4.9, 1.0)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Iterable

from rapidfuzz.distance import Levenshtein

from pipeline.model import Change
from pipeline.stages.correct_ocr_words.misreads import Confusion

STAGE = "correct_ocr_words"
CONFUSION_COST = 0.1
"""Likelihood factor of one OCR confusion of the prior ("rn" for "m"): the commonest misreads."""
PRIOR_RATE = 1e-5
"""Sightings of one listed confusion the prior expects per running word: the real book
(65,000 words) shows a dozen confusions of some forty kinds, about 0.3 of each."""
MAX_GAIN = 30.0
"""Most a book's sightings may make one confusion likelier than the prior."""
LEARN_MIN = 2
"""Sightings a confusion needs before the book's own rate counts: one is no pattern."""
LONGEST = 2
"""Longest string on either side of a learned confusion ("rn", "cl")."""
SEEN_BY = ("confusion", "edit", "odd_character", "inner_capital")
"""The rules of the first pass whose corrections are sightings (not the context rules,
splits or glued words, which are no character confusions)."""


@dataclass(frozen=True)
class Channel:
    """The confusions a pass reads through and what each costs.

    ``confusions`` are the prior's and the learned ones (generated as
    candidates), ``sightings`` how often the first pass saw each, and
    ``gains`` how many times likelier than the prior each one is in this book.
    """

    confusions: tuple[Confusion, ...]
    sightings: Counter[Confusion] = field(default_factory=Counter)
    gains: dict[Confusion, float] = field(default_factory=dict)

    def gain(self, confusion: Confusion) -> float:
        """How many times likelier than the prior this book makes the confusion (1: no news)."""
        return self.gains.get(confusion, 1.0)

    def cost(self, confusion: Confusion) -> float:
        """The likelihood factor of one confusion in this book."""
        return CONFUSION_COST * self.gain(confusion)

    def describe(self, path: Iterable[Confusion]) -> str:
        """The learned confusions of a correction, for its evidence: "'u'→'n' seen 12× in this book"."""
        return ", ".join(
            f"'{seen}'→'{meant}' seen {self.sightings[(seen, meant)]}× in this book"
            for seen, meant in dict.fromkeys(path)
            if self.gain((seen, meant)) > 1
        )

@cache
def prior(confusions: tuple[Confusion, ...]) -> Channel:
    """The channel of rules/ocr_confusions.tsv alone: every confusion at ``CONFUSION_COST``."""
    return Channel(confusions)


def sightings(before: str, after: str) -> list[Confusion]:
    """The confusions that turn ``before`` (the scan) into ``after`` (the correction): each
    run of differing characters, with a dropped doubled letter written ("ee", "e").

    >>> sightings("extrernely.", "extremely."), sightings("proceeeded", "proceeded"), sightings("y0u", "you")
    ([('rn', 'm')], [('ee', 'e')], [('0', 'o')])
    """
    found = []
    seen = meant = ""
    at = 0
    for op in Levenshtein.opcodes(before, after):
        if op.tag == "equal":
            if seen or meant:
                found.append(_with_double(before, at, seen, meant))
                seen = meant = ""
            continue
        if not (seen or meant):
            at = op.src_start
        seen += before[op.src_start : op.src_end]
        meant += after[op.dest_start : op.dest_end]
    if seen or meant:
        found.append(_with_double(before, at, seen, meant))
    return [(s, m) for s, m in found if s and m and len(s) <= LONGEST and len(m) <= LONGEST]


def _with_double(before: str, at: int, seen: str, meant: str) -> Confusion:
    """A dropped letter beside its twin is a letter printed twice: ("e", "") -> ("ee", "e")."""
    if len(seen) == 1 and not meant and seen.isalpha():
        return seen.lower() * 2, seen.lower()
    return seen, meant


def count(changes: Iterable[Change]) -> Counter[Confusion]:
    """Sightings of each confusion in the corrections of ``changes`` (rules ``SEEN_BY``)."""
    counts: Counter[Confusion] = Counter()
    for change in changes:
        if change.rule in SEEN_BY:
            counts.update(sightings(change.before, change.after))
    return counts


def shown(changes: Iterable[Change]) -> dict[str, int]:
    """The confusions a book showed and how often, commonest first, for stats.json: {"u→n": 12}."""
    counts = count(c for c in changes if c.stage == STAGE)
    return {f"{seen}→{meant}": n for (seen, meant), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))}


def learn(changes: Iterable[Change], words: int, confusions: tuple[Confusion, ...]) -> Channel:
    """The book's channel from the first pass's ``changes`` in a book of ``words`` running words."""
    counts = count(changes)
    expected = words * PRIOR_RATE
    listed = set(confusions)
    gains = {}
    for confusion, n in counts.items():
        if n >= LEARN_MIN:
            gains[confusion] = min(MAX_GAIN, max(1.0, (n + 1) / (expected + 1)))
    new = tuple(c for c in gains if c not in listed and c[0] != c[1] * 2)  # a doubled letter is always read
    return Channel(confusions + new, counts, gains)
