"""Worker processes that clean books and never import Prefect: what ``run`` on Prefect runs each book in.

Why not Prefect's ProcessPoolTaskRunner: each of its worker processes
imports Prefect (~1.3 s) and runs the task engine, so on 2 cores the first
book of a 20-book batch started 2.4 s into the flow, and every book paid
for state reports from its worker. These workers are started by the
command before it imports Prefect (:func:`start`), so their start-up (the
pipeline's own imports) overlaps Prefect's. Each book's task run stays in
the flow process, waiting on its worker, so the dashboard still shows one
task run per book that lasts as long as the book's work.

The books go to the workers ahead of their task runs (:func:`send_ahead`):
the first of each worker before the command imports Prefect, every other
one as soon as the flow run starts. A worker then goes from one book to the
next while the flow does each task run's bookkeeping (its states, logs and
artifacts sent to the server, ~0.1 s a book on 2 cores), instead of waiting
for the next task run to ask for its book.

A worker sends back what the task shows: the outcome, the log lines (each
stage's changes and seconds, notes) and the book's artifacts as plain data
(:mod:`pipeline.run.artifacts`). Each log line is also sent as it is made,
through a queue the pool's workers share, so the dashboard shows a book's
stages as they end; the lines that queue has not delivered by the time the
book ends are taken from the report, so none is lost or shown twice.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import queue
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

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
    started: float = 0.0
    """When the worker began the book (``time.time()``): its task run may have begun later (:func:`send_ahead`)."""


_outbox = None
"""In a worker: the queue its log lines go out by, as (ticket, level, text)."""
BEGAN = -1
"""The level of the line a worker sends first for each book: not logged, it tells that the book began."""


def clean_reported(path: str, options: RunOptions, ticket: int = 0) -> BookReport:
    """Clean one raw file as :func:`pipeline.run.book.clean_book` does, keeping its log lines and artifacts
    (each line also sent at once, under ``ticket``, when this runs in a worker)."""
    started = time.time()
    if _outbox is not None:
        _outbox.put((ticket, BEGAN, ""))
    lines: list[tuple[int, str]] = []
    artifacts: list[Artifact] = []

    def log(level: int, text: str) -> None:
        lines.append((level, text))
        if _outbox is not None:
            _outbox.put((ticket, level, text))

    hooks = Hooks(
        step=logged_step(lambda text: log(logging.INFO, text)),
        on_wait=lambda text: log(logging.WARNING, text),
        on_rendered=lambda result, verification, files: artifacts.extend(book_artifacts(result, verification, files)),
        on_note=lambda text: log(logging.INFO, text),
    )
    outcome = clean_book(plan([Path(path)], options.out)[0], options, config_for(options), hooks)
    return BookReport(outcome, lines, artifacts, started)


def _warm(outbox) -> None:
    """A new worker imports what every book needs now, while the command is still importing Prefect."""
    global _outbox
    _outbox = outbox
    import pipeline.run.render  # noqa: F401
    import pipeline.verification  # noqa: F401
    from pipeline.stages import STAGES

    for stage in STAGES.values():
        stage.function


def _ready() -> None:
    """Nothing: submitted once per worker so that each is started at once, not at its first book."""


class _Relay:
    """The parent's end of the workers' log queue: a thread hands each line to the inbox of its book's ticket."""

    def __init__(self, context) -> None:
        self.lines = context.Queue()
        self.inboxes: dict[int, queue.SimpleQueue] = {}
        self.tickets = itertools.count(1)
        self.stopped = threading.Event()
        threading.Thread(target=self._run, name="book-worker-log-relay", daemon=True).start()

    def _run(self) -> None:
        while not self.stopped.is_set():
            try:
                ticket, level, text = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            except (EOFError, OSError):  # the queue was closed
                return
            inbox = self.inboxes.get(ticket)
            if inbox is not None:  # else its book has ended and the report carried the line
                inbox.put((level, text))


_pool: ProcessPoolExecutor | None = None
_relay: _Relay | None = None
_size = 0
_early: dict[tuple[str, RunOptions], tuple[Future, int, queue.SimpleQueue]] = {}
"""The books :func:`send_ahead` submitted, by path and options: what :func:`clean` waits on instead of submitting."""
_lock = threading.Lock()  # the flow's task threads share the pool


def start(workers: int) -> None:
    """Start ``workers`` worker processes now, unless as many are running already.

    Spawned, not forked: the flow process runs Prefect's threads, and a
    fork copies their locks in whatever state they are.
    """
    global _pool, _relay, _size
    with _lock:
        if _pool is not None and _size == workers:
            return
        stop()
        context = multiprocessing.get_context("spawn")
        _relay = _Relay(context)  # a new queue for each pool: a killed worker may leave the old one's lock held
        _pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_warm, initargs=(_relay.lines,))
        _size = workers
        for _ in range(workers):
            _pool.submit(_ready)


def stop() -> None:
    """Stop the workers (each ends after its current book)."""
    global _pool, _relay, _size
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
    if _relay is not None:
        _relay.stopped.set()
    _pool, _relay, _size = None, None, 0
    _early.clear()


def _submit(path: str, options: RunOptions) -> tuple[Future, int, queue.SimpleQueue]:
    """Send a book to the pool; its log lines gather in an inbox of their own from the start."""
    ticket, inbox = next(_relay.tickets), queue.SimpleQueue()
    _relay.inboxes[ticket] = inbox
    return _pool.submit(clean_reported, path, options, ticket), ticket, inbox


def send_ahead(paths: list[str], options: RunOptions) -> None:
    """Send these books to the workers now, in order, unless sent already; each book's task run then
    waits on its run (:func:`clean`) and logs the lines it has made so far.

    The command sends each worker's first book before it imports Prefect
    (~1.7 s): on two cores that book's work overlaps the import and the
    flow run's creation, so a book reported to a started server costs little
    more than one run without Prefect; the log says that it started early.
    The flow sends the rest when it starts (:func:`pipeline.ops.flow.clean_raw`),
    so no worker waits between books.
    """
    with _lock:
        for path in paths:
            key = (os.path.abspath(path), options)
            if key not in _early:
                _early[key] = _submit(path, options)


def withdraw() -> None:
    """Cancel the books sent ahead that no worker has begun and no task has claimed (a batch that ends early)."""
    with _lock:
        for future, ticket, _ in _early.values():
            future.cancel()
            if _relay is not None:
                _relay.inboxes.pop(ticket, None)
        _early.clear()


def _ignore(level: int, text: str) -> None:
    pass


def clean(path: str, options: RunOptions, on_line: Callable[[int, str], None] = _ignore, retry: bool = True) -> BookReport:
    """Clean one raw file in a worker process (started with one worker if :func:`start` was not called);
    ``on_line(level, text)`` hears each of its log lines, in order, in the calling thread.

    A worker that dies (killed, out of memory) breaks the pool: the book
    fails with that error, and the next book gets a new pool of the same
    size. A book sent ahead that had not begun when the pool broke is sent
    again, once, to the new pool (``retry``).
    """
    if _pool is None:
        start(1)
    with _lock:
        pool, relay, size = _pool, _relay, _size
        future, ticket, inbox = _early.pop((os.path.abspath(path), options), None) or _submit(path, options)
    heard, began = 0, False
    try:
        while not future.done():
            try:
                level, text = inbox.get(timeout=0.1)
            except queue.Empty:
                continue
            if level == BEGAN:
                began = True
                continue
            heard += 1
            on_line(level, text)
        report = future.result()
        for line in report.lines[heard:]:
            on_line(*line)
        return report
    except BrokenProcessPool:
        with _lock:
            if _pool is pool:  # not replaced yet by the other thread whose book it also broke
                stop()
        start(size)
        began = began or _began(inbox)
        if began or not retry:
            raise
        return clean(path, options, on_line, retry=False)  # sent ahead and lost with the pool before it began
    finally:
        relay.inboxes.pop(ticket, None)


def _began(inbox: queue.SimpleQueue) -> bool:
    """Whether the lines a broken pool's worker left in ``inbox`` (none of them shown) say that its book began."""
    began = False
    while not inbox.empty():
        began = inbox.get_nowait()[0] == BEGAN or began
    return began
