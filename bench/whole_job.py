"""The whole job as a user runs it, against the naive peer and an empty Python, in one run: time and peak memory.

Prints figures; asserts nothing. Each figure is a fresh process (imports and
first-use loads included), run in interleaved rounds so a busy machine
shifts every row alike; the median is shown, and the ratio to the naive
peer (bench/naive.py: drop page numbers, join hyphens) and to ``python -c
pass``. Peak memory is the child's own ``ru_maxrss`` (``os.wait4``).

- cold whole job: ``python -m pipeline run --no-prefect --force RAW --out TMP``
  (stages, archive check, render, write; the spelling index from .cache/);
- cached rerun: the same without ``--force`` (nothing changed: "cached");
- peak memory for the book and for N copies of it in one file (``--copies``);
- with ``--batch N``: N copies of the book as N books, once each: without
  Prefect, with Prefect one book at a time, and with ``--workers 2`` (a
  process pool, each book one task); the Prefect rows report to
  ``PREFECT_API_URL`` if set (a started server), else to an ephemeral one
  in a fresh ``PREFECT_HOME``.

Run: .venv/bin/python bench/whole_job.py [--rounds 5] [--copies 8] [--batch 20] [RAW_FILE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import BOOK, PROJECT, subprocess_env, table, temporary_folder


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one child process; its failure stops the bench."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"{' '.join(command)} failed ({child.returncode}):\n{stderr.decode()[-3000:]}")
    return seconds, usage.ru_maxrss / 1024


def batch_rows(book: Path, books: int, tmp: Path, env: dict[str, str]) -> list[list[str]]:
    """Wall time of N books as one batch: plain, Prefect serial, Prefect with 2 workers; speed-up over serial."""
    raw = tmp / "batch"
    raw.mkdir()
    for n in range(books):
        (raw / f"book{n:02d}.txt").write_bytes(book.read_bytes())
    prefect_env = {**env, "PREFECT_HOME": str(tmp / "prefect-home"), "DO_NOT_TRACK": "1"}
    run = [sys.executable, "-m", "pipeline", "run", str(raw / "*.txt"), "--force"]
    modes = {
        "plain (--no-prefect)": ([*run, "--no-prefect", "--out", str(tmp / "b-plain")], env),
        "Prefect, one book at a time": ([*run, "--out", str(tmp / "b-serial")], prefect_env),
        "Prefect, --workers 2": ([*run, "--workers", "2", "--out", str(tmp / "b-workers")], prefect_env),
    }
    measure(modes["Prefect, one book at a time"][0][:4] + ["--help"], prefect_env)  # warm the file cache
    seconds = {name: measure(command, environment)[0] for name, (command, environment) in modes.items()}
    serial = seconds["Prefect, one book at a time"]
    return [[f"{books} books: {name}", f"{t:.1f}", f"{t / books:.2f} s a book", f"{serial / t:.2f}× over Prefect serial"]
            for name, t in seconds.items()]


def main(book: Path, rounds: int, copies: int, books: int = 0) -> None:
    env = subprocess_env()
    python = sys.executable
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
            "cached rerun (run --no-prefect)": [*pipeline, str(book), "--out", str(tmp / "out")],
        }
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, command in commands.items():
                figures[name].append(measure(command, env))
        big = measure([*pipeline, "--force", str(many), "--out", str(tmp / "many")], env)
        batch = batch_rows(book, books, tmp, env) if books else []
    seconds = {name: statistics.median(s for s, _ in runs) for name, runs in figures.items()}
    peak = {name: max(m for _, m in runs) for name, runs in figures.items()}
    naive, empty = seconds["naive peer (bench/naive.py)"], seconds["python -c pass"]
    rows = [[name, f"{seconds[name]:.3f}", f"{seconds[name] / naive:.1f}×", f"{seconds[name] / empty:.1f}×",
             f"{peak[name]:.0f}"] for name in commands]
    rows.append([f"cold whole job, {copies} copies in one file ({copies * size / 1e6:.1f} MB)", f"{big[0]:.3f}",
                 f"{big[0] / naive:.1f}×", f"{big[0] / empty:.1f}×", f"{big[1]:.0f}"])
    print(f"book: {book.name} ({size / 1e6:.2f} MB); median of {rounds} interleaved rounds, each a new process\n")
    print(table(["command", "seconds", "× naive peer", "× python -c pass", "peak RSS (MB)"], rows))
    one = peak["cold whole job (run --no-prefect --force)"]
    print(f"\nmemory per extra copy of the book: {(big[1] - one) / (copies - 1):.1f} MB "
          f"({(big[1] - one) * 2**20 / ((copies - 1) * size):.0f}× its raw bytes)")
    if batch:
        where = os.environ.get("PREFECT_API_URL") or "an ephemeral server (fresh PREFECT_HOME)"
        print(f"\nbatch, {os.cpu_count()} cores, Prefect reporting to {where}\n")
        print(table(["batch", "seconds", "per book", "speed-up"], batch))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("book", nargs="?", type=Path, default=BOOK)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--batch", type=int, default=0, metavar="BOOKS", help="also time a batch of this many books")
    arguments = parser.parse_args()
    main(arguments.book, arguments.rounds, arguments.copies, arguments.batch)
