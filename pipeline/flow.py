"""The Prefect flows: one task per stage around the pure stage functions. The only module that imports Prefect.

- ``clean-book`` cleans one raw file: a ``check_cache`` task (skip the book
  if its raw file, rules and pipeline are unchanged), ``read_book``, one task
  run per registered stage (named after it), ``verify_against_archive``
  (the check against raw/archive/, published as a table artifact and a
  markdown report), and ``write_outputs`` with a markdown artifact of the
  book's stats. A book is its own flow run, named
  after the book, so the dashboard shows each with its stage tasks and logs.
- ``clean-raw`` is the batch: it maps a task that runs ``clean-book`` over
  every file its inputs name (files or globs), waits for all of them so one
  failure does not stop the others, keeps a progress artifact and ends with a
  summary table artifact; the run fails if any book failed, with every
  book's outcome as its result.

Books run one at a time by default (the stages are CPU-bound Python; threads
would only interleave them); ``run_batch(dask=...)`` maps them over a Dask
cluster instead. ``serve`` turns the batch into a scheduled deployment.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, create_table_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run as current_flow_run
from prefect.runtime import task_run as current_task_run
from prefect.states import Failed, State
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from . import cache
from .batch import Outcome, expand_inputs, format_summary, summary_rows, summary_totals, write_and_remember
from .config import DEFAULT_RULES_DIR, Config, default_archive_dir, load_config
from .model import Book, Change
from .output import render
from .process import Result, check_skip
from .reader import InputError, book_name, read_book
from .rules import RulesError
from .stages import STAGES
from .verification import Verification, check, to_markdown
from .verification import summary_rows as verification_rows

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_INPUTS = (str(PROJECT / "raw" / "*.txt"),)
DEFAULT_OUT = str(PROJECT / "clean")


def artifact_key(text: str) -> str:
    """An artifact key from any text: Prefect accepts only ``[a-z0-9-]``.

    >>> artifact_key("Lenin's_Fight 2")
    'lenin-s-fight-2'
    """
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())


@task(name="check_cache", cache_policy=NO_CACHE)
def cache_task(path: Path, folder: Path, rules_dir: Path, skip: tuple[str, ...], force: bool) -> cache.Decision:
    """Compare the book's cache key with the one stored beside its output (see :mod:`pipeline.cache`)."""
    return cache.decide(path, folder, rules_dir, skip, force)


@task(name="read_book", cache_policy=NO_CACHE)
def read_task(path: Path) -> Book:
    return read_book(path)


@task(cache_policy=NO_CACHE)
def stage_task(name: str, book: Book, config: Config) -> tuple[Book, list[Change]]:
    """Run one registered stage; the task run is named after the stage."""
    book, changes = STAGES[name](book, config)
    get_run_logger().info("%s: %d change(s)", name, len(changes))
    return book, changes


@task(name="verify_against_archive", cache_policy=NO_CACHE)
def verify_task(result: Result, rules_dir: Path) -> Verification | None:
    """Check the book against raw/archive/; publish the summary table and the report as artifacts."""
    verification = check(result, rules_dir, default_archive_dir(rules_dir))
    if verification is None:
        get_run_logger().info("no archive transcriptions to check against")
        return None
    key = artifact_key(result.book.name)
    create_table_artifact(key="verification-" + key, table=verification_rows(verification),
                          description="Clean documents against the archive transcriptions")
    create_markdown_artifact(key="verification-report-" + key, markdown=to_markdown(verification),
                             description="Archive check: figures and the differences left")
    return verification


@task(name="write_outputs", cache_policy=NO_CACHE)
def write_task(result: Result, verification: Verification | None, folder: Path, key: cache.CacheKey | None) -> list[str]:
    """Write the outputs, then the cache key; keep the book's stats as a markdown artifact."""
    files = render(result, verification)
    write_and_remember(folder, files, result, key)
    stats = json.loads(files["stats.json"])
    pages = stats["pages"]
    create_markdown_artifact(
        key="stats-" + artifact_key(result.book.name),
        markdown=(
            f"# {result.book.name}\n\n"
            f"- pages {pages['first']}..{pages['last']} ({pages['count']}), gaps {pages['gaps']}, "
            f"misreads repaired {len(pages['misread_repaired'])}\n"
            f"- paragraphs {stats['paragraphs']['count']}, documents {stats['documents']}, changes {stats['changes']}\n"
            + "".join(f"- warning: {w}\n" for w in stats["warnings"])
            + "\n| rule | count |\n|---|---|\n"
            + "".join(f"| {rule} | {count} |\n" for rule, count in stats["changes_by_rule"].items())
        ),
        description="Cleanup statistics",
    )
    return [str(folder / name) for name in files]


def _book_run_name() -> str:
    return book_name(Path(current_flow_run.parameters["path"]))


@flow(name="clean-book", flow_run_name=_book_run_name)
def clean_book(
    path: str,
    out_dir: str = DEFAULT_OUT,
    rules_dir: str | None = None,
    skip: list[str] | None = None,
    force: bool = False,
) -> Outcome:
    """Clean one raw file into ``out_dir/<book>/``, or keep the output if nothing it depends on changed.

    Bad input raises (the flow run fails, naming the file); the batch turns
    that into a failed outcome and goes on.
    """
    start = time.perf_counter()
    logger = get_run_logger()
    skip_names = check_skip(skip or ())
    raw, rules = Path(path), Path(rules_dir) if rules_dir else DEFAULT_RULES_DIR
    folder = Path(out_dir) / book_name(raw)
    decision = cache_task(raw, folder, rules, skip_names, force)
    if decision.cached:
        logger.info("%s: cached (raw file, rules and pipeline unchanged); output kept in %s", raw, folder)
        return Outcome(str(raw), book_name(raw), "cached", "cached", str(folder),
                       seconds=time.perf_counter() - start, warnings=decision.warnings)
    logger.info("%s: cleaning (%s)", raw, decision.reason)
    config = load_config(rules)
    source = book = read_task(raw)
    changes: list[Change] = []
    snapshots: list[tuple[str, Book]] = []
    for name in STAGES:
        if name in skip_names:
            continue
        # quote(): Prefect would otherwise walk every Line and Paragraph looking for futures (~7 s a book).
        book, stage_changes = stage_task.with_options(name=name)(name, quote(book), quote(config))
        changes.extend(stage_changes)
        snapshots.append((name, book))
    for warning in book.warnings:
        logger.warning("%s", warning)
    result = Result(book, tuple(changes), len(source.lines), {}, tuple(snapshots), source)
    verification = verify_task(quote(result), rules)
    write_task(quote(result), quote(verification), folder, decision.key)
    return Outcome(str(raw), book.name, "cleaned", decision.reason, str(folder), changes=len(changes),
                   seconds=time.perf_counter() - start, warnings=book.warnings)


def _book_task_name() -> str:
    return "clean " + book_name(Path(current_task_run.parameters["path"]))


@task(name="clean_book", task_run_name=_book_task_name, cache_policy=NO_CACHE)
def book_task(path: str, out_dir: str, rules_dir: str | None, skip: list[str] | None, force: bool) -> Outcome:
    """The book flow as a task, so the batch can map it over a task runner (threads or Dask workers)."""
    return clean_book(path, out_dir, rules_dir, skip, force)


def failure_message(exc: BaseException) -> str:
    """The message of a failed book: ours name the file already; anything else also gets its type."""
    return str(exc) if isinstance(exc, (InputError, RulesError, ValueError)) else f"{type(exc).__name__}: {exc}"


@flow(name="clean-raw", task_runner=ThreadPoolTaskRunner(max_workers=1))
def clean_raw(
    inputs: list[str] = list(DEFAULT_INPUTS),
    out_dir: str = DEFAULT_OUT,
    rules_dir: str | None = None,
    skip: list[str] | None = None,
    force: bool = False,
) -> list[Outcome] | State:
    """Clean every raw file the inputs name (files or globs), each as a clean-book run.

    Globs are expanded when the run starts, so a scheduled run picks up books
    added to raw/ since the deployment was made.
    """
    logger = get_run_logger()
    paths = [str(p) for p in expand_inputs(inputs, Path.cwd())]
    progress = create_progress_artifact(0.0, key="clean-raw-progress", description=f"books done of {len(paths)}")
    futures = book_task.map(paths, unmapped(out_dir), unmapped(rules_dir), unmapped(skip), unmapped(force))
    outcomes: list[Outcome] = []
    for path, future in zip(paths, futures):
        try:
            outcome = future.result()
        except Exception as exc:  # one bad book must not stop the batch: record it and go on
            raw = Path(path)
            folder = Path(out_dir) / book_name(raw)
            outcome = Outcome(path, book_name(raw), "failed", failure_message(exc), str(folder))
        (logger.error if outcome.failed else logger.info)("%s", outcome.line())
        outcomes.append(outcome)
        update_progress_artifact(progress, 100.0 * len(outcomes) / len(paths))
    create_table_artifact(table=summary_rows(outcomes), key="clean-raw-summary", description=summary_totals(outcomes))
    logger.info("summary\n%s", format_summary(outcomes))
    if any(o.failed for o in outcomes):
        return Failed(message=summary_totals(outcomes), data=outcomes)
    return outcomes


def task_runner(dask: str | None):
    """The batch's task runner: books in turn, or on a Dask cluster (``local``: 2 workers here; else its address).

    Dask workers run the book flows themselves, so they must import this
    project and reach the Prefect API (``PREFECT_API_URL`` in their
    environment); a local cluster's workers inherit this process's.
    """
    if not dask:
        return ThreadPoolTaskRunner(max_workers=1)
    from prefect_dask import DaskTaskRunner  # imports distributed: ~1 s, only when asked for

    logging.getLogger("distributed").setLevel(logging.WARNING)
    if dask == "local":
        return DaskTaskRunner(cluster_kwargs={
            "n_workers": 2, "threads_per_worker": 1, "processes": True,
            "dashboard_address": None, "silence_logs": logging.WARNING,
        })
    return DaskTaskRunner(address=dask)


def run_batch(
    inputs: list[str],
    out_dir: str,
    rules_dir: str | None = None,
    skip: list[str] | None = None,
    force: bool = False,
    dask: str | None = None,
) -> tuple[list[Outcome], str | None]:
    """Run ``clean-raw`` and return each book's outcome, and the batch's own error if it failed as a whole."""
    state = clean_raw.with_options(task_runner=task_runner(dask))(
        inputs, out_dir, rules_dir, skip, force, return_state=True
    )
    data = state.result(raise_on_failure=False)
    if isinstance(data, list):
        return data, None
    return [], failure_message(data) if isinstance(data, BaseException) else str(state.message)


def serve(
    cron: str,
    inputs: list[str],
    out_dir: str,
    rules_dir: str | None = None,
    skip: list[str] | None = None,
    name: str = "reprocess-raw",
) -> None:
    """Serve ``clean-raw`` as a deployment on a cron schedule until interrupted.

    Runs never overlap (the deployment's concurrency limit is 1) and
    unchanged books are cached, so a nightly run that finds nothing new costs
    seconds. The schedule and parameters show on the deployment's page.
    """
    from prefect.deployments.runner import EntrypointType

    clean_raw.serve(
        name=name,
        cron=cron,
        parameters={"inputs": inputs, "out_dir": out_dir, "rules_dir": rules_dir, "skip": skip or [], "force": False},
        description="Reprocess the raw OCR books; books whose raw file, rules and pipeline are unchanged are skipped.",
        tags=["ocr-cleanup"],
        global_limit=1,
        limit=1,
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
