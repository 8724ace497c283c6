"""Start, find and stop the local Prefect server that keeps the dashboard's record of runs.

Why our own wrapper around ``prefect server start``: the dashboard is only
complete for runs that report to a server that outlives them (ephemeral runs
lose task runs and logs), so ``run`` must be able to tell whether one is up,
and a person must be able to start and stop it with one command each. The
server is a child process in its own session (so closing the terminal or
Ctrl-C in it does not kill it), bound to 127.0.0.1 only, with its SQLite
database, log, pid file and a small status file (pid, port, URLs) under the
project-local ``PREFECT_HOME`` (``.prefect/``, gitignored).

This module does not import Prefect: starting the server is a subprocess and
checking it is one HTTP request, so ``server status`` answers at once. A
server is known by its pid file and the process's start time recorded with
it (so a recycled pid is never signalled), and its health by its own port.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_PORT = 4200
START_TIMEOUT = 90.0
"""A fresh database takes ~20-30 s to migrate on 2 cores; 90 s leaves room for a loaded machine."""
STOP_TIMEOUT = 20.0
STATE_FILE = "pipeline-server.json"
PID_FILE = "pipeline-server.pid"
LOG_FILE = "pipeline-server.log"

OFFLINE_SETTINGS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
}
"""Settings for a machine with no network beyond loopback: no telemetry, no promotions."""

EPHEMERAL_SETTINGS = {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(int(START_TIMEOUT))}
"""Prefect waits 20 s for its temporary server, but a fresh database alone takes ~20 s to
migrate here: on a loaded 2-core CI machine the main job timed out. Give it our server's time."""


class ServerError(RuntimeError):
    """The server could not be started or stopped; the message says why and where the log is."""


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """A server this module started: its process, port, home folder and log; ``healthy`` as last checked."""

    pid: int
    port: int
    home: str
    log: str
    started: float = 0.0
    """The process's start time (seconds since the epoch, as psutil reads it): with the pid, its identity."""
    healthy: bool = False

    @property
    def url(self) -> str:
        """The dashboard (UI) address."""
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        """The value for ``PREFECT_API_URL``."""
        return f"{self.url}/api"


def environment(home: Path, port: int, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the server process: its home, the offline settings, and its own URL.

    ``PREFECT_API_URL`` is set to the server itself because the UI asks the
    API where it is told to; a user's setting pointing elsewhere would give a
    dashboard of another server's data.
    """
    env = dict(os.environ if base is None else base)
    env.update(OFFLINE_SETTINGS)
    env["PREFECT_HOME"] = str(home)
    env["PREFECT_API_URL"] = f"http://{HOST}:{port}/api"
    env["PREFECT_UI_API_URL"] = f"http://{HOST}:{port}/api"
    return env


def health(url: str, timeout: float = 2.0) -> bool:
    """True if ``GET url/api/health`` answers ``true``: the API is up and its database open."""
    import urllib.error  # here, not at the top: a run without Prefect imports this module for its constants only
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/api/health", timeout=timeout) as response:
            return response.status == 200 and json.loads(response.read() or b"null") is True
    except (OSError, ValueError, urllib.error.URLError):
        return False


def port_in_use(port: int) -> bool:
    """True if something already listens on 127.0.0.1:``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((HOST, port)) == 0


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (for tests and a second server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    """True if ``pid`` is a live process (a zombie child is reaped and counts as gone)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:  # not our child: the usual case when another command started it
        pass
    import psutil  # here, not at the top: see health()

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _start_time(pid: int) -> float:
    """When process ``pid`` started, or 0.0 if there is no such process."""
    import psutil  # here, not at the top: see health()

    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return 0.0


def _is_ours(info: ServerInfo) -> bool:
    """True if the recorded server's process is still the one we started: same pid, same start time."""
    return _alive(info.pid) and abs(_start_time(info.pid) - info.started) < 1.0


def _remove_state(home: Path) -> None:
    for name in (STATE_FILE, PID_FILE):
        (home / name).unlink(missing_ok=True)


def read_state(home: Path) -> ServerInfo | None:
    """The server recorded under ``home``, without checking it (None if no readable record)."""
    try:
        record = json.loads((Path(home) / STATE_FILE).read_text(encoding="utf-8"))
        return ServerInfo(int(record["pid"]), int(record["port"]), str(record["home"]), str(record["log"]),
                          float(record.get("started", 0.0)))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def status(home: Path) -> ServerInfo | None:
    """The server started under ``home`` if its process is still there, with ``healthy`` checked.

    A record whose process is gone (the machine rebooted, someone killed it)
    is removed, so the next ``start`` is not refused.
    """
    home = Path(home)
    info = read_state(home)
    if info is None:
        return None
    if not _is_ours(info):
        _remove_state(home)
        return None
    return replace(info, healthy=health(info.url))


def running_api_url(home: Path) -> str | None:
    """``PREFECT_API_URL`` of a healthy server started under ``home``, or None (then runs are ephemeral)."""
    info = status(home)
    return info.api_url if info and info.healthy else None


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def start(home: Path, port: int = DEFAULT_PORT, timeout: float = START_TIMEOUT) -> tuple[ServerInfo, bool]:
    """Start ``prefect server start`` on 127.0.0.1:``port`` and wait until ``/api/health`` answers.

    Returns the server and whether this call started it (False: one was
    already running under ``home``, which is reused rather than doubled).
    Raises :class:`ServerError` if the port is taken by something else, if
    the process exits, or if it is not healthy within ``timeout`` seconds
    (it is then stopped); the message ends with the last lines of its log.
    """
    home = Path(home).resolve()
    running = status(home)
    if running is not None:
        if running.port != port:
            raise ServerError(f"a Prefect server from {home} already runs on port {running.port} (pid {running.pid}); "
                              f"use it, or stop it first (python -m pipeline server stop) to start one on port {port}")
        return running, False
    if port_in_use(port):
        raise ServerError(
            f"port {port} on {HOST} is already in use by another program; choose another with --port"
        )
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / LOG_FILE
    with open(log_path, "ab") as log:
        log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting on port {port}\n".encode())
        log.flush()
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", HOST, "--port", str(port)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            env=environment(home, port), cwd=home, start_new_session=True,
        )
    info = ServerInfo(process.pid, port, str(home), str(log_path), _start_time(process.pid))
    (home / PID_FILE).write_text(f"{process.pid}\n")
    (home / STATE_FILE).write_text(json.dumps({k: v for k, v in asdict(info).items() if k != "healthy"}, indent=2) + "\n")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _remove_state(home)
            raise ServerError(
                f"the Prefect server exited with code {process.returncode} before it was ready; "
                f"log {log_path}:\n{_log_tail(log_path)}"
            )
        if health(info.url):
            return replace(info, healthy=True), True
        time.sleep(0.5)
    stop(home)
    raise ServerError(f"the Prefect server was not healthy after {timeout:.0f} s; log {log_path}:\n{_log_tail(log_path)}")


def stop(home: Path, timeout: float = STOP_TIMEOUT) -> ServerInfo | None:
    """Stop the server started under ``home``: SIGTERM to its process group, SIGKILL if it lingers.

    Returns what was stopped, or None if no server was running. Only the
    process we started (same pid and start time) is signalled.
    """
    home = Path(home).resolve()
    info = read_state(home)
    if info is None:
        return None
    if _is_ours(info):
        _signal_group(info.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(info.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(info.pid):
            _signal_group(info.pid, signal.SIGKILL)
            time.sleep(0.5)
            if _alive(info.pid):
                raise ServerError(f"the Prefect server (pid {info.pid}) did not stop; log {info.log}")
        _remove_state(home)
        return info
    _remove_state(home)
    return None


def _signal_group(pid: int, sig: int) -> None:
    """Signal the server's process group (it leads its own session), or the process alone."""
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
