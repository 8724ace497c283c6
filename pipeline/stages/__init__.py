"""The ordered registry of stages, and the one function that runs them over a book.

Each stage is a pure function ``stage(book, config) -> (book, changes)``. Its
name keys the Prefect task, the ``stage`` field of a change, ``--skip`` and
the progress display. Its *kind* says how its changes replay over the raw
text (:mod:`pipeline.changelog.replay`):

- ``lines``: edits raw lines at (line, column), before paragraphs exist;
- ``grouping``: joins lines into paragraphs; its records explain the joins
  and edit no text (the grouping itself is in ``paragraphs.jsonl``);
- ``paragraphs``: edits paragraph text at the (line, column) where the span begins.

A new stage says its kind here, so the replay needs no word of change.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Literal

if TYPE_CHECKING:  # annotations only: the run machinery imports this registry on a cached rerun too
    from pipeline.config import Config
    from pipeline.model import Book, Change

    StageFunction = Callable[[Book, Config], tuple[Book, list[Change]]]
Kind = Literal["lines", "grouping", "paragraphs"]


@dataclass(frozen=True, slots=True)
class Stage:
    """A registered stage: where its function lives, and how its changes replay.

    The function is imported on first use, so reading the registry (stage
    names for ``--skip``, kinds for the replay) costs nothing, and a run
    that finds every book cached imports no stage at all.
    """

    name: str
    kind: Kind
    module: str = ""

    @property
    def function(self) -> StageFunction:
        """The stage function, ``pipeline.stages.<module>.<name>`` (module defaults to the name)."""
        return getattr(importlib.import_module(f"pipeline.stages.{self.module or self.name}"), self.name)

    def __call__(self, book: Book, config: Config) -> tuple[Book, list[Change]]:
        return self.function(book, config)


STAGES: dict[str, Stage] = {
    stage.name: stage
    for stage in (
        Stage("repair_unicode", "lines"),
        Stage("remove_page_furniture", "lines"),
        Stage("rebuild_paragraphs", "grouping"),
        Stage("join_hyphenated_words", "paragraphs"),
        Stage("correct_ocr_words", "paragraphs"),
        Stage("repair_punctuation", "paragraphs"),
        Stage("split_documents", "paragraphs"),
        Stage("apply_review_decisions", "paragraphs"),
    )
}


@dataclass(frozen=True, slots=True)
class Result:
    """A cleaned book, every change made to it, its raw line count, and each stage's time (s)."""

    book: Book
    changes: tuple[Change, ...]
    raw_lines: int
    timings: dict[str, float] = field(default_factory=dict)
    snapshots: tuple[tuple[str, Book], ...] = ()
    """The book after each stage, kept only when asked for (tests look at a stage's output); the
    archive check rebuilds what it needs of each stage from ``source`` and ``changes``."""
    source: Book | None = None
    """The book as read, before any stage; read from a file, it keeps no texts until the check reads them (:meth:`pipeline.model.Lines.for_later`)."""

    @property
    def stages(self) -> tuple[tuple[str, Kind], ...]:
        """(name, kind) of each stage that ran, in order (``timings`` has one entry for each)."""
        return tuple((name, STAGES[name].kind) for name in self.timings)


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


def run_stages(book: Book, config: Config, skip: Iterable[str] = (), step: Callable | None = None,
               snapshots: bool = False) -> Result:
    """Apply every registered stage not in ``skip``, in registry order.

    Each stage's book is dropped once the next has read it, unless
    ``snapshots`` asks to keep them all in the result (about twenty times the
    raw file's size; tests use it).

    ``step(name, stage, book, config)`` runs one stage; by default it is
    called directly. :func:`pipeline.run.book.clean_book` passes one that
    reports progress, and the Prefect flow one that runs the stage as a task
    named after it, so every mode shares this one loop and its timings.
    """
    skip = check_skip(skip)
    source = book.evolve(lines=book.lines.for_later())  # the check's copy; the stages' texts are freed once paragraphs exist
    changes: list[Change] = []
    timings: dict[str, float] = {}
    kept: list[tuple[str, Book]] = []
    for name, stage in STAGES.items():
        if name in skip:
            continue
        start = time.perf_counter()
        book, stage_changes = step(name, stage, book, config) if step else stage(book, config)
        timings[name] = time.perf_counter() - start
        changes.extend(stage_changes)
        if snapshots:
            kept.append((name, book))
    return Result(book, tuple(changes), len(source.lines), timings, tuple(kept), source)
