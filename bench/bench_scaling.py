"""Batch scaling: 1, 10 and 50 copies of the book, serially and in parallel; time ratio against one copy.

Each copy is a separate raw file (``copy-NNN.txt``) cleaned completely:
read, stages, render, write ``OUT/copy-NNN/``. Every measurement is a new
process, so it includes imports, the spelling index load and (with Prefect)
the temporary server. Modes:

- ``serial``: the CLI without Prefect, ``python -m pipeline run --no-prefect COPIES --out TMP``;
- ``process-pool``: ``concurrent.futures.ProcessPoolExecutor(2)``, one book per call, no Prefect;
- ``prefect-process``: a Prefect flow with one task per book mapped over the copies on
  ``ProcessPoolTaskRunner(max_workers=2)``, ephemeral mode (PREFECT_HOME migrated beforehand);
- ``prefect-thread`` (not by default): the same on ``ThreadPoolTaskRunner(max_workers=2)``.

Copies of one book share a little cache (repair_unicode memoises its token
test), so later copies are slightly cheaper than new books would be.

Run: PYTHONPATH=. .venv/bin/python bench/bench_scaling.py [--copies 1 10 50] [--modes serial process-pool prefect-process]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import BOOK, PROJECT, subprocess_env, table, temporary_folder

MODES = ("serial", "process-pool", "prefect-process", "prefect-thread")


def clean_one(path: str, out: str) -> int:
    """Clean one raw file into OUT/<name>/ as the CLI does (the archive check included); the number of changes."""
    from pipeline.rules import load_config
    from pipeline.run.book import clean_book
    from pipeline.run.names import plan
    from pipeline.run.options import RunOptions

    options = RunOptions(out=Path(out), force=True)
    outcome = clean_book(plan([Path(path)], options.out)[0], options, load_config(options.rules, options.archive))
    return outcome.changes


def child(mode: str, paths: list[str], out: str) -> None:
    """Run one batch in this (new) process and print its wall time as JSON."""
    start = time.perf_counter()
    if mode == "process-pool":
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=2) as pool:
            changes = list(pool.map(clean_one, paths, [out] * len(paths)))
    else:
        from prefect import flow, task, unmapped
        from prefect.cache_policies import NO_CACHE
        from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

        runner = ProcessPoolTaskRunner(max_workers=2) if mode == "prefect-process" else ThreadPoolTaskRunner(max_workers=2)
        clean_task = task(clean_one, name="clean_book", cache_policy=NO_CACHE)

        @flow(name="clean-batch", task_runner=runner)
        def batch(paths: list[str], out: str) -> list[int]:
            return [future.result() for future in clean_task.map(paths, unmapped(out))]

        changes = batch(paths, out)
    assert len(changes) == len(paths) and len(set(changes)) == 1, changes
    print(json.dumps({"seconds": time.perf_counter() - start}))


def prefect_env(home: Path) -> dict[str, str]:
    env = {**subprocess_env(), "PREFECT_HOME": str(home), "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_LOGGING_LEVEL": "WARNING"}
    env.pop("PREFECT_API_URL", None)
    return env


def run(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command[:6])} ... failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def main(copies: list[int], modes: list[str]) -> None:
    mb = BOOK.stat().st_size / 1e6
    print(f"book: {BOOK.name} ({mb:.2f} MB), python {sys.version.split()[0]}, {os.cpu_count()} cores; "
          f"wall time of a new process per batch (read, clean, render, write)\n")
    with temporary_folder() as tmp_name:
        tmp = Path(tmp_name)
        raw = tmp / "raw"
        raw.mkdir()
        paths = []
        for n in range(1, max(copies) + 1):
            shutil.copy(BOOK, raw / f"copy-{n:03d}.txt")
            paths.append(str(raw / f"copy-{n:03d}.txt"))
        home = tmp / "prefect-home"
        if any(m.startswith("prefect") for m in modes):  # migrate the database once, outside the timings
            run([sys.executable, __file__, "--child", "prefect-thread", "--out", str(tmp / "warm"), paths[0]], prefect_env(home))
        results: dict[str, dict[int, float]] = {}
        for mode in modes:
            for n in copies:
                out = tmp / f"out-{mode}-{n}"
                if mode == "serial":
                    seconds = run([sys.executable, "-m", "pipeline", "run", "--no-prefect", *paths[:n], "--out", str(out)],
                                  subprocess_env())
                else:
                    env = prefect_env(home) if mode.startswith("prefect") else subprocess_env()
                    seconds = run([sys.executable, __file__, "--child", mode, "--out", str(out), *paths[:n]], env)
                results.setdefault(mode, {})[n] = seconds
                shutil.rmtree(out, ignore_errors=True)
                print(f"  {mode:16s} {n:3d} copies: {seconds:6.1f} s", file=sys.stderr)
    rows = []
    for mode, by_n in results.items():
        base = by_n[copies[0]]
        for n, seconds in by_n.items():
            rows.append([mode, n, f"{seconds:.1f}", f"{seconds / base:.1f}" if n != copies[0] else "1.0",
                         f"{seconds / n:.2f}", f"{n * mb / seconds:.2f}"])
    print(table(["mode", "copies", "wall s", f"ratio to {copies[0]} cop{'y' if copies[0] == 1 else 'ies'}",
                 "s per copy", "MB/s"], rows))
    if "serial" in results and len(results) > 1:
        n = max(copies)
        print(f"\nspeed-up over serial at {n} copies: "
              + ", ".join(f"{m} {results['serial'][n] / r[n]:.2f}x" for m, r in results.items() if m != "serial"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES[:3]))
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.paths, args.out)
    else:
        main(args.copies, args.modes)
