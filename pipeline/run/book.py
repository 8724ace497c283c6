"""The per-book sequence, once: decide, read, stages, verify, render, publish.

Every way of running the pipeline goes through :func:`clean_book`: the CLI
without Prefect (via :mod:`pipeline.run.batch`), the Prefect flow
(:mod:`pipeline.ops.flow`, which passes a ``step`` that runs each step as a
task named after it), the benchmarks and the tests. So what is tested is
what runs, and the stage timings are the same in every mode.

The book's lock is held from the cache decision to the swap of its output
folder (:mod:`pipeline.run.publish`), so two runs of one book never mix.
"""

from __future__ import annotations

import gc
import json
import time
from dataclasses import asdict, dataclass, field, replace
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable

from pipeline.reader import InputError, read_book
from pipeline.rules import RulesError
from pipeline.run import cache
from pipeline.run.names import Job
from pipeline.run.options import RunOptions
from pipeline.run.publish import PublishError, book_lock, cannot_write, publish, recover
from pipeline.stages import Result, run_stages

if TYPE_CHECKING:
    from pipeline.config import Config
    from pipeline.verification import Verification

Step = Callable[..., Any]
"""``step(name, function, *args)`` runs one step of the sequence and returns its value."""


def run_directly(name: str, function: Callable, *args):
    """The default ``step``: call the function."""
    return function(*args)


def logged_step(log: Callable[[str], None]) -> Step:
    """A ``step`` that calls the function and gives ``log`` a line for each stage: its changes and seconds."""
    from pipeline.stages import STAGES

    def step(name: str, function: Callable, *args):
        start = time.perf_counter()
        value = function(*args)
        if name in STAGES:
            log(f"{name}: {len(value[1])} change(s), {time.perf_counter() - start:.2f} s")
        return value

    return step


@dataclass(frozen=True, slots=True)
class Hooks:
    """How a caller watches or wraps a book's run; every hook is optional.

    - ``step``: runs each step (the flow: as a Prefect task named after it);
    - ``on_phase(name)``: before each step (``check_cache``, ``read_book``,
      each stage, ``verify_against_archive``, ``write_outputs``), for a progress display;
    - ``on_wait(message)``: another run holds this book's lock; this one waits;
    - ``on_rendered(result, verification, files)``: the outputs are rendered
      and about to be published (the flow keeps artifacts of them);
    - ``on_note(message)``: something worth a line in the log (leftovers cleaned up).
    """

    step: Step = run_directly
    on_phase: Callable[[str], None] | None = None
    on_wait: Callable[[str], None] | None = None
    on_rendered: Callable[[Result, Verification | None, Mapping[str, str]], None] | None = None
    on_note: Callable[[str], None] | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a run did with one raw file.

    ``status`` is ``cleaned``, ``cached`` (inputs unchanged, output kept) or
    ``failed``; ``reason`` says why: the cache decision (``new``,
    ``changed: rules``, ``forced``, ``cached``) or the error message, which
    names the file. ``timings`` has each stage's seconds.
    """

    path: str
    book: str
    status: str
    reason: str
    folder: str
    changes: int | None = None
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)

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


BOOK_ERRORS = (InputError, RulesError, PublishError)
"""What fails one book and not the batch: bad input, malformed rules, an output that cannot be written."""


def settle_heap() -> None:
    """Exempt what is alive before a book's stages from garbage collection: the imports (Prefect's
    run into the hundred thousands of objects), the rules, the dictionaries and earlier books' caches.

    They live as long as the process, yet every full collection walks them,
    and the stages' millions of small objects set off such collections
    often. ``gc.freeze`` moves them to a generation the collector skips;
    the stages leave no reference cycles behind (0 found after a book), so
    nothing that becomes garbage later is kept by it. Most of the gain is
    on Prefect, whose objects triple what a full collection walks.
    """
    gc.freeze()


def clean_book(job: Job, options: RunOptions, config: Config | None, hooks: Hooks = Hooks()) -> Outcome:
    """Clean one raw file into ``job.folder`` unless its cache key is unchanged.

    ``config`` None: the rules are read only if the book is not cached
    (:func:`pipeline.run.cache.config_for`), so a cached rerun neither
    imports nor reads them.

    Bad input, malformed rules and a file-system error while writing
    (:data:`BOOK_ERRORS`) become a failed outcome instead of an exception,
    so one bad book does not stop a batch; anything else is a bug and
    propagates.
    """
    start = time.perf_counter()

    def step(name: str, function: Callable, *args):
        if hooks.on_phase is not None:
            hooks.on_phase(name)
        return hooks.step(name, function, *args)

    def outcome(status: str, reason: str, **fields) -> Outcome:
        return Outcome(str(job.path), job.name, status, reason, str(job.folder),
                       seconds=time.perf_counter() - start, **fields)

    try:
        with book_lock(options.out, job.name, hooks.on_wait):
            for note in recover(options.out, job.name):
                if hooks.on_note is not None:
                    hooks.on_note(note)
            decision = step("check_cache", cache.decide, job, options)
            if decision.cached:
                return outcome("cached", "cached", warnings=decision.warnings)
            from pipeline.run.render import render  # only now: a cached book needs neither the check nor the renderer
            from pipeline.verification import check

            config = config if config is not None else cache.config_for(options)
            settle_heap()
            result = run_stages(step("read_book", read_book, job.path), config, options.skip, step=step)
            key = json.dumps(decision.key.to_dict(), sort_keys=True) if decision.key else None
            verification = step("verify_against_archive", check, result, config, key)
            result = replace(result, source=None)  # only the check reads the book as read: free it before rendering
            files = render(result, verification)
            if hooks.on_rendered is not None:
                hooks.on_rendered(result, verification, files)
            record = cache.record(decision.key, files, result.book.warnings)
            step("write_outputs", publish, job.folder, files, record)
    except BOOK_ERRORS as exc:
        return outcome("failed", str(exc))
    except OSError as exc:  # the lock or staging folder could not be made: OUT is not writable
        return outcome("failed", cannot_write(job.folder, exc))
    return outcome("cleaned", decision.reason, changes=len(result.changes), warnings=result.book.warnings,
                   timings=result.timings)
