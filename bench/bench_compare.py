"""Time one stage warm on the book in this checkout and in another one, side by side.

A shared machine moves timings by ±30% from minute to minute, so a figure
from today cannot be set against one from last week. This script runs the
two checkouts in alternation, each in a fresh process (warm-up run, then the
best of ``--runs`` warm runs of the stage), several rounds, and prints the
median of each and their ratio. ``--stage archive_check`` times the archive
check of the cleaned book instead (computed, never taken from .cache/).
Prints figures; asserts nothing.

Run: .venv/bin/python bench/bench_compare.py OTHER_CHECKOUT [--stage correct_ocr_words|archive_check] [--rounds 3]
(e.g. OTHER_CHECKOUT made with ``git archive main | tar -x -C /tmp/main``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from common import BOOK, PROJECT

WARM = """
import json, sys, time
from pipeline.rules import load_config
from pipeline.reader import read_book
from pipeline.stages import run_stages
config = load_config()
book = read_book(sys.argv[1])
result = run_stages(book, config)
if sys.argv[2] == "archive_check":
    from pipeline.verification.store import check
    def timed():
        start = time.perf_counter()
        check(result, config)  # no cache key: always computed
        return time.perf_counter() - start
    timed()
    print(json.dumps(min(timed() for _ in range(int(sys.argv[3])))))
else:
    print(json.dumps(min(run_stages(book, config).timings[sys.argv[2]] for _ in range(int(sys.argv[3])))))
"""


def warm_time(checkout: Path, stage: str, runs: int) -> float:
    """The best warm time of ``stage`` in a fresh process importing ``checkout``'s pipeline."""
    done = subprocess.run(
        [sys.executable, "-c", WARM, str(BOOK), stage, str(runs)],
        cwd=checkout, env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
    )
    if done.returncode:
        sys.exit(f"{checkout}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("other", type=Path, help="the other checkout (its pipeline/ and rules/ are used)")
    parser.add_argument("--stage", default="correct_ocr_words")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"other": [], "this": []}
    for _ in range(args.rounds):
        times["other"].append(warm_time(args.other.resolve(), args.stage, args.runs))
        times["this"].append(warm_time(PROJECT, args.stage, args.runs))
    other, this = statistics.median(times["other"]), statistics.median(times["this"])
    print(f"{args.stage} warm on {BOOK.name} (best of {args.runs} runs per process, median of {args.rounds} "
          f"alternating processes): other {other:.3f} s, this {this:.3f} s, ratio {this / other:.2f}")
    print("each process:", {k: [round(t, 3) for t in v] for k, v in times.items()})


if __name__ == "__main__":
    main()
