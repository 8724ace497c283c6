"""The one frozen configuration object the stages receive, loaded from rules/.

Each field says what it does, its default and its risk. The stages never read
files themselves: everything they may consult is here, so a test can build a
``Config`` by hand and a stage stays a pure function of (book, config).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import regex

from .lexicon import word_counts
from .rules import RulesError, compile_pattern, read_tsv

DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


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


def read_word_list(path: Path) -> frozenset[str]:
    """One word per line; ``#`` starts a comment; a line with two words is an error."""
    words = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        word = raw.split("#", 1)[0].strip()
        if len(word.split()) > 1:
            raise RulesError(path, number, f"one word per line, found {word!r}")
        if word:
            words.add(word)
    return frozenset(words)


def read_archive_words(archive_dir: Path) -> frozenset[str]:
    """Every word form of the archive transcriptions; no archive folder means no words."""
    files = sorted(archive_dir.glob("*.txt")) if archive_dir.is_dir() else []
    return frozenset(word_counts(path.read_text(encoding="utf-8") for path in files))


def read_confusions(path: Path) -> tuple[tuple[str, str], ...]:
    """The (seen, meant) pairs of rules/ocr_confusions.tsv."""
    pairs = []
    for row in read_tsv(path, ("seen", "meant", "note")):
        seen, meant = row["seen"], row["meant"]
        if not seen or not meant or seen == meant or " " in seen + meant:
            raise row.error(f"seen and meant must be two different strings without spaces, found {seen!r} -> {meant!r}")
        pairs.append((seen, meant))
    return tuple(pairs)


def read_scannos(path: Path) -> tuple[Scanno, ...]:
    """The context rules of rules/scannos.tsv; a bad pattern or group reference is reported at its line."""
    rules = []
    for row in read_tsv(path, ("name", "pattern", "replacement", "note")):
        if not regex.fullmatch(r"[a-z][a-z0-9_]*", row["name"]):
            raise row.error(f"name must be a lower-case identifier, found {row['name']!r}")
        pattern = compile_pattern(row)
        for number, name in regex.findall(r"\\(\d+)|\\g<(\w+)>", row["replacement"]):
            if not (number and int(number) <= pattern.groups or name and name in pattern.groupindex):
                raise row.error(f"replacement refers to group {number or name!r}, which the pattern lacks")
        rules.append(Scanno(row["name"], pattern, row["replacement"], row["note"], f"rules/{path.name}:{row.line}"))
    return tuple(rules)


def default_archive_dir(rules_dir: Path) -> Path:
    """The archive transcriptions that go with a rules folder: ``raw/archive/`` beside it."""
    return Path(rules_dir).parent / "raw" / "archive"


def load_config(rules_dir: Path = DEFAULT_RULES_DIR, archive_dir: Path | None = None) -> Config:
    """Read rules/ into a Config; any malformed file raises RulesError (file:line).

    The archive transcriptions come from ``archive_dir``, by default
    ``raw/archive/`` next to the rules folder.
    """
    digits: dict[str, str] = {}
    for row in read_tsv(rules_dir / "folio_digits.tsv", ("seen", "digit", "note")):
        seen, digit = row["seen"], row["digit"]
        if len(seen) != 1 or not (len(digit) == 1 and digit.isdigit()):
            raise row.error(f"'seen' must be one character and 'digit' one digit, found {seen!r} -> {digit!r}")
        digits[seen] = digit
    line_rules = []
    for row in read_tsv(rules_dir / "lines.tsv", ("action", "pattern", "note")):
        if row["action"] not in ("drop", "keep"):
            raise row.error(f"action must be 'drop' or 'keep', found {row['action']!r}")
        source = f"rules/lines.tsv:{row.line}"
        line_rules.append(LineRule(row["action"], compile_pattern(row), row["note"], source))
    marks = set()
    for row in read_tsv(rules_dir / "stray_marks.tsv", ("mark", "where", "note")):
        if len(row["mark"]) != 1 or row["mark"].isspace():
            raise row.error(f"mark must be one visible character, found {row['mark']!r}")
        if row["where"] not in ("start", "end"):
            raise row.error(f"where must be 'start' or 'end', found {row['where']!r}")
        marks.add((row["mark"], row["where"]))
    note_marks = {}
    for row in read_tsv(rules_dir / "note_marks.tsv", ("mark", "digit", "note")):
        if len(row["mark"]) != 1 or not (len(row["digit"]) == 1 and row["digit"].isdigit()):
            raise row.error(f"'mark' must be one character and 'digit' one digit, found {row['mark']!r} -> {row['digit']!r}")
        note_marks[row["mark"]] = row["digit"]
    hyphen_rules = []
    for row in read_tsv(rules_dir / "hyphen_prefixes.tsv", ("left", "right", "note")):
        if not row["left"]:
            raise row.error("'left' must be a pattern for the part before the hyphen, found nothing")
        right = compile_pattern(row, "right") if row["right"] else None
        hyphen_rules.append(HyphenRule(compile_pattern(row, "left"), right, row["note"], f"rules/hyphen_prefixes.tsv:{row.line}"))
    return Config(
        folio_digits=digits,
        line_rules=tuple(line_rules),
        stray_marks=frozenset(marks),
        note_marks=note_marks,
        book_rules=read_book_rules(rules_dir),
        hyphen_prefixes=tuple(hyphen_rules),
        lexicon_words=read_word_list(rules_dir / "lexicon.txt"),
        archive_words=read_archive_words(archive_dir or default_archive_dir(rules_dir)),
        ocr_confusions=read_confusions(rules_dir / "ocr_confusions.tsv"),
        scannos=read_scannos(rules_dir / "scannos.tsv"),
    )


def read_book_rules(rules_dir: Path) -> dict[str, dict]:
    """Every rules/<book>.toml, parsed, by book name; a syntax error names file and line."""
    books = {}
    for path in sorted(rules_dir.glob("*.toml")):
        try:
            books[path.stem] = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            line = regex.search(r"line (\d+)", str(exc))
            raise RulesError(path, int(line[1]) if line else 1, f"not valid TOML: {exc}") from exc
    return books


__all__ = ["Config", "HyphenRule", "LineRule", "RulesError", "Scanno", "load_config", "DEFAULT_RULES_DIR"]
