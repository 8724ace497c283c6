"""Word alignment of a document with a reference, anchored so a whole document aligns fast.

Plain edit-distance alignment costs the product of the two lengths; tools
that use it fail on whole books. Here words that occur exactly once in both
texts are anchors; the longest chain of anchors in the same order (longest
increasing subsequence) splits the texts into short stretches, and only those
stretches are aligned by edit distance (rapidfuzz). The result is a list of
(reference, hypothesis) word pairs with ``None`` for a gap, in order.
"""

from __future__ import annotations

import bisect
from collections import Counter
from typing import Sequence

from rapidfuzz.distance import Levenshtein

from pipeline.lexicon import WORD_OR_NUMBER as WORD  # one vocabulary: a word, or a number; punctuation is neither

Pair = tuple[str | None, str | None]


def words(text: str) -> list[str]:
    """The word tokens of a text.

    >>> words("“Work- ers’ and Peasants’ Inspection,” pp. 487-502.")
    ['Work', 'ers', 'and', 'Peasants', 'Inspection', 'pp', '487-502']
    """
    return WORD.findall(text)


def words_with_punctuation(text: str) -> list[tuple[str, str]]:
    """The word tokens of a text, each with the text that follows it up to the next word.

    >>> words_with_punctuation("“We must,” he said — “now.”")
    [('We', ' '), ('must', ',” '), ('he', ' '), ('said', ' — “'), ('now', '.”')]
    """
    found = list(WORD.finditer(text))
    return [(m.group(), text[m.end() : found[k + 1].start() if k + 1 < len(found) else len(text)])
            for k, m in enumerate(found)]


def _anchors(ref: Sequence[str], hyp: Sequence[str]) -> list[tuple[int, int]]:
    """Positions (i, j) of words unique in both texts, the longest chain in the same order."""
    ref_count, hyp_count = Counter(ref), Counter(hyp)
    hyp_at = {w: j for j, w in enumerate(hyp) if hyp_count[w] == 1}
    pairs = [(i, hyp_at[w]) for i, w in enumerate(ref) if ref_count[w] == 1 and w in hyp_at]
    # Longest increasing subsequence of j over pairs sorted by i (patience sorting).
    tails: list[int] = []
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_index.append(k)
        else:
            tails[pos] = j
            tail_index[pos] = k
        previous[k] = tail_index[pos - 1] if pos else -1
    chain = []
    k = tail_index[-1] if tail_index else -1
    while k != -1:
        chain.append(pairs[k])
        k = previous[k]
    return chain[::-1]


def _edit_align(ref: Sequence[str], hyp: Sequence[str]) -> list[Pair]:
    """Edit-distance alignment of two short word sequences."""
    pairs: list[Pair] = []
    for op in Levenshtein.opcodes(list(ref), list(hyp)):
        a, b = ref[op.src_start : op.src_end], hyp[op.dest_start : op.dest_end]
        if op.tag == "equal" or (op.tag == "replace" and len(a) == len(b)):
            pairs.extend(zip(a, b))
        elif op.tag == "replace":
            common = min(len(a), len(b))
            pairs.extend(zip(a[:common], b[:common]))
            pairs.extend((w, None) for w in a[common:])
            pairs.extend((None, w) for w in b[common:])
        elif op.tag == "delete":
            pairs.extend((w, None) for w in a)
        else:
            pairs.extend((None, w) for w in b)
    return pairs


def align(ref: Sequence[str], hyp: Sequence[str]) -> list[Pair]:
    """Align two word sequences: (reference word, hypothesis word) pairs, None for a gap.

    >>> align("the party must learn".split(), "the parly must learn".split())
    [('the', 'the'), ('party', 'parly'), ('must', 'must'), ('learn', 'learn')]
    >>> align("a b c".split(), "a c".split())
    [('a', 'a'), ('b', None), ('c', 'c')]
    """
    pairs: list[Pair] = []
    i0 = j0 = 0
    for i, j in _anchors(ref, hyp) + [(len(ref), len(hyp))]:
        pairs.extend(_edit_align(ref[i0:i], hyp[j0:j]))
        if i < len(ref):
            pairs.append((ref[i], hyp[j]))
        i0, j0 = i + 1, j + 1
    return pairs
