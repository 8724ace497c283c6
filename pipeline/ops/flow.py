"""The Prefect flows: thin wrappers around the one per-book sequence. The only module that imports Prefect.

- ``clean-raw`` is the batch: it checks its inputs first (a glob that
  matches nothing, two inputs for one output folder, malformed rules: one
  message, before any book), runs each book as one task run named
  ``clean <book>`` (cleaned in a worker process, one at a time or
  ``--workers`` at once; in a deployment's run, in the flow's process),
  keeps a progress artifact and a summary table, and fails if any book
  failed. A book's task logs a line per step (each stage's changes and
  seconds) and keeps the book's artifacts: the archive check (a table and a
  report), the open review rows and the stats; it fails, with the one-line
  reason, when the book fails.
- ``clean-book`` cleans one raw file as a flow run of its own, each step a
  task run named after it (``check_cache``, ``read_book``, one per stage,
  ``verify_against_archive``, ``write_outputs``): what a Dask worker runs
  for each book of ``--dask``, so a book on another machine still has its
  own record.

Why one task per book and not a flow run with a task per step: measured
with a started server, the book's flow run and its twelve task runs cost
several seconds a book (flow-run creation, heartbeats, state events, the
server's own work on the same cores), more than the book's own compute.

``serve`` turns the batch into a scheduled deployment and stops cleanly on
SIGTERM or SIGINT: no new runs, the running one cancelled (not crashed),
the schedule paused.
"""


import asyncio
import logging
import os
import signal
import time
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Callable, Literal, Optional

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, create_table_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run as current_flow_run
from prefect.runtime import task_run as current_task_run
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.states import Completed, Failed, State
from prefect.context import FlowRunContext
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from pipeline.locations import ARCHIVE_DIR, CLEAN_DIR, RAW_GLOB, RULES_DIR
from pipeline.reader import InputError, book_name
from pipeline.rules import RulesError
from pipeline.run import workers as book_workers
from pipeline.run.artifacts import Artifact, book_artifacts
from pipeline.run.batch import expand_inputs, format_summary, summary_rows, summary_totals
from pipeline.run.book import Hooks, Outcome, Result, clean_book, logged_step
from pipeline.run.cache import config_for
from pipeline.run.names import plan
from pipeline.run.options import RunOptions
from pipeline.stages import STAGES
from pipeline.verification import Verification

StageName = Literal[tuple(STAGES)]  # type: ignore[valid-type]  # the schema's enum: a typo is refused when a run is created
IGNORE_SIGINT = "PIPELINE_FLOW_IGNORES_SIGINT"
"""Set by ``serve`` for the flow processes it starts: Ctrl-C in its terminal reaches the whole process
group, and must stop the server (which cancels the run), not crash the run."""


@task(cache_policy=NO_CACHE)
def step_task(name: str, function: Callable, args: tuple):
    """One step of the book's sequence; the task run is named after the step."""
    value = function(*args)
    if name in STAGES:
        get_run_logger().info("%s: %d change(s)", name, len(value[1]))
    return value


def run_as_task(name: str, function: Callable, *args):
    """The ``step`` of :class:`pipeline.run.book.Hooks` for Prefect: the step as a task run.

    ``quote``: Prefect would otherwise walk every Line and Paragraph of the
    book looking for futures (~7 s a book).
    """
    return step_task.with_options(name=name)(name, function, quote(args))


def publish_artifacts(result: Result, verification: Verification | None, files: Mapping[str, str]) -> None:
    """The book's artifacts (:func:`pipeline.run.artifacts.book_artifacts`) on its flow or task run."""
    create_artifacts(book_artifacts(result, verification, files))


def create_artifacts(artifacts: list[Artifact]) -> None:
    for artifact in artifacts:
        if artifact["kind"] == "table":
            create_table_artifact(key=artifact["key"], table=artifact["table"], description=artifact["description"])
        else:
            create_markdown_artifact(key=artifact["key"], markdown=artifact["markdown"], description=artifact["description"])


def _now() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _book_run_name() -> str:
    return f"{book_name(current_flow_run.parameters['path'])} {_now()}"


def _options(out_dir: str, rules_dir: str | None, archive_dir: str | None, skip, force: bool) -> RunOptions:
    return RunOptions(Path(out_dir), Path(rules_dir) if rules_dir else RULES_DIR,
                      Path(archive_dir) if archive_dir else None, tuple(skip or ()), force)


def _clean_logged(step: Callable, path: str, out_dir: str, rules_dir: str | None, archive_dir: str | None, skip, force: bool) -> Outcome | State:
    """One book inside a flow or task run: its steps through ``step``, warnings and the outcome
    logged, and a failed book a Failed state with the reason (the outcome is its data)."""
    logger = get_run_logger()
    options = _options(out_dir, rules_dir, archive_dir, skip, force)
    job = plan([Path(path)], options.out)[0]
    hooks = Hooks(step=step, on_wait=logger.warning, on_rendered=publish_artifacts, on_note=logger.info)
    return _finish(clean_book(job, options, config_for(options), hooks), logger)


def _finish(outcome: Outcome, logger) -> Outcome | State:
    """A book's warnings and outcome logged; a failed book a Failed state with the reason (the outcome is its data)."""
    for warning in outcome.warnings:
        logger.warning("%s", warning)
    if outcome.failed:
        logger.error("%s", outcome.reason)
        return Failed(message=outcome.reason, data=outcome)
    logger.info("%s", outcome.line())
    return outcome


@flow(name="clean-book", flow_run_name=_book_run_name, log_prints=False)
def clean_book_flow(
    path: str,
    out_dir: str = str(CLEAN_DIR),
    rules_dir: Optional[str] = None,
    archive_dir: Optional[str] = str(ARCHIVE_DIR),
    skip: Optional[list[StageName]] = None,
    force: bool = False,
) -> Outcome | State:
    """Clean one raw file into OUT/<book>/, or keep the output if nothing it depends on changed.

    Args:
        path: The raw OCR file (plain text).
        out_dir: The output folder; the book goes to OUT/<book>/.
        rules_dir: The rules folder; empty for the project's rules/.
        archive_dir: The archive transcriptions to check against; empty for none.
        skip: Stages not to run.
        force: Clean the book again even if its cache key is unchanged.
    """
    return _clean_logged(run_as_task, path, out_dir, rules_dir, archive_dir, skip, force)


def _book_task_name() -> str:
    return "clean " + book_name(current_task_run.parameters["path"])


@task(name="clean_book", task_run_name=_book_task_name, cache_policy=NO_CACHE)
def book_task(path: str, out_dir: str, rules_dir: str | None, archive_dir: str | None,
              skip: list[str] | None, force: bool) -> Outcome:
    """The book flow as a task, so the batch can map it over a task runner (threads or Dask workers)."""
    state = clean_book_flow(path, out_dir, rules_dir, archive_dir, skip, force, return_state=True)
    data = state.result(raise_on_failure=False)
    if isinstance(data, Outcome):
        return data
    return Outcome(path, book_name(path), "failed", failure_message(data) if isinstance(data, BaseException)
                   else str(state.message), str(Path(out_dir) / book_name(path)))


def _log_line(text: str) -> None:
    get_run_logger().info("%s", text)


step_logged = logged_step(_log_line)
"""The ``step`` of a book run as one task: the step called directly, and a log line for each stage."""


@task(name="clean_book", task_run_name=_book_task_name, cache_policy=NO_CACHE)
def book_in_one_task(path: str, out_dir: str, rules_dir: str | None, archive_dir: str | None,
                     skip: list[str] | None, force: bool) -> Outcome | State:
    """One book as one task: its steps run inside it, logged, without a flow run or a task run each.

    How a deployment's run (``serve``) cleans its books, one at a time in
    the flow's process (the command's runs use :func:`book_in_worker`): a
    book flow with a task per step costs as much in Prefect's machinery as
    the book's own work.
    The dashboard shows one task run per book, with a log line per stage and
    the book's artifacts.
    """
    return _clean_logged(step_logged, path, out_dir, rules_dir, archive_dir, skip, force)


@task(name="clean_book", task_run_name=_book_task_name, cache_policy=NO_CACHE)
def book_in_worker(path: str, out_dir: str, rules_dir: str | None, archive_dir: str | None,
                   skip: list[str] | None, force: bool) -> Outcome | State:
    """One book as one task, cleaned by a worker process of :mod:`pipeline.run.workers` (how ``run`` on
    Prefect cleans its books): the task logs its lines as they come, then keeps its artifacts.

    The book's compute runs in a process without Prefect's threads, so the
    flow does not slow it, and the book may have begun before its task run
    did (:func:`pipeline.run.workers.send_ahead`; the first ones before the
    flow run): the log says by how much.
    """
    logger = get_run_logger()
    began = time.time()
    report = book_workers.clean(path, _options(out_dir, rules_dir, archive_dir, skip, force),
                                lambda level, text: logger.log(level, "%s", text))
    if began - report.started >= 0.1:
        logger.info("the book started %.1f s before this task run: it was sent to its worker ahead of it", began - report.started)
    create_artifacts(report.artifacts)
    return _finish(report.outcome, logger)


def failure_message(exc: BaseException) -> str:
    """The message of a failed book: ours name the file already; anything else also gets its type."""
    return str(exc) if isinstance(exc, (InputError, RulesError, ValueError, OSError)) else f"{type(exc).__name__}: {exc}"


def _batch_run_name() -> str:
    return f"clean-raw {_now()}"


@flow(name="clean-raw", flow_run_name=_batch_run_name, task_runner=ThreadPoolTaskRunner(max_workers=1))
def clean_raw(
    inputs: list[str] = [RAW_GLOB],  # noqa: B006 (Prefect needs the default in the signature for the schema)
    out_dir: str = str(CLEAN_DIR),
    rules_dir: Optional[str] = None,
    archive_dir: Optional[str] = str(ARCHIVE_DIR),
    skip: Optional[list[StageName]] = None,
    force: bool = False,
) -> list[Outcome] | State:
    """Clean every raw file the inputs name, each as a clean-book run; unchanged books are skipped.

    Args:
        inputs: Raw OCR files or globs (absolute, or relative to the working folder); globs are
            expanded when the run starts, so books added to raw/ since are picked up.
        out_dir: The output folder; each book goes to OUT/<book>/.
        rules_dir: The rules folder; empty for the project's rules/.
        archive_dir: The archive transcriptions to check against; empty for none.
        skip: Stages not to run (repair_unicode, remove_page_furniture, rebuild_paragraphs,
            join_hyphenated_words, correct_ocr_words, split_documents, apply_review_decisions).
        force: Clean every book again even if its cache key is unchanged.
    """
    if os.environ.get(IGNORE_SIGINT) and _in_main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    logger = get_run_logger()
    try:
        options = _options(out_dir, rules_dir, archive_dir, skip, force)
        jobs = plan(expand_inputs(inputs, Path.cwd()), options.out)
        config_for(options)  # every rules file checked once, before the first book
    except (InputError, RulesError, ValueError) as exc:
        logger.error("%s", exc)
        return Failed(message=str(exc), data=[])
    paths = [str(job.path) for job in jobs]
    progress = create_progress_artifact(0.0, key="clean-raw-progress", description=f"books done of {len(paths)}")
    runner = FlowRunContext.get().task_runner
    book = (book_in_worker if isinstance(runner, WorkerProcesses)
            else book_in_one_task if isinstance(runner, ThreadPoolTaskRunner) else book_task)
    if book is book_in_worker:  # every book to the workers now: none waits for its task run's bookkeeping
        book_workers.send_ahead(paths, options)
    futures = book.map(
        paths, unmapped(out_dir), unmapped(rules_dir), unmapped(archive_dir), unmapped(list(options.skip)), unmapped(force))
    outcomes: list[Outcome] = []
    for job, future in zip(jobs, futures):
        try:
            outcome = future.result(raise_on_failure=False)  # a failed book's task is Failed, its outcome the data
            if not isinstance(outcome, Outcome):
                raise outcome if isinstance(outcome, BaseException) else RuntimeError(str(outcome))
        except Exception as exc:  # a worker lost, a bug: record it and go on with the others
            logger.exception("%s failed", job.path)
            outcome = Outcome(str(job.path), job.name, "failed", failure_message(exc), str(job.folder))
        outcomes.append(outcome)
        update_progress_artifact(progress, 100.0 * len(outcomes) / len(paths))
    create_table_artifact(table=summary_rows(outcomes), key="clean-raw-summary", description=summary_totals(outcomes))
    logger.info("summary\n%s", format_summary(outcomes))
    if any(o.failed for o in outcomes):
        return Failed(message=summary_totals(outcomes), data=outcomes)
    return Completed(message=summary_totals(outcomes), data=outcomes)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


class WorkerProcesses(ThreadPoolTaskRunner):
    """N task threads (``--workers N``, default 1), each waiting on one of N worker processes
    (:mod:`pipeline.run.workers`), started when the flow starts unless the command started them already."""

    def __enter__(self):
        book_workers.start(self._max_workers)
        return super().__enter__()

    def __exit__(self, *exc_info):
        book_workers.withdraw()  # a batch that ended early: its books sent ahead are not cleaned
        return super().__exit__(*exc_info)


def task_runner(dask: str | None, workers: int = 1):
    """The batch's task runner: ``workers`` books at once, 1 by default (each task thread waits on a
    worker process of :mod:`pipeline.run.workers`), or on a Dask cluster (``local``: 2 workers here; else its address).

    A book in a worker process is one task (:func:`book_in_worker`). Dask workers run the book flows themselves,
    so they must import this project and reach the Prefect API
    (``PREFECT_API_URL`` in their environment); a local cluster's workers
    inherit this process's.
    """
    if not dask:
        return WorkerProcesses(max_workers=workers)
    from prefect_dask import DaskTaskRunner  # imports distributed: ~1 s, only when asked for

    logging.getLogger("distributed").setLevel(logging.ERROR)
    if dask == "local":
        return DaskTaskRunner(cluster_kwargs={
            "n_workers": 2, "threads_per_worker": 1, "processes": True,
            "dashboard_address": None, "silence_logs": logging.ERROR,
        })
    return DaskTaskRunner(address=dask)


def run_batch(inputs: list[str], options: RunOptions, dask: str | None = None,
              workers: int = 1) -> tuple[list[Outcome], str | None]:
    """Run ``clean-raw`` and return each book's outcome, and the batch's own error if it failed as a whole.

    Without flow-run heartbeats: they feed only an automation that marks
    stuck *deployment* runs as crashed (Prefect's "detect zombie flows";
    none is set up here, and ``serve``'s runs keep them), and the engine
    waits up to a second at the end of every flow run for the heartbeat
    thread's sleep to end: about 1 s of a run with a started server (paired).
    """
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        state = clean_raw.with_options(task_runner=task_runner(dask, workers))(
            inputs, str(options.out), str(options.rules), str(options.archive) if options.archive else None,
            list(options.skip), options.force, return_state=True,
        )
    data = state.result(raise_on_failure=False)
    if isinstance(data, list) and (data or state.is_completed()):
        return data, None
    return [], failure_message(data) if isinstance(data, BaseException) else str(state.message)


def serve(cron: str, inputs: list[str], options: RunOptions, name: str = "reprocess-raw",
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve ``clean-raw`` as a deployment on a cron schedule until SIGTERM or SIGINT.

    Runs never overlap (the deployment's concurrency limit is 1) and
    unchanged books are cached, so a nightly run that finds nothing new costs
    seconds. On a signal the runner stops polling, cancels a run in progress
    (its state says Cancelled, not Crashed) and pauses the schedule, so no
    runs pile up while nothing serves them. ``on_ready(deployment_id)`` is
    called once the deployment is registered.
    """
    from prefect.deployments.runner import EntrypointType
    from prefect.runner import Runner

    os.environ[IGNORE_SIGINT] = "1"
    runner = Runner(name=name, pause_on_shutdown=True, limit=1)
    deployment_id = runner.add_flow(
        clean_raw,
        name=name,
        cron=cron,
        parameters={"inputs": inputs, "out_dir": str(options.out), "rules_dir": str(options.rules),
                    "archive_dir": str(options.archive) if options.archive else None,
                    "skip": list(options.skip), "force": False},
        description="Reprocess the raw OCR books; books whose raw file, rules and pipeline are unchanged are skipped.",
        tags=["ocr-cleanup"],
        concurrency_limit=1,
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    if on_ready is not None:
        on_ready(str(deployment_id))

    async def main() -> None:
        stop = asyncio.Event()
        started = asyncio.create_task(runner.start())
        while not runner.started and not started.done():
            await asyncio.sleep(0.05)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):  # after runner.start(), which sets a SIGTERM handler of its own
            loop.add_signal_handler(sig, stop.set)
        waiter = asyncio.create_task(stop.wait())
        await asyncio.wait({started, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if runner.started:
            await runner.astop()
        await started

    asyncio.run(main())
