"""What is known about words while correcting one book: English, the book's own
words and pairs, rules/lexicon.txt and the archive.

One object answers "is this a word?", "may a correction write it?", "how
likely is it here?" and "how well does it fit its neighbour?", so that every
decision weighs the same evidence.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable
from dataclasses import dataclass
from functools import cache

import regex
from symspellpy import SymSpell

from pipeline.config import Config
from pipeline.lexicon import POSSESSIVE, WORD
from pipeline.spelling import english_symspell, new_symspell
from pipeline.stages.correct_ocr_words.misreads import misreads
from pipeline.stages.correct_ocr_words.tokens import GLUED, Token

ENGLISH_WORDS = 10_000
"""Pseudo-count of general English blended into the book's word frequencies."""
BOOK_FIT = 100.0
"""Most a word pair the book prints elsewhere can count for: one sighting is no proof."""
SPLIT_MIN_COUNT = 1_000_000
"""A split part must be at least this common in English: no splits into rare bits."""
FUNCTION_MIN_COUNT = 1_000_000_000
"""A word this common in English is a function word ("the", "and", "of", "with"): no
compound is made of one, so "andthese" is two words glued, not a word like "inkstand"."""
MISREAD_RATIO = 10
"""A word the book prints this many times as often as a one-misread variant of it
shows the variant to be its misread ("the" and "tlie")."""
BENEFIT = 10.0
"""Most an unlisted word pair may count for when it gets the benefit of the doubt: a
rare word's pairs are all unlisted, which says little either way."""
MAX_EDITS = 2
"""SymSpell's reach; no candidate needs more edits than this."""

VOWEL = regex.compile(r"[aeiouy]", regex.IGNORECASE)
LETTERS = regex.compile(r"\p{L}+")
CAMEL = regex.compile(r"\p{Ll}\p{Lu}\p{Ll}")


@dataclass(frozen=True, slots=True)
class EnglishStats:
    """Totals that turn symspellpy's counts into probabilities.

    ``scale`` is how much larger the bigram counts run than the word counts
    (they come from different corpora); ``floor`` is the smallest listed
    bigram count, so an unlisted bigram is rarer than that.
    """

    total: int
    scale: float
    floor: int


@cache
def english_stats() -> EnglishStats:
    """The totals of the English index, computed once per process."""
    sym = english_symspell()
    total = sum(sym.words.values())
    return EnglishStats(total, sum(sym.bigrams.values()) / total, min(sym.bigrams.values()))


@dataclass(frozen=True)
class Lexicon:
    """Everything known about words while correcting one book.

    ``book`` counts the book's word forms (lower case, hyphen fragments and
    numbers left out), ``capitalised`` and ``lowercase`` hold those it prints
    with a capital inside a sentence and those it prints in lower case,
    ``chosen`` holds the words of rules/lexicon.txt and ``protected`` those and
    the archive's (known, but never written: the archive has its own typos
    and British spellings), ``prefixes`` and ``suffixes`` the affixes of
    rules/lexicon.txt, ``extra`` indexes the correction targets English
    lacks (the book's repeated words, the chosen words) for SymSpell, and
    ``confusions`` are the OCR confusions (rules/ocr_confusions.tsv).
    """

    english: dict[str, int]
    bigrams: dict[str, int]
    stats: EnglishStats
    book: Counter[str]
    book_total: int
    pairs: Counter[str]
    capitalised: frozenset[str]
    lowercase: frozenset[str]
    chosen: frozenset[str]
    protected: frozenset[str]
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    extra: SymSpell
    confusions: tuple[tuple[str, str], ...] = ()

    def listed(self, word: str) -> bool:
        """A word of some list as it stands (no derivation): English, book (twice), protected."""
        return word in self.english or word in self.protected or self.book[word] >= 2

    def known(self, word: str) -> bool:
        """A word of some list, or derived from one ("semianarchist", "weightily").

        >>> lex = build_lexicon(Counter(), Counter(), Config(lexicon_words=frozenset({"semi-", "-ness"})))
        >>> lex.known("semianarchist"), lex.known("hurriedness"), lex.known("extrernely")
        (True, True, False)
        """
        word = word.replace("’", "'")
        if self.listed(word):
            return True
        if word.endswith("'s") and self.listed(word[:-2]):
            return True
        return self._derived(word)

    def _derived(self, word: str) -> bool:
        """Prefix + word (a short one only if common), word + suffix, or two words."""
        for prefix in self.prefixes:
            rest = word[len(prefix) :]
            if not word.startswith(prefix) or len(rest) < 2:
                continue
            if self.english.get(rest, 0) >= SPLIT_MIN_COUNT or len(rest) >= 4 and (self.listed(rest) or self._suffixed(rest)):
                return True  # "underdo", "semianarchist", "semiofficially"
        return self._suffixed(word) or self._compound(word)

    def _suffixed(self, word: str) -> bool:
        """A listed stem and a suffix; the stem may have lost a final "e" ("fractionating"),
        "le" ("irreconcilably") or turned "y" into "i" ("weightily")."""
        for suffix in self.suffixes:
            if not word.endswith(suffix) or len(word) - len(suffix) < 4:
                continue
            stem = word[: -len(suffix)]
            stems = (stem, stem + "e", stem + "le", stem[:-1] + "y" if stem.endswith("i") else stem)
            if any(self.listed(s) for s in stems):
                return True
        return False

    def _compound(self, word: str) -> bool:
        """Two common English words of three letters or more, neither a function word,
        where English writes no split of the word as a pair: "inkstand",
        "swineherds" (but "andthese", "whichenabled" and "organisedin" are words
        glued; a compound English also writes as a pair, "redhot", is protected
        in rules/lexicon.txt)."""
        if any(f"{word[:i]} {word[i:]}" in self.bigrams for i in range(1, len(word))):
            return False  # "organisedin": English writes "organised in"
        return any(
            SPLIT_MIN_COUNT <= self.english.get(word[:i], 0) < FUNCTION_MIN_COUNT
            and SPLIT_MIN_COUNT <= self.english.get(word[i:], 0) < FUNCTION_MIN_COUNT
            for i in range(3, len(word) - 2)
        )

    def misread(self, word: str) -> bool:
        """A word no list holds as it stands that one OCR confusion makes a common English
        word: a misread, though it parses as a derived word ("cornmission" is no compound
        of "corn" and "mission", "uncler" no "uncle" + "-r").

        >>> lex = build_lexicon(Counter(), Counter(), Config(ocr_confusions=(("rn", "m"),)))
        >>> lex.known("cornmission"), lex.misread("cornmission"), lex.misread("inkstand")
        (True, True, False)
        """
        return not self.listed(word) and any(
            self.english.get(reading, 0) >= SPLIT_MIN_COUNT for reading in misreads(word, self.confusions)
        )

    def name(self, word: str) -> bool:
        """A word the book only ever prints with a capital: "Ordzhonikidze", "Gosplan";
        an English word only if the book prints it so twice ("Party"), since one
        "Great Britain" makes no name of "great".

        >>> lex = build_lexicon(Counter({"Great": 1, "Gosplan": 1, "Party": 2}), Counter(), Config())
        >>> lex.name("great"), lex.name("gosplan"), lex.name("party")
        (False, True, True)
        """
        return word in self.capitalised and word not in self.lowercase and (self.book[word] >= 2 or word not in self.english)

    def target(self, word: str) -> bool:
        """A word a correction may produce: English, the book's (twice) or rules/lexicon.txt's,
        as it stands (never a derived guess), with a vowel."""
        listed = word in self.english or word in self.chosen or self.book[word] >= 2
        return listed and bool(VOWEL.search(word))

    def prior(self, word: str, here: int = 0) -> float:
        """How likely the word is here: the book's own frequency, smoothed towards
        English by ``ENGLISH_WORDS`` running words (a long book speaks for itself,
        a short text leans on English). A rules/lexicon.txt word counts as seen
        once more. ``here`` occurrences (the token being judged) are left out, so
        that a word that may be a misread does not vouch for itself.
        """
        english = self.english.get(word, 0) / self.stats.total
        seen = max(0, self.book[word] - here) + (word in self.chosen)
        return (seen + ENGLISH_WORDS * english) / (self.book_total + ENGLISH_WORDS)

    def witnessed(self, left: str, right: str, book: bool = True) -> bool:
        """Whether the bigram list (or, with ``book``, the book) has the pair at all."""
        pair = f"{left} {right}"
        return pair in self.bigrams or book and self.pairs[pair] > 0

    def fit(self, left: str | None, right: str | None, book: bool = True, benefit: bool = False) -> float:
        """How much likelier ``right`` is after ``left`` than by chance (1: no evidence).

        The better of two witnesses: symspellpy's bigram counts, where an
        unlisted pair of two common words means they rarely meet (at most the
        listing threshold over chance); and the book itself, where a pair it
        prints elsewhere ("Progress Publishers") counts, capped at ``BOOK_FIT``;
        Without ``book``, the bigram counts alone (the book's pairs of a word that
        may be a misread may be its misreads).
        With ``benefit``, an unlisted pair gets the benefit of the doubt, since the
        bigram list is too short to hold every good pair ("he characterized"): it
        may be as likely as the rarest listed pair, up to ``BENEFIT`` times chance.
        """
        if not left or not right:
            return 1.0
        printed = self.pairs[f"{left} {right}"] if book else 0
        book_fit = min(BOOK_FIT, printed * self.book_total / ((self.book[left] + 1) * (self.book[right] + 1))) if printed else 0.0
        if left not in self.english or right not in self.english:
            return max(1.0, book_fit)
        chance = self.stats.scale * self.english[left] * self.english[right] / self.stats.total
        count = self.bigrams.get(f"{left} {right}")
        unlisted = min(BENEFIT if benefit else 1.0, self.stats.floor / chance)
        return max(count / chance if count else unlisted, book_fit)


def book_words(paragraphs: Iterable[list[Token]]) -> tuple[Counter[str], Counter[str]]:
    """The book's word forms as printed, and its pairs of neighbouring words ("w1 w2",
    lower case). A sentence's first word counts in lower case unless it is all
    capitals, so that a capital means a name."""
    forms: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for tokens in paragraphs:
        for token in tokens:
            word = token.core
            if token.skip or not (word.isalpha() or WORD.fullmatch(word)):
                continue
            if not word.isalpha():
                word = POSSESSIVE.sub("", word.replace("’", "'"))
            forms[word[:1].lower() + word[1:] if token.initial and not word.isupper() else word] += 1
            if token.next:
                pairs[f"{word.lower()} {token.next}"] += 1
    return forms, pairs


def repeated_misreads(book: Counter[str], protected: frozenset[str], english: dict[str, int], confusions) -> list[str]:
    """Words of two letters or more (an initial "L." is no misread of "I") the book
    prints twice or more that English lacks and that one misread
    away are a common English word the book prints ``MISREAD_RATIO`` times as
    often: "tlie" (20) for "the" (1,500), "iu" (4) for "in" (600). A bad scan
    repeats its misreads; they must not become words of the book.

    >>> repeated_misreads(Counter({"tlie": 20, "the": 1500, "iu": 4, "in": 600, "krassin": 2}), frozenset(),
    ...                   {"the": 10**10, "in": 10**10}, (("li", "h"), ("u", "n")))
    ['tlie', 'iu']
    """
    found = []
    for word, count in book.items():
        if count < 2 or len(word) < 2 or word in english or word in protected or not word.isalpha():
            continue
        for reading in misreads(word, confusions):
            reading = reading.lower()
            if english.get(reading, 0) >= SPLIT_MIN_COUNT and book[reading] >= MISREAD_RATIO * count:
                found.append(word)
                break
    return found


def build_lexicon(forms: Counter[str], pairs: Counter[str], config: Config) -> Lexicon:
    """The lexicon for one book from its printed word forms, its word pairs and the configuration."""
    sym = english_symspell()
    book: Counter[str] = Counter()
    for form, count in forms.items():
        book[form.lower()] += count
    entries = {w.lower() for w in config.lexicon_words}
    chosen = frozenset(w for w in entries if not w.startswith("-") and not w.endswith("-"))
    protected = chosen | {w.lower().replace("’", "'") for w in config.archive_words}
    for word in repeated_misreads(book, protected, sym.words, config.ocr_confusions):
        book[word] = 1  # printed often, but only as a misread: not a word of the book
    extra = new_symspell(MAX_EDITS, 7)
    for word in sorted(chosen | {w for w, c in book.items() if c >= 2}):
        if word not in sym.words and word.isalpha() and len(word) >= 3 and VOWEL.search(word):
            extra.create_dictionary_entry(word, book[word] + 1)
    return Lexicon(
        english=sym.words,
        bigrams=sym.bigrams,
        stats=english_stats(),
        book=book,
        book_total=max(1, sum(book.values())),
        pairs=pairs,
        capitalised=frozenset(f.lower() for f in forms if f[:1].isupper()),
        lowercase=frozenset(f for f in forms if f[:1].islower()),
        chosen=chosen,
        protected=protected,
        prefixes=tuple(sorted((w[:-1] for w in entries if w.endswith("-")), key=len, reverse=True)),
        suffixes=tuple(sorted((w[1:] for w in entries if w.startswith("-")), key=len, reverse=True)),
        extra=extra,
        confusions=config.ocr_confusions,
    )


def is_unknown(token: Token, lexicon: Lexicon) -> bool:
    """A token of letters (a possessive ’s aside) or two words glued, that no lexicon knows."""
    if token.skip or token.core.lower() in lexicon.english:
        return False
    core = POSSESSIVE.sub("", token.core)
    if not (LETTERS.fullmatch(core) or GLUED.match(core)):
        return False
    if CAMEL.search(core):  # "nextPlenary": two words glued, never a derived word
        return not lexicon.listed(core.lower())
    word = core.lower()
    return not lexicon.known(word) or lexicon.misread(word)
