"""Case slips: a small letter OCR read for a capital ("the Party congress", ". so we").

Letters whose capital is the same shape, only larger (``SAME_SHAPE``: c, o, s,
v, w, x, z), are the ones OCR reads in the wrong case; the book itself says
which case is meant:

- in a phrase: a word printed in lower case in a run of three words with a
  capitalised one, where the book prints the same three words with it
  capitalised ``PHRASE_MIN`` times or more and never in lower case ("the
  Twelfth Party congress", "Twelfth Party Congress" 7 times), takes the book's
  case. Two words are not enough: "a historian of the Stalin school." is right beside "The Stalin
  School of Falsification" (9 times), and "a new Soviet opposition movement"
  beside "the Soviet Opposition";
- at a sentence start: a word in lower case after a full stop that ends a word
  (not an abbreviation, "ed.", "pp.", "cf.", "No.", "a.m.", not an initial
  "M.", not an ellipsis ". . ."), an English word, takes a capital when its
  first letter is of ``SAME_SHAPE``; any other letter (". the") is no case
  slip but likely a comma read as a full stop, and goes to review, as does a
  word that fits on from the word before ("this period. when": "period when"
  is a pair English uses, so the full stop may be the misread).

Each change says its evidence: how often the book prints the phrase, or what
ends the sentence before. A word that another decision of the stage covers
("lt" read for "It") is left to it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

import regex

from pipeline.stages.correct_ocr_words.decide import Decision
from pipeline.stages.correct_ocr_words.tokens import Token
from pipeline.stages.correct_ocr_words.vocabulary import Lexicon

SAME_SHAPE = "cosvwxz"
"""Small letters whose capital is the same shape, only larger: OCR mixes up their case."""
PHRASE_MIN = 5
"""How often the book must print a phrase capitalised (and never in small letters) for
a small-letter copy of it to take the capital. Fewer says nothing: "the basic work of
Deputies" is right beside the title "Work of Deputies" (4 times)."""
ABBREVIATIONS = frozenset(
    """etc vol vols ibid ibidem viz op cit loc ed eds trans transl comp cf pp no nos ch chap art sec fig ff ca approx
    esp incl jr sr st mr mrs dr prof gen col gov rev dept univ co inc ltd vs al ms mss resp""".split()
)
"""Words a full stop ends as an abbreviation ("ed. by", "pp. 12", "cf. the"), not a sentence."""

_BEFORE = regex.compile(r"(?:^|\s)[“‘\"'(\[]*(\p{L}+)\.[”’\"')\]]*\s+[“‘\"'(\[]*\Z")


@dataclass(frozen=True, slots=True)
class Phrases:
    """The book's runs of three neighbouring words as printed (case kept), with nothing but
    a space between: the phrases whose case a slip is checked against. ``capitals`` are the
    words of the runs printed ``PHRASE_MIN`` times or more: only such a word can be the
    capital a slip takes, so every other word is passed over without a look at its runs."""

    counts: Counter[tuple[str, ...]]
    capitals: frozenset[str]

    @classmethod
    def of(cls, counts: Counter[tuple[str, ...]]) -> Phrases:
        return cls(counts, frozenset(word for run, n in counts.items() if n >= PHRASE_MIN for word in run))


def case_phrases(paragraphs: Iterable[list[Token]]) -> Phrases:
    """The book's :class:`Phrases`, from its paragraphs' tokens."""
    found: Counter[tuple[str, ...]] = Counter()
    for tokens in paragraphs:
        for a, b, c in zip(tokens, tokens[1:], tokens[2:]):
            if a.next is not None and b.next is not None and not (a.skip or b.skip or c.skip):
                found[a.core, b.core, c.core] += 1
    return Phrases.of(found)


NO_PHRASES = Phrases(Counter(), frozenset())


def _run(tokens: list[Token], start: int, size: int) -> bool:
    """Whether tokens[start : start + size] exist and follow each other with only a space between."""
    if start < 0 or start + size > len(tokens):
        return False
    return all(t.next is not None and not t.skip for t in tokens[start : start + size - 1]) and not tokens[start + size - 1].skip


def case_decisions(tokens: list[Token], text: str, lexicon: Lexicon, phrases: Phrases, free: list[bool]) -> list[Decision]:
    """Decisions for the case slips of a paragraph's tokens; ``free`` marks the tokens no
    other decision covers.

    >>> from collections import Counter
    >>> from pipeline.config import Config
    >>> from pipeline.stages.correct_ocr_words.tokens import tokenize
    >>> from pipeline.stages.correct_ocr_words.vocabulary import build_lexicon
    >>> lex = build_lexicon(Counter(), Counter(), Config())
    >>> text = "at the Party congress in March. so we went"
    >>> tokens = tokenize(text)
    >>> phrases = Phrases.of(Counter({("the", "Party", "Congress"): 22}))
    >>> [(d.after, d.evidence) for d in case_decisions(tokens, text, lex, phrases, [True] * len(tokens))]
    [('Congress', "the book prints 'the Party Congress' 22 times, 'the Party congress' nowhere else; 'c' read for 'C'"), ('So', "a sentence starts after 'March.'; 's' read for 'S'")]
    """
    found = []
    for i, token in enumerate(tokens):
        core = token.core
        if not free[i] or token.skip or not core.isalpha() or not core.islower():
            continue
        decision = _sentence_start(token, text, lexicon) if token.initial else _in_phrase(tokens, i, phrases)
        if decision:
            found.append(decision)
    return found


def _in_phrase(tokens: list[Token], i: int, phrases: Phrases) -> Decision | None:
    """The book's case for a word of a three-word phrase holding a capitalised word."""
    token = tokens[i]
    core = token.core
    if core[0] not in SAME_SHAPE:
        return None
    capital = core[0].upper() + core[1:]
    if capital not in phrases.capitals:
        return None
    options = []
    for start in (i - 2, i - 1, i):
        if not _run(tokens, start, 3):
            continue
        words = [t.core for t in tokens[start : start + 3]]
        if not any(_capitalised(t) for t in tokens[start : start + 3] if t is not token) or phrases.counts[tuple(words)] > 1:
            continue
        at = i - start
        options.append((phrases.counts[tuple(words[:at] + [capital] + words[at + 1 :])], " ".join(words[:at] + ["{}"] + words[at + 1 :])))
    count, phrase = max(options, default=(0, ""))
    if count < PHRASE_MIN:
        return None
    evidence = (
        f"the book prints '{phrase.format(capital)}' {count} times, '{phrase.format(core)}' nowhere else; "
        f"'{core[0]}' read for '{capital[0]}'"
    )
    return Decision(token.start, token.end, capital, "case_slip", evidence)


def _capitalised(token: Token) -> bool:
    """A word with a capital that is not there only because it opens a sentence, nor an acronym."""
    return not token.skip and not token.initial and token.core[:1].isupper() and not token.core.isupper()


def _sentence_start(token: Token, text: str, lexicon: Lexicon) -> Decision | None:
    """A small letter after a full stop that ends a word (see the module docstring)."""
    before = _BEFORE.search(text, 0, token.start)
    if not before or len(token.core) < 2:
        return None  # paragraph start, ellipsis, a mark other than ".", a lone letter ("delay. a")
    word = before[1]
    if len(word) < 2 or word.lower() in ABBREVIATIONS or word.isupper() and len(word) <= 3:
        return None  # "M.", "pp.", "No.", "USA."
    capital = token.core[0].upper() + token.core[1:]
    evidence = f"a sentence starts after '{word}.'; '{token.core[0]}' read for '{capital[0]}'"
    runs_on = lexicon.witnessed(word.lower(), token.core) and lexicon.fit(word.lower(), token.core) > 1
    if token.core[0] in SAME_SHAPE and token.core in lexicon.english and not runs_on:
        return Decision(token.start, token.end, capital, "case_slip", evidence)
    reason = f"not sure: a sentence starts after '{word}.' in a small letter (or the '.' is a misread ',')"
    return Decision(token.start, token.end, None, "review", reason, (capital,))
