"""The process environment Prefect runs in, set before Prefect is imported.

Why here and not in the CLI: these are operations decisions (offline and
project-local settings, which server to report to, where Prefect's log goes,
whether a Dask scheduler answers), shared by every command that touches
Prefect; the command line only calls them. Nothing here imports Prefect itself, so a
command that never runs a flow pays nothing for it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pipeline.locations import PREFECT_HOME
from pipeline.ops import server

RUN_LOG = "pipeline-runs.log"
"""Prefect's full log of our runs (tracebacks included), in PREFECT_HOME: the terminal shows one line per book."""


def prefect_home() -> Path:
    """Where Prefect keeps its database and our server's pid/status files: $PREFECT_HOME or .prefect/."""
    return Path(os.environ.get("PREFECT_HOME") or PREFECT_HOME)


def prefect_environment(verbose: bool = False) -> None:
    """Offline, project-local Prefect settings, unless the user has set their own.

    Prefect's own console log is kept for ``--verbose``: by default a run
    prints one line per book, and the full log (tracebacks included) goes to
    the dashboard and to ``PREFECT_HOME/pipeline-runs.log``.
    """
    os.environ.setdefault("PREFECT_HOME", str(PREFECT_HOME))
    for name, value in {**server.OFFLINE_SETTINGS, **server.EPHEMERAL_SETTINGS}.items():
        os.environ.setdefault(name, value)
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")


def log_runs_to_file() -> Path:
    """Add a file handler to Prefect's loggers, so what the terminal does not show is kept."""
    path = prefect_home() / RUN_LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    logging.getLogger("prefect").addHandler(handler)
    return path


def connect_to_server(verbose: bool = False) -> str | None:
    """Point Prefect at the user's server, or at ours if one runs; None means ephemeral mode."""
    prefect_environment(verbose)
    if not os.environ.get("PREFECT_API_URL", "x"):  # set but empty: Prefect's event client would fail on it
        del os.environ["PREFECT_API_URL"]
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    url = server.running_api_url(prefect_home())
    if url:
        os.environ["PREFECT_API_URL"] = url
    return url


def dask_reachable(address: str, timeout: float = 5.0) -> str | None:
    """None if something listens at a Dask scheduler address (``tcp://host:port``), else the error to show."""
    import socket
    from urllib.parse import urlparse

    parsed = urlparse(address if "://" in address else f"tcp://{address}")
    if not parsed.hostname or not parsed.port:
        return f"--dask {address}: give the scheduler as tcp://HOST:PORT, or 'local'"
    try:
        with socket.create_connection((parsed.hostname, parsed.port), timeout=timeout):
            return None
    except OSError as exc:
        return f"--dask {address}: no Dask scheduler answers there ({exc.strerror or exc}); start one with `dask scheduler`"
