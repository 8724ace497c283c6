"""Candidate readings of an unknown token and their noisy-channel scores.

A candidate is reached through OCR confusions (rules/ocr_confusions.tsv),
SymSpell edits or a lost space; its score multiplies how common the word is
(in English and in this book), how much its edits cost and how well it fits
its neighbours. The decision (decide.py) only compares these scores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

import regex
from symspellpy import Verbosity

from pipeline.config import Config
from pipeline.spelling import english_symspell
from pipeline.stages.correct_ocr_words.tokens import Token
from pipeline.stages.correct_ocr_words.vocabulary import MAX_EDITS, SPLIT_MIN_COUNT, Lexicon, VOWEL

CONFUSION_COST = 0.1
"""Likelihood factor of one OCR confusion ("rn" for "m"): the commonest misreads."""
EDIT_COST = 0.01
"""Likelihood factor of any other one-character edit."""
SPLIT_COST = 0.1
"""Likelihood factor of a lost space ("nota" for "not a"), as common as a confusion."""
CASE_CHANGE = 0.01
"""Factor for a candidate whose capital disagrees with its place ("It" mid-sentence)."""
NEARBY = 10.0
"""Factor for a candidate the same paragraph uses elsewhere: words come in bursts."""

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


def _with_case(word: str, model: str) -> str:
    """``word`` in the case pattern of ``model`` (all capitals, capitalised, or as it is)."""
    if len(model) > 1 and model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _misreads(text: str, confusions: tuple[tuple[str, str], ...]) -> Iterator[str]:
    """Readings of ``text`` that undo one misread: an OCR confusion, or a letter
    printed twice ("proceeeded", "Illyich").

    Lower-case pairs match either case and keep the case they replace; a pair
    with a capital ("l" -> "I") matches and writes exactly.
    """
    lower = text.lower()
    for seen, meant in confusions:
        exact = seen != seen.lower() or meant != meant.lower()
        haystack = text if exact else lower
        i = haystack.find(seen)
        while i >= 0:
            new = meant if exact or not text[i].isupper() else meant[:1].upper() + meant[1:]
            yield text[:i] + new + text[i + len(seen) :]
            i = haystack.find(seen, i + 1)
    for i in range(1, len(text)):
        if text[i].isalpha() and lower[i] == lower[i - 1]:
            yield text[:i] + text[i + 1 :]


def _confusion_readings(token: str, confusions: tuple[tuple[str, str], ...]) -> dict[str, int]:
    """Every reading of ``token`` after one or two misreads -> the number of misreads.

    >>> sorted(_confusion_readings("lt", (("l", "I"), ("rn", "m"))).items())
    [('It', 1)]
    >>> _confusion_readings("Illyich", ())["Ilyich"]
    1
    """
    readings: dict[str, int] = {}
    frontier = [token]
    for depth in (1, 2):
        found = []
        for text in frontier:
            for reading in _misreads(text, confusions):
                if reading not in readings and reading != token:
                    readings[reading] = depth
                    found.append(reading)
        frontier = found
    return readings


def candidates(token: Token, core: str, lexicon: Lexicon, config: Config) -> list[Candidate]:
    """Candidate readings of an unknown ``core``, before scoring, each at its cheapest."""
    found: dict[str, Candidate] = {}

    def add(candidate: Candidate) -> None:
        key = candidate.text
        old = found.get(key)
        if old is None or _channel(candidate) > _channel(old):
            found[key] = candidate

    indexes = (english_symspell(), lexicon.extra)
    for text, count in _confusion_readings(core, config.ocr_confusions).items():
        if lexicon.target(text.lower()):
            add(Candidate(_case_of_target(text, lexicon), "confusion", confusions=count))
        elif count == 1:  # a confusion and one more slip: "Tommorow" -> "Tomorow" -> "Tomorrow"
            for index in indexes:
                for suggestion in index.lookup(text.lower(), Verbosity.ALL, 1):
                    if lexicon.target(suggestion.term):
                        add(Candidate(_case_of_target(_with_case(suggestion.term, core), lexicon), "confusion", 1, 1))
    word = core.lower()
    for index in indexes:
        for suggestion in index.lookup(word, Verbosity.ALL, MAX_EDITS):
            if suggestion.distance > 0 and lexicon.target(suggestion.term):
                text = _case_of_target(_with_case(suggestion.term, core), lexicon)
                add(Candidate(text, "edit", edits=suggestion.distance))
    for i in range(1, len(word)):
        left, right = word[:i], word[i:]
        if all(_split_part(part, lexicon) for part in (left, right)):
            add(Candidate(_with_case(left, core) + " " + right, "split"))
    return _one_case_each(found.values(), token)


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
    "Ordzhonikidze"; not "Krassin" -> "Krasin", both printed once). Short
    tokens have too many neighbours: they change through confusions only
    ("mc" -> "me").
    """
    if len(token.core) <= 3:
        return candidate.kind == "confusion" and candidate.edits == 0
    if token.core[:1].isupper() and not token.initial:
        word = candidate.text.lower()
        return (
            candidate.kind != "split"
            and candidate.confusions + candidate.edits == 1
            and word in lexicon.capitalised
            and (word in lexicon.english or lexicon.book[word] >= 2)
        )
    return True


def _channel(candidate: Candidate) -> float:
    """How likely the scan shows the token if the candidate was printed."""
    if candidate.kind == "split":
        return SPLIT_COST
    return CONFUSION_COST**candidate.confusions * EDIT_COST**candidate.edits


def odd(core: str) -> bool:
    """A token no word looks like: a tripled letter, a mark inside, no vowel."""
    return bool(_TRIPLED.search(core.lower()) or _NOT_LETTER.search(core) or not VOWEL.search(core))


def score(token: Token, candidate: Candidate, lexicon: Lexicon, nearby: frozenset[str] = frozenset()) -> Candidate:
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
    value = prior * inner * left * right * _channel(candidate) * case
    context = " ".join(
        f"'{a} {b}' ×{lexicon.fit(a, b):.2g}" for a, b in ((token.prev, words[0]), (words[-1], token.next)) if a and b
    )
    if any(w in nearby for w in words):
        context = f"{context} in paragraph".strip()
    return Candidate(candidate.text, candidate.kind, candidate.confusions, candidate.edits, value, context)
