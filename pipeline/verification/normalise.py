"""Editorial normalisation: what differs between two editions without being an OCR error.

Used only to compare the clean book with the archive transcriptions: case
(party/Party), British and American spelling (rules/editorial_spelling.tsv),
hyphens inside compounds (semi-humorous/semihumorous), apostrophes, and the
editorial apparatus (note markers "[1]", our "[^2]"). It never changes the
book's text.
"""

from __future__ import annotations

import functools
from typing import Callable

import regex

from pipeline.config import Spelling
from pipeline.lexicon import english_frequencies

_MARKERS = regex.compile(r"\[\^?\d+\]")


def strip_markers(text: str) -> str:
    """Remove note markers: the archive's "[1]" and the book's footnote references "[^2]".

    >>> strip_markers("regulation.[^11] and trade[1].")
    'regulation. and trade.'
    """
    return _MARKERS.sub("", text)


_PUNCTUATION = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
                              "–": "—", "‒": "—", "―": "—", "…": "..."})


@functools.lru_cache(maxsize=4096)  # a check compares ~17,000 of them, a few hundred distinct
def punctuation(between: str) -> str:
    """The punctuation between two words, compared across editions: no spaces or note markers,
    one form of each quote mark and dash ("--" and a spaced hyphen are a dash), and the marks'
    order left out: a comma inside or outside a closing quote is house style, not a difference.

    >>> punctuation(" — “"), punctuation("--\u201c"), punctuation(".[1] "), punctuation(" - "), punctuation("…")
    ('"—', '"—', '.', '—', '...')
    >>> punctuation(',” '), punctuation('",'), punctuation(", ")
    ('",', '",', ',')
    """
    text = strip_markers(between).translate(_PUNCTUATION).replace("--", "—")
    text = "".join(text.split())
    return "—" if text == "-" else "".join(sorted(text))


def normalise(word: str, spelling: Spelling) -> str:
    """The editorial-neutral form of a word: lower case, no hyphens, one apostrophe, American spelling.

    >>> s = Spelling({"programme": "program", "labour": "labor"}, (("isation", "ization"), ("ise", "ize")))
    >>> [normalise(w, s) for w in ["Organisation", "Labour", "semi-humorous", "Party", "programme", "otherwise"]]
    ['organization', 'labor', 'semihumorous', 'party', 'program', 'otherwise']
    """
    word = word.lower().replace("’", "'").replace("-", "")
    if word in spelling.words:
        return spelling.words[word]
    known = english_frequencies()
    for british, american in spelling.suffixes:
        if word.endswith(british):
            candidate = word[: len(word) - len(british)] + american
            if candidate in known:
                return candidate
    return word


def normaliser(spelling: Spelling) -> Callable[[str], str]:
    """:func:`normalise` with ``spelling``, remembered per word.

    A check normalises every word of every aligned document several times
    (half a million calls for the book) but meets only ~15,000 distinct
    words, so each is worked out once.

    >>> norm = normaliser(Spelling({"labour": "labor"}))
    >>> norm("Labour"), norm("Labour")
    ('labor', 'labor')
    """
    memo: dict[str, str] = {}

    def norm(word: str) -> str:
        try:
            return memo[word]
        except KeyError:
            memo[word] = value = normalise(word, spelling)
            return value

    return norm


def equivalent(ours: str, theirs: str, spelling: Spelling) -> bool:
    """True when two words differ only editorially, including suffix pairs too risky for :func:`normalise`.

    >>> s = Spelling({}, (), (("ouring", "oring"), ("ised", "ized")))
    >>> equivalent("laboring", "labouring", s), equivalent("sovietized", "sovietised", s), equivalent("for", "four", s)
    (True, True, False)
    """
    a, b = normalise(ours, spelling), normalise(theirs, spelling)
    if a == b:
        return True
    for british, american in spelling.suffixes + spelling.pair_suffixes:
        stem = b[: len(b) - len(british)]
        if len(stem) >= 3 and b.endswith(british) and a.endswith(american) and stem == a[: len(a) - len(american)]:
            return True  # a stem of three letters at least: "labour"/"labor", never "four"/"for"
    return False
