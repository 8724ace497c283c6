"""Misreads that are themselves words ("arid" for "and", "bead" for "head", "tor" for
"for"), corrected from their neighbours.

No dictionary sees these, so the only witness is context: the pairs of
rules/real_word_confusions.tsv (word, misread as) say which readings to weigh,
and word-pair counts (symspellpy's bigram dictionary and the book's own
pairs, ``Lexicon.fit``) say which reading its two neighbours expect. The
printed word wins unless the other reading, after paying ``SLIP`` for the
misread, holds ``ACCEPT`` of the score: "the bead of the party" becomes "the
head of the party", "arid the workers" "and the workers". A share of
``REVIEW_SHARE`` or more only lists the token for review. A token with one
neighbour missing (a sentence start, a comma) is judged by the other alone;
with both missing it is left. This generalises
rules/scannos.tsv's fixed rows (tor_for, arid_and), which still run first.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable
from dataclasses import replace
from functools import cache

from pipeline.config import Config
from pipeline.lexicon import english_frequencies
from pipeline.stages.correct_ocr_words.decide import ACCEPT, Decision
from pipeline.stages.correct_ocr_words.tokens import Token
from pipeline.stages.correct_ocr_words.vocabulary import Lexicon

SLIP = 0.1
"""Likelihood factor of one listed real-word misread: rarer than a non-word misread
(``CONFUSION_COST``), since most of the time the printed word is what was meant."""
RARER = 3.0
"""A printed word is read as another only if English uses it this many times less:
"tie" for "the", "bead" for "head", "modem" for "modern" (3.6); never "he" for "be"
(2.8) or back, whose contexts ("will he write", "will be written") bigrams cannot tell
apart. rules/scannos.tsv's be_for_he still handles its one safe context."""
COMMON = 1e-4
"""Share of English running words (one in ten thousand: "form", "bad", not "tie",
"arid") from which a printed word's unlisted pairs get the benefit of the doubt."""
REVIEW_SHARE = 0.75
"""Share above which an unaccepted real-word reading is listed for review: the
context leans towards it but does not overwhelm. Below it, "he"/"be" before a
verb ("the post he held", "be held") is a coin toss that bigrams cannot settle."""


def real_word_readings(config: Config) -> dict[str, tuple[str, ...]]:
    """Misread as -> the words it may stand for, from rules/real_word_confusions.tsv.

    >>> real_word_readings(Config(real_word_confusions=frozenset({("and", "arid"), ("head", "bead")})))["arid"]
    ('and',)
    """
    return _real_word_readings(config.real_word_confusions)


@cache
def _real_word_readings(pairs: frozenset[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    english = english_frequencies()
    found: dict[str, list[str]] = {}
    for word, misread in sorted(pairs):
        word, misread = word.lower(), misread.lower()
        if word.isalpha() and misread.isalpha() and english.get(word, 0) >= RARER * english.get(misread, 0):
            found.setdefault(misread, []).append(word)
    return {misread: tuple(words) for misread, words in found.items()}


def decide_real_word(token: Token, readings: tuple[str, ...], lexicon: Lexicon) -> Decision | None:
    """Correct, review or leave a token that is a listed real-word misread.

    >>> from collections import Counter
    >>> from pipeline.stages.correct_ocr_words.tokens import tokenize
    >>> from pipeline.stages.correct_ocr_words.vocabulary import build_lexicon
    >>> lex = build_lexicon(Counter(), Counter(), Config())
    >>> token = tokenize("the bead of the party")[1]
    >>> decide_real_word(token, ("head",), lex).after
    'head'
    >>> decide_real_word(tokenize("a bead of sweat")[1], ("head",), lex).rule  # English alone only leans
    'review'
    """
    if not (token.prev or token.next):
        return None
    seen = token.core.lower()
    scored = sorted(((_score(token, w, seen, lexicon), w) for w in readings), reverse=True)
    (value, kept, fits), word = scored[0]
    share = value / (value + kept) if value + kept else 0.0
    after = word[:1].upper() + word[1:] if token.core[:1].isupper() else word
    (read_left, read_right), (seen_left, seen_right) = fits
    evidence = (
        f"'{token.prev} {word} {token.next}' against '{token.prev} {seen} {token.next}': "
        f"'{token.prev} {word}' ×{read_left:.2g} '{word} {token.next}' ×{read_right:.2g}, "
        f"'{token.prev} {seen}' ×{seen_left:.2g} '{seen} {token.next}' ×{seen_right:.2g}, share {share:.2f}"
    )
    if share >= ACCEPT:
        return Decision(token.start, token.end, after, "real_word", evidence)
    if share >= REVIEW_SHARE:
        return Decision(token.start, token.end, None, "review", f"not sure: {after!r} has {evidence}", (after,))
    return None


def _score(token: Token, word: str, seen: str, lexicon: Lexicon) -> tuple[float, float, tuple]:
    """(the reading's score, the printed word's score, their fits on each side);
    both scores 0 when neither side is witnessed: no evidence, no decision.

    A side where neither pair is witnessed (the bigram list or the book has
    neither) says nothing: both fit 1 there. Otherwise a printed word as common
    as ``COMMON`` gets the benefit of the doubt for an unlisted pair (it may be
    as good as the rarest listed one: "direct form", "raw form") and the reading
    does not: doing no harm comes first. A rare printed word ("arid", "tie",
    "tor") gets none: nearly all its pairs are unlisted, so an unlisted one says
    nothing about it and counts as chance; with the benefit, a bad scan's
    "writers arid Communists" outweighed "writers and".
    The printed word's pairs are English's alone, and its count leaves itself
    out: in the book its pairs and count may be its own misreads ("workers arid
    peasants" twice); the reading is judged by English and the book.
    """
    fits, witnessed = [], False
    benefit = lexicon.english.get(seen, 0) >= COMMON * lexicon.stats.total
    for a, b_read, b_seen, left in ((token.prev, word, seen, True), (token.next, word, seen, False)):
        pair_read, pair_seen = ((a, b_read), (a, b_seen)) if left else ((b_read, a), (b_seen, a))
        if a is None or not (lexicon.witnessed(*pair_read) or lexicon.witnessed(*pair_seen, book=False)):
            fits.append((1.0, 1.0))
        else:
            fits.append((lexicon.fit(*pair_read), lexicon.fit(*pair_seen, book=False, benefit=benefit)))
            witnessed = True
    if not witnessed:
        return 0.0, 0.0, ((1.0, 1.0), (1.0, 1.0))
    value = lexicon.prior(word) * fits[0][0] * fits[1][0] * SLIP
    kept = lexicon.prior(seen, here=1) * fits[0][1] * fits[1][1]
    return value, kept, ((fits[0][0], fits[1][0]), (fits[0][1], fits[1][1]))


def without_misreads(tokenized: Iterable[list[Token]], lexicon: Lexicon, config: Config) -> Lexicon:
    """The lexicon for the second pass: each listed misread's book count less its
    confident corrections in a first pass over the whole book.

    A misread word that the book prints often only because it is misread often
    ("tie" for "the" on every page of a bad scan) must not vouch for itself;
    what the first pass is sure of is taken out, and the second pass decides
    with what is left (a noisy channel re-estimated on the book, in the manner
    of Kernighan, Church and Gale).
    """
    readings = real_word_readings(config)
    misread: Counter[str] = Counter()
    for tokens in tokenized:
        for token in tokens:
            words = readings.get(token.core.lower()) if not token.skip and token.core.isalpha() else None
            decision = decide_real_word(token, words, lexicon) if words else None
            if decision and decision.after:
                misread[token.core.lower()] += 1
    return replace(lexicon, book=lexicon.book - misread) if misread else lexicon


def real_word_decisions(tokens: list[Token], lexicon: Lexicon, config: Config, free: list[bool]) -> list[Decision]:
    """Decisions for the tokens that are listed real-word misreads; ``free`` marks the
    tokens no other decision covers."""
    readings = real_word_readings(config)
    found = []
    for token, ok in zip(tokens, free):
        words = readings.get(token.core.lower()) if ok and not token.skip else None
        if words and token.core.isalpha():
            decision = decide_real_word(token, words, lexicon)
            if decision:
                found.append(decision)
    return found
