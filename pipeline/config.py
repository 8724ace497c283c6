"""The one frozen configuration object the stages and the archive check receive.

Each field says what it does, its default and its risk. Nothing here reads a
file: :func:`pipeline.rules.load_config` fills it from rules/ and
raw/archive/, and a test can build a ``Config`` by hand, so a stage stays a
pure function of (book, config).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import regex


@dataclass(frozen=True, slots=True)
class LineRule:
    """A whole-line rule from rules/lines.tsv: ``drop`` removes matching lines,
    ``keep`` protects them from junk and furniture detection."""

    action: str
    pattern: regex.Pattern
    note: str
    source: str


@dataclass(frozen=True, slots=True)
class Scanno:
    """A context rule from rules/scannos.tsv: text ``pattern`` matches (context in
    lookarounds) becomes ``replacement`` (may use groups); ``name`` is the logged rule."""

    name: str
    pattern: regex.Pattern
    replacement: str
    note: str
    source: str


@dataclass(frozen=True, slots=True)
class HyphenRule:
    """A line-end hyphen that belongs to the word, from rules/hyphen_prefixes.tsv.

    ``left`` and ``right`` match the whole lower-cased parts before and after
    the hyphen; ``right`` is None for "any English word" (then the rule holds
    only where the joined form is not itself a word: "self- less" still joins).
    """

    left: regex.Pattern
    right: regex.Pattern | None
    note: str
    source: str


@dataclass(frozen=True, slots=True)
class Spelling:
    """British -> American word and suffix rules (rules/editorial_spelling.tsv), for the archive check only."""

    words: Mapping[str, str] = field(default_factory=dict)
    suffixes: tuple[tuple[str, str], ...] = ()
    pair_suffixes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """A reviewer's decision on a row of review.tsv, from rules/review_decisions.tsv.

    The row is named by ``book`` (the raw file's name without .txt) and
    ``stage``, ``line`` and ``token`` as review.tsv gives them. ``decision`` is ``accept`` (take ``text``, or the first candidate
    when ``text`` is empty), ``reject`` (keep the text as printed) or
    ``edit`` (write ``text``). ``source`` is ``rules/FILE:LINE``.
    """

    book: str
    stage: str
    line: int
    token: str
    decision: str
    text: str
    note: str
    source: str


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the stages may consult.

    - ``folio_digits``: characters OCR reads in place of digits in page numbers
      ("T5" for 75). Default from rules/folio_digits.tsv. Risk: too many
      entries turn words into folio candidates; the sequence check limits that.
    - ``line_rules``: explicit drop/keep rules (rules/lines.tsv), applied before
      any learned decision. Default: none needed for the first book.
    - ``stray_marks``: lone characters removed at a line's start or end
      (rules/stray_marks.tsv), as (mark, "start"|"end") pairs. Risk: a mark
      that is real text there ("I" or "a" would be) must never be listed.
    - ``note_marks``: marks OCR reads in place of superscript note numbers
      (rules/note_marks.tsv), mark -> digit. Used only where a part's note
      sequence expects that number, so a real "?" stays a question mark.
    - ``book_rules``: per-book refinements, rules/<book>.toml parsed, by book
      name (e.g. ``split_documents.back_matter_line``). Default: none.
    - ``junk_word_share``: a line whose share of word-like tokens is below this
      is scanner junk. Default 0.5. Risk: raising it drops real short lines
      (index entries are protected by their page numbers counting as words).
    - ``min_folio_chain``: fewer folio lines than this in sequence are not page
      furniture (a clean text with a few numbers stays untouched). Default 3.
    - ``hyphen_prefixes``: line-end hyphens that stay ("self- criticism",
      "twenty- six", "712- 18") where the book's own usage says nothing
      (rules/hyphen_prefixes.tsv). Default: none. Risk: a prefix the book
      closes up ("semihumorous", "nonparty") would keep wrong hyphens.
    - ``lexicon_words``: words the dictionaries lack that the book needs (US
      spellings such as "labor", names, foreign words), from rules/lexicon.txt;
      ``correct_ocr_words`` never corrects them and may correct to them. An
      entry "semi-" is a prefix, "-ness" a suffix: a known word with one is a
      word. Default: none. Risk: listing an OCR error protects it.
    - ``archive_words``: word forms of the archive transcriptions
      (raw/archive/*.txt), known words for ``correct_ocr_words``. Default:
      none. Risk: the archive's own typos and British spellings count as
      words, so they are only ever protected, never written into the book.
    - ``ocr_confusions``: (seen, meant) character confusions ("rn" read for
      "m"), from rules/ocr_confusions.tsv; a correction through them costs
      half an edit. Default: none. Risk: a pair that is no real confusion
      makes corrections look more certain than they are.
    - ``scannos``: context rules for OCR errors that are real words ("arid"
      for "and") and for fixed punctuation misreads, from rules/scannos.tsv.
      Default: none. Risk: a pattern with too little context changes correct text.
    - ``archive``: the archive transcriptions (raw/archive/*.txt), file name ->
      text: the yardstick of the archive check, never a source of text.
      Default: none (no check).
    - ``spelling``: British/American spellings (rules/editorial_spelling.tsv),
      normalised away when comparing with the archive. Default: none.
    - ``real_word_confusions``: (word, misread as) pairs of valid words OCR
      mixes up (rules/real_word_confusions.tsv), lower case, for classing
      archive differences. Default: none.
    - ``review_decisions``: a reviewer's answers to review.tsv rows
      (rules/review_decisions.tsv), applied by ``apply_review_decisions`` as
      logged changes (rule ``reviewer``); a decided row is not asked again.
      Default: none. Risk: a decision written for an older run whose row no
      longer exists is not applied (it is reported as a warning).
    """

    folio_digits: Mapping[str, str] = field(default_factory=dict)
    line_rules: tuple[LineRule, ...] = ()
    stray_marks: frozenset[tuple[str, str]] = frozenset()
    note_marks: Mapping[str, str] = field(default_factory=dict)
    book_rules: Mapping[str, Mapping] = field(default_factory=dict)
    junk_word_share: float = 0.5
    min_folio_chain: int = 3
    hyphen_prefixes: tuple[HyphenRule, ...] = ()
    lexicon_words: frozenset[str] = frozenset()
    archive_words: frozenset[str] = frozenset()
    ocr_confusions: tuple[tuple[str, str], ...] = ()
    scannos: tuple[Scanno, ...] = ()
    archive: Mapping[str, str] = field(default_factory=dict)
    spelling: Spelling = Spelling()
    real_word_confusions: frozenset[tuple[str, str]] = frozenset()
    review_decisions: tuple[Decision, ...] = ()


__all__ = ["Config", "Decision", "HyphenRule", "LineRule", "Scanno", "Spelling"]
