"""English word lists shared by the stages that need to know whether a token is a word.

The list is symspellpy's own English frequency dictionary, read straight from
the installed package as a plain set: that takes ~60 ms, where building a
SymSpell index takes seconds, and membership is all these stages need.
"""

from __future__ import annotations

import importlib.resources
from collections import Counter
from functools import cache
from typing import Iterable

import regex

DICTIONARY_FILE = "frequency_dictionary_en_82_765.txt"


@cache
def english_frequencies() -> dict[str, int]:
    """Word -> corpus count from symspellpy's English dictionary (lower case)."""
    text = (importlib.resources.files("symspellpy") / DICTIONARY_FILE).read_text(encoding="utf-8")
    rows = text.splitlines()
    fields = text.split()
    if len(fields) == 2 * len(rows):  # "word count" on every line: pair the fields in C, twice as fast as a loop
        return dict(zip(fields[::2], map(int, fields[1::2])))
    counts: dict[str, int] = {}
    for row in rows:
        word, _, count = row.partition(" ")
        counts[word] = int(count)
    return counts


def is_english_word(token: str) -> bool:
    """True when the lower-cased token is in the English dictionary.

    >>> is_english_word("Bolshevik"), is_english_word("GNVIAYVW")
    (True, False)
    """
    return token.lower() in english_frequencies()


WORD = regex.compile(r"\p{L}+(?:[’'-]\p{L}+)*")
"""A word token: letters, with inner apostrophes or hyphens (self-criticism, Lenin’s)."""

WORD_OR_NUMBER = regex.compile(WORD.pattern + r"|\p{N}+(?:[.,:\-]\p{N}+)*")
"""What the archive check aligns: a word as above, or a number ("1922", "8,467", "13-14"). Punctuation is neither."""

POSSESSIVE = regex.compile(r"[’']s$")
"""A possessive ending ("Stalin’s", "Lenin's"): stripped before a word is looked up."""


def word_counts(texts: Iterable[str]) -> Counter[str]:
    """How often each word form occurs in the texts, case kept.

    >>> word_counts(["Lenin’s self-criticism", "and Lenin’s"])["Lenin’s"]
    2
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(WORD.findall(text))
    return counts
