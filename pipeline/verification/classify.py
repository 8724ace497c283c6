"""Say what kind of difference is left between the book and the archive: OCR-like, editorial, or theirs.

- ``ocr``: our word is not a word, or is a known OCR confusion of theirs;
- ``archive``: their word is not a word (their typo);
- ``editorial``: valid words on both sides (a different translation or edit).

A whole archive text can be another translation of the document (the same
letter in other words): then nearly every difference is editorial, and its
figures say nothing about the OCR; :func:`different_translation` says so, and
the report leaves it out of the totals instead of counting it.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

import regex
from rapidfuzz.distance import OSA

from pipeline.config import Spelling
from pipeline.lexicon import english_frequencies
from pipeline.verification.normalise import normalise

RARER = 5
"""Of two valid words one edit apart, one this many times rarer in English is the misreading."""

TRANSLATION_WER = 0.4
"""A matched archive text differing in this share of its words or more may be another translation..."""
TRANSLATION_EDITORIAL = 0.8
"""...and is one when at least this share of the differences are editorial (valid words on both sides)."""


def different_translation(wer: float, counts: dict[str, int]) -> bool:
    """True when an archive text is a different translation, not a transcription, of the document.

    Document 24 ("Letter to J.V. Stalin") differs from the archive's in 67% of
    its words, 222 of them valid words on both sides: another translation.
    Document 34 differs in 18%: the same translation, edited.

    >>> different_translation(0.67, {"ocr": 0, "editorial": 222, "archive": 0})
    True
    >>> different_translation(0.18, {"ocr": 0, "editorial": 9, "archive": 0})
    False
    """
    total = sum(counts.values())
    return wer >= TRANSLATION_WER and counts.get("editorial", 0) >= TRANSLATION_EDITORIAL * max(1, total)


class Classifier:
    """Decides whether a difference is OCR-like, editorial, or the archive's own error."""

    def __init__(self, ours: Iterable[str], theirs: Iterable[str], spelling: Spelling, confusions: set[tuple[str, str]],
                 characters: Iterable[tuple[str, str]] | None = None):
        """``characters``: (seen, meant) OCR character confusions (rules/ocr_confusions.tsv); with them,
        of two valid words one letter apart ours is OCR-like only through one of them; without, through any."""
        self.characters = None if characters is None else {
            (seen.lower(), meant.lower()) for seen, meant in characters if len(seen) == len(meant) == 1}
        self.known = english_frequencies()
        self.ours = Counter(w.lower() for w in ours)
        self.theirs = Counter(w.lower() for w in theirs)
        self.spelling = spelling
        self.american = set(spelling.words.values())  # "rumor", "labor": missing from the English list
        self.confusions = confusions

    def _valid(self, word: str, counts: Counter) -> bool:
        low = word.lower().replace("’", "'")
        parts = [p for p in regex.split(r"['\-]", low) if p]
        return (
            low in self.known
            or low.replace(",", "").replace(".", "").isdigit()
            or low in self.american
            or all(p in self.known for p in parts)
            or normalise(word, self.spelling) in self.known
            or counts[word.lower()] >= 2
            or word[:1].isupper()
        )

    def _misread(self, ours: str, theirs: str) -> bool:
        """Could OCR have read ``theirs`` as ``ours`` (same length, one letter apart)?"""
        if self.characters is None:
            return True
        at = [(a, b) for a, b in zip(ours.lower(), theirs.lower()) if a != b]
        return len(at) == 1 and at[0] in self.characters  # two letters swapped is a typist's slip, not OCR's

    def classify(self, ref: str | None, hyp: str | None) -> str:
        """``ocr``, ``archive`` or ``editorial`` for the archive's word ``ref`` against ours, ``hyp``.

        Both words valid is editorial, unless the pair is a known real-word
        confusion, or one letter changed (or two swapped) with one of them far
        rarer: "form" for "from", "rouges" for "rogues". Ours is the misreading
        only where OCR could have made it (a known character confusion, when
        given): the book's "begun" for the archive's "begin" is not one.
        """
        ours_ok = hyp is None or self._valid(hyp, self.ours)
        theirs_ok = ref is None or self._valid(ref, self.theirs)
        if ref and hyp and (ref.lower(), hyp.lower()) in self.confusions:
            return "ocr"
        if ref and hyp and (hyp.lower(), ref.lower()) in self.confusions:
            return "archive"
        if not ours_ok:
            return "ocr"
        if not theirs_ok:
            return "archive"
        if ref and hyp and len(ref) == len(hyp) >= 3 and OSA.distance(ref.lower(), hyp.lower()) == 1:
            ours_count, theirs_count = self.known.get(hyp.lower(), 0), self.known.get(ref.lower(), 0)
            if theirs_count * RARER < ours_count:
                return "archive"
            if ours_count * RARER < theirs_count and self._misread(hyp, ref):
                return "ocr"
        return "editorial"
