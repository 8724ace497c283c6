"""Words broken by a misread space ("alw ays" -> "always"): pairs of tokens, not one.

Separate from decide.py because it looks at two neighbouring tokens at once
and must run before the single-token decisions, which would otherwise
"correct" each half on its own ("in troduce" into "in produce").
"""

from __future__ import annotations

from pipeline.stages.correct_ocr_words.decide import Decision
from pipeline.stages.correct_ocr_words.tokens import Token
from pipeline.stages.correct_ocr_words.vocabulary import LETTERS, SPLIT_MIN_COUNT, Lexicon


def split_words(tokens: list[Token], text: str, lexicon: Lexicon, unknown: list[bool]) -> dict[int, Decision]:
    """Words broken by a misread space: "alw ays" -> "always", "prote st" -> "protest".

    Two neighbours separated by one space, with no punctuation between, the
    second in lower case, at least one of them a word in no lexicon, and
    together a common English word or one the book prints twice. Two known
    words are never joined ("any more" stays), and a piece must not be
    corrected on its own first ("in troduce" is not "in produce"). Keyed by
    the index of the first token.

    >>> from collections import Counter
    >>> from pipeline.config import Config
    >>> from pipeline.stages.correct_ocr_words.tokens import tokenize
    >>> from pipeline.stages.correct_ocr_words.vocabulary import build_lexicon, is_unknown
    >>> lex = build_lexicon(Counter(), Counter(), Config())
    >>> tokens = tokenize("a cou ple of words, the questi ons")
    >>> [(d.after, d.evidence) for d in split_words(tokens, "a cou ple of words, the questi ons", lex, [is_unknown(t, lex) for t in tokens]).values()]
    [('couple', "'cou ple' is 'couple' broken by a space: 'cou', 'ple' are not words"), ('questions', "'questi ons' is 'questions' broken by a space: 'questi', 'ons' are not words")]
    """
    found: dict[int, Decision] = {}
    for i, (left, right) in enumerate(zip(tokens, tokens[1:])):
        if i - 1 in found or left.skip or right.skip or left.trail or text[left.end : right.start] != " ":
            continue
        if not (unknown[i] or unknown[i + 1]) or not right.core.islower() or not LETTERS.fullmatch(left.core + right.core):
            continue
        joined = (left.core + right.core).lower()
        if not lexicon.target(joined) or lexicon.english.get(joined, 0) < SPLIT_MIN_COUNT and lexicon.book[joined] < 2:
            continue
        pieces = ", ".join(repr(t.core) for t, u in ((left, unknown[i]), (right, unknown[i + 1])) if u)
        verdict = "are not words" if unknown[i] and unknown[i + 1] else "is not a word"
        found[i] = Decision(
            left.start, right.end, left.core + right.core, "split_word",
            f"'{left.core} {right.core}' is '{left.core + right.core}' broken by a space: {pieces} {verdict}",
        )
    return found
