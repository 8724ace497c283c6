"""Stage ``correct_ocr_words``: fix OCR misreads word by word, each from logged evidence.

What becomes what, in this order, in each paragraph:

1. Context rules (rules/scannos.tsv, ``Config.scannos``) for misreads a
   dictionary cannot see: real words ("tor the" -> "for the", "the the" ->
   "the") and fixed punctuation slips ("{Lenin, Collected Works, …]" ->
   "[Lenin, …]"). The change's rule is the row's name.
2. ``glued_words``: two words joined by a misread space or a lost one,
   "founded.in" -> "founded in", "Azerbaidzhani,Turkestani" -> "Azerbaidzhani,
   Turkestani", when both parts are words.
3. ``split_word``: a word broken by a misread space, "alw ays" -> "always",
   when at least one piece is a word in no lexicon and together they make a
   common word (two known words, "any more", stay apart).
4. Every other token that is a word in no lexicon is a candidate: the English
   dictionary shipped with symspellpy, the book's own words (any word it uses
   twice; derived forms such as "semianarchist" or "planlessness" from a known
   prefix, suffix or compound), the archive transcriptions
   (``Config.archive_words``) and rules/lexicon.txt (``Config.lexicon_words``,
   where an entry "semi-" is a prefix and "-ness" a suffix). Its candidates
   are words reached through OCR confusions (rules/ocr_confusions.tsv: "rn"
   read for "m" costs half an edit), SymSpell suggestions within two edits,
   and splits into two words ("nota" -> "not a"). A noisy-channel score picks
   one: how common the word is in English and in this book, how much the
   edits cost, and how well it fits its neighbours (symspellpy's bigram
   counts). "Keep the token" competes too, as an unknown but valid word.
   The winner is written only with a share of at least ``ACCEPT``; rule
   ``confusion``, ``edit`` or ``split`` says which kind of candidate it was.
   A closer call goes on the review list and the text stays as it is.

Names are protected: a capitalised token inside a sentence changes by one
misread at most, into a word the book prints capitalised elsewhere
("Ordzhonikdze" -> "Ordzhonikidze"), and unknown words side by side are a
foreign phrase ("silno vinovat") left alone. Tokens with digits, all capitals
(NEP, RSFSR, IV) and line-end hyphen fragments are not touched; nor is note
junk glued to a word ("capitalism.2"), which a later stage reads. Each change
record spans whole white-space tokens ("proceeeded." -> "proceeded.").

>>> from pipeline.config import Config
>>> from pipeline.model import Book, Paragraph
>>> text = "Lenin was extrernely gentle, founded.in 1938 on a real and nota fictitious basis."
>>> book = Book("demo", (), paragraphs=(Paragraph(text, (7,), (0,), (12,)),))
>>> out, changes = correct_ocr_words(book, Config(ocr_confusions=(("rn", "m"),)))
>>> out.paragraphs[0].text
'Lenin was extremely gentle, founded in 1938 on a real and not a fictitious basis.'
>>> [(c.rule, c.before, c.after) for c in changes]
[('confusion', 'extrernely', 'extremely'), ('glued_words', 'founded.in', 'founded in'), ('split', 'nota', 'not a')]
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Iterator

import regex
from symspellpy import SymSpell, Verbosity

from pipeline.config import Config
from pipeline.model import Book, Change, Paragraph, ReviewItem, change_in
from pipeline.spelling import english_symspell

STAGE = "correct_ocr_words"

ACCEPT = 0.9
"""Share of the score a candidate needs to be written into the text."""
REVIEW = 0.2
"""Share above which a candidate that is not accepted is worth a person's look."""
CONFUSION_COST = 0.1
"""Likelihood factor of one OCR confusion ("rn" for "m"): the commonest misreads."""
EDIT_COST = 0.01
"""Likelihood factor of any other one-character edit."""
SPLIT_COST = 0.1
"""Likelihood factor of a lost space ("nota" for "not a"), as common as a confusion."""
KEEP_PRIOR = 1e-7
"""Prior of "the token is a valid word no lexicon knows" (a word about as rare as
one in ten million running words). Rare valid words mostly stay; a misread of a
common word mostly does not."""
ODD_TOKEN = 0.01
"""Factor on ``KEEP_PRIOR`` for a token no word looks like: a tripled letter, a
punctuation mark inside, no vowel."""
CASE_CHANGE = 0.01
"""Factor for a candidate whose capital disagrees with its place ("It" mid-sentence)."""
ENGLISH_WORDS = 10_000
"""Pseudo-count of general English blended into the book's word frequencies."""
NEARBY = 10.0
"""Factor for a candidate the same paragraph uses elsewhere: words come in bursts."""
BOOK_FIT = 100.0
"""Most a word pair the book prints elsewhere can count for: one sighting is no proof."""
SPLIT_MIN_COUNT = 1_000_000
"""A split part must be at least this common in English: no splits into rare bits."""
CONTEXT = 30
"""Characters of context on each side of a review item's token."""
NEIGHBOURS = 2
"""How many tokens on each side are looked at for other unknown words."""
MAX_EDITS = 2
"""SymSpell's reach; no candidate needs more edits than this."""

HYPHEN_MARKS = "-\u00ac\u00ad"
_FRAGMENT = regex.compile(r"\p{L}[-\u00ac\u00ad]\P{L}*$")  # "anticapi-", "docu-." before the rest of the word
_LETTER = regex.compile(r"\p{L}")
_PIECES = regex.compile(r"([^\s\p{L}—–/-]*)(\p{L}(?:[^\s—–/-]*\p{L})?)([^\s\p{L}—–/-]*)")
_SENTENCE_END = regex.compile(r"[.!?][\p{Pf}\p{Pe}’”'\")\]]*[\d°!’']*$")
_BREAK = regex.compile(r"[.,;:!?()\[\]{}—–/\d]")
_GLUED = regex.compile(r"^(\p{L}{2,})([.,;:])(\p{L}{2,})$")
_POSSESSIVE = regex.compile(r"['’]s$")
_VOWEL = regex.compile(r"[aeiouy]", regex.IGNORECASE)
_WORD = regex.compile(r"\p{L}+")
_APOSTROPHE_WORD = regex.compile(r"\p{L}+(?:['’]\p{L}+)*")
_SPACED = regex.compile(r"\S+")
_TRIPLED = regex.compile(r"(\p{L})\1\1")
_TOKEN_HEAD = regex.compile(r"\S*\Z")
_TOKEN_TAIL = regex.compile(r"\S*")
_NOT_LETTER = regex.compile(r"[^\p{L}’'-]")


# --- tokens ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """A word-like piece of a paragraph: ``core`` from its first to its last letter at
    ``start``, the punctuation ``trail`` after it (within the white-space token),
    whether it opens a sentence, and whether to leave it alone. ``prev``/``next``
    are the neighbouring words when nothing but a space or a quote stands between."""

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


def tokenize(text: str) -> list[Token]:
    """The word tokens of a paragraph: pieces of each white-space token split at
    dashes and slashes, with their neighbours for context.

    Line-end hyphen fragments ("anticapi- talist") belong to
    ``join_hyphenated_words``, URLs are not words, and a letter run touching a
    digit ("2nd", "111n", a note number glued on) is not a word either: all
    are marked ``skip``.

    >>> [(t.core, t.prev, t.next, t.initial) for t in tokenize("It is, the “stong” bond.")]
    [('It', None, 'is', True), ('is', 'it', None, False), ('the', None, 'stong', False), ('stong', 'the', 'bond', False), ('bond', 'stong', None, False)]
    """
    raw: list[tuple[int, str, str, bool, bool]] = []
    spaced = list(_SPACED.finditer(text))
    initial, after_fragment = True, False
    for index, match in enumerate(spaced):
        word = match.group()
        fragment = index + 1 < len(spaced) and any(m in word for m in HYPHEN_MARKS) and bool(_FRAGMENT.search(word))
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
    tokens = []
    for i, (start, core, trail, initial, skip) in enumerate(raw):
        prev = _neighbour(text, raw[i - 1], start) if i else None
        nxt = _neighbour(text, raw[i + 1], start + len(core)) if i + 1 < len(raw) else None
        tokens.append(Token(start, core, trail, initial, skip, prev, nxt))
    return tokens


def _neighbour(text: str, other: tuple, position: int) -> str | None:
    """A neighbour's word for context, unless punctuation or a number stands between."""
    start, core, skip = other[0], other[1], other[4]
    between = text[start + len(core) : position] if start < position else text[position:start]
    if skip or not core.isalpha() or (between != " " and _BREAK.search(between)):
        return None
    return core.lower()


# --- the lexicon ------------------------------------------------------------------------


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
    rules/lexicon.txt, and ``extra`` indexes the correction targets English
    lacks (the book's repeated words, the chosen words) for SymSpell.
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
        """Two common English words of three letters or more: "inkstand", "swineherds"."""
        return any(
            self.english.get(word[:i], 0) >= SPLIT_MIN_COUNT and self.english.get(word[i:], 0) >= SPLIT_MIN_COUNT
            for i in range(3, len(word) - 2)
        )

    def name(self, word: str) -> bool:
        """A word the book only ever prints with a capital: "Ordzhonikidze", "Gosplan"."""
        return word in self.capitalised and word not in self.lowercase

    def target(self, word: str) -> bool:
        """A word a correction may produce: English, the book's (twice) or rules/lexicon.txt's,
        as it stands (never a derived guess), with a vowel."""
        listed = word in self.english or word in self.chosen or self.book[word] >= 2
        return listed and bool(_VOWEL.search(word))

    def prior(self, word: str) -> float:
        """How likely the word is here: the book's own frequency, smoothed towards
        English by ``ENGLISH_WORDS`` running words (a long book speaks for itself,
        a short text leans on English). A rules/lexicon.txt word counts as seen
        once more.
        """
        english = self.english.get(word, 0) / self.stats.total
        seen = self.book[word] + (word in self.chosen)
        return (seen + ENGLISH_WORDS * english) / (self.book_total + ENGLISH_WORDS)

    def fit(self, left: str | None, right: str | None) -> float:
        """How much likelier ``right`` is after ``left`` than by chance (1: no evidence).

        The better of two witnesses: symspellpy's bigram counts, where an
        unlisted pair of two common words means they rarely meet (at most the
        listing threshold over chance); and the book itself, where a pair it
        prints elsewhere ("Progress Publishers") counts, capped at ``BOOK_FIT``.
        """
        if not left or not right:
            return 1.0
        book = self.pairs[f"{left} {right}"]
        book_fit = min(BOOK_FIT, book * self.book_total / ((self.book[left] + 1) * (self.book[right] + 1))) if book else 0.0
        if left not in self.english or right not in self.english:
            return max(1.0, book_fit)
        chance = self.stats.scale * self.english[left] * self.english[right] / self.stats.total
        count = self.bigrams.get(f"{left} {right}")
        return max(count / chance if count else min(1.0, self.stats.floor / chance), book_fit)


def _book_words(paragraphs: list[list[Token]]) -> tuple[Counter[str], Counter[str]]:
    """The book's word forms as printed, and its pairs of neighbouring words ("w1 w2",
    lower case). A sentence's first word counts in lower case unless it is all
    capitals, so that a capital means a name."""
    forms: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for tokens in paragraphs:
        for token in tokens:
            word = token.core
            if token.skip or not (word.isalpha() or _APOSTROPHE_WORD.fullmatch(word)):
                continue
            if not word.isalpha():
                word = _POSSESSIVE.sub("", word.replace("’", "'"))
            forms[word[:1].lower() + word[1:] if token.initial and not word.isupper() else word] += 1
            if token.next:
                pairs[f"{word.lower()} {token.next}"] += 1
    return forms, pairs


def build_lexicon(forms: Counter[str], pairs: Counter[str], config: Config) -> Lexicon:
    """The lexicon for one book from its printed word forms, its word pairs and the configuration."""
    sym = english_symspell()
    book: Counter[str] = Counter()
    for form, count in forms.items():
        book[form.lower()] += count
    entries = {w.lower() for w in config.lexicon_words}
    chosen = frozenset(w for w in entries if not w.startswith("-") and not w.endswith("-"))
    protected = chosen | {w.lower().replace("’", "'") for w in config.archive_words}
    extra = SymSpell(max_dictionary_edit_distance=MAX_EDITS, prefix_length=7)
    for word in sorted(chosen | {w for w, c in book.items() if c >= 2}):
        if word not in sym.words and word.isalpha() and len(word) >= 3 and _VOWEL.search(word):
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
    )


# --- candidates -------------------------------------------------------------------------


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


def _odd(core: str) -> bool:
    """A token no word looks like: a tripled letter, a mark inside, no vowel."""
    return bool(_TRIPLED.search(core.lower()) or _NOT_LETTER.search(core) or not _VOWEL.search(core))


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


# --- decisions -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with one token: write ``after`` over ``[start, end)``, or review it."""

    start: int
    end: int
    after: str | None
    rule: str
    evidence: str
    review: tuple[str, ...] = ()


def _describe(candidate: Candidate, share: float) -> str:
    kinds = {
        "confusion": f"{candidate.confusions} OCR misread(s)" + (f" + {candidate.edits} edit" if candidate.edits else ""),
        "edit": f"{candidate.edits} edit(s)",
        "split": "a lost space",
    }
    context = f", {candidate.why}" if candidate.why else ""
    return f"{kinds[candidate.kind]}{context}, share {share:.2f}"


def decide(token: Token, text: str, lexicon: Lexicon, config: Config, nearby: frozenset[str] = frozenset()) -> Decision | None:
    """Correct, review or leave one unknown token (None: leave it, nothing to say)."""
    glued = _GLUED.match(token.core)
    if glued and (glued[2] in ",;" or lexicon.known(glued[1].lower()) and lexicon.known(glued[3].lower())):
        return _decide_glued(token, glued, lexicon)
    core = _POSSESSIVE.sub("", token.core)
    if not (glued or _word_like(core)):
        return None
    span = (token.start, token.start + len(core))
    mark = token.trail[:1] if core == token.core else ""
    found = []
    if mark and mark in "]|!" and _closes_nothing(text, token.start, mark):
        found = [c for c in candidates(token, core + mark, lexicon, config) if c.kind == "confusion"]
        span = (span[0], span[1] + 1) if found else span  # "Contro]": the bracket is the letter
    found = found or candidates(token, core, lexicon, config)
    found = [score(token, c, lexicon, nearby) for c in found if allowed(token, c, lexicon)]
    if not found:
        return None
    keep = KEEP_PRIOR * (ODD_TOKEN if _odd(text[span[0] : span[1]]) else 1.0)
    total = keep + sum(c.score for c in found)
    ranked = sorted(found, key=lambda c: c.score, reverse=True)
    best, share = ranked[0], ranked[0].score / total
    if share >= ACCEPT:
        return Decision(*span, best.text, best.kind, _describe(best, share))
    if share >= REVIEW:
        shown = tuple(c.text for c in ranked[:3] if c.score / total >= 0.05)
        return Decision(*span, None, "review", f"not sure: {best.text!r} has {_describe(best, share)}", shown)
    return None


def _word_like(core: str) -> bool:
    """Letters only, not all capitals (NEP, IV): what word correction handles at all."""
    return bool(_WORD.fullmatch(core)) and not (len(core) > 1 and core.isupper())


def _closes_nothing(text: str, start: int, mark: str) -> bool:
    """A "]" after a word is a misread "l" only when no "[" is open before it."""
    return mark != "]" or text.count("[", 0, start) <= text.count("]", 0, start)


def _decide_glued(token: Token, glued: regex.Match, lexicon: Lexicon) -> Decision | None:
    """Two words around a "." (a misread space) or a ",;:" (a lost space after it).

    Letters on both sides of a comma or semicolon are always two words, names
    included ("Azerbaidzhani,Turkestani"); a colon or full stop only between
    two known words, and a full stop only before a lower-case word that fits.
    """
    left, mark, right = glued.groups()
    if mark != ".":
        return Decision(token.start, token.end, f"{left}{mark} {right}", "glued_words", f"no word has letters on both sides of '{mark}': space lost after it")
    fit = lexicon.fit(left.lower(), right.lower())
    if right.islower() and len(left) >= 3 and fit > 1:
        return Decision(token.start, token.end, f"{left} {right}", "glued_words", f"'.' read for a space: '{left} {right}' ×{fit:.2g}")
    return None


def split_words(tokens: list[Token], text: str, lexicon: Lexicon, unknown: list[bool]) -> dict[int, Decision]:
    """Words broken by a misread space: "alw ays" -> "always", "prote st" -> "protest".

    Two neighbours separated by one space, with no punctuation between, the
    second in lower case, at least one of them a word in no lexicon, and
    together a common English word or one the book prints twice. Two known
    words are never joined ("any more" stays), and a piece must not be
    corrected on its own first ("in troduce" is not "in produce"). Keyed by
    the index of the first token.

    >>> lex = build_lexicon(Counter(), Counter(), Config())
    >>> tokens = tokenize("a cou ple of words, the questi ons")
    >>> [(d.after, d.evidence) for d in split_words(tokens, "a cou ple of words, the questi ons", lex, [_unknown(t, lex) for t in tokens]).values()]
    [('couple', "'cou ple' is 'couple' broken by a space: 'cou', 'ple' are not words"), ('questions', "'questi ons' is 'questions' broken by a space: 'questi', 'ons' are not words")]
    """
    found: dict[int, Decision] = {}
    for i, (left, right) in enumerate(zip(tokens, tokens[1:])):
        if i - 1 in found or left.skip or right.skip or left.trail or text[left.end : right.start] != " ":
            continue
        if not (unknown[i] or unknown[i + 1]) or not right.core.islower() or not _WORD.fullmatch(left.core + right.core):
            continue
        joined = (left.core + right.core).lower()
        if not lexicon.target(joined) or lexicon.english.get(joined, 0) < SPLIT_MIN_COUNT and lexicon.book[joined] < 2:
            continue
        pieces = ", ".join(repr(t.core) for t, u in ((left, unknown[i]), (right, unknown[i + 1])) if u)
        verdict = "are not words" if unknown[i] and unknown[i + 1] else "is not a word"
        found[i] = Decision(
            left.start, right.end, left.core + right.core, "split_word",
            f"'{left.core} {right.core}' is '{left.core + right.core}' broken by a space: {pieces} {verdict}",
        )
    return found


# --- the stage ------------------------------------------------------------------------------


def apply(paragraph: Paragraph, rule: str, start: int, end: int, after: str, evidence: str) -> tuple[Paragraph, Change, int]:
    """Replace ``text[start:end]`` with ``after``; the change record spans whole
    white-space tokens ("proceeeded." -> "proceeded.") so that every raw token
    is either in the output or in some change's ``before``. Returns the new
    paragraph, the change and how much longer the text got.

    >>> p = Paragraph("Stalin proceeeded. In", (3,), (0,), (9,))
    >>> q, change, delta = apply(p, "edit", 7, 17, "proceeded", "")
    >>> q.text, change.before, change.after, change.column, delta
    ('Stalin proceeded. In', 'proceeeded.', 'proceeded.', 7, -1)
    """
    text = paragraph.text
    left = _TOKEN_HEAD.search(text, 0, start).start()
    right = _TOKEN_TAIL.match(text, end).end()
    whole = text[left:start] + after + text[end:right]
    change = change_in(paragraph, STAGE, rule, left, right, whole, evidence)
    return paragraph.edit(left, right, whole), change, len(after) - (end - start)


def apply_scannos(paragraph: Paragraph, config: Config) -> tuple[Paragraph, list[Change]]:
    """Apply the context rules of rules/scannos.tsv in order, logging each match."""
    changes = []
    for rule in config.scannos:
        shift = 0
        for match in list(rule.pattern.finditer(paragraph.text)):
            start, end = match.start() + shift, match.end() + shift
            paragraph, change, delta = apply(paragraph, rule.name, start, end, match.expand(rule.replacement), f"{rule.source}: {rule.note}")
            changes.append(change)
            shift += delta
    return paragraph, changes


def _unknown(token: Token, lexicon: Lexicon) -> bool:
    """A token of letters (a possessive ’s aside) or two words glued, that no lexicon knows."""
    if token.skip or token.core.lower() in lexicon.english:
        return False
    core = _POSSESSIVE.sub("", token.core)
    if not (_WORD.fullmatch(core) or _GLUED.match(core)):
        return False
    return not lexicon.known(core.lower())


def _foreign(unknown: list[bool], tokens: list[Token], index: int) -> bool:
    """Unknown words next to each other are a foreign phrase ("silno vinovat",
    "o Lenine") or scanner junk, not a misread of English: leave them be."""
    near = range(max(0, index - NEIGHBOURS), min(len(tokens), index + NEIGHBOURS + 1))
    return any(unknown[i] and not _GLUED.match(tokens[i].core) for i in near if i != index)


def correct_paragraph(
    paragraph: Paragraph, tokens: list[Token], lexicon: Lexicon, config: Config
) -> tuple[Paragraph, list[Change], list[ReviewItem]]:
    """Scanno rules, then word by word from left to right; offsets shift as the text changes.

    ``tokens`` are the paragraph's as it comes in; they are read again only if
    a scanno rule changed the text.
    """
    paragraph, changes = apply_scannos(paragraph, config)
    if changes:
        tokens = tokenize(paragraph.text)
    unknown = [_unknown(t, lexicon) for t in tokens]
    nearby = frozenset(t.core.lower() for t, u in zip(tokens, unknown) if not u)
    joins = split_words(tokens, paragraph.text, lexicon, unknown)
    for i in joins:
        unknown[i] = unknown[i + 1] = False
    decisions = sorted(
        [
            decision
            for i, token in enumerate(tokens)
            if unknown[i] and (_GLUED.match(token.core) or not _foreign(unknown, tokens, i))
            for decision in [decide(token, paragraph.text, lexicon, config, nearby)]
            if decision
        ]
        + list(joins.values()),
        key=lambda d: d.start,
    )
    original, review, shift = paragraph, [], 0
    for d in decisions:
        if d.after is None:
            line, page, _ = original.locate(d.start)
            context = original.text[max(0, d.start - CONTEXT) : d.end + CONTEXT]
            review.append(ReviewItem(STAGE, line, page, original.text[d.start : d.end], d.review, context, d.evidence))
            continue
        paragraph, change, delta = apply(paragraph, d.rule, d.start + shift, d.end + shift, d.after, d.evidence)
        changes.append(change)
        shift += delta
    return paragraph, changes, review


def correct_ocr_words(book: Book, config: Config) -> tuple[Book, list[Change]]:
    """Correct the book's paragraphs; uncertain tokens go to ``book.review`` unchanged."""
    tokenized = [tokenize(paragraph.text) for paragraph in book.paragraphs]
    lexicon = build_lexicon(*_book_words(tokenized), config)
    paragraphs, changes, review = [], [], []
    for paragraph, tokens in zip(book.paragraphs, tokenized):
        paragraph, paragraph_changes, paragraph_review = correct_paragraph(paragraph, tokens, lexicon, config)
        paragraphs.append(paragraph)
        changes.extend(paragraph_changes)
        review.extend(paragraph_review)
    return book.evolve(paragraphs=tuple(paragraphs), review=book.review + tuple(review)), changes
