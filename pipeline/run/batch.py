"""Clean many books in one run: each book on its own, a failure recorded and the rest carried on.

The library side of a batch, shared by ``--no-prefect`` runs and the Prefect
batch flow in :mod:`pipeline.ops.flow`: which files a run means
(:func:`expand_inputs`), the books in turn (:func:`clean_books`), and the
summary table printed at the end and kept as a Prefect artifact.
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from pipeline.reader import InputError
from pipeline.run.book import Hooks, Outcome, clean_book
from pipeline.run.names import Job
from pipeline.run.options import RunOptions

if TYPE_CHECKING:
    from pipeline.config import Config

GLOB_CHARS = frozenset("*?[")


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
    paths: dict[Path, Path] = {}  # the same file named twice ("raw/a.txt", "raw/./a.txt") is one book
    for item in inputs:
        text = str(item)
        full = Path(text) if Path(text).is_absolute() else Path(base) / text
        if GLOB_CHARS & set(text) and not full.exists():
            matches = sorted(Path(p) for p in glob.glob(str(full)) if Path(p).is_file())  # same spelling as `full`
            if not matches:
                raise InputError(f"{text}: no file matches this pattern")
            for match in matches:
                paths.setdefault(match.resolve(), match)
        else:
            paths.setdefault(full.resolve(), full)
    return list(paths.values())


def clean_books(
    jobs: Iterable[Job],
    options: RunOptions,
    config: Config | None,
    hooks_for: Callable[[Job], Hooks] | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Clean each book in turn, without Prefect; a failed book does not stop the others.

    ``hooks_for(job)`` may give the hooks for that book and ``on_done(outcome)``
    hears each result: the CLI hangs its progress display and its per-book
    lines on them. ``config`` None: read when a book needs it (the CLI found every book cached).
    """
    outcomes = []
    for job in jobs:
        outcome = clean_book(job, options, config, hooks_for(job) if hooks_for else Hooks())
        if on_done:
            on_done(outcome)
        outcomes.append(outcome)
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
