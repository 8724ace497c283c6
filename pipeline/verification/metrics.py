"""Word and character error rates of an alignment, with their denominators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rapidfuzz.distance import Levenshtein

from pipeline.verification.align import Pair


@dataclass(frozen=True, slots=True)
class Rates:
    """Word and character error rates with their denominators (reference words and characters)."""

    wer: float
    cer: float
    words: int
    chars: int


def rates(pairs: Sequence[Pair], key=lambda w: w) -> Rates:
    """WER and CER of aligned pairs (reference first) under a word normalisation ``key``.

    CER is counted word by word along the alignment: edit distance of each
    pair over the reference's characters (spaces not counted).

    >>> rates([("the", "the"), ("party", "parly"), (None, "x")])
    Rates(wer=1.0, cer=0.25, words=2, chars=8)
    """
    ref_words = sum(a is not None for a, _ in pairs)
    ref_chars = sum(len(a) for a, _ in pairs if a is not None)
    keyed = [(key(a) if a else "", key(b) if b else "", a is None or b is None) for a, b in pairs]
    errors = sum(gap or ka != kb for ka, kb, gap in keyed)
    char_errors = sum(Levenshtein.distance(ka, kb) for ka, kb, _ in keyed if ka != kb)
    return Rates(errors / max(ref_words, 1), char_errors / max(ref_chars, 1), ref_words, ref_chars)
