"""Clean many books in one run: each book on its own, a failure recorded and the rest carried on.

The library side of a batch, shared by ``--no-prefect`` runs and the Prefect
batch flow in :mod:`pipeline.flow`: which files a run means
(:func:`expand_inputs`), what happened to each book (:class:`Outcome`, with the
cache decision of :mod:`pipeline.cache`), and the summary table printed at
the end and kept as a Prefect artifact.
"""

from __future__ import annotations

import glob
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from . import cache
from .config import Config, default_archive_dir
from .output import render, write_outputs
from .process import Result, run_stages
from .reader import InputError, book_name, read_book
from .rules import RulesError
from .verification import check

GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a run did with one raw file.

    ``status`` is ``cleaned``, ``cached`` (inputs unchanged, output kept) or
    ``failed``; ``reason`` says why: the cache decision (``new``,
    ``changed: rules``, ``forced``, ``cached``) or the error message, which
    names the file.
    """

    path: str
    book: str
    status: str
    reason: str
    folder: str
    changes: int | None = None
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def line(self) -> str:
        """One line for the terminal.

        >>> Outcome("raw/b.txt", "b", "cleaned", "changed: rules", "clean/b", 12, 1.234).line()
        'raw/b.txt -> clean/b/: cleaned (changed: rules), 12 changes, 1.23 s'
        >>> Outcome("raw/b.txt", "b", "failed", "raw/b.txt: the file is empty", "clean/b").line()
        'raw/b.txt: failed: raw/b.txt: the file is empty'
        """
        if self.failed:
            return f"{self.path}: failed: {self.reason}"
        detail = "" if self.status == "cached" else f" ({self.reason})"
        counts = f", {self.changes} changes" if self.changes is not None else ""
        return f"{self.path} -> {self.folder}/: {self.status}{detail}{counts}, {self.seconds:.2f} s"

    def to_dict(self) -> dict:
        return asdict(self)


def expand_inputs(inputs: Iterable[str | Path], base: Path) -> list[Path]:
    """The raw files a run means: each input is a file or a glob, relative ones taken from ``base``.

    A glob that matches nothing is an error (a typo should not pass as an
    empty batch); a named file that does not exist is kept, so the reader
    reports it as a failed book like any other bad input.

    >>> import tempfile; d = Path(tempfile.mkdtemp()); (d / "raw").mkdir()
    >>> for n in ("b", "a"): _ = (d / "raw" / f"{n}.txt").write_text(n)
    >>> [p.name for p in expand_inputs(["raw/*.txt", "raw/a.txt"], d)]
    ['a.txt', 'b.txt']
    >>> expand_inputs(["raw/*.md"], d)
    Traceback (most recent call last):
    ...
    pipeline.reader.InputError: raw/*.md: no file matches this pattern
    """
    paths: dict[Path, None] = {}
    for item in inputs:
        text = str(item)
        full = Path(text) if Path(text).is_absolute() else Path(base) / text
        if GLOB_CHARS & set(text) and not full.exists():
            matches = sorted(Path(p) for p in glob.glob(str(full)) if Path(p).is_file())  # same spelling as `full`
            if not matches:
                raise InputError(f"{text}: no file matches this pattern")
            paths.update(dict.fromkeys(matches))
        else:
            paths[full] = None
    return list(paths)


def clean_one(
    path: Path,
    out_dir: Path,
    rules_dir: Path,
    config: Config,
    skip: Sequence[str] = (),
    force: bool = False,
    on_stage: Callable[[str], None] | None = None,
) -> Outcome:
    """Clean one raw file into ``out_dir/<book>/`` unless its cache key is unchanged.

    Bad input (:class:`InputError`) and malformed rules become a failed
    outcome instead of an exception, so one bad file does not stop a batch;
    anything else is a bug and propagates.
    """
    start = time.perf_counter()
    path = Path(path)
    folder = Path(out_dir) / book_name(path)
    decision = cache.decide(path, folder, rules_dir, skip, force)

    def outcome(status: str, reason: str, **fields) -> Outcome:
        return Outcome(str(path), book_name(path), status, reason, str(folder),
                       seconds=time.perf_counter() - start, **fields)

    if decision.cached:
        return outcome("cached", "cached", warnings=decision.warnings)
    try:
        book = read_book(path)
        result = run_stages(book, config, skip, on_stage)
    except (InputError, RulesError) as exc:
        return outcome("failed", str(exc))
    files = render(result, check(result, rules_dir, default_archive_dir(rules_dir)))
    write_and_remember(folder, files, result, decision.key)
    return outcome("cleaned", decision.reason, changes=len(result.changes), warnings=result.book.warnings)


def write_and_remember(folder: Path, files: dict[str, str], result: Result, key: cache.CacheKey | None) -> None:
    """Write a book's rendered outputs, then its cache key: the key only ever vouches for a complete output."""
    cache.invalidate(folder)
    write_outputs(folder, files)
    if key is not None:
        cache.store(folder, key, files, result.book.warnings)


def clean_books(
    paths: Iterable[Path],
    out_dir: Path,
    rules_dir: Path,
    config: Config,
    skip: Sequence[str] = (),
    force: bool = False,
    on_book: Callable[[Path], Callable[[str], None] | None] | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Clean each file in turn, without Prefect; a failed book does not stop the others.

    ``on_book(path)`` may return the ``on_stage`` callback for that book and
    ``on_done(outcome)`` hears each result: the CLI hangs its progress bar
    and its per-book lines on them.
    """
    outcomes = []
    for path in paths:
        on_stage = on_book(path) if on_book else None
        result = clean_one(path, out_dir, rules_dir, config, skip, force, on_stage)
        if on_done:
            on_done(result)
        outcomes.append(result)
    return outcomes


SUMMARY_COLUMNS = ("book", "status", "reason", "changes", "seconds", "warnings")


def summary_rows(outcomes: Iterable[Outcome]) -> list[dict]:
    """One row per book for the summary table (also the Prefect table artifact)."""
    return [
        {
            "book": o.book,
            "status": o.status,
            "reason": o.reason,
            "changes": "" if o.changes is None else o.changes,
            "seconds": round(o.seconds, 2),
            "warnings": len(o.warnings),
        }
        for o in outcomes
    ]


def summary_totals(outcomes: Sequence[Outcome]) -> str:
    """The closing line of a batch.

    >>> summary_totals([Outcome("a", "a", "cleaned", "new", "c/a"), Outcome("b", "b", "cached", "cached", "c/b")])
    '2 books: 1 cleaned, 1 cached, 0 failed'
    """
    count = {status: sum(o.status == status for o in outcomes) for status in ("cleaned", "cached", "failed")}
    books = "1 book" if len(outcomes) == 1 else f"{len(outcomes)} books"
    return f"{books}: {count['cleaned']} cleaned, {count['cached']} cached, {count['failed']} failed"


def format_summary(outcomes: Sequence[Outcome]) -> str:
    """The summary as a plain-text table with a totals line, for terminals and logs."""
    rows = [dict(zip(SUMMARY_COLUMNS, SUMMARY_COLUMNS))] + [
        {k: str(v) for k, v in row.items()} for row in summary_rows(outcomes)
    ]
    widths = {c: max(len(r[c]) for r in rows) for c in SUMMARY_COLUMNS}
    lines = ["  ".join(r[c].ljust(widths[c]) for c in SUMMARY_COLUMNS).rstrip() for r in rows]
    return "\n".join(lines + [summary_totals(outcomes)])
