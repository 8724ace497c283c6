"""Command line: a thin layer over the library (``batch``, ``cache``, ``server``, ``flow``).

Examples::

    python -m pipeline run                      # every raw/*.txt, as a Prefect flow
    python -m pipeline run raw/book.txt --no-prefect
    python -m pipeline run --skip rebuild_paragraphs
    python -m pipeline run --force --dask local # redo every book on a local Dask cluster
    python -m pipeline server start             # the dashboard at http://127.0.0.1:4200
    python -m pipeline serve --cron "0 3 * * *" # reprocess raw/ every night at 03:00
    python -m pipeline why extremely            # which edit made this word, and on what evidence
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import server
from .batch import Outcome, clean_books, expand_inputs, format_summary
from .config import DEFAULT_RULES_DIR, load_config
from .explain import ExplainError, book_folder, explain, occurrences
from .process import check_skip
from .reader import InputError
from .rules import RulesError
from .server import ServerError
from .stages import STAGES

PROJECT = Path(__file__).resolve().parent.parent
RAW_GLOB = str(PROJECT / "raw" / "*.txt")

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Clean the OCR text of scanned books.")
server_app = typer.Typer(
    add_completion=False, no_args_is_help=True,
    help="Start, stop or check the local Prefect server that keeps the dashboard (http://127.0.0.1:4200).",
)
app.add_typer(server_app, name="server")


@app.callback()
def main() -> None:
    """Clean the OCR text of scanned books: raw/ in, clean/ out, every edit logged."""


def prefect_home() -> Path:
    """Where Prefect keeps its database and our server's pid/status files: $PREFECT_HOME or .prefect/."""
    return Path(os.environ.get("PREFECT_HOME") or PROJECT / ".prefect")


def prefect_environment() -> None:
    """Offline, project-local Prefect settings, unless the user has set their own."""
    os.environ.setdefault("PREFECT_HOME", str(PROJECT / ".prefect"))
    for name, value in {**server.OFFLINE_SETTINGS, **server.EPHEMERAL_SETTINGS}.items():
        os.environ.setdefault(name, value)


def connect_to_server() -> str | None:
    """Point Prefect at the user's server, or at ours if one runs; None means ephemeral mode."""
    prefect_environment()
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    url = server.running_api_url(prefect_home())
    if url:
        os.environ["PREFECT_API_URL"] = url
    return url


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


def report(outcome: Outcome) -> None:
    """A book's line on stdout, or its error on stderr; then its warnings (stderr)."""
    if outcome.failed:
        typer.echo(f"error: {outcome.reason}", err=True)
    else:
        typer.echo(outcome.line())
    for warning in outcome.warnings:
        typer.echo(f"warning: {warning}", err=True)


def clean_with_progress(paths, out, rules, config, skip_names, force) -> list[Outcome]:
    """The books in turn without Prefect, with a progress bar per book and stage on a terminal.

    Rich draws the bars only on an interactive terminal (not in logs or
    pipes), and removes them when done, leaving the per-book lines.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    names = [name for name in STAGES if name not in skip_names]
    columns = (TextColumn("{task.description:<48}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        books = progress.add_task("books", total=len(paths))
        stages = progress.add_task("", total=len(names), visible=False)

        def on_book(path: Path):
            progress.reset(stages, total=len(names), description=f"{Path(path).stem}: cache check", visible=True)

            def on_stage(name: str) -> None:
                progress.update(stages, completed=names.index(name), description=f"{Path(path).stem}: {name}")

            return on_stage

        def on_done(outcome: Outcome) -> None:
            progress.update(stages, visible=False)
            progress.advance(books)
            report(outcome)  # Progress redirects stdout, so the line lands above the bars

        return clean_books(paths, out, rules, config, skip_names, force, on_book, on_done)


@app.command()
def run(
    files: Annotated[Optional[list[str]], typer.Argument(help="Raw OCR files or globs; default: every raw/*.txt")] = None,
    out: Annotated[Path, typer.Option(help="Output folder; each book gets OUT/<book>/")] = PROJECT / "clean",
    rules: Annotated[Path, typer.Option(help="Rules folder")] = DEFAULT_RULES_DIR,
    skip: Annotated[Optional[list[str]], typer.Option(help="Stage to skip (repeatable)")] = None,
    no_prefect: Annotated[bool, typer.Option("--no-prefect", help="Run the stages directly, without Prefect")] = False,
    force: Annotated[bool, typer.Option("--force", help="Clean every book again, even if its cache key is unchanged")] = False,
    dask: Annotated[Optional[str], typer.Option(
        metavar="ADDRESS", help="Run the books on a Dask cluster: its scheduler address, or 'local' for 2 local workers")] = None,
) -> None:
    """Clean raw files into OUT/<book>/ (book.md, paragraphs.jsonl, changes.jsonl, stats.json).

    A book whose raw file, rules and pipeline are unchanged since its output
    was written is skipped ("cached"); otherwise the run says what changed.
    With a server from `server start` running, the run reports to it.

    Example: python -m pipeline run raw/lenins-fight-against-stalinism.txt --no-prefect
    """
    if dask and no_prefect:
        fail("--dask maps the books over Dask through Prefect; drop --no-prefect")
        raise typer.Exit(2)
    try:
        paths = expand_inputs(files, Path.cwd()) if files else expand_inputs([RAW_GLOB], PROJECT)
    except InputError as exc:
        fail(str(exc) if files else "no raw files given and none in raw/")
        raise typer.Exit(2)
    try:
        skip_names = check_skip(skip or ())
        config = load_config(rules)
    except (RulesError, ValueError) as exc:
        fail(str(exc))
        raise typer.Exit(2)
    error = None
    if no_prefect:
        outcomes = clean_with_progress(paths, out, rules, config, skip_names, force)
    else:
        url = connect_to_server()
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
        from .flow import run_batch

        inputs = [str(Path(p).resolve()) for p in paths] if dask else [str(p) for p in paths]
        outcomes, error = run_batch(inputs, str(out.resolve()), str(rules.resolve()), list(skip_names), force, dask)
        for outcome in outcomes:
            report(outcome)
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
    out: Annotated[Path, typer.Option(help="Output folder")] = PROJECT / "clean",
    rules: Annotated[Path, typer.Option(help="Rules folder")] = DEFAULT_RULES_DIR,
    skip: Annotated[Optional[list[str]], typer.Option(help="Stage to skip (repeatable)")] = None,
) -> None:
    """Serve the batch flow as a deployment that reprocesses raw/ on a schedule, until Ctrl-C.

    Needs a running Prefect server (`server start`), which keeps the
    schedule; each scheduled run skips unchanged books (cache).

    Example: python -m pipeline serve --cron "0 3 * * *"
    """
    try:
        skip_names = check_skip(skip or ())
    except ValueError as exc:
        fail(str(exc))
        raise typer.Exit(2)
    url = connect_to_server()
    if not url:
        fail("no Prefect server is running; start one first with: python -m pipeline server start")
        raise typer.Exit(2)
    inputs = [str(Path(f).resolve()) if not Path(f).is_absolute() else f for f in files] if files else [RAW_GLOB]
    typer.echo(f"serving clean-raw/{name} on '{cron}' for {', '.join(inputs)}; "
               f"dashboard: {url.removesuffix('/api')}/deployments; Ctrl-C stops it", err=True)
    from .flow import serve as serve_flow

    try:
        serve_flow(cron, inputs, str(out.resolve()), str(rules.resolve()), list(skip_names), name)
    except ValueError as exc:
        fail(str(exc))
        raise typer.Exit(2)


@app.command()
def why(
    word: Annotated[Optional[str], typer.Argument(help="A word as the scan has it or as the clean text has it")] = None,
    book: Annotated[Optional[str], typer.Option(help="Book folder under OUT; default: the only one")] = None,
    line: Annotated[Optional[int], typer.Option(help="Only edits on this raw line")] = None,
    page: Annotated[Optional[int], typer.Option(help="Only edits on this printed page")] = None,
    out: Annotated[Path, typer.Option(help="Output folder the books were cleaned into")] = PROJECT / "clean",
    limit: Annotated[int, typer.Option(help="Show at most this many edits (0: all)")] = 20,
) -> None:
    """Say why a word differs from the scan: every edit and review entry that touches it, with its evidence.

    Reads OUT/<book>/changes.jsonl and review.tsv. Exit 1 when no edit matches
    (the text there reads as in the scan), 2 when the output is missing.

    Example: python -m pipeline why extremely
    """
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
    """Say whether the server from `server start` runs and answers; exit 1 if it does not run.

    Example: python -m pipeline server status
    """
    info = server.status(prefect_home())
    if info is None:
        typer.echo("no Prefect server running (start one with: python -m pipeline server start)")
        raise typer.Exit(1)
    state = "healthy" if info.healthy else "not answering /api/health yet"
    typer.echo(f"Prefect server running (pid {info.pid}), {state}: dashboard {info.url}, API {info.api_url}, log {info.log}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
