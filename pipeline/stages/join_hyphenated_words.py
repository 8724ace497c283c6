"""Stage ``join_hyphenated_words``: close up words split at a line end, keep the hyphens that belong.

After ``rebuild_paragraphs`` a line-end hyphen is visible as "anticapi- talist":
a hyphen mark (``-``, ``¬`` or the soft hyphen U+00AD) and a space right before
a line start. A hyphen anywhere else ("East- and West-European") is the
author's and is left alone. Each line-end hyphen becomes either the joined word
("anticapitalist", "Work- ers’" -> "Workers’") or the compound with its hyphen
and without the space ("self-criticism", "Russo-Polish", "rank-and-file"),
decided by the strongest evidence there is; the change's ``rule`` names it:

1. ``book_joined`` / ``book_hyphenated``: how the book writes this very word
   elsewhere, closed up or hyphenated mid-line (ignoring case and a possessive
   ’s; the fragments at other line-end hyphens do not count). If both occur,
   the more frequent wins; a tie decides nothing.
2. ``capitalised``: a capital after the hyphen makes a compound with a name
   ("Russo- Polish", "non- Russian"); an all-capitals word ("BOL- SHEVIK") joins.
3. ``rules``: rules/hyphen_prefixes.tsv (self-, all-, compound numbers,
   fractions, number ranges), through ``Config.hyphen_prefixes``.
4. ``dictionary_joined``: the joined form is an English word ("hold- over" ->
   "holdover"). The word list is British where it differs, so US forms it
   lacks ("neighboring", "labor") are looked up as "neighbouring", "labour".
5. ``book_prefix``: how the book treats the first part before other words:
   "semi- harmful" joins because it writes "semihumorous", "semiridiculous";
   "self- education" keeps because it writes "self-control", "self-respect".
   Only where the second part is a word on its own ("self- lessly" is not).
   It comes after the dictionary because it is an analogy, not the word itself.
6. ``dictionary_parts``: both parts are words and the joined form is not:
   keep ("petty- bourgeois", "well- defined").
7. ``default_join``: nothing above decided, so join.

Undecided cases (step 7 where the first part is a word on its own, so a
compound is possible) are joined *and* put on the review list with both
candidates. Leaving "anticapi- talist" in the text was the alternative; it is
worse: a half word breaks search, word counts and the OCR stage after this
one, and joining is right for most line-end hyphens in a printed book, so the
text gets the likelier form and a person still sees every guess. Only a
continuation that cannot be the rest of a word (letters then digits, a stray
mark: "Thirteenth Con- 13-14,") is left as it is, on the review list.

>>> from pipeline.config import Config
>>> from pipeline.model import Book, Line, Paragraph
>>> text = "the anticapi- talist East- ern self- criticism, and East- and Eastern"
>>> p = Paragraph(text, (1, 2, 3, 4), (0, 14, 27, 37), (5, 5, 5, 6))
>>> book, changes = join_hyphenated_words(Book("demo", (), paragraphs=(p,)), Config())
>>> book.paragraphs[0].text
'the anticapitalist Eastern self-criticism, and East- and Eastern'
>>> [(c.rule, c.after, c.line) for c in changes]
[('dictionary_joined', 'anticapitalist', 1), ('book_joined', 'Eastern', 2), ('dictionary_parts', 'self-criticism,', 3)]
>>> changes[1].evidence
"joined form 'eastern' occurs 1× in the book"
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

import regex

from pipeline.config import Config
from pipeline.lexicon import POSSESSIVE, english_frequencies, word_counts
from pipeline.model import Book, Change, Paragraph, ReviewItem, change_in

STAGE = "join_hyphenated_words"

MARKS = "-\u00ac\u00ad"
"""Line-end hyphen marks: the hyphen, the Internet Archive's ``¬`` and the soft hyphen."""

_PART = r"[\p{L}\p{N}]+(?:[’'-][\p{L}\p{N}]+)*"
_LEFT = regex.compile(r"(?r)" + _PART + r"\Z")  # searched backwards from the hyphen: fast
_RIGHT = regex.compile(_PART)

LOOKBACK = 80
"""How far back from a hyphen to look for the start of its word (no word is longer)."""
CONTEXT = 30
"""Characters of context on each side of a review item's token."""
MIN_PREFIX = 3
"""A shorter first part ("be", "re", "le") is no prefix habit: too many words start with it by chance."""
MIN_STEM = 4
"""A closed-up form counts for a prefix habit only if the rest is an English word this long."""
EXAMPLES = 3
"""Examples named in a prefix-habit evidence string."""


@dataclass(frozen=True, slots=True)
class Split:
    """A word split at a line end: ``printed`` is ``text[start:end]``, e.g. "(anticapi- talist,".

    The edit spans the printed tokens with their punctuation, so every raw
    token is in the change's ``before``; ``left`` and ``right`` are the word
    parts the decision is about ("anticapi", "talist"; ``right`` is "" when
    nothing word-like follows).
    """

    start: int
    line_start: int
    printed: str
    left: str
    right: str

    @property
    def end(self) -> int:
        return self.start + len(self.printed)

    @property
    def joined(self) -> str:
        return self.left + self.right

    @property
    def hyphenated(self) -> str:
        return f"{self.left}-{self.right}"

    @property
    def word_like(self) -> bool:
        """False when the continuation cannot be the rest of the word ("Con- 13-14", "secre- '")."""
        return bool(self.right) and self.left[-1].isdigit() == self.right[0].isdigit()

    def result(self, keep: bool) -> str:
        """The printed text closed up, or with a plain hyphen: "(anticapitalist,"."""
        cut = self.line_start - self.start
        return self.printed[: cut - 2] + ("-" if keep else "") + self.printed[cut:]


@dataclass(frozen=True, slots=True)
class HyphenChoice:
    """Keep the hyphen or close up, the evidence type and what decided it; ``review`` says why a person should look."""

    keep: bool
    rule: str
    evidence: str
    review: str = ""


def split_at(text: str, line_start: int) -> Split | None:
    """The split word at a line start, or None when the previous line does not end in a hyphenated word.

    >>> split_at("the (anticapi- talist), rule", 15)
    Split(start=4, line_start=15, printed='(anticapi- talist),', left='anticapi', right='talist')
    >>> split_at("a dash - here", 8) is None
    True
    """
    hyphen = line_start - 2
    if hyphen < 1 or text[hyphen] not in MARKS or text[line_start - 1] != " ":
        return None
    left = _LEFT.search(text, max(0, hyphen - LOOKBACK), hyphen)
    if left is None:
        return None
    right = _RIGHT.match(text, line_start)
    start = text.rfind(" ", 0, left.start()) + 1
    end = text.find(" ", line_start)
    printed = text[start : end if end >= 0 else len(text)]
    return Split(start, line_start, printed, left.group(), right.group() if right else "")


def key(word: str) -> str:
    """How the book's word counts are keyed: lower case, without a possessive ’s (Stalin’s -> stalin)."""
    return POSSESSIVE.sub("", word.lower())


_US_TO_BRITISH = ((regex.compile(r"or(?!u)"), "our"), (regex.compile(r"(?<=[aeiou]l)(?=(?:ed|ing|ers?)$)"), "l"))
"""US spellings symspellpy's British-leaning list lacks: labor -> labour, traveled -> travelled."""


def is_word(word: str) -> bool:
    """An English word by symspellpy's list (a possessive ’s aside), in US or British spelling.

    >>> is_word("neighboring"), is_word("Labor’s"), is_word("neighboringx")
    (True, True, False)
    """
    words = english_frequencies()
    form = key(word)
    return form in words or any(pattern.sub(british, form) in words for pattern, british in _US_TO_BRITISH)


class BookForms:
    """How the book writes words elsewhere: counts of every word form outside the line-end splits.

    The fragments around line-end hyphens are blanked out before counting, so
    "anticapi" and "talist" count nothing and "Eastern" split at a line end
    does not vouch for itself.
    """

    def __init__(self, paragraphs: tuple[Paragraph, ...]):
        found = word_counts(_without_splits(p) for p in paragraphs)
        self.counts: Counter[str] = Counter()
        self.hyphenated_heads: dict[str, set[str]] = {}
        for form, n in found.items():
            self.counts[key(form)] += n
            head, _, rest = form.partition("-")
            if rest[:1].islower():
                self.hyphenated_heads.setdefault(head.lower(), set()).add(key(form))
        self.keys = sorted(self.counts)

    def count(self, word: str) -> int:
        return self.counts[key(word)]

    def closed_with(self, prefix: str) -> list[str]:
        """Words written closed up after ``prefix`` where the rest is a word itself (semi+humorous)."""
        prefix = prefix.lower()
        found = []
        for form in self.keys[bisect_left(self.keys, prefix) :]:
            if not form.startswith(prefix):
                break
            rest = form[len(prefix) :]
            if len(rest) >= MIN_STEM and rest.isalpha() and is_word(rest):
                found.append(form)
        return found

    def hyphenated_with(self, prefix: str) -> list[str]:
        """Words written mid-line as ``prefix``-word with a lower-case word after the hyphen (self-control)."""
        return sorted(self.hyphenated_heads.get(prefix.lower(), ()))


def _without_splits(paragraph: Paragraph) -> str:
    """The paragraph text with every line-end split word blanked out, for counting."""
    text = paragraph.text
    for line_start in reversed(paragraph.starts[1:]):
        split = split_at(text, line_start)
        if split is not None:
            text = text[: split.start] + " " + text[split.end :]
    return text


def by_book_form(split: Split, forms: BookForms) -> HyphenChoice | None:
    """The book's own spelling of this word elsewhere: the strongest evidence there is."""
    joined, hyphenated = forms.count(split.joined), forms.count(split.hyphenated)
    if joined == hyphenated:
        return None
    both = f"; hyphenated '{key(split.hyphenated)}' {hyphenated}×" if hyphenated else ""
    if joined > hyphenated:
        return HyphenChoice(False, "book_joined", f"joined form '{key(split.joined)}' occurs {joined}× in the book{both}")
    also = f"; joined '{key(split.joined)}' {joined}×" if joined else ""
    return HyphenChoice(True, "book_hyphenated", f"hyphenated form '{key(split.hyphenated)}' occurs {hyphenated}× mid-line in the book{also}")


def by_capital(split: Split) -> HyphenChoice | None:
    """A capital never starts the second half of a split word, so it starts a name in a compound."""
    if not split.right[0].isupper():
        return None
    if split.left.isupper() and split.right.isupper():
        return HyphenChoice(False, "capitalised", f"'{split.left}' and '{split.right}' are one word in capitals")
    return HyphenChoice(True, "capitalised", f"'{split.right}' is capitalised: a compound with a name")


def by_book_prefix(split: Split, forms: BookForms) -> HyphenChoice | None:
    """By analogy: the book's habit with the same first part before other words (distinct words counted)."""
    prefix, rest = split.left, split.right.split("-")[0]
    if len(prefix) < MIN_PREFIX or not prefix.isalpha() or not is_word(rest):
        return None
    closed, hyphenated = forms.closed_with(prefix), forms.hyphenated_with(prefix)
    if len(closed) == len(hyphenated):
        return None
    if len(closed) > len(hyphenated):
        return HyphenChoice(False, "book_prefix", f"the book closes up '{prefix}' before words: {', '.join(closed[:EXAMPLES])}")
    return HyphenChoice(True, "book_prefix", f"the book hyphenates '{prefix}' before words: {', '.join(hyphenated[:EXAMPLES])}")


def by_rules(split: Split, config: Config) -> HyphenChoice | None:
    """The project's list of hyphens that belong to the word, for what the book does not show."""
    left, right = split.left.split("-")[-1].lower(), split.right.split("-")[0].lower()
    for rule in config.hyphen_prefixes:
        if not rule.left.fullmatch(left):
            continue
        if rule.right.fullmatch(right) if rule.right else (is_word(right) and not is_word(left + right)):
            return HyphenChoice(True, "rules", f"{rule.source}: {rule.note}")
    return None


def by_dictionary_joined(split: Split) -> HyphenChoice | None:
    """A joined form the dictionary knows was printed closed up; the line end split it."""
    joined = split.left.split("-")[-1] + split.right.split("-")[0]
    if is_word(joined):
        return HyphenChoice(False, "dictionary_joined", f"'{joined}' is an English word")
    return None


def by_dictionary_parts(split: Split) -> HyphenChoice | None:
    """Two words whose joined form is no word are a compound ("well-defined")."""
    left, right = split.left.split("-")[-1], split.right.split("-")[0]
    if is_word(left) and is_word(right):
        return HyphenChoice(True, "dictionary_parts", f"'{left}' and '{right}' are English words, '{left + right}' is not")
    return None


def by_default(split: Split) -> HyphenChoice:
    """Join; a first part that is a word on its own could have been a compound, so a person looks."""
    left = split.left.split("-")[-1]
    if not is_word(left):
        return HyphenChoice(False, "default_join", f"no other evidence; '{left}' is not a word on its own")
    reason = f"no evidence either way; '{left}' is a word on its own, so '{split.hyphenated}' is possible"
    return HyphenChoice(False, "default_join", reason + "; joined by default", review=reason)


def decide(split: Split, forms: BookForms, config: Config) -> HyphenChoice:
    """The decision from the strongest evidence that says anything (see the module docstring)."""
    return (
        by_book_form(split, forms)
        or by_capital(split)
        or by_rules(split, config)
        or by_dictionary_joined(split)
        or by_book_prefix(split, forms)
        or by_dictionary_parts(split)
        or by_default(split)
    )


def review_item(paragraph: Paragraph, split: Split, after: str, candidates: tuple[str, ...], reason: str) -> ReviewItem:
    """A review entry for a split as it was, with ~60 characters of context from the text as it ends up.

    Edits only follow a split in reading order, so ``split.start`` still points
    at its word in the finished paragraph, which now reads ``after``.
    """
    line, page, _ = paragraph.locate(split.start)
    context = paragraph.text[max(0, split.start - CONTEXT) : split.start + len(after) + CONTEXT]
    return ReviewItem(STAGE, line, page, split.printed, candidates, context, reason)


def join_paragraph(paragraph: Paragraph, forms: BookForms, config: Config) -> tuple[Paragraph, list[Change], list[ReviewItem]]:
    """Resolve the paragraph's line-end hyphens in reading order, each change located in the text it edits."""
    changes: list[Change] = []
    undecided: list[tuple[Split, str, tuple[str, ...], str]] = []
    starts = paragraph.starts
    for index in range(1, len(starts)):
        split = split_at(paragraph.text, starts[index])
        if split is None:
            continue
        if not split.word_like:
            undecided.append((split, split.printed, (), "the continuation is not the rest of a word; left as it is"))
            continue
        decision = decide(split, forms, config)
        after = split.result(decision.keep)
        changes.append(change_in(paragraph, STAGE, decision.rule, split.start, split.end, after, decision.evidence))
        if decision.review:
            undecided.append((split, after, (split.joined, split.hyphenated), decision.review))
        paragraph = paragraph.edit(split.start, split.end, after)
        starts = paragraph.starts
    return paragraph, changes, [review_item(paragraph, *item) for item in undecided]


def join_hyphenated_words(book: Book, config: Config) -> tuple[Book, list[Change]]:
    """Join or keep every line-end hyphen of the book's paragraphs, logging the evidence of each."""
    forms = BookForms(book.paragraphs)
    paragraphs: list[Paragraph] = []
    changes: list[Change] = []
    review: list[ReviewItem] = []
    for paragraph in book.paragraphs:
        paragraph, found, listed = join_paragraph(paragraph, forms, config)
        paragraphs.append(paragraph)
        changes.extend(found)
        review.extend(item for item in listed if item not in book.review)
    return book.evolve(paragraphs=tuple(paragraphs), review=book.review + tuple(review)), changes
