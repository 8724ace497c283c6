"""Tokens that mix letters with digits or symbols, read back as words: "y0u", "with0ut",
"P1enary", "tran$cribed", "1n", "ın" (dotless i), "PrInted", "AmerIca".

Every OCR engine makes these, whatever the book: a letter read as the digit
or symbol it looks like, or as a capital in the middle of a lower-case word.
The word pass (decide.py) never sees them, because a token with a digit is a
number there; so they get a pass of their own, with stricter guards than an
unknown word gets, since numbers, years ("1920s"), ordinals ("2nd"),
references ("149n", "121ff"), note marks ("capitalism.2", "Krupskaya.!"),
acronyms and junk ("SE1", "8LL") all look alike:

- the odd characters are those rules/ocr_confusions.tsv reads as a letter
  ("0" -> "o", "1" -> "l", "$" -> "s", "ı" -> "i"); at most ``MAX_ODD`` of
  them, and no more than the token has letters;
- a short token that opens with a digit ("1n") is read only before a word,
  and after a word, a sentence end, a comma or a bracket ("first, 0f the",
  "(0n the contrary", "truce) 6y merely"), so a reference in a list ("Stalin, 1n, 5n")
  stays; one that opens with two digits is a number;
- digits after a word ("speech1", "he1") are a note mark, left for a later
  stage, unless the reading is the commoner word ("genera1" -> "general");
- a reading must be a word a correction may write (``Lexicon.target``), except
  where the only odd characters are ones no English word holds (``SURE``: the
  dotless "ı", a "$" between letters) and they have one reading:
  "Kıevsky" -> "Kievsky", "V$emirnaya" -> "Vsemirnaya".

Readings compete in the noisy-channel manner of decide.py (the word's prior,
how well it fits its neighbours); the winner is written at a share of
``ACCEPT``, a closer call goes to review. The reading keeps the token's case
("P1enary" -> "Plenary"); one that opens the token with an odd character is
capitalised only at a sentence start ("1n the" -> "in the", ". 1n" -> ". In").
"""

from __future__ import annotations

import itertools
import math
from functools import cache
from typing import Iterator

import regex

from pipeline.config import Config
from pipeline.stages.correct_ocr_words.channel import Channel, prior
from pipeline.stages.correct_ocr_words.decide import ACCEPT, KEEP_PRIOR, ODD_TOKEN, REVIEW, Decision
from pipeline.stages.correct_ocr_words.tokens import HYPHEN_MARKS
from pipeline.stages.correct_ocr_words.vocabulary import Lexicon

MAX_ODD = 3
"""At most this many odd characters in a token: more is junk, not a word."""
SHORT = 3
"""A token of at most this many characters that opens with a digit needs words around it."""
MAX_READINGS = 64
"""At most this many readings of one token are looked up."""
TRAILING_MARKS = "!|]"
"""Marks that end a token as punctuation ("history!") or as a misread "l" whose bracket
must be checked ("Contro]", decide.py): never read here at a token's end."""
SURE = "ı$"
"""Odd characters no English word holds: read even where the reading is no known word (a name)."""
INNER_CAPITALS = "IL"
"""Capitals OCR reads inside a lower-case word for "i" or "l": "PrInted", "UnIon"."""

_INNER_CAPITAL = regex.compile(r"^\p{Lu}?\p{Ll}+[" + INNER_CAPITALS + r"]\p{Ll}+$")
_NUMBER = regex.compile(r"^\d\d|^\d+(?:st|nd|rd|th|s|d)$")  # "1920s", "2nd", "149n"
_TRAILING_DIGITS = regex.compile(r"[1-9]\d*$")  # a note number; "int0" is no note
_CLOSE = regex.compile(r"[\s”’\"')\].,;:?]|\[\d|$")  # "f0rce[2]": a note mark after the word
_SENTENCE_END = regex.compile(r"(?:^|[.!?][”’\"')]*)\s*[(\[“‘\"]?\Z")  # "(1n brackets" opening a sentence: "(In"
_PREV_WORD = regex.compile(r"(?<![\p{L}\p{N}.,;:!?)\]])(\p{L}+)[”’\"']?[ ]\Z")
_PROSE_BEFORE = regex.compile(r"(?:\p{L}[”’\"']?[,;:][ ]|\p{L}[)\]][ ]|[(\[“‘])\Z")  # "first, 0f the", "(0n the contrary", "truce) 6y"
_NEXT_WORD = regex.compile(r"[ ](\p{L}+)(?![\p{L}\p{N}])")


def odd_characters(config: Config) -> dict[str, tuple[str, ...]]:
    """Single non-letter (or dotless i) characters rules/ocr_confusions.tsv reads as a letter -> the letters.

    >>> odd_characters(Config(ocr_confusions=(("0", "o"), ("1", "l"), ("1", "I"), ("rn", "m"))))
    {'0': ('o',), '1': ('l', 'i')}
    """
    return _odd_characters(config.ocr_confusions)


@cache
def _odd_characters(confusions: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for seen, meant in confusions:
        if len(seen) == 1 and len(meant) == 1 and meant.isalpha() and (not seen.isalpha() or seen == "ı"):
            letters = found.setdefault(seen, [])
            if meant.lower() not in letters:
                letters.append(meant.lower())
    return {seen: tuple(letters) for seen, letters in found.items()}


@cache
def _patterns(odd: str) -> tuple[regex.Pattern, regex.Pattern, regex.Pattern]:
    """For the odd characters ``odd``: a hit (an odd character, or a capital inside
    lower case), the run of letters and odd characters back from a hit, and a run at
    the start of a white-space token."""
    chars = regex.escape(odd)
    return (
        regex.compile(rf"[{chars}]|(?<=\p{{Ll}})[{INNER_CAPITALS}]"),
        regex.compile(rf"(?r)[\p{{L}}{chars}]*"),
        regex.compile(rf"(?<![^\s(\[“‘\"'-])[\p{{L}}{chars}]+"),
    )


def _runs(text: str, odd: str) -> Iterator[regex.Match]:
    """The runs of letters and odd characters that start a white-space token and hold an
    odd character or an inner capital. Found from the hits, which are rare, rather than
    by trying every word: most words have neither."""
    hit, back, run = _patterns(odd)
    last = -1
    for found in hit.finditer(text):
        if found.start() < last:
            continue
        match = run.match(text, back.match(text, 0, found.start()).start())
        last = match.end() if match else found.end()
        if match:
            yield match


def _readings(run: str, odd: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """Lower-case readings of a run with each odd character replaced -> (reading, what was read how)."""
    lower = run.lower()
    if _INNER_CAPITAL.match(run):
        i = next(k for k in range(1, len(run)) if run[k].isupper())
        return [(lower, f"capital '{run[i]}' inside a lower-case word")]
    options = [odd.get(ch, (ch,)) if not ch.isalpha() or ch == "ı" else (ch,) for ch in lower]
    found = []
    for letters in itertools.islice(itertools.product(*options), MAX_READINGS):
        reading = "".join(letters)
        swaps = ", ".join(f"'{a}'→'{b}'" for a, b in zip(run, reading) if a.lower() != b)
        found.append((reading, swaps))
    return found


def _readable(run: str, odd: dict[str, tuple[str, ...]], lexicon: Lexicon) -> bool:
    """A run worth reading as a word: see the module docstring for the guards."""
    if _INNER_CAPITAL.match(run):
        return not run.startswith(("Mc", "Mac")) and lexicon.book[run] < 2 and lexicon.target(run.lower())
    odd_count = sum(ch in odd for ch in run)
    letters = sum(ch.isalpha() and ch != "ı" for ch in run)
    if not odd_count or odd_count > MAX_ODD or letters < max(1, odd_count) or any(not ch.isalpha() and ch not in odd for ch in run):
        return False
    if letters > 1 and all(ch.isupper() for ch in run if ch.isalpha()):
        return False  # an acronym or junk: "SE1", "8LL"
    if _NUMBER.match(run):
        return False
    return True


def _note_mark(run: str, reading: str, lexicon: Lexicon, channel: Channel) -> bool:
    """Digits after a known word ("speech1") are a note mark, unless the reading is a
    commoner word than the one before the digits ("genera1": "general"); "i5" is "is".
    A digit this book often reads for a letter (channel.py) counts that many times
    over: in a scan that read "s" as "5" a dozen times, "day5" is "days"."""
    digits = _TRAILING_DIGITS.search(run)
    word = run[: digits.start()].lower() if digits else ""
    if not (len(word) >= 2 and lexicon.known(word)):
        return False
    gain = channel.gain((digits.group(), reading[digits.start() :])) if len(digits.group()) == 1 else 1.0
    return lexicon.english.get(reading, 0) * gain <= lexicon.english.get(word, 0)


def note_or_letter(text: str, channel: Channel) -> bool:
    """Whether ``text`` has a word ending in a digit this book often reads for a letter:
    a paragraph :func:`read_mixed` may read otherwise with the book's channel."""
    digits = "".join(seen for seen, _ in channel.gains if len(seen) == 1 and seen.isdigit())
    return bool(digits) and bool(regex.search(rf"\p{{L}}[{digits}](?!\p{{N}})", text))


def read_mixed(text: str, lexicon: Lexicon, config: Config, channel: Channel | None = None) -> list[Decision]:
    """Decisions for the mixed tokens of a paragraph's text, left to right; ``channel``
    is the book's (channel.py), by default the prior.

    >>> from collections import Counter
    >>> from pipeline.stages.correct_ocr_words.vocabulary import build_lexicon
    >>> lex = build_lexicon(Counter(), Counter(), Config(ocr_confusions=(("0", "o"), ("1", "l"), ("1", "I"), ("$", "s"))))
    >>> text = "1n the P1enary session y0u tran$cribed it, 1920s, 2nd, 149n"
    >>> [(d.after, d.rule) for d in read_mixed(text, lex, Config(ocr_confusions=(("0", "o"), ("1", "l"), ("1", "I"), ("$", "s"))))]
    [('In', 'odd_character'), ('Plenary', 'odd_character'), ('you', 'odd_character'), ('transcribed', 'odd_character')]
    """
    odd = odd_characters(config)
    channel = channel or prior(config.ocr_confusions)
    decisions = []
    for match in _runs(text, "".join(sorted(odd))):
        run = match.group().rstrip(TRAILING_MARKS)
        start, end = match.start(), match.start() + len(run)
        if not run or not _CLOSE.match(text, end) or "://" in text[start : end + 3] or any(m in text[end : end + 1] for m in HYPHEN_MARKS):
            continue
        if not _readable(run, odd, lexicon):
            continue
        prev = _PREV_WORD.search(text, 0, start)
        nxt = _NEXT_WORD.match(text, end)
        initial = bool(_SENTENCE_END.search(text, 0, start))
        if run[0].isdigit() and len(run) <= SHORT and not (nxt and (prev or initial or _PROSE_BEFORE.search(text, 0, start))):
            continue  # "1n" only between two words or opening a sentence: in a list it is a reference
        decision = _decide(run, start, end, initial, prev[1].lower() if prev else None, nxt[1].lower() if nxt else None, odd, lexicon, channel)
        if decision:
            decisions.append(decision)
    return decisions


def _swapped(run: str, reading: str) -> list[tuple[str, str]]:
    """The (odd character, letter) pairs a reading of the same length undid."""
    return [(a, b) for a, b in zip(run, reading) if a.lower() != b]


def _read_sure(run: str, start: int, end: int, initial: bool, odd) -> Decision | None:
    """A run whose odd characters are all ``SURE``, each with one reading, inside
    letters: the reading, though no lexicon knows it ("Kıevsky" -> "Kievsky")."""
    spots = [i for i, ch in enumerate(run) if ch in odd]
    if not all(run[i] in SURE and len(odd[run[i]]) == 1 for i in spots) or sum(ch.isalpha() and ch != "ı" for ch in run) < SHORT:
        return None
    if any(run[i] == "$" and not (0 < i < len(run) - 1) for i in spots):
        return None  # "$" at an edge is a currency sign
    letters = [odd[ch][0] if i in spots else ch for i, ch in enumerate(run)]
    if spots[0] == 0:
        letters[0] = letters[0].upper() if initial else letters[0]
    reading = "".join(letters)
    swaps = ", ".join(f"'{run[i]}'→'{reading[i]}'" for i in spots)
    return Decision(start, end, reading, "odd_character", f"{swaps}: no English word holds '{run[spots[0]]}'")


def _decide(
    run: str, start: int, end: int, initial: bool, prev: str | None, nxt: str | None, odd, lexicon: Lexicon, channel: Channel
) -> Decision | None:
    """The best reading that is a word, scored by prior, fit with the neighbours and how
    often the book reads each odd character for that letter (channel.py)."""
    scored = []
    for reading, swaps in _readings(run, odd):
        if not lexicon.target(reading) or _note_mark(run, reading, lexicon, channel):
            continue
        gain = math.prod(channel.gain(pair) for pair in _swapped(run, reading))
        value = lexicon.prior(reading) * lexicon.fit(prev, reading) * lexicon.fit(reading, nxt) * gain
        capital = run[0].isupper() if run[0].isalpha() and run[0] != "ı" else initial
        written = reading[:1].upper() + reading[1:] if capital or lexicon.name(reading) else reading
        scored.append((value, written, swaps))
    if not scored:
        return _read_sure(run, start, end, initial, odd)
    scored.sort(reverse=True)
    total = KEEP_PRIOR * ODD_TOKEN + sum(value for value, _, _ in scored)
    value, best, swaps = scored[0]
    share = value / total
    context = " ".join(f"'{a} {b}' ×{lexicon.fit(a, b):.2g}" for a, b in ((prev, best.lower()), (best.lower(), nxt)) if a and b)
    learned = channel.describe(_swapped(run, best.lower()))
    evidence = f"{swaps}{f' ({learned})' if learned else ''}{', ' + context if context else ''}, share {share:.2f}"
    rule = "inner_capital" if _INNER_CAPITAL.match(run) else "odd_character"
    if share >= ACCEPT:
        return Decision(start, end, best, rule, evidence)
    if share >= REVIEW:
        shown = tuple(w for v, w, _ in scored[:3] if v / total >= 0.05)
        return Decision(start, end, None, "review", f"not sure: {best!r} has {evidence}", shown)
    return None
