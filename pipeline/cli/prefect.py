"""The Prefect side of the command line: `serve` (schedules), `trigger`, and `server start|stop|status`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from pipeline.cli.app import CONTEXT, fail
from pipeline.cli.run import options_from
from pipeline.locations import ARCHIVE_DIR, CLEAN_DIR, RAW_GLOB, RULES_DIR
from pipeline.ops import server as server_control
from pipeline.ops.environment import connect_to_server, log_runs_to_file, prefect_home
from pipeline.ops.server import ServerError
from pipeline.reader import InputError
from pipeline.rules import RulesError, load_config
from pipeline.run.batch import expand_inputs
from pipeline.run.names import plan


@click.command()
@click.argument("files", nargs=-1, metavar="[FILES]...")
@click.option("--cron", default="0 3 * * *", help="When to run, as a cron expression (server's local time zone: UTC unless set)")
@click.option("--name", default="reprocess-raw", help="Deployment name")
@click.option("--out", type=click.Path(path_type=Path), default=CLEAN_DIR, help="Output folder")
@click.option("--rules", type=click.Path(path_type=Path), default=RULES_DIR, help="Rules folder")
@click.option("--archive", type=click.Path(path_type=Path), default=ARCHIVE_DIR, help="Archive transcriptions to check against")
@click.option("--no-archive", is_flag=True, help="No archive check, no archive words")
@click.option("--skip", multiple=True, help="Stage to skip (repeatable)")
@click.option("--verbose", "-v", is_flag=True, help="Show Prefect's own log on the terminal")
def serve(files: tuple[str, ...], cron: str, name: str, out: Path, rules: Path, archive: Path, no_archive: bool,
          skip: tuple[str, ...], verbose: bool) -> None:
    """Serve the batch flow as a deployment that reprocesses raw/ on a schedule, until Ctrl-C or SIGTERM.

    FILES are the raw files or globs each run cleans; default: raw/*.txt.

    Needs a running Prefect server (`server start`), which keeps the
    schedule; each scheduled run skips unchanged books (cache). On Ctrl-C or
    SIGTERM a run in progress is cancelled and the schedule paused.

    \b
    Example: python -m pipeline serve --cron "0 3 * * *"
    """
    try:
        options = options_from(out, rules, archive, no_archive, skip, False)
        inputs = [str(Path(f).absolute()) for f in files] if files else [RAW_GLOB]
        plan(expand_inputs(inputs, Path.cwd()), options.out)
        load_config(options.rules, options.archive)
    except (InputError, RulesError, ValueError) as exc:
        fail(str(exc))
        raise click.exceptions.Exit(2)
    url = connect_to_server(verbose)
    if not url:
        fail("no Prefect server is running; start one first with: python -m pipeline server start")
        raise click.exceptions.Exit(2)
    log_runs_to_file()
    from pipeline.ops.flow import serve as serve_flow

    def ready(deployment_id: str) -> None:
        dashboard = url.removesuffix("/api")
        click.echo(f"serving clean-raw/{name} on '{cron}' for {', '.join(inputs)}\n"
                   f"  dashboard: {dashboard}/deployments/deployment/{deployment_id}\n"
                   f"  run it now: {sys.executable} -m pipeline trigger --name {name}\n"
                   f"  stop: Ctrl-C or SIGTERM (a run in progress is cancelled, the schedule paused)", err=True)

    serve_flow(cron, inputs, options, name, ready)
    click.echo(f"stopped serving clean-raw/{name}; its schedule is paused", err=True)


@click.command()
@click.option("--name", default="reprocess-raw", help="Deployment name given to `serve`")
@click.option("--force", is_flag=True, help="Clean every book again, even if unchanged")
def trigger(name: str, force: bool) -> None:
    """Create a run of the served deployment now, on the running server; `serve` picks it up.

    \b
    Example: python -m pipeline trigger --name reprocess-raw
    """
    url = connect_to_server()
    if not url:
        fail("no Prefect server is running; start one with: python -m pipeline server start")
        raise click.exceptions.Exit(2)
    import httpx

    try:
        deployment = httpx.get(f"{url}/deployments/name/clean-raw/{name}", timeout=10)
        if deployment.status_code == 404:
            fail(f"no deployment clean-raw/{name} on {url}; start one with: python -m pipeline serve --name {name}")
            raise click.exceptions.Exit(1)
        deployment.raise_for_status()
        # The run is named now, as the flow names its own runs, not with a random name until it starts.
        body: dict = {"name": f"clean-raw {time.strftime('%Y-%m-%d %H:%M:%S')}"}
        if force:
            body["parameters"] = {"force": True}
        created = httpx.post(f"{url}/deployments/{deployment.json()['id']}/create_flow_run", json=body, timeout=10)
        created.raise_for_status()
    except httpx.HTTPError as exc:
        fail(f"the Prefect server at {url} did not answer as expected: {exc}")
        raise click.exceptions.Exit(1)
    run_id = created.json()["id"]
    click.echo(f"created flow run {created.json()['name']} of clean-raw/{name}: {url.removesuffix('/api')}/runs/flow-run/{run_id}")


@click.group(context_settings=CONTEXT, no_args_is_help=True)
def server() -> None:
    """Start, stop or check the local Prefect server that keeps the dashboard (http://127.0.0.1:4200)."""


@server.command("start")
@click.option("--port", default=server_control.DEFAULT_PORT, help="Port on 127.0.0.1")
@click.option("--timeout", default=server_control.START_TIMEOUT, help="Seconds to wait for /api/health")
def server_start(port: int, timeout: float) -> None:
    """Start a Prefect server on 127.0.0.1 (SQLite under PREFECT_HOME, default .prefect/) and wait until it is healthy.

    \b
    Example: python -m pipeline server start --port 4200
    """
    try:
        info, started = server_control.start(prefect_home(), port, timeout)
    except ServerError as exc:
        fail(str(exc))
        raise click.exceptions.Exit(1)
    verb = "started" if started else "already running"
    click.echo(f"Prefect server {verb} (pid {info.pid}): dashboard {info.url}, API {info.api_url}, log {info.log}")
    click.echo("`python -m pipeline run` now reports to it; stop it with: python -m pipeline server stop")


@server.command("stop")
def server_stop() -> None:
    """Stop the Prefect server started by `server start`.

    \b
    Example: python -m pipeline server stop
    """
    try:
        info = server_control.stop(prefect_home())
    except ServerError as exc:
        fail(str(exc))
        raise click.exceptions.Exit(1)
    click.echo(f"Prefect server stopped (pid {info.pid}, port {info.port})" if info else "no Prefect server was running")


@server.command("status")
def server_status() -> None:
    """Say whether the server from `server start` runs and answers; exit 0 only if it answers /api/health.

    \b
    Example: python -m pipeline server status
    """
    info = server_control.status(prefect_home())
    if info is None:
        click.echo("no Prefect server running (start one with: python -m pipeline server start)")
        raise click.exceptions.Exit(1)
    if not info.healthy:
        click.echo(f"Prefect server process running (pid {info.pid}) but not answering {info.url}/api/health; "
                   f"see its log {info.log}")
        raise click.exceptions.Exit(1)
    click.echo(f"Prefect server running (pid {info.pid}), healthy: dashboard {info.url}, API {info.api_url}, log {info.log}")
