"""Rules are data: plain TSV files in rules/, read here with errors that name file and line.

Every rules file has a header row naming its columns, may hold ``#`` comment
lines and blank lines, and ends each row with a free ``note`` column. A problem
raises :class:`RulesError` whose message starts ``rules/FILE:LINE:`` so a user
can go straight to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import regex


class RulesError(ValueError):
    """A malformed rules file; the message names the file and the line."""

    def __init__(self, path: Path, line: int, problem: str):
        self.path, self.line, self.problem = path, line, problem
        super().__init__(f"{_display(path)}:{line}: {problem}")


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True, slots=True)
class Row:
    """One data row of a rules file, with the line it stands on for later errors."""

    path: Path
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    def error(self, problem: str) -> RulesError:
        return RulesError(self.path, self.line, problem)


def read_tsv(path: Path, columns: tuple[str, ...]) -> list[Row]:
    """Read a rules TSV whose header must be exactly ``columns``.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = Path(d, "x.tsv")
    >>> _ = p.write_text("# demo\\nseen\\tdigit\\tnote\\nT\\t7\\tT read for 7\\n")
    >>> [r.values for r in read_tsv(p, ("seen", "digit", "note"))]
    [{'seen': 'T', 'digit': '7', 'note': 'T read for 7'}]
    >>> _ = p.write_text("seen\\tdigit\\tnote\\nT\\t7\\n")
    >>> read_tsv(p, ("seen", "digit", "note"))
    Traceback (most recent call last):
    ...
    pipeline.rules.RulesError: ...x.tsv:2: expected 3 tab-separated columns (seen, digit, note), found 2
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RulesError(path, text_line_of(path.read_bytes(), exc.start), "not valid UTF-8") from exc
    rows: list[Row] = []
    header_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = raw.split("\t")
        if not header_seen:
            if tuple(c.strip() for c in cells) != columns:
                raise RulesError(path, number, f"header must be {'<TAB>'.join(columns)}, found {raw!r}")
            header_seen = True
            continue
        if len(cells) != len(columns):
            raise RulesError(
                path,
                number,
                f"expected {len(columns)} tab-separated columns ({', '.join(columns)}), found {len(cells)}",
            )
        rows.append(Row(path, number, dict(zip(columns, cells))))
    if not header_seen:
        raise RulesError(path, 1, f"no header row; expected {'<TAB>'.join(columns)}")
    return rows


def text_line_of(data: bytes, offset: int) -> int:
    """The 1-based line number of a byte offset, for errors about undecodable bytes."""
    return data.count(b"\n", 0, offset) + 1


def compile_pattern(row: Row, column: str = "pattern") -> regex.Pattern:
    """Compile a row's regular expression, reporting a bad one at its file and line."""
    try:
        return regex.compile(row[column])
    except regex.error as exc:
        raise row.error(f"bad regular expression {row[column]!r}: {exc}") from exc
