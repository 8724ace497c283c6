"""The Prefect side of the command line: `serve` (schedules), `trigger`, and `server start|stop|status`."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.cli.app import app, fail, server_app
from pipeline.cli.run import options_from
from pipeline.locations import ARCHIVE_DIR, CLEAN_DIR, RAW_GLOB, RULES_DIR
from pipeline.ops import server
from pipeline.ops.environment import connect_to_server, log_runs_to_file, prefect_home
from pipeline.ops.server import ServerError
from pipeline.reader import InputError
from pipeline.rules import RulesError, load_config
from pipeline.run.batch import expand_inputs
from pipeline.run.names import plan


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
        options = options_from(out, rules, archive, no_archive, skip, False)
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
