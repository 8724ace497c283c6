"""Words glued by a lost space: "andthese", "ofthe", "Committeeand", "whyI", "beendefinitely".

The word pass (decide.py) splits a glued token only when the token is in no
list and every part is a common word. A bad scan defeats that in four ways,
each handled here:

- it prints the same glue twice ("ofthe"), which makes the token a word of
  the book; here a token the book prints as a pair ``MISREAD_RATIO`` times as
  often as glued is a misread of the pair;
- two common words glued look like a compound ("thustaken", "theold"), which
  the lexicon guesses is a word; here the guess must beat the split;
- a part may be a rarer word ("stupidities", "ebbed", "emancipation") or a
  name the book prints ("Krasin", "Lomonosov"), or the pronoun "I";
- a capitalised token ("Committeeand", "WaterTransport", "Iknow") is taken
  for a name.

A split is scored as decide.py scores its candidates (candidates.score: the
parts' priors, how well they fit each other and their neighbours, the cost of
each lost space); against it the token as an
unknown valid word (``KEEP_PRIOR``, a hundredth of that when a part is a
function word or a capital stands inside, as no word is built so), and the
word pass's other readings of it ("Cornmission" is "Commission", not "Corn
mission"); not those that drop a whole part ("why" for "whyI": OCR loses spaces,
not words). The split is written at a share of ``ACCEPT``; a closer call where
it still leads goes to review, unless the lexicon takes the token for a word
("spadework" stays as printed). A split never cuts at a prefix or a suffix of
rules/lexicon.txt ("underdo", "colorless" are words), and tokens English
knows ("maybe", "cannot") or the archive and rules/lexicon.txt protect are
left alone.
"""

from __future__ import annotations

import regex

from pipeline.config import Config
from pipeline.stages.correct_ocr_words.candidates import Candidate, allowed, candidates, score
from pipeline.stages.correct_ocr_words.channel import Channel, prior
from pipeline.stages.correct_ocr_words.decide import ACCEPT, KEEP_PRIOR, ODD_TOKEN, REVIEW, Decision
from pipeline.stages.correct_ocr_words.tokens import Token
from pipeline.stages.correct_ocr_words.vocabulary import CAMEL, LETTERS, MISREAD_RATIO, Lexicon

PART_MIN_COUNT = 30_000
"""A part that is no word of the book must be at least this common in English
("ebbed", "stupidities" are; "kame", "nev" of "Kamenev" hardly matter, as their
priors are too small to beat the token)."""
FUNCTION_WORDS = frozenset(
    """i me my we us our you your he him his she her it its they them their this that these those who whom whose
    which what the an of in on at by for with from to into upon about against among between during through towards
    within without than as and or but nor so if because although though whether while whereas unless be is am are was
    were been being have has had having do does did will would shall should can could may might must not thus therefore
    however hence also only very too even still just now then there here such each every some any no""".split()
)
"""English function words: pronouns, determiners, prepositions, conjunctions, auxiliaries and
sentence adverbs. Compounds are built of content words, and of particles ("up", "out", "over",
"back", left out here: "shutdown", "takeover"), never of these, so a token made of one is glued.
(By English frequency alone, web words such as "home", "page", "free" would count, and "work".)"""
MIN_LENGTH = 4
"""Shorter tokens ("ofa", "ina") have too many readings to split from counts alone."""


def lost_space_decisions(
    tokens: list[Token], lexicon: Lexicon, config: Config, free: list[bool], nearby: frozenset[str], channel: Channel | None = None,
    rivals: dict[int, float] | None = None,
) -> dict[int, Decision]:
    """Decisions for the tokens that are words glued by a lost space, keyed by token index.

    ``free`` marks the tokens no other decision covers; ``nearby`` holds the
    paragraph's known words (candidates.score's burst factor); ``channel``
    prices the other readings a split competes with (channel.py; by default
    the prior of rules/ocr_confusions.tsv). ``rivals`` receives the score of
    each split too close to call against another reading, by token index:
    the word pass weighs it, so that "peasantas" beside "peasants" is no
    sure "peasants" while "peasant as" is nearly as likely.

    >>> from collections import Counter
    >>> from pipeline.stages.correct_ocr_words.tokens import tokenize
    >>> from pipeline.stages.correct_ocr_words.vocabulary import build_lexicon
    >>> lex = build_lexicon(Counter(), Counter(), Config())
    >>> tokens = tokenize("That is whyI am planning for it: the revolution overthrew theold order.")
    >>> [(d.after, d.rule) for d in lost_space_decisions(tokens, lex, Config(), [True] * len(tokens), frozenset()).values()]
    [('why I', 'split'), ('the old', 'split')]
    """
    channel = channel or prior(config.ocr_confusions)
    found = {}
    for i, token in enumerate(tokens):
        word = token.core.lower()
        if len(word) < MIN_LENGTH or word in lexicon.english or word in lexicon.protected or not free[i] or token.skip:
            continue
        decision, split = _decide(token, word, lexicon, channel, nearby) if LETTERS.fullmatch(word) else (None, 0.0)
        if decision:
            found[i] = decision
        elif split and rivals is not None:
            rivals[i] = split
    return found


def _decide(token: Token, word: str, lexicon: Lexicon, channel: Channel, nearby: frozenset[str]) -> tuple[Decision | None, float]:
    """The decision on the token, or None and the splits' score when they hold at least
    ``REVIEW`` against the token itself but no decision (0.0 when they do not)."""
    core = token.core
    splits = [parts for parts in _splits(token, lexicon) if _misread(word, parts, lexicon)]
    if not splits:
        return None, 0.0
    scored = [score(token, Candidate(" ".join(parts), "split"), lexicon, channel, nearby) for parts in splits]
    best = max(scored, key=lambda c: c.score)
    keep = KEEP_PRIOR * _glue_factor(core, best.text.split(), lexicon)
    if best.score < REVIEW * (keep + sum(c.score for c in scored)):
        return None, 0.0  # no better than the token itself, before any other reading is looked up
    words = {part.lower() for parts in splits for part in parts}
    others = [score(token, c, lexicon, channel, nearby).score for c in candidates(token, core, lexicon, channel)
              if c.kind != "split" and c.text.lower() not in words and allowed(token, c, lexicon)]
    share = best.score / (keep + sum(c.score for c in scored) + sum(others))
    spaces = "a lost space" if best.text.count(" ") == 1 else f"{best.text.count(' ')} lost spaces"
    evidence = f"{spaces}{', ' + best.why if best.why else ''}, share {share:.2f}"
    if share >= ACCEPT:
        return Decision(token.start, token.end, best.text, "split", evidence), 0.0
    if share >= REVIEW and best.score >= max(others, default=0.0) and not lexicon.known(word):
        return Decision(token.start, token.end, None, "review", f"not sure: {best.text!r} has {evidence}", (best.text,)), 0.0
    return None, sum(c.score for c in scored)


def _splits(token: Token, lexicon: Lexicon) -> list[tuple[str, ...]]:
    """The token cut into two words, or three where two will not do; pieces keep the token's case."""
    core = token.core
    two = [(core[:i], core[i:]) for i in range(1, len(core)) if _part(core[:i], 0, token, lexicon) and _part(core[i:], 1, token, lexicon)]
    found = [p for p in two if _at_no_affix(p, lexicon)]
    if found:
        return found
    three = [
        (core[:i], core[i:j], core[j:])
        for i in range(1, len(core) - 1)
        if _part(core[:i], 0, token, lexicon)
        for j in range(i + 1, len(core))
        if _part(core[i:j], 1, token, lexicon) and _part(core[j:], 1, token, lexicon)
    ]
    return [p for p in three if _at_no_affix(p, lexicon)]


def _part(piece: str, index: int, token: Token, lexicon: Lexicon) -> bool:
    """Whether a piece may stand as a word of a split.

    Lower case: a word of the book or a fairly common English word; of one
    letter only "a", of two only a function word. Capitalised: the pronoun
    "I"; at the token's start, a sentence's first word or a word the book
    prints capitalised twice (a name, "Committee"); inside the token (a
    capital after lower case) also any fairly common English word
    ("WaterTransport").
    """
    word = piece.lower()
    if piece == "I":
        return True
    if len(piece) < 2:
        return piece == "a" and index > 0
    if len(piece) == 2 and word not in FUNCTION_WORDS:
        return False  # "ed", "de", "re", "la": endings and foreign words, not words glued on ("sovietised")
    if piece.islower():
        return _common(word, lexicon)
    if not (piece[0].isupper() and piece[1:].islower()):
        return False
    book_name = word in lexicon.capitalised and lexicon.book[word] >= 2
    if index == 0 and not token.initial:
        return book_name
    return book_name or _common(word, lexicon)


def _common(word: str, lexicon: Lexicon) -> bool:
    return lexicon.english.get(word, 0) >= PART_MIN_COUNT or lexicon.book[word] >= 2 and lexicon.target(word)


def _at_no_affix(parts: tuple[str, ...], lexicon: Lexicon) -> bool:
    """A cut after a prefix ("under|do") or before a suffix ("color|less") of
    rules/lexicon.txt makes a derived word, not two words."""
    lower = [p.lower() for p in parts]
    return not (any(p in lexicon.prefixes for p in lower[:-1]) or any(p in lexicon.suffixes for p in lower[1:]))


def _misread(word: str, parts: tuple[str, ...], lexicon: Lexicon) -> bool:
    """A token the book prints twice is a word of the book, unless it prints the
    words apart ``MISREAD_RATIO`` times as often ("ofthe" twice, "of the" 3,000 times)."""
    count = lexicon.book[word]
    return count < 2 or len(parts) == 2 and lexicon.pairs[" ".join(parts).lower()] >= MISREAD_RATIO * count


DERIVED_ADJECTIVE = regex.compile(r"^\p{Ll}{4,}(?:ary|ous|ive|ical|ful|able|ible)$")
"""An adjective made with a suffix ("temporary", "dangerous", "active", "political", "careful"): English builds
closed compounds of short adjectives ("blackboard", "highway"), not of these ("temporarystate" is two words)."""


def _glue_factor(core: str, parts: tuple[str, ...], lexicon: Lexicon) -> float:
    """How much less likely the token is a word because of what it is made of: a
    function word ("the", "of", "which", "I"; ``FUNCTION_WORDS``: no word is built
    of these) makes it glued almost surely; a capital inside ("WaterTransport"),
    an adverb in -ly ("sidesequally", "workedclosely": English builds compounds of
    nouns, adjectives and particles, not of such adverbs) or a first part that is an
    adjective made with a suffix ("temporarystate": ``DERIVED_ADJECTIVE``) very likely."""
    if any(p.lower() in FUNCTION_WORDS for p in parts if len(p) >= 2 or p == "I"):
        return ODD_TOKEN**2
    odd = CAMEL.search(core) or any(_adverb(p.lower(), lexicon) for p in parts) or DERIVED_ADJECTIVE.match(parts[0].lower())
    return ODD_TOKEN if odd else 1.0


def _adverb(word: str, lexicon: Lexicon) -> bool:
    """An adverb made with -ly from a common English word: "equally", "temporarily"
    (not "family", whose stem is no word)."""
    if len(word) < 6 or not word.endswith("ly"):
        return False
    stem = word[:-2]
    stems = (stem, stem[:-1] + "y") if stem.endswith("i") else (stem,)
    return any(lexicon.english.get(s, 0) >= PART_MIN_COUNT for s in stems)
