"""The one frozen configuration object the stages receive, loaded from rules/.

Each field says what it does, its default and its risk. The stages never read
files themselves: everything they may consult is here, so a test can build a
``Config`` by hand and a stage stays a pure function of (book, config).
"""

from __future__ import annotations

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
    - ``junk_word_share``: a line whose share of word-like tokens is below this
      is scanner junk. Default 0.5. Risk: raising it drops real short lines
      (index entries are protected by their page numbers counting as words).
    - ``min_folio_chain``: fewer folio lines than this in sequence are not page
      furniture (a clean text with a few numbers stays untouched). Default 3.
    """

    folio_digits: Mapping[str, str] = field(default_factory=dict)
    line_rules: tuple[LineRule, ...] = ()
    stray_marks: frozenset[tuple[str, str]] = frozenset()
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
    return Config(folio_digits=digits, line_rules=tuple(line_rules), stray_marks=frozenset(marks))


__all__ = ["Config", "LineRule", "RulesError", "load_config", "DEFAULT_RULES_DIR"]
