"""The word tokens of a paragraph, with their neighbours for context.

Kept apart from the decisions because everything else (the lexicon's counts,
the candidates, the context fit) reads the same tokens, and because what
counts as a word to look at (not a line-end fragment, not a URL, not a letter
run glued to a number) is a question of its own.
"""

from __future__ import annotations

from array import array
from itertools import accumulate
from operator import add
from typing import Iterator, NamedTuple, Sequence

import regex

HYPHEN_MARKS = "-\u00ac\u00ad"
_FRAGMENT = regex.compile(r"\p{L}[-\u00ac\u00ad]\P{L}*$")  # "anticapi-", "docu-." before the rest of the word
_LETTER = regex.compile(r"\p{L}")
_PIECES = regex.compile(r"([^\s\p{L}—–/-]*)(\p{L}(?:[^\s—–/-]*\p{L})?)([^\s\p{L}—–/-]*)")
_SENTENCE_END = regex.compile(r"[.!?][\p{Pf}\p{Pe}’”'\")\]]*[\d°!’']*$")
_BREAK = regex.compile(r"[.,;:!?()\[\]{}—–/\d]")
_SPACED = regex.compile(r"\S+")
GLUED = regex.compile(r"^(\p{L}{2,})([.,;:])(\p{L}{2,})$")
"""Two words joined by a punctuation mark: "founded.in", "Azerbaidzhani,Turkestani"."""


class Token(NamedTuple):
    """A word-like piece of a paragraph: ``core`` from its first to its last letter at
    ``start``, the punctuation ``trail`` after it (within the white-space token),
    whether it opens a sentence, and whether to leave it alone. ``prev``/``next``
    are the neighbouring words when nothing but a space or a quote stands between.

    A named tuple, not a dataclass: a book makes ~70,000 of them per pass, and a
    tuple is made three times as fast as a frozen dataclass instance."""

    start: int
    core: str
    trail: str
    initial: bool
    skip: bool
    prev: str | None = None
    next: str | None = None

    @property
    def end(self) -> int:
        return self.start + len(self.core)


def tokenize(text: str, words: dict[str, str] | None = None) -> list[Token]:
    """The word tokens of a paragraph: pieces of each white-space token split at
    dashes and slashes, with their neighbours for context. With ``words``,
    equal strings of the tokens are one object, remembered there (for tokens
    kept across a whole book: a few thousand words stand for ~60,000 tokens).

    Line-end hyphen fragments ("anticapi- talist") belong to
    ``join_hyphenated_words``, URLs are not words, and a letter run touching a
    digit ("2nd", "111n", a note number glued on) is not a word either: all
    are marked ``skip``.

    >>> [(t.core, t.prev, t.next, t.initial) for t in tokenize("It is, the “stong” bond.")]
    [('It', None, 'is', True), ('is', 'it', None, False), ('the', None, 'stong', False), ('stong', 'the', 'bond', False), ('bond', 'stong', None, False)]
    """
    raw: list[tuple[int, str, str, bool, bool]] = []
    spaced = list(_SPACED.finditer(text))
    last_word = len(spaced) - 1
    initial, after_fragment = True, False
    for index, match in enumerate(spaced):
        word = match.group()
        core = None if after_fragment else _plain(word)
        if core:
            raw.append((match.start(), core, word[len(core) :], initial, False))
            initial = word[-1] in ".!?"
            continue
        fragment = index < last_word and any(m in word for m in HYPHEN_MARKS) and bool(_FRAGMENT.search(word))
        skip = fragment or "://" in word or "www." in word or "@" in word
        if after_fragment:
            letters = bool(_LETTER.search(word))
            skip, after_fragment = skip or letters, not letters
        after_fragment = after_fragment or fragment
        for piece in _PIECES.finditer(word):
            lead, core, trail = piece.groups()
            digits = lead[-1:].isdigit() or trail[:1].isdigit()
            raw.append((match.start() + piece.start(2), core, trail, initial, skip or digits))
            initial = False
        initial = bool(_SENTENCE_END.search(word))
    # A neighbour is a word for context, unless punctuation or a number stands between.
    lows = [None if skip or not core.isalpha() else core.lower() for _, core, _, _, skip in raw]
    linked = [
        between == " " or not _BREAK.search(between)
        for between in (text[start + len(core) : after[0]] for (start, core, *_), after in zip(raw, raw[1:]))
    ]
    tokens = []
    last = len(raw) - 1
    for i, (start, core, trail, initial, skip) in enumerate(raw):
        prev = lows[i - 1] if i and linked[i - 1] else None
        nxt = lows[i + 1] if i < last and linked[i] else None
        if words is not None:
            core, trail = words.setdefault(core, core), words.setdefault(trail, trail)
            prev, nxt = prev and words.setdefault(prev, prev), nxt and words.setdefault(nxt, nxt)
        tokens.append(_make(Token, (start, core, trail, initial, skip, prev, nxt)))
    return tokens


_PLAIN_TRAIL = frozenset(".,;:!?")


def _plain(word: str) -> str | None:
    """The core of a white-space token of letters with at most one of ``.,;:!?`` after them:
    most of a book's tokens, which are one piece, no fragment and no URL, read without
    the regexes (``tokenize`` twice as fast). None for any other token."""
    if word.isalpha():
        return word
    if word[-1] in _PLAIN_TRAIL and word[:-1].isalpha() and word != "www.":
        return word[:-1]
    return None


_make = tuple.__new__
"""Makes a Token from its fields without the named tuple's Python-level ``__new__`` (a third of the time)."""
_INITIAL, _SKIP, _PREV, _NEXT = 1, 2, 4, 8
_FLAGS = 4
"""Bits of a kept token's third number; its trail's length sits above them."""


def pack(tokens: Sequence[Token]) -> bytes | array:
    """A paragraph's tokens as three small numbers each: the gap from the last core's end to its
    start, the length of its core, and the trail's length with the flags.

    Three bytes a token where every number is under 256 (almost every
    paragraph), else three unsigned ints with the start itself: ~300 bytes
    a token as objects.
    """
    numbers, end = [], 0
    for t in tokens:
        flags = (t.initial * _INITIAL) | (t.skip * _SKIP) | ((t.prev is not None) * _PREV) | ((t.next is not None) * _NEXT)
        numbers += (t.start - end, len(t.core), (len(t.trail) << _FLAGS) | flags)
        end = t.start + len(t.core)
    if not numbers or (min(numbers) >= 0 and max(numbers) < 256):
        return bytes(numbers)
    starts = accumulate(map(add, numbers[0::3], numbers[1::3]))
    numbers[0::3] = [e - size for e, size in zip(starts, numbers[1::3])]
    return array("I", numbers)


def unpack(text: str, packed: bytes | array, lower: dict[str, str]) -> list[Token]:
    """The tokens :func:`pack` kept, rebuilt over the paragraph's ``text``; ``lower`` remembers
    each word's lower case (by the word), so neighbours share one string.

    >>> text = "It is, the “stong” bond."
    >>> unpack(text, pack(tokenize(text)), {}) == tokenize(text)
    True
    >>> long = "A " + " ".join(["word"] * 60) + " " * 300 + "end."
    >>> type(pack(tokenize(long))).__name__, unpack(long, pack(tokenize(long)), {}) == tokenize(long)
    ('array', True)
    """
    sizes, rests = packed[1::3], packed[2::3]
    if isinstance(packed, bytes):
        starts = [e - size for e, size in zip(accumulate(map(add, packed[0::3], sizes)), sizes)]
    else:
        starts = packed[0::3]
    cores = [text[start : start + size] for start, size in zip(starts, sizes)]
    low = [lower.get(core) or lower.setdefault(core, core.lower()) for core in cores]
    return [
        _make(Token, (start, core, text[start + len(core) : start + len(core) + (rest >> _FLAGS)],
                      (rest & _INITIAL) != 0, (rest & _SKIP) != 0, prev if rest & _PREV else None, nxt if rest & _NEXT else None))
        for start, core, rest, prev, nxt in zip(starts, cores, rests, [None, *low], low[1:] + [None])
    ]


KEEP_TOKENS = 65_536
"""Tokens kept as objects between the stage's passes (the book has ~58,000: ~16 MB); the rest are packed."""


class TokenizedBook:
    """The paragraphs' token lists, for the stage's three passes (book words, misread counts, corrections).

    Each paragraph is tokenized once, in the first pass. The first
    KEEP_TOKENS tokens are kept as they are, so a book of ordinary size pays
    nothing in the later passes; beyond that they are kept packed
    (:func:`pack`, 3 bytes a token instead of ~280) and rebuilt one
    paragraph at a time, which costs a fifth of tokenizing again: so the
    stage's memory grows by little more than the text for every further
    copy of a book in one file (the book 118 times, 45 MB: ~7 million tokens,
    2 GB as objects).
    """

    def __init__(self, texts: Sequence[str]):
        self._texts = texts
        self._kept: list[list[Token] | bytes | array] = []
        self._count = 0
        self._words: dict[str, str] = {}  # each string of the kept tokens, once
        self._lower: dict[str, str] = {}  # each packed word's lower case

    def __iter__(self) -> Iterator[list[Token]]:
        for index, text in enumerate(self._texts):
            if index < len(self._kept):
                kept = self._kept[index]
                yield kept if isinstance(kept, list) else unpack(text, kept, self._lower)
                continue
            tokens = tokenize(text, self._words)
            self._count += len(tokens)
            self._kept.append(tokens if self._count <= KEEP_TOKENS else pack(tokens))
            yield tokens
