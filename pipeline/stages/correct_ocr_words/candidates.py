"""Candidate readings of an unknown token and their noisy-channel scores.

A candidate is reached through OCR confusions (rules/ocr_confusions.tsv),
SymSpell edits or a lost space; its score multiplies how common the word is
(in English and in this book), how much its edits cost and how well it fits
its neighbours. The decision (decide.py) only compares these scores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import regex
from symspellpy import Verbosity

from pipeline.config import Config
from pipeline.spelling import english_symspell
from pipeline.stages.correct_ocr_words.channel import CONFUSION_COST, Channel
from pipeline.stages.correct_ocr_words.misreads import Confusion, confusion_readings
from pipeline.stages.correct_ocr_words.tokens import Token
from pipeline.stages.correct_ocr_words.vocabulary import CAMEL, FUNCTION_MIN_COUNT, MAX_EDITS, SPLIT_MIN_COUNT, VOWEL, Lexicon

EDIT_COST = 0.01
"""Likelihood factor of any other one-character edit."""
SPLIT_COST = 0.1
"""Likelihood factor of a lost space ("nota" for "not a"), as common as a confusion."""
CASE_CHANGE = 0.01
"""Factor for a candidate whose capital disagrees with its place ("It" mid-sentence)."""
NEARBY = 10.0
"""Factor for a candidate the same paragraph uses elsewhere: words come in bursts."""

_INNER_CAPITAL = regex.compile(r"(?<=\p{Ll})\p{Lu}(?=\p{Ll}+$)")
_TRIPLED = regex.compile(r"(\p{L})\1\1")
_NOT_LETTER = regex.compile(r"[^\p{L}’'-]")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible reading of a token: the text to write, how it was reached, its score."""

    text: str
    kind: str  # confusion | edit | split
    confusions: int = 0
    edits: int = 0
    score: float = 0.0
    why: str = ""
    path: tuple[Confusion, ...] = ()
    """The OCR confusions undone, which the book's channel prices (channel.py)."""


def _with_case(word: str, model: str) -> str:
    """``word`` in the case pattern of ``model`` (all capitals, capitalised, or as it is)."""
    if len(model) > 1 and model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def candidates(token: Token, core: str, lexicon: Lexicon, channel: Channel) -> list[Candidate]:
    """Candidate readings of an unknown ``core``, before scoring, each at its cheapest."""
    found: dict[str, Candidate] = {}

    def add(candidate: Candidate) -> None:
        key = candidate.text
        old = found.get(key)
        if old is None or likelihood(candidate, channel) > likelihood(old, channel):
            found[key] = candidate

    indexes = (english_symspell(), lexicon.extra)
    for text, path in confusion_readings(core, channel.confusions).items():
        if lexicon.target(text.lower()):
            add(Candidate(_case_of_target(text, lexicon), "confusion", confusions=len(path), path=path))
        elif len(path) == 1:  # a confusion and one more slip: "Tommorow" -> "Tomorow" -> "Tomorrow"
            for index in indexes:
                for suggestion in index.lookup(text.lower(), Verbosity.ALL, 1):
                    if lexicon.target(suggestion.term):
                        add(Candidate(_case_of_target(_with_case(suggestion.term, core), lexicon), "confusion", 1, 1, path=path))
    word = core.lower()
    for index in indexes:
        for suggestion in index.lookup(word, Verbosity.ALL, MAX_EDITS):
            if suggestion.distance > 0 and lexicon.target(suggestion.term):
                text = _case_of_target(_with_case(suggestion.term, core), lexicon)
                add(Candidate(text, "edit", edits=suggestion.distance))
    for parts in segmentations(word, lexicon):
        add(Candidate(_spaced(core, parts), "split"))
    inner = _INNER_CAPITAL.search(core)  # "nextPlenary": the capital starts the second word
    if inner and _split_part(word[: inner.start()], lexicon) and lexicon.target(word[inner.start() :]):
        add(Candidate(core[: inner.start()] + " " + core[inner.start() :], "split"))
    return _one_case_each(found.values(), token)


def _spaced(core: str, parts: tuple[str, ...]) -> str:
    """``core`` with spaces between ``parts`` (its lower-case pieces), each piece in the
    token's own case ("ourParty" -> "our Party")."""
    pieces, at = [], 0
    for part in parts:
        pieces.append(core[at : at + len(part)])
        at += len(part)
    return " ".join(pieces)


def glued_run(word: str, lexicon: Lexicon) -> bool:
    """Common words glued, one of them a function word ("ofthe", "andthese"): a misread,
    never a foreign word, so it does not make its neighbours look like a foreign phrase."""
    return any(
        any(len(p) >= 2 and lexicon.english.get(p, 0) >= FUNCTION_MIN_COUNT for p in parts) for parts in segmentations(word, lexicon)
    )  # a lone "a" proves nothing: "adarn" is no "a darn"


def segmentations(word: str, lexicon: Lexicon) -> list[tuple[str, ...]]:
    """Ways to read ``word`` as two or three common words glued: "nota" -> ("not", "a"),
    "andofthe" -> ("and", "of", "the"). Three only where two will not do; the score picks one.

    >>> from collections import Counter
    >>> from pipeline.stages.correct_ocr_words.vocabulary import build_lexicon
    >>> lex = build_lexicon(Counter(), Counter(), Config())
    >>> segmentations("andthese", lex), segmentations("andofthe", lex)
    ([('and', 'these')], [('and', 'of', 'the'), ('and', 'oft', 'he')])
    """
    found = [(word[:i], word[i:]) for i in range(1, len(word)) if _split_part(word[:i], lexicon) and _split_part(word[i:], lexicon)]
    if found:
        return found
    return [
        (word[:i], word[i:j], word[j:])
        for i in range(1, len(word) - 1)
        if _split_part(word[:i], lexicon)
        for j in range(i + 1, len(word))
        if _split_part(word[i:j], lexicon) and _split_part(word[j:], lexicon)
    ]


def _one_case_each(found, token: Token) -> list[Candidate]:
    """Of readings that differ only in case ("It", "it" for "lt"), the one its place calls for."""
    capital = token.initial or token.core[:1].isupper()
    best: dict[str, Candidate] = {}
    for candidate in found:
        key = candidate.text.lower()
        if key not in best or (candidate.text[:1].isupper() == capital) > (best[key].text[:1].isupper() == capital):
            best[key] = candidate
    return list(best.values())


def _case_of_target(text: str, lexicon: Lexicon) -> str:
    """A word the book only prints capitalised (a name) keeps its capital."""
    return text[:1].upper() + text[1:] if lexicon.name(text.lower()) else text


def _split_part(part: str, lexicon: Lexicon) -> bool:
    """A piece a glued token may split into: a common word, one letter only if "a"."""
    return (len(part) >= 2 or part == "a") and lexicon.english.get(part, 0) >= SPLIT_MIN_COUNT


def allowed(token: Token, candidate: Candidate, lexicon: Lexicon) -> bool:
    """Whether the token's kind lets this candidate compete at all.

    A capitalised word inside a sentence is probably a name: it may change by
    one misread only, into a word the book prints capitalised and uses twice
    or finds in English ("Progess" -> "Progress", "Ordzhonikdze" ->
    "Ordzhonikidze"; not "Krassin" -> "Krasin", both printed once), or by one
    OCR confusion into an English word that is common or that the book uses
    ("Cornmissars" -> "Commissars"). Short
    tokens have too many neighbours: they change through confusions only
    ("mc" -> "me").
    """
    if len(token.core) <= 3:
        return candidate.kind == "confusion" and candidate.edits == 0
    if token.core[:1].isupper() and not token.initial:
        word = candidate.text.lower()
        if candidate.kind == "confusion" and candidate.confusions == 1 and not candidate.edits:
            return word in lexicon.capitalised or word in lexicon.english and (lexicon.book[word] or lexicon.english[word] >= SPLIT_MIN_COUNT)
        return (
            candidate.kind != "split"
            and candidate.confusions + candidate.edits == 1
            and word in lexicon.capitalised
            and (word in lexicon.english or lexicon.book[word] >= 2)
        )
    return True


def likelihood(candidate: Candidate, channel: Channel) -> float:
    """How likely the scan shows the token if the candidate was printed: each confusion
    at the book's cost (channel.py), each other edit at ``EDIT_COST``."""
    if candidate.kind == "split":
        return SPLIT_COST ** candidate.text.count(" ")  # one factor per lost space
    confusions = math.prod(channel.cost(c) for c in candidate.path) if candidate.path else CONFUSION_COST**candidate.confusions
    return confusions * EDIT_COST**candidate.edits


def odd(core: str) -> bool:
    """A token no word looks like: a tripled letter, a mark inside, no vowel, a capital
    inside lower case ("nextPlenary")."""
    return bool(_TRIPLED.search(core.lower()) or _NOT_LETTER.search(core) or not VOWEL.search(core) or CAMEL.search(core))


def score(token: Token, candidate: Candidate, lexicon: Lexicon, channel: Channel, nearby: frozenset[str] = frozenset()) -> Candidate:
    """The candidate with its noisy-channel score and a short account of it.

    ``nearby`` holds the other words of the paragraph: a word just used is
    likelier to come again ("consummating it … not coiusummating it").
    """
    words = candidate.text.lower().split()
    prior = math.prod(lexicon.prior(w) * (NEARBY if w in nearby else 1.0) for w in words)
    inner = math.prod(lexicon.fit(a, b) for a, b in zip(words, words[1:]))
    left, right = lexicon.fit(token.prev, words[0]), lexicon.fit(words[-1], token.next)
    capital = candidate.text[:1].isupper()
    case = CASE_CHANGE if capital != token.core[:1].isupper() and capital != token.initial else 1.0
    value = prior * inner * left * right * likelihood(candidate, channel) * case
    context = " ".join(
        f"'{a} {b}' ×{lexicon.fit(a, b):.2g}" for a, b in ((token.prev, words[0]), (words[-1], token.next)) if a and b
    )
    if any(w in nearby for w in words):
        context = f"{context} in paragraph".strip()
    return Candidate(candidate.text, candidate.kind, candidate.confusions, candidate.edits, value, context, candidate.path)
