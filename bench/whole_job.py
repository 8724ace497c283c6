"""The whole job as a user runs it, against the naive peer and an empty Python, in one run: time and peak memory.

Prints figures; asserts nothing. Each figure is a fresh process (imports and
first-use loads included), run in interleaved rounds so a busy machine
shifts every row alike; the median is shown, and the ratio to the naive
peer (bench/naive.py: drop page numbers, join hyphens) and to ``python -c
pass``. Peak memory is the child's own ``ru_maxrss`` (``os.wait4``).

- cold whole job: ``python -m pipeline run --no-prefect --force RAW --out TMP``
  (stages, archive check, render, write; the spelling index from .cache/);
- forced rerun: the same again; the archive check's inputs hash as before,
  so its result is taken from .cache/verification/ (the cold rounds drop it
  first, so that they compute it);
- cached rerun: the same without ``--force`` (nothing changed: "cached");
  and as ``make run`` runs it, on Prefect with no server running (no
  temporary server is started when every book is cached);
- peak memory for the book and for N copies of it in one file (``--copies``);
- Prefect with a started server: ``run --force`` reporting to a server that
  ``python -m pipeline server start`` started beforehand (in a fresh
  ``PREFECT_HOME`` of its own, on a free port), paired round by round with
  the same run ``--no-prefect``: what Prefect costs on top (the issue's
  target: at most 1.5 s), and beside them Prefect's own floor, a flow with
  one empty task against the same server (bench/prefect_floor.py): what
  Prefect 3.8.8 costs a new process that does no work, and of that what
  ``import prefect`` alone costs; ``--no-server`` leaves these out;
- with ``--batch N``: N copies of the book as N books, once each: without
  Prefect, with Prefect one book at a time, and with ``--workers 2`` (a
  worker processes, each book one task); the Prefect rows report to the same
  started server (with ``--no-server``, to an ephemeral one in a fresh
  ``PREFECT_HOME``, whose start every batch pays);
  beside them, what two processes of pure arithmetic gain at once on the
  same machine (:func:`compute_scaling`), the ceiling of any batch there;
- last, the targets of issue 17 beside what this run measured, each met or not.

The project's modules are byte-compiled first (``python -m compileall``), as
pip does for an installed package and Python does on a first run: an
editable install under ``PYTHONDONTWRITEBYTECODE`` (as on the project's
machines) would otherwise compile every module again in every run, ~0.2 s
that no user pays.

Run: .venv/bin/python bench/whole_job.py [--rounds 5] [--copies 8] [--batch 20] [--no-server] [RAW_FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, NamedTuple

import psutil
from common import BOOK, PROJECT, subprocess_env, table, temporary_folder

from pipeline.ops.server import PID_FILE
from pipeline.reader import book_name
from pipeline.verification.store import forget


class Measured(NamedTuple):
    seconds: float
    peak: float
    """Peak RSS in MB of the largest process."""
    cpu: float
    """User and system seconds of the process and of the processes it waited for (its workers)."""


def measure(command: list[str], env: dict[str, str]) -> Measured:
    """Wall seconds, peak RSS and CPU seconds of one child process; its failure stops the bench."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"{' '.join(command)} failed ({child.returncode}):\n{stderr.decode()[-3000:]}")
    return Measured(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def server_cpu(env: dict[str, str]) -> float:
    """CPU seconds the started server of ``env``'s PREFECT_HOME has used so far (0 without one)."""
    try:
        pid = int((Path(env["PREFECT_HOME"]) / PID_FILE).read_text())
        times = psutil.Process(pid).cpu_times()
    except (KeyError, OSError, ValueError, psutil.Error):
        return 0.0
    return times.user + times.system + times.children_user + times.children_system


def batch_rows(book: Path, books: int, tmp: Path, env: dict[str, str], prefect_env: dict[str, str],
               rounds: int = 2) -> tuple[list[list[str]], float]:
    """Wall time of N books as one batch: plain, Prefect serial, Prefect with 2 workers; speed-up over serial;
    and the CPU each used, the command's (its workers included) and the started server's. Also
    the workers' speed-up over the serial Prefect batch, as a number.

    The best of ``rounds`` interleaved rounds: on a shared machine another
    tenant can slow one 40-second batch by half (one run showed the plain
    batch slower than Prefect's), and the best run is the one least disturbed.
    The cores a batch keeps busy, (command + server CPU) / wall, bound the
    speed-up over it on this machine: 2 cores / the serial batch's cores.

    ``prefect_env`` points the Prefect runs at a started server, or (with
    ``--no-server``) at a fresh PREFECT_HOME, where each batch starts an
    ephemeral server: 9-18 s in both serial and parallel runs, which caps
    the speed-up far below two.
    """
    raw = tmp / "batch"
    raw.mkdir()
    for n in range(books):
        (raw / f"book{n:02d}.txt").write_bytes(book.read_bytes())
    run = [sys.executable, "-m", "pipeline", "run", str(raw / "*.txt"), "--force"]
    modes = {
        "plain (--no-prefect)": ([*run, "--no-prefect", "--out", str(tmp / "b-plain")], env),
        "Prefect, one book at a time": ([*run, "--out", str(tmp / "b-serial")], prefect_env),
        "Prefect, --workers 2": ([*run, "--workers", "2", "--out", str(tmp / "b-workers")], prefect_env),
    }
    measure(modes["Prefect, one book at a time"][0][:4] + ["--help"], prefect_env)  # warm the file cache
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in modes}
    for _ in range(rounds):
        for name, (command, environment) in modes.items():
            before = server_cpu(prefect_env)
            measured = measure(command, environment)
            runs[name].append((measured.seconds, measured.cpu, server_cpu(prefect_env) - before))
    best = {name: min(times) for name, times in runs.items()}
    serial = best["Prefect, one book at a time"][0]
    return [[f"{books} books: {name}", f"{t:.1f}", f"{t / books:.2f} s a book", f"{serial / t:.2f}× over Prefect serial",
             f"{cpu:.1f}", f"{server:.1f}", f"{(cpu + server) / t:.2f}"]
            for name, (t, cpu, server) in best.items()], serial / best["Prefect, --workers 2"][0]


SPIN = "x = 0\nfor i in range(12_000_000):\n    x += i * i"
"""Pure Python arithmetic, ~0.7 s: what two processes at once can gain on this machine, with no I/O or memory traffic."""


def compute_scaling(rounds: int = 3) -> float:
    """How much faster two processes of :data:`SPIN` run at once than one after the other (2.0 on two idle
    cores), best of ``rounds``: the ceiling of any batch's speed-up on this machine at this time.

    On a shared virtual machine the two cores are rarely both wholly free,
    so this is often below 2, and it bounds the issue's 1.8× target.
    """
    def spin(processes: int) -> float:
        start = time.perf_counter()
        children = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(processes)]
        for child in children:
            child.wait()
        return time.perf_counter() - start

    return max(2 * spin(1) / spin(2) for _ in range(rounds))


@contextlib.contextmanager
def started_server(tmp: Path, env: dict[str, str]) -> Iterator[tuple[dict[str, str], str]]:
    """The project's own server (``python -m pipeline server start``) in a fresh ``PREFECT_HOME`` on a
    free port, for the runs inside the block: (their environment, the API URL). Stopped at the end."""
    home = tmp / "prefect-server-home"
    server_env = {name: value for name, value in env.items() if not name.startswith("PREFECT_API")}
    server_env |= {"PREFECT_HOME": str(home), "DO_NOT_TRACK": "1"}
    python = sys.executable
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start = [python, "-m", "pipeline", "server", "start", "--port", str(port)]
    started = subprocess.run(start, cwd=PROJECT, env=server_env, capture_output=True, text=True)
    if started.returncode:
        sys.exit(f"server start failed ({started.returncode}):\n{started.stderr[-3000:]}")
    try:
        yield server_env, f"http://127.0.0.1:{port}/api"
    finally:
        subprocess.run([python, "-m", "pipeline", "server", "stop"], cwd=PROJECT, env=server_env, capture_output=True)


def started_server_rows(book: Path, rounds: int, tmp: Path, server_env: dict[str, str],
                        api: str) -> tuple[list[list[str]], float]:
    """The same cold run with and without Prefect, the Prefect one reporting to a started server, beside
    ``python -c pass`` and Prefect's own floor (bench/prefect_floor.py, the same server); paired rounds.
    Also Prefect's cost (the median paired difference), as a number.

    The server was started before the first round (:func:`started_server`),
    so no round pays for its start; the first run of each flow (flow
    registration, first task definitions) is not counted either.
    """
    python = sys.executable
    run = [python, "-m", "pipeline", "run", "--force", str(book)]
    floor = "Prefect's floor: a flow with one empty task (bench/prefect_floor.py)"
    commands = {
        "cold whole job, no Prefect (run --no-prefect --force)": [*run, "--no-prefect", "--out", str(tmp / "s-plain")],
        "cold whole job on Prefect, started server (run --force)": [*run, "--out", str(tmp / "s-flow")],
        "python -c pass": [python, "-c", "pass"],
        floor: [python, str(PROJECT / "bench" / "prefect_floor.py")],
        "python -c 'import prefect'": [python, "-c", "import prefect"],
    }
    envs = {name: server_env for name in commands} | {floor: {**server_env, "PREFECT_API_URL": api}}
    for first in ("cold whole job on Prefect, started server (run --force)", floor):
        measure(commands[first], envs[first])  # first flow: not counted
    pairs = [[measure(command, envs[name])[0] for name, command in commands.items()] for _ in range(rounds)]
    names = list(commands)
    medians = {name: statistics.median(p[k] for p in pairs) for k, name in enumerate(names)}
    extra = statistics.median(f - p for p, f, _, _, _ in pairs)
    return [[name, f"{medians[name]:.3f}"] for name in names] + [
        ["Prefect's cost with a started server (median of paired differences)", f"{extra:+.3f}"],
        ["ratio, Prefect / no Prefect (median)", f"{statistics.median(f / p for p, f, _, _, _ in pairs):.2f}×"],
        ["Prefect's floor over python -c pass (median of paired differences)",
         f"{statistics.median(fl - e for _, _, e, fl, _ in pairs):+.3f}"],
        ["of which importing prefect (median of paired differences)",
         f"{statistics.median(i - e for _, _, e, _, i in pairs):+.3f}"],
    ], extra


def main(book: Path, rounds: int, copies: int, books: int = 0, server: bool = True) -> None:
    env = subprocess_env()
    python = sys.executable
    subprocess.run([python, "-m", "compileall", "-q", str(PROJECT / "pipeline")], check=True)
    size = book.stat().st_size
    with temporary_folder() as tmp:
        tmp = Path(tmp)
        many = tmp / f"{book.stem}-x{copies}.txt"
        many.write_text(book.read_text(encoding="utf-8") * copies, encoding="utf-8")
        pipeline = [python, "-m", "pipeline", "run", "--no-prefect"]
        commands = {
            "python -c pass": [python, "-c", "pass"],
            "naive peer (bench/naive.py)": [python, str(PROJECT / "bench" / "naive.py"), str(book), str(tmp / "naive.txt")],
            "cold whole job (run --no-prefect --force)": [*pipeline, "--force", str(book), "--out", str(tmp / "out")],
            "forced rerun, archive check reused (same command)": [*pipeline, "--force", str(book), "--out", str(tmp / "out")],
            "cached rerun (run --no-prefect)": [*pipeline, str(book), "--out", str(tmp / "out")],
            "cached rerun as `make run` runs it (Prefect, no server)": [python, "-m", "pipeline", "run", str(book),
                                                                          "--out", str(tmp / "out")],
        }
        no_server = {k: v for k, v in env.items() if k != "PREFECT_API_URL"} | {
            "PREFECT_HOME": str(tmp / "no-server-home"), "DO_NOT_TRACK": "1"}
        figures: dict[str, list[Measured]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, command in commands.items():
                if name.startswith("cold"):
                    forget(book_name(book))  # cold means the archive check is computed, not taken from .cache
                figures[name].append(measure(command, no_server if "make run" in name else env))
        forget(book_name(many))
        big = measure([*pipeline, "--force", str(many), "--out", str(tmp / "many")], env)
        forget(book_name(many))
        with_server, batch, where = [], [], "an ephemeral server (fresh PREFECT_HOME)"
        prefect_cost = speed_up = ceiling = None
        with contextlib.ExitStack() as stack:
            if server:
                server_env, where = stack.enter_context(started_server(tmp, env))
                with_server, prefect_cost = started_server_rows(book, rounds, tmp, server_env, where)
            else:
                server_env = {**env, "PREFECT_HOME": str(tmp / "prefect-home"), "DO_NOT_TRACK": "1"}
            if books:
                batch, speed_up = batch_rows(book, books, tmp, env, server_env)
                ceiling = compute_scaling()
    seconds = {name: statistics.median(m.seconds for m in runs) for name, runs in figures.items()}
    peak = {name: max(m.peak for m in runs) for name, runs in figures.items()}
    naive, empty = seconds["naive peer (bench/naive.py)"], seconds["python -c pass"]
    rows = [[name, f"{seconds[name]:.3f}", f"{seconds[name] / naive:.1f}×", f"{seconds[name] / empty:.1f}×",
             f"{peak[name]:.0f}"] for name in commands]
    rows.append([f"cold whole job, {copies} copies in one file ({copies * size / 1e6:.1f} MB)", f"{big.seconds:.3f}",
                 f"{big.seconds / naive:.1f}×", f"{big.seconds / empty:.1f}×", f"{big.peak:.0f}"])
    print(f"book: {book.name} ({size / 1e6:.2f} MB); median of {rounds} interleaved rounds, each a new process\n")
    print(table(["command", "seconds", "× naive peer", "× python -c pass", "peak RSS (MB)"], rows))
    one = peak["cold whole job (run --no-prefect --force)"]
    per_copy = (big.peak - one) * 2**20 / ((copies - 1) * size)
    print(f"\nmemory per extra copy of the book: {(big.peak - one) / (copies - 1):.1f} MB ({per_copy:.1f}× its raw bytes)")
    if with_server:
        print(f"\nPrefect with a started server (`python -m pipeline server start`), median of {rounds} paired rounds\n")
        print(table(["command", "seconds"], with_server))
    if batch:
        print(f"\nbatch, {os.cpu_count()} cores, Prefect reporting to {'the started server' if server else where}; "
              "best of 2 interleaved rounds\n")
        print(table(["batch", "seconds", "per book", "speed-up", "CPU s, command and workers", "CPU s, server",
                     "cores busy"], batch))
        cores = {row[0]: float(row[-1]) for row in batch}
        serial = next(c for name, c in cores.items() if name.endswith("one book at a time"))
        print(f"\nthe serial Prefect batch keeps {serial:.2f} cores busy (its books, Prefect in the command, "
              f"the server): on {os.cpu_count()} cores the same work runs at most {os.cpu_count() / serial:.2f}× as fast")
        print(f"two processes of pure Python arithmetic (no I/O, no Prefect) ran {ceiling:.2f}× as fast at once as one "
              f"after the other on this machine (best of 3): the ceiling of any 2-process speed-up here")
    cold, cached = seconds["cold whole job (run --no-prefect --force)"], seconds["cached rerun (run --no-prefect)"]
    targets = [
        ("cold whole job ≤ 1.0 s", f"{cold:.3f} s", cold <= 1.0),
        ("cold whole job ≤ 15× the naive peer", f"{cold / naive:.1f}×", cold <= 15 * naive),
        ("cached rerun ≤ 0.25 s", f"{cached:.3f} s", cached <= 0.25),
        ("peak memory for the book ≤ 120 MB", f"{one:.0f} MB", one <= 120),
        ("memory per extra copy ≤ 5× the raw bytes", f"{per_copy:.1f}×", per_copy <= 5),
    ]
    if prefect_cost is not None:
        targets.append(("Prefect with a started server ≤ 1.5 s over the same run without", f"{prefect_cost:+.3f} s",
                        prefect_cost <= 1.5))
    if speed_up is not None:
        targets.append(("Prefect batch on 2 workers ≥ 1.8× one book at a time", f"{speed_up:.2f}×", speed_up >= 1.8))
    print("\nthe targets of issue 17 (\"Fast enough to forget\"), from the figures above\n")
    print(table(["target", "measured", "met"], [[target, shown, "yes" if met else "no"] for target, shown, met in targets]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("book", nargs="?", type=Path, default=BOOK)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--batch", type=int, default=0, metavar="BOOKS", help="also time a batch of this many books")
    parser.add_argument("--no-server", action="store_true", help="leave out the runs on Prefect with a started server")
    arguments = parser.parse_args()
    main(arguments.book, arguments.rounds, arguments.copies, arguments.batch, not arguments.no_server)
