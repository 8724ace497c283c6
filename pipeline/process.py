"""Run the registered stages over one book, without Prefect: the library entry point.

The CLI, the Prefect flow, the benchmarks and the tests all go through
:func:`run_stages`, so what is tested is what runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .config import Config
from .model import Book, Change
from .reader import read_book
from .stages import STAGES


@dataclass(frozen=True, slots=True)
class Result:
    """A cleaned book, every change made to it, its raw line count, and each stage's time (s)."""

    book: Book
    changes: tuple[Change, ...]
    raw_lines: int
    timings: dict[str, float] = field(default_factory=dict)
    snapshots: tuple[tuple[str, Book], ...] = ()
    """The book after each stage, for checking what each stage changed (verification)."""
    source: Book | None = None
    """The book as read, before any stage."""


def check_skip(skip: Iterable[str]) -> tuple[str, ...]:
    """Validate stage names given to ``--skip``.

    >>> check_skip(["rebuild_paragraphs"])
    ('rebuild_paragraphs',)
    >>> check_skip(["paragraphs"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown stage 'paragraphs'; stages are: repair_unicode, remove_page_furniture, rebuild_paragraphs, ...
    """
    skip = tuple(skip)
    for name in skip:
        if name not in STAGES:
            raise ValueError(f"unknown stage {name!r}; stages are: {', '.join(STAGES)}")
    return skip


def run_stages(
    book: Book, config: Config, skip: Iterable[str] = (), on_stage: Callable[[str], None] | None = None
) -> Result:
    """Apply every registered stage not in ``skip``, in registry order.

    ``on_stage(name)`` is called before each stage runs, so a caller (the
    CLI's progress bar) can show where a long run is without this module
    knowing how it is shown.
    """
    skip = check_skip(skip)
    source = book
    raw_lines = len(book.lines)
    changes: list[Change] = []
    timings: dict[str, float] = {}
    snapshots: list[tuple[str, Book]] = []
    for name, stage in STAGES.items():
        if name in skip:
            continue
        if on_stage is not None:
            on_stage(name)
        start = time.perf_counter()
        book, stage_changes = stage(book, config)
        timings[name] = time.perf_counter() - start
        changes.extend(stage_changes)
        snapshots.append((name, book))
    return Result(book, tuple(changes), raw_lines, timings, tuple(snapshots), source)


def clean_file(path: Path, config: Config, skip: Iterable[str] = ()) -> Result:
    """Read a raw file and run the stages over it."""
    return run_stages(read_book(path), config, skip)
