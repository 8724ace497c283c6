"""`run`: clean books into their output folders, with a progress display on a terminal and one summary."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import click

from pipeline.cli.app import fail
from pipeline.locations import ARCHIVE_DIR, CLEAN_DIR, RAW_GLOB, RULES_DIR
from pipeline.reader import InputError
from pipeline.rules import RulesError, load_config
from pipeline.run import cache
from pipeline.run.batch import clean_books, expand_inputs, format_summary
from pipeline.run.book import Hooks, Outcome
from pipeline.run.names import Job, plan
from pipeline.run.options import RunOptions
from pipeline.stages import STAGES

if TYPE_CHECKING:
    from pipeline.config import Config


def report(outcome: Outcome, echo=None) -> None:
    """A book's line on stdout, or its error on stderr; then its warnings (stderr)."""
    if outcome.failed:
        (echo or (lambda text: click.echo(text, err=True)))(f"error: {outcome.reason}")
    else:
        (echo or click.echo)(outcome.line())
    for warning in outcome.warnings:
        (echo or (lambda text: click.echo(text, err=True)))(f"warning: {warning}")


def clean_with_progress(jobs: list[Job], options: RunOptions, config: Config | None) -> list[Outcome]:
    """The books in turn without Prefect, with a progress display on a terminal.

    The display (on stderr, only when it is a terminal) shows the books done
    and the current book's step: the cache check, reading, each stage, the
    archive check and the writing. Lines about finished books are printed
    through it, above the bars, so nothing is overwritten; the bars vanish
    when the run ends.
    """
    if not sys.stderr.isatty() and not os.environ.get("FORCE_TERMINAL"):  # no display: rich (~50 ms) not imported
        return clean_books(jobs, options, config, lambda job: Hooks(on_wait=_warn, on_note=_warn), report)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        return clean_books(jobs, options, config, lambda job: Hooks(on_wait=_warn, on_note=_warn), report)
    phases = ["check_cache", "read_book", *(n for n in STAGES if n not in options.skip), "verify_against_archive",
              "write_outputs"]
    columns = (TextColumn("{task.description:<56}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    same_terminal = sys.stdout.isatty()
    with Progress(*columns, console=console, transient=True, redirect_stdout=False, redirect_stderr=False) as progress:
        books = progress.add_task("books", total=len(jobs))
        steps = progress.add_task("", total=len(phases), visible=False)

        def echo(text: str) -> None:
            progress.console.print(text, markup=False, highlight=False, soft_wrap=True)

        def hooks_for(job: Job) -> Hooks:
            progress.reset(steps, total=len(phases), description=f"{job.name}: check_cache", visible=True)

            def on_phase(name: str) -> None:
                progress.update(steps, completed=phases.index(name), description=f"{job.name}: {name}")

            return Hooks(on_phase=on_phase, on_wait=lambda m: echo(f"note: {m}"), on_note=lambda m: echo(f"note: {m}"))

        def on_done(outcome: Outcome) -> None:
            progress.update(steps, visible=False)
            progress.advance(books)
            if same_terminal:
                report(outcome, echo)
            else:
                report(outcome)

        return clean_books(jobs, options, config, hooks_for, on_done)


def _warn(message: str) -> None:
    click.echo(f"note: {message}", err=True)


def all_cached(jobs: list[Job], options: RunOptions) -> bool:
    """Whether no book needs cleaning (it stops at the first that does). Then the rules need not be read
    (~60 ms of a 0.2 s rerun), and a run in Prefect's ephemeral mode would start a temporary server
    (10-20 s) to record a flow run that does nothing, in a database no dashboard is watching."""
    return not options.force and all(cache.decide(job, options).cached for job in jobs)


def options_from(out: Path, rules: Path, archive: Optional[Path], no_archive: bool, skip, force: bool) -> RunOptions:
    return RunOptions(out, rules, None if no_archive else archive, tuple(skip or ()), force)


@click.command()
@click.argument("files", nargs=-1, metavar="[FILES]...")
@click.option("--out", type=click.Path(path_type=Path), default=CLEAN_DIR, help="Output folder; each book gets OUT/<book>/")
@click.option("--rules", type=click.Path(path_type=Path), default=RULES_DIR, help="Rules folder")
@click.option("--archive", type=click.Path(path_type=Path), default=ARCHIVE_DIR, help="Archive transcriptions to check against")
@click.option("--no-archive", is_flag=True, help="No archive check, no archive words")
@click.option("--skip", multiple=True, help="Stage to skip (repeatable)")
@click.option("--no-prefect", is_flag=True, help="Run the stages directly, without Prefect")
@click.option("--force", is_flag=True, help="Clean every book again, even if its cache key is unchanged")
@click.option("--dask", metavar="ADDRESS",
              help="Run the books on a Dask cluster: its scheduler address, or 'local' for 2 local workers")
@click.option("--workers", type=click.IntRange(min=1), default=1,
              help="Books cleaned at once, each in a worker process as one Prefect task (2 uses both cores of a 2-core machine)")
@click.option("--verbose", "-v", is_flag=True, help="Show Prefect's own log on the terminal")
def run(files: tuple[str, ...], out: Path, rules: Path, archive: Path, no_archive: bool, skip: tuple[str, ...],
        no_prefect: bool, force: bool, dask: Optional[str], workers: int, verbose: bool) -> None:
    """Clean raw files into OUT/<book>/ (book.md, documents, changes.jsonl, review.tsv, stats.json, ...).

    FILES are raw OCR files or globs; default: every raw/*.txt. A book whose
    raw file, rules and pipeline are unchanged since its output was written
    is skipped ("cached"); otherwise the run says what changed. With a
    server from `server start` running, the run reports to it.

    \b
    Example: python -m pipeline run raw/lenins-fight-against-stalinism.txt --no-prefect
    """
    if dask and no_prefect:
        fail("--dask maps the books over Dask through Prefect; drop --no-prefect")
        raise click.exceptions.Exit(2)
    if workers > 1 and (no_prefect or dask):
        fail("--workers runs the books in worker processes under Prefect; drop " + ("--no-prefect" if no_prefect else "--dask"))
        raise click.exceptions.Exit(2)
    try:
        options = options_from(out, rules, archive, no_archive, skip, force)
        paths = expand_inputs(files, Path.cwd()) if files else expand_inputs([RAW_GLOB], Path.cwd())
        jobs = plan(paths, options.out)
        cached = all_cached(jobs, options)
        config = None if cached else load_config(options.rules, options.archive)  # malformed rules: exit 2, before any book
    except InputError as exc:
        fail(str(exc) if files or "no file matches" not in str(exc) else "no raw files given and none in raw/")
        raise click.exceptions.Exit(2)
    except (RulesError, ValueError) as exc:
        fail(str(exc))
        raise click.exceptions.Exit(2)
    error = None
    if not no_prefect:
        from pipeline.ops.environment import connect_to_server, dask_reachable, log_runs_to_file  # not for --no-prefect

        if dask and dask != "local":
            reachable = dask_reachable(dask)
            if reachable:
                fail(reachable)
                raise click.exceptions.Exit(2)
        url = connect_to_server(verbose)
        if url:
            click.echo(f"note: reporting to the Prefect server at {url}; dashboard: {url.removesuffix('/api')}", err=True)
        elif not dask and cached:
            click.echo("note: every book is cached (raw file, rules, archive and pipeline unchanged): nothing to run, "
                       "so no temporary Prefect server was started; --force cleans them again", err=True)
            no_prefect = True
        else:
            click.echo(
                "note: no Prefect server configured (PREFECT_API_URL) or running (python -m pipeline server start); "
                "running in ephemeral mode, so the dashboard will not keep a complete record of this run",
                err=True,
            )
            if dask:
                click.echo("note: without a server each Dask worker reports to a temporary server of its own", err=True)
        if dask:
            where = "a local Dask cluster of 2 worker processes" if dask == "local" else f"the Dask cluster at {dask}"
            click.echo(f"note: the books run on {where}", err=True)
    if not no_prefect:
        if not dask:  # before Prefect is imported, so that their start-up and first books overlap its import
            from pipeline.run import workers as book_workers

            book_workers.start(workers)
            book_workers.send_ahead([str(job.path.absolute()) for job in jobs[:workers]], options)
        log = log_runs_to_file()
        from pipeline.ops.flow import run_batch

        if workers > 1:
            click.echo(f"note: {workers} books at once, each in a worker process as one task", err=True)
        outcomes, error = run_batch([str(job.path.absolute()) for job in jobs], options, dask, workers)
        for outcome in outcomes:
            report(outcome)
        if error or any(o.failed for o in outcomes):
            click.echo(f"note: the full log, tracebacks included, is in {log}", err=True)
    else:
        outcomes = clean_with_progress(jobs, options, config)
    if error:
        fail(error)
    if outcomes:
        click.echo("\n" + format_summary(outcomes))
    if error or any(o.failed for o in outcomes):
        raise click.exceptions.Exit(1)
