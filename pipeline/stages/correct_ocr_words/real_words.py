"""Misreads that are themselves words ("arid" for "and", "bead" for "head", "tor" for
"for"), corrected from their neighbours.

No dictionary sees these, so the only witness is context: the pairs of
rules/real_word_confusions.tsv (word, misread as) say which readings to weigh,
and word-pair counts (symspellpy's bigram dictionary and the book's own
pairs, ``Lexicon.fit``) say which reading its two neighbours expect. The
printed word wins unless the other reading, after paying ``SLIP`` for the
misread, holds ``ACCEPT`` of the score and fits neither neighbour worse than
``AGAINST``: "the bead of the party" becomes "the head of the party", "arid the
workers" "and the workers". A share of ``REVIEW_SHARE`` or more only lists the
token for review. A token with one neighbour missing (a sentence start, a
comma) is judged by the other alone; with both missing it is left. This
replaces rules/scannos.tsv's former fixed rows tor_for and arid_and (the book's
"opened tor the import" is now read from its counts); ali_all ("ali" for "all",
a pair rules/real_word_confusions.tsv does not list) and be_for_he remain.
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
from pipeline.stages.correct_ocr_words.vocabulary import BENEFIT, Lexicon

SLIP = 0.1
"""Likelihood factor of one listed real-word misread: rarer than a non-word misread
(``CONFUSION_COST``), since most of the time the printed word is what was meant."""
RARER = 3.0
"""A printed word is read as another only if English uses it this many times less:
"tie" for "the", "bead" for "head", "modem" for "modern" (3.6); never "he" for "be"
(2.8) or back, whose contexts ("will he write", "will be written") bigrams cannot tell
apart. rules/scannos.tsv's be_for_he still handles its one safe context."""
AGAINST = 0.03
"""A reading whose pair on either side fits below this (an unlisted pair of common words,
"its and climate") is never written, however likely the rest makes it: at most reviewed."""
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
    if share >= ACCEPT and min(read_left, read_right) >= AGAINST:
        return Decision(token.start, token.end, after, "real_word", evidence)
    if share >= REVIEW_SHARE:
        return Decision(token.start, token.end, None, "review", f"not sure: {after!r} has {evidence}", (after,))
    return None


def _score(token: Token, word: str, seen: str, lexicon: Lexicon) -> tuple[float, float, tuple]:
    """(the reading's score, the printed word's score, their fits on each side);
    both scores 0 when neither side has a witnessed pair (the bigram list or the
    book has neither): no evidence, no decision.

    Each side with a neighbour counts, witnessed or not: an unlisted pair of two
    common words is rare ("an and", "the the"), and ``Lexicon.fit`` says how rare.
    The printed word's unlisted pair gets the benefit of the doubt (it may be as
    good as the rarest listed one: "direct form", "bead of") and the reading's
    does not: doing no harm comes first. The doubt is the most the pair could
    fit and still be unlisted; far past ``BENEFIT`` times chance it is no doubt
    but ignorance (the printed word is too rare for the list to hold its pairs:
    "arid", "tor") and the pair counts as chance (``_doubt``). With ten times
    chance there, a bad scan's "writers arid Communists" outweighed "writers and".
    The printed word's pairs are English's alone, and its count leaves itself
    out: in the book its pairs and count may be its own misreads ("workers arid
    peasants" twice); the reading is judged by English and the book.
    """
    fits, witnessed = [], False
    for a, b_read, b_seen, left in ((token.prev, word, seen, True), (token.next, word, seen, False)):
        pair_read, pair_seen = ((a, b_read), (a, b_seen)) if left else ((b_read, a), (b_seen, a))
        if a is None:
            fits.append((1.0, 1.0))
            continue
        listed = lexicon.witnessed(*pair_seen, book=False)
        witnessed = witnessed or listed or lexicon.witnessed(*pair_read)
        fits.append((lexicon.fit(*pair_read), lexicon.fit(*pair_seen, book=False) if listed else _doubt(*pair_seen, lexicon)))
    if not witnessed:
        return 0.0, 0.0, ((1.0, 1.0), (1.0, 1.0))
    value = lexicon.prior(word) * fits[0][0] * fits[1][0] * SLIP
    kept = lexicon.prior(seen, here=1) * fits[0][1] * fits[1][1]
    return value, kept, ((fits[0][0], fits[1][0]), (fits[0][1], fits[1][1]))


def _doubt(left: str, right: str, lexicon: Lexicon) -> float:
    """The benefit of the doubt for an unlisted pair of the printed word: the most it
    could fit and still be unlisted (the listing threshold over chance, as
    ``Lexicon.fit`` reckons chance), falling back towards 1 beyond ``BENEFIT``:
    "raw form" (13) gets 8, "arid again" (300) 1. A pair English has no count for
    ("m the") fits as ``Lexicon.fit`` says."""
    if left not in lexicon.english or right not in lexicon.english:
        return lexicon.fit(left, right, book=False)
    stats = lexicon.stats
    bound = stats.floor * stats.total / (stats.scale * lexicon.english[left] * lexicon.english[right])
    return bound if bound <= BENEFIT else max(1.0, BENEFIT**2 / bound)


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
