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
    """

    folio_digits: Mapping[str, str] = field(default_factory=dict)
    line_rules: tuple[LineRule, ...] = ()
    stray_marks: frozenset[tuple[str, str]] = frozenset()
    note_marks: Mapping[str, str] = field(default_factory=dict)
    book_rules: Mapping[str, Mapping] = field(default_factory=dict)
    junk_word_share: float = 0.5
    min_folio_chain: int = 3


def load_config(rules_dir: Path = DEFAULT_RULES_DIR) -> Config:
    """Read rules/ into a Config; any malformed file raises RulesError (file:line)."""
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
    return Config(
        folio_digits=digits,
        line_rules=tuple(line_rules),
        stray_marks=frozenset(marks),
        note_marks=note_marks,
        book_rules=read_book_rules(rules_dir),
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


__all__ = ["Config", "LineRule", "RulesError", "load_config", "DEFAULT_RULES_DIR"]
