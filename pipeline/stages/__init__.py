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

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Literal

from pipeline.config import Config
from pipeline.model import Book, Change
from pipeline.stages.apply_review_decisions import apply_review_decisions
from pipeline.stages.correct_ocr_words import correct_ocr_words
from pipeline.stages.join_hyphenated_words import join_hyphenated_words
from pipeline.stages.rebuild_paragraphs import rebuild_paragraphs
from pipeline.stages.remove_page_furniture import remove_page_furniture
from pipeline.stages.repair_unicode import repair_unicode
from pipeline.stages.split_documents import split_documents

StageFunction = Callable[[Book, Config], tuple[Book, list[Change]]]
Kind = Literal["lines", "grouping", "paragraphs"]


@dataclass(frozen=True, slots=True)
class Stage:
    """A registered stage: its function and how its changes replay."""

    function: StageFunction
    kind: Kind

    def __call__(self, book: Book, config: Config) -> tuple[Book, list[Change]]:
        return self.function(book, config)


STAGES: dict[str, Stage] = {
    "repair_unicode": Stage(repair_unicode, "lines"),
    "remove_page_furniture": Stage(remove_page_furniture, "lines"),
    "rebuild_paragraphs": Stage(rebuild_paragraphs, "grouping"),
    "join_hyphenated_words": Stage(join_hyphenated_words, "paragraphs"),
    "correct_ocr_words": Stage(correct_ocr_words, "paragraphs"),
    "split_documents": Stage(split_documents, "paragraphs"),
    "apply_review_decisions": Stage(apply_review_decisions, "paragraphs"),
}


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


def run_stages(book: Book, config: Config, skip: Iterable[str] = (), step: Callable | None = None) -> Result:
    """Apply every registered stage not in ``skip``, in registry order.

    ``step(name, stage, book, config)`` runs one stage; by default it is
    called directly. :func:`pipeline.run.book.clean_book` passes one that
    reports progress, and the Prefect flow one that runs the stage as a task
    named after it, so every mode shares this one loop and its timings.
    """
    skip = check_skip(skip)
    source = book
    changes: list[Change] = []
    timings: dict[str, float] = {}
    snapshots: list[tuple[str, Book]] = []
    for name, stage in STAGES.items():
        if name in skip:
            continue
        start = time.perf_counter()
        book, stage_changes = step(name, stage, book, config) if step else stage(book, config)
        timings[name] = time.perf_counter() - start
        changes.extend(stage_changes)
        snapshots.append((name, book))
    return Result(book, tuple(changes), len(source.lines), timings, tuple(snapshots), source)
