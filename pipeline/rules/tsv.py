"""The shape every rules file shares, and how its problems are reported: ``rules/FILE:LINE: what``.

A rules TSV has a header row naming its columns, may hold ``#`` comment
lines and blank lines, and ends each row with a free ``note`` column.
Problems are collected in :class:`Problems` rather than raised one at a
time, so a user who fixes a rules folder sees every mistake in one run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import regex


def display(path: Path) -> str:
    """A path as a user wants to read it: relative to the working folder when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class RulesError(ValueError):
    """Malformed rules; the message has one ``FILE:LINE: problem`` line per problem found.

    ``path``, ``line`` and ``problem`` are those of the first problem;
    ``problems`` lists all of them as (path, line, problem).
    """

    def __init__(self, path: Path, line: int, problem: str, more: tuple[tuple[Path, int, str], ...] = ()):
        self.path, self.line, self.problem = path, line, problem
        self.problems = ((path, line, problem), *more)
        super().__init__("\n".join(f"{display(p)}:{n}: {what}" for p, n, what in self.problems))


@dataclass
class Problems:
    """The problems found so far in a rules folder, in the order they were found."""

    found: list[tuple[Path, int, str]] = field(default_factory=list)

    def add(self, path: Path, line: int, problem: str) -> None:
        self.found.append((Path(path), line, problem))

    def raise_any(self) -> None:
        """Raise one :class:`RulesError` naming every problem, if there is any."""
        if self.found:
            first, *rest = self.found
            raise RulesError(*first, tuple(rest))


@dataclass(frozen=True, slots=True)
class Row:
    """One data row of a rules file, with the line it stands on for later errors."""

    path: Path
    line: int
    values: dict[str, str]
    problems: Problems

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    def error(self, problem: str) -> None:
        """Record a problem of this row; the caller then skips the row."""
        self.problems.add(self.path, self.line, problem)

    @property
    def source(self) -> str:
        """``rules/FILE:LINE``, the rule name a logged change carries."""
        return f"rules/{self.path.name}:{self.line}"


def read_text(path: Path, problems: Problems) -> str | None:
    """A rules file's text, or None with a problem recorded (missing, a folder, binary, not UTF-8)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        problems.add(path, 1, "missing: every rules file must exist (an empty one needs only its header row)")
        return None
    except IsADirectoryError:
        problems.add(path, 1, "is a folder, not a rules file")
        return None
    except OSError as exc:
        problems.add(path, 1, f"cannot be read: {exc.strerror or exc}")
        return None
    if b"\x00" in data:
        problems.add(path, text_line_of(data, data.index(b"\x00")), "a binary file (NUL bytes), not a text file")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(path, text_line_of(data, exc.start), "not valid UTF-8")
        return None


def read_tsv(path: Path, columns: tuple[str, ...], problems: Problems | None = None) -> list[Row]:
    """The data rows of a rules TSV whose header must be exactly ``columns``.

    A row with the wrong number of cells is recorded as a problem and
    skipped; without ``problems``, the first problem raises at once.

    >>> import tempfile
    >>> d = tempfile.mkdtemp(); p = Path(d, "x.tsv")
    >>> _ = p.write_text("# demo\\nseen\\tdigit\\tnote\\nT\\t7\\tT read for 7\\n")
    >>> [r.values for r in read_tsv(p, ("seen", "digit", "note"))]
    [{'seen': 'T', 'digit': '7', 'note': 'T read for 7'}]
    >>> _ = p.write_text("seen\\tdigit\\tnote\\nT\\t7\\nO\\n")
    >>> read_tsv(p, ("seen", "digit", "note"))
    Traceback (most recent call last):
    ...
    pipeline.rules.tsv.RulesError: ...x.tsv:2: expected 3 tab-separated columns (seen, digit, note), found 2
    ...x.tsv:3: expected 3 tab-separated columns (seen, digit, note), found 1
    """
    own = problems is None
    problems = Problems() if own else problems
    rows = _read_rows(Path(path), columns, problems)
    if own:
        problems.raise_any()
    return rows


def _read_rows(path: Path, columns: tuple[str, ...], problems: Problems) -> list[Row]:
    text = read_text(path, problems)
    if text is None:
        return []
    rows: list[Row] = []
    header_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = raw.split("\t")
        if not header_seen:
            if tuple(c.strip() for c in cells) != columns:
                problems.add(path, number, f"header must be {'<TAB>'.join(columns)}, found {raw!r}")
                return []
            header_seen = True
            continue
        if len(cells) != len(columns):
            problems.add(path, number, f"expected {len(columns)} tab-separated columns ({', '.join(columns)}), found {len(cells)}")
            continue
        rows.append(Row(path, number, dict(zip(columns, cells)), problems))
    if not header_seen:
        problems.add(path, 1, f"no header row; expected {'<TAB>'.join(columns)}")
    return rows


def text_line_of(data: bytes, offset: int) -> int:
    """The 1-based line number of a byte offset, for errors about undecodable bytes."""
    return data.count(b"\n", 0, offset) + 1


def compile_pattern(row: Row, column: str = "pattern") -> regex.Pattern | None:
    """Compile a row's regular expression; a bad one is recorded at its file and line (None)."""
    try:
        return regex.compile(row[column])
    except regex.error as exc:
        row.error(f"bad regular expression {row[column]!r}: {exc}")
        return None


def unique(rows: list[Row], key, what: str) -> list[Row]:
    """The rows whose ``key(row)`` was not seen on an earlier row; a repeat is a problem naming the first line.

    A repeated key would silently overwrite (or double) the first rule, so
    the second is reported and skipped.
    """
    first: dict = {}
    kept = []
    for row in rows:
        k = key(row)
        if k in first:
            row.error(f"duplicate {what} {k!r}: already on line {first[k]}")
            continue
        first[k] = row.line
        kept.append(row)
    return kept
