"""Worker processes that clean books and never import Prefect: what ``run --workers N`` runs each book in.

Why not Prefect's ProcessPoolTaskRunner: each of its worker processes
imports Prefect (~1.3 s) and runs the task engine, so on 2 cores the first
book of a 20-book batch started 2.4 s into the flow, and every book paid
for state reports from its worker. These workers are started by the
command before it imports Prefect (:func:`start`), so their start-up (the
pipeline's own imports) overlaps Prefect's. Each book's task run stays in
the flow process, waiting on its worker, so the dashboard still shows one
task run per book that lasts as long as the book's work.

A worker sends back what the task shows: the outcome, the log lines (each
stage's changes and seconds, notes) and the book's artifacts as plain data
(:mod:`pipeline.run.artifacts`). The log lines reach the dashboard when the
book ends, not as each stage ends.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.run.artifacts import Artifact, book_artifacts
from pipeline.run.book import Hooks, Outcome, clean_book, logged_step
from pipeline.run.cache import config_for
from pipeline.run.names import plan
from pipeline.run.options import RunOptions


@dataclass(frozen=True, slots=True)
class BookReport:
    """What a worker sends back for one book: its outcome, its log lines (level, text) and its artifacts."""

    outcome: Outcome
    lines: list[tuple[int, str]] = field(default_factory=list)
    artifacts: list[Artifact] = field(default_factory=list)


def clean_reported(path: str, options: RunOptions) -> BookReport:
    """Clean one raw file as :func:`pipeline.run.book.clean_book` does, keeping its log lines and artifacts."""
    lines: list[tuple[int, str]] = []
    artifacts: list[Artifact] = []
    hooks = Hooks(
        step=logged_step(lambda text: lines.append((logging.INFO, text))),
        on_wait=lambda text: lines.append((logging.WARNING, text)),
        on_rendered=lambda result, verification, files: artifacts.extend(book_artifacts(result, verification, files)),
        on_note=lambda text: lines.append((logging.INFO, text)),
    )
    outcome = clean_book(plan([Path(path)], options.out)[0], options, config_for(options), hooks)
    return BookReport(outcome, lines, artifacts)


def _warm() -> None:
    """A new worker imports what every book needs now, while the command is still importing Prefect."""
    import pipeline.run.render  # noqa: F401
    import pipeline.verification  # noqa: F401
    from pipeline.stages import STAGES

    for stage in STAGES.values():
        stage.function


def _ready() -> None:
    """Nothing: submitted once per worker so that each is started at once, not at its first book."""


_pool: ProcessPoolExecutor | None = None
_size = 0
_lock = threading.Lock()  # the flow's task threads share the pool


def start(workers: int) -> None:
    """Start ``workers`` worker processes now, unless as many are running already.

    Spawned, not forked: the flow process runs Prefect's threads, and a
    fork copies their locks in whatever state they are.
    """
    global _pool, _size
    with _lock:
        if _pool is not None and _size == workers:
            return
        stop()
        _pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm)
        _size = workers
        for _ in range(workers):
            _pool.submit(_ready)


def stop() -> None:
    """Stop the workers (each ends after its current book)."""
    global _pool, _size
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
    _pool, _size = None, 0


def clean(path: str, options: RunOptions) -> BookReport:
    """Clean one raw file in a worker process (started with one worker if :func:`start` was not called).

    A worker that dies (killed, out of memory) breaks the pool: the book
    fails with that error, and the next book gets a new pool of the same size.
    """
    if _pool is None:
        start(1)
    pool, size = _pool, _size
    try:
        return pool.submit(clean_reported, path, options).result()
    except BrokenProcessPool:
        with _lock:
            if _pool is pool:  # not replaced yet by the other thread whose book it also broke
                stop()
        start(size)
        raise
