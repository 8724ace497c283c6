"""Command line: a thin layer over the library (``run``), the Prefect layer (``ops``) and the change log.

Examples::

    python -m pipeline run                      # every raw/*.txt, as a Prefect flow
    python -m pipeline run raw/book.txt --no-prefect
    python -m pipeline run --skip rebuild_paragraphs
    python -m pipeline run --force --dask local # redo every book on a local Dask cluster
    python -m pipeline server start             # the dashboard at http://127.0.0.1:4200
    python -m pipeline serve --cron "0 3 * * *" # reprocess raw/ every night at 03:00
    python -m pipeline trigger                  # run the served deployment now
    python -m pipeline why extremely            # which edit made this word, and on what evidence
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline import __version__
from pipeline.locations import ARCHIVE_DIR, CLEAN_DIR, RAW_GLOB, RULES_DIR
from pipeline.ops import server
from pipeline.ops.environment import connect_to_server, dask_reachable, log_runs_to_file, prefect_home
from pipeline.ops.server import ServerError
from pipeline.reader import InputError
from pipeline.rules import RulesError, load_config
from pipeline.run.batch import clean_books, expand_inputs, format_summary
from pipeline.run.book import Hooks, Outcome
from pipeline.run.names import Job, plan
from pipeline.run.options import RunOptions
from pipeline.stages import STAGES

CONTEXT = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(add_completion=False, no_args_is_help=True, context_settings=CONTEXT,
                  help="Clean the OCR text of scanned books: raw/ in, clean/ out, every edit logged.")
server_app = typer.Typer(
    add_completion=False, no_args_is_help=True, context_settings=CONTEXT,
    help="Start, stop or check the local Prefect server that keeps the dashboard (http://127.0.0.1:4200).",
)
app.add_typer(server_app, name="server")
"""Prefect's full log of the runs started from this command line (tracebacks included), under PREFECT_HOME."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ocr-cleanup-pipeline {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit")] = False,
) -> None:
    """Clean the OCR text of scanned books: raw/ in, clean/ out, every edit logged."""


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


def report(outcome: Outcome, echo=None) -> None:
    """A book's line on stdout, or its error on stderr; then its warnings (stderr)."""
    if outcome.failed:
        (echo or (lambda text: typer.echo(text, err=True)))(f"error: {outcome.reason}")
    else:
        (echo or typer.echo)(outcome.line())
    for warning in outcome.warnings:
        (echo or (lambda text: typer.echo(text, err=True)))(f"warning: {warning}")


def clean_with_progress(jobs: list[Job], options: RunOptions, config) -> list[Outcome]:
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
    typer.echo(f"note: {message}", err=True)


def _options(out: Path, rules: Path, archive: Optional[Path], no_archive: bool, skip, force: bool) -> RunOptions:
    return RunOptions(out, rules, None if no_archive else archive, tuple(skip or ()), force)


@app.command()
def run(
    files: Annotated[Optional[list[str]], typer.Argument(help="Raw OCR files or globs; default: every raw/*.txt")] = None,
    out: Annotated[Path, typer.Option(help="Output folder; each book gets OUT/<book>/")] = CLEAN_DIR,
    rules: Annotated[Path, typer.Option(help="Rules folder")] = RULES_DIR,
    archive: Annotated[Path, typer.Option(help="Archive transcriptions to check against")] = ARCHIVE_DIR,
    no_archive: Annotated[bool, typer.Option("--no-archive", help="No archive check, no archive words")] = False,
    skip: Annotated[Optional[list[str]], typer.Option(help="Stage to skip (repeatable)")] = None,
    no_prefect: Annotated[bool, typer.Option("--no-prefect", help="Run the stages directly, without Prefect")] = False,
    force: Annotated[bool, typer.Option("--force", help="Clean every book again, even if its cache key is unchanged")] = False,
    dask: Annotated[Optional[str], typer.Option(
        metavar="ADDRESS", help="Run the books on a Dask cluster: its scheduler address, or 'local' for 2 local workers")] = None,
    workers: Annotated[int, typer.Option(
        min=1, help="Books cleaned at once, each in its own process as one Prefect task (2 uses both cores of a 2-core machine)")] = 1,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's own log on the terminal")] = False,
) -> None:
    """Clean raw files into OUT/<book>/ (book.md, documents, changes.jsonl, review.tsv, stats.json, ...).

    A book whose raw file, rules and pipeline are unchanged since its output
    was written is skipped ("cached"); otherwise the run says what changed.
    With a server from `server start` running, the run reports to it.

    Example: python -m pipeline run raw/lenins-fight-against-stalinism.txt --no-prefect
    """
    if dask and no_prefect:
        fail("--dask maps the books over Dask through Prefect; drop --no-prefect")
        raise typer.Exit(2)
    if workers > 1 and (no_prefect or dask):
        fail("--workers runs the books in a Prefect process pool; drop " + ("--no-prefect" if no_prefect else "--dask"))
        raise typer.Exit(2)
    try:
        options = _options(out, rules, archive, no_archive, skip, force)
        paths = expand_inputs(files, Path.cwd()) if files else expand_inputs([RAW_GLOB], Path.cwd())
        jobs = plan(paths, options.out)
        config = load_config(options.rules, options.archive)
    except InputError as exc:
        fail(str(exc) if files or "no file matches" not in str(exc) else "no raw files given and none in raw/")
        raise typer.Exit(2)
    except (RulesError, ValueError) as exc:
        fail(str(exc))
        raise typer.Exit(2)
    error = None
    if no_prefect:
        outcomes = clean_with_progress(jobs, options, config)
    else:
        if dask and dask != "local":
            reachable = dask_reachable(dask)
            if reachable:
                fail(reachable)
                raise typer.Exit(2)
        url = connect_to_server(verbose)
        if url:
            typer.echo(f"note: reporting to the Prefect server at {url}; dashboard: {url.removesuffix('/api')}", err=True)
        else:
            typer.echo(
                "note: no Prefect server configured (PREFECT_API_URL) or running (python -m pipeline server start); "
                "running in ephemeral mode, so the dashboard will not keep a complete record of this run",
                err=True,
            )
            if dask:
                typer.echo("note: without a server each Dask worker reports to a temporary server of its own", err=True)
        if dask:
            where = "a local Dask cluster of 2 worker processes" if dask == "local" else f"the Dask cluster at {dask}"
            typer.echo(f"note: the books run on {where}", err=True)
        log = log_runs_to_file()
        from pipeline.ops.flow import run_batch

        if workers > 1:
            typer.echo(f"note: {workers} books at once, each in its own process as one task", err=True)
        outcomes, error = run_batch([str(job.path.absolute()) for job in jobs], options, dask, workers)
        for outcome in outcomes:
            report(outcome)
        if error or any(o.failed for o in outcomes):
            typer.echo(f"note: the full log, tracebacks included, is in {log}", err=True)
    if error:
        fail(error)
    if outcomes:
        typer.echo("\n" + format_summary(outcomes))
    if error or any(o.failed for o in outcomes):
        raise typer.Exit(1)


@app.command()
def serve(
    files: Annotated[Optional[list[str]], typer.Argument(help="Raw files or globs each run cleans; default: raw/*.txt")] = None,
    cron: Annotated[str, typer.Option(help="When to run, as a cron expression (server's local time zone: UTC unless set)")] = "0 3 * * *",
    name: Annotated[str, typer.Option(help="Deployment name")] = "reprocess-raw",
    out: Annotated[Path, typer.Option(help="Output folder")] = CLEAN_DIR,
    rules: Annotated[Path, typer.Option(help="Rules folder")] = RULES_DIR,
    archive: Annotated[Path, typer.Option(help="Archive transcriptions to check against")] = ARCHIVE_DIR,
    no_archive: Annotated[bool, typer.Option("--no-archive", help="No archive check, no archive words")] = False,
    skip: Annotated[Optional[list[str]], typer.Option(help="Stage to skip (repeatable)")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's own log on the terminal")] = False,
) -> None:
    """Serve the batch flow as a deployment that reprocesses raw/ on a schedule, until Ctrl-C or SIGTERM.

    Needs a running Prefect server (`server start`), which keeps the
    schedule; each scheduled run skips unchanged books (cache). On Ctrl-C or
    SIGTERM a run in progress is cancelled and the schedule paused.

    Example: python -m pipeline serve --cron "0 3 * * *"
    """
    try:
        options = _options(out, rules, archive, no_archive, skip, False)
        inputs = [str(Path(f).absolute()) for f in files] if files else [RAW_GLOB]
        plan(expand_inputs(inputs, Path.cwd()), options.out)
        load_config(options.rules, options.archive)
    except (InputError, RulesError, ValueError) as exc:
        fail(str(exc))
        raise typer.Exit(2)
    url = connect_to_server(verbose)
    if not url:
        fail("no Prefect server is running; start one first with: python -m pipeline server start")
        raise typer.Exit(2)
    log_runs_to_file()
    from pipeline.ops.flow import serve as serve_flow

    def ready(deployment_id: str) -> None:
        dashboard = url.removesuffix("/api")
        typer.echo(f"serving clean-raw/{name} on '{cron}' for {', '.join(inputs)}\n"
                   f"  dashboard: {dashboard}/deployments/deployment/{deployment_id}\n"
                   f"  run it now: {sys.executable} -m pipeline trigger --name {name}\n"
                   f"  stop: Ctrl-C or SIGTERM (a run in progress is cancelled, the schedule paused)", err=True)

    serve_flow(cron, inputs, options, name, ready)
    typer.echo(f"stopped serving clean-raw/{name}; its schedule is paused", err=True)


@app.command()
def trigger(
    name: Annotated[str, typer.Option(help="Deployment name given to `serve`")] = "reprocess-raw",
    force: Annotated[bool, typer.Option("--force", help="Clean every book again, even if unchanged")] = False,
) -> None:
    """Create a run of the served deployment now, on the running server; `serve` picks it up.

    Example: python -m pipeline trigger --name reprocess-raw
    """
    url = connect_to_server()
    if not url:
        fail("no Prefect server is running; start one with: python -m pipeline server start")
        raise typer.Exit(2)
    import httpx

    try:
        deployment = httpx.get(f"{url}/deployments/name/clean-raw/{name}", timeout=10)
        if deployment.status_code == 404:
            fail(f"no deployment clean-raw/{name} on {url}; start one with: python -m pipeline serve --name {name}")
            raise typer.Exit(1)
        deployment.raise_for_status()
        # The run is named now, as the flow names its own runs, not with a random name until it starts.
        body: dict = {"name": f"clean-raw {time.strftime('%Y-%m-%d %H:%M:%S')}"}
        if force:
            body["parameters"] = {"force": True}
        created = httpx.post(f"{url}/deployments/{deployment.json()['id']}/create_flow_run", json=body, timeout=10)
        created.raise_for_status()
    except httpx.HTTPError as exc:
        fail(f"the Prefect server at {url} did not answer as expected: {exc}")
        raise typer.Exit(1)
    run_id = created.json()["id"]
    typer.echo(f"created flow run {created.json()['name']} of clean-raw/{name}: {url.removesuffix('/api')}/runs/flow-run/{run_id}")


@app.command()
def why(
    word: Annotated[Optional[str], typer.Argument(help="A word as the scan has it or as the clean text has it")] = None,
    book: Annotated[Optional[str], typer.Option(help="Book folder under OUT; default: the only one")] = None,
    line: Annotated[Optional[int], typer.Option(help="Only edits on this raw line")] = None,
    page: Annotated[Optional[int], typer.Option(help="Only edits on this printed page")] = None,
    out: Annotated[Path, typer.Option(help="Output folder the books were cleaned into")] = CLEAN_DIR,
    limit: Annotated[int, typer.Option(help="Show at most this many edits (0: all)")] = 20,
) -> None:
    """Say why a word differs from the scan: every edit and review entry that touches it, with its evidence.

    Reads OUT/<book>/changes.jsonl and review.tsv. Exit 1 when no edit matches
    (the text there reads as in the scan), 2 when the output is missing.

    Example: python -m pipeline why extremely
    """
    from pipeline.changelog.explain import ExplainError, book_folder, explain, occurrences

    if word is None and line is None and page is None:
        fail("give a word, --line or --page")
        raise typer.Exit(2)
    try:
        folder = book_folder(out, book)
        findings = explain(folder, word, line, page)
    except ExplainError as exc:
        fail(str(exc))
        raise typer.Exit(2)
    asked = " and ".join(
        part for part in (repr(word) if word else "", f"raw line {line}" if line else "", f"page {page}" if page else "") if part
    )
    if not findings:
        if word and line is None and page is None and not occurrences(folder, word):
            typer.echo(f"{folder.name}: {word!r} is neither in book.md nor in any edit; check the spelling.")
        else:
            typer.echo(f"{folder.name}: no edit touches {asked}; there the text reads as in the scan.")
        raise typer.Exit(1)
    shown = findings if limit <= 0 else findings[:limit]
    typer.echo(f"{folder.name}: {len(findings)} edit(s) and review entries touch {asked}:\n")
    typer.echo("\n\n".join(f.describe() for f in shown))
    if len(shown) < len(findings):
        typer.echo(f"\n... {len(findings) - len(shown)} more; --limit 0 shows all, --page/--line narrow it.")


@app.command()
def review(
    book: Annotated[Optional[str], typer.Option(help="Book folder under OUT; default: the only one")] = None,
    out: Annotated[Path, typer.Option(help="Output folder the books were cleaned into")] = CLEAN_DIR,
    rules: Annotated[Path, typer.Option(help="Rules folder whose review_decisions.tsv gets the answers")] = RULES_DIR,
) -> None:
    """Answer the open rows of review.tsv one by one; the answers go into RULES/review_decisions.tsv.

    For each row: a accept (its first candidate, or confirm), r reject (keep
    as printed), e edit (type the right text), s skip, q stop. The next run,
    scheduled ones included, applies the answers as logged changes (rule
    reviewer) and asks only what is still open.

    Example: python -m pipeline review
    """
    from pipeline.changelog.decide import ANSWERS, append, decided, decision_line, open_rows
    from pipeline.changelog.explain import ExplainError, book_folder

    try:
        folder = book_folder(out, book)
        rows = open_rows(folder)
    except ExplainError as exc:
        fail(str(exc))
        raise typer.Exit(2)
    done = decided(rules, folder.name)
    rows = [r for r in rows if (r["stage"], r["line"], r["token"]) not in done]
    typer.echo(f"{folder.name}: {len(rows)} open row(s)")
    answers = []
    for n, row in enumerate(rows, start=1):
        typer.echo(f"\n[{n}/{len(rows)}] p. {row['page'] or '?'}, raw line {row['line']}, {row['stage']}: {row['token']!r}")
        typer.echo(f"  context:    {row['context']}")
        typer.echo(f"  candidates: {row['candidates'] or '-'}")
        typer.echo(f"  why asked:  {row['reason']}")
        key = typer.prompt("  a accept, r reject, e edit, s skip, q stop", default="s").strip().lower()[:1]
        if key == "q":
            break
        if key not in ANSWERS:
            continue
        text = typer.prompt("  right text") if key == "e" else ""
        note = typer.prompt("  note (why)", default="", show_default=False)
        answers.append(decision_line(folder.name, row, ANSWERS[key], text, note))
    if answers:
        path = append(rules, answers)
        typer.echo(f"\n{len(answers)} answer(s) written to {path}; `python -m pipeline run` applies them.")
    else:
        typer.echo("\nno answers written.")


@server_app.command("start")
def server_start(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1")] = server.DEFAULT_PORT,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for /api/health")] = server.START_TIMEOUT,
) -> None:
    """Start a Prefect server on 127.0.0.1 (SQLite under PREFECT_HOME, default .prefect/) and wait until it is healthy.

    Example: python -m pipeline server start --port 4200
    """
    try:
        info, started = server.start(prefect_home(), port, timeout)
    except ServerError as exc:
        fail(str(exc))
        raise typer.Exit(1)
    verb = "started" if started else "already running"
    typer.echo(f"Prefect server {verb} (pid {info.pid}): dashboard {info.url}, API {info.api_url}, log {info.log}")
    typer.echo("`python -m pipeline run` now reports to it; stop it with: python -m pipeline server stop")


@server_app.command("stop")
def server_stop() -> None:
    """Stop the Prefect server started by `server start`.

    Example: python -m pipeline server stop
    """
    try:
        info = server.stop(prefect_home())
    except ServerError as exc:
        fail(str(exc))
        raise typer.Exit(1)
    typer.echo(f"Prefect server stopped (pid {info.pid}, port {info.port})" if info else "no Prefect server was running")


@server_app.command("status")
def server_status() -> None:
    """Say whether the server from `server start` runs and answers; exit 0 only if it answers /api/health.

    Example: python -m pipeline server status
    """
    info = server.status(prefect_home())
    if info is None:
        typer.echo("no Prefect server running (start one with: python -m pipeline server start)")
        raise typer.Exit(1)
    if not info.healthy:
        typer.echo(f"Prefect server process running (pid {info.pid}) but not answering {info.url}/api/health; "
                   f"see its log {info.log}")
        raise typer.Exit(1)
    typer.echo(f"Prefect server running (pid {info.pid}), healthy: dashboard {info.url}, API {info.api_url}, log {info.log}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
