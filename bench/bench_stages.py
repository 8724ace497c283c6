"""Time the stages on the whole book: cold process, warm, the CLI and the whole Prefect flow; throughput, peak memory.

Prints figures; asserts nothing. Every "new process" figure is a fresh
Python started for it, so it includes imports and first-use loads.

- cold: a new process imports the pipeline and cleans the book once, with
  the spelling index cache (.cache/) present as usual, and once with an
  empty cache folder (the first run on a machine builds the index);
- warm: the same process again, median of 5 runs, per stage;
- peak memory: the largest resident set of the cold process
  (``ru_maxrss``) and the Python allocations of a warm run (tracemalloc);
- CLI without Prefect (``--no-prefect``: stages, render, write) and with
  Prefect (``python -m pipeline run FILE --out TMP``, ephemeral mode, a
  fresh PREFECT_HOME), each in a new process, with its peak memory;
- the Prefect flow in one process: import, first flow (starts the
  temporary server), second flow (server already up).

Run: PYTHONPATH=. .venv/bin/python bench/bench_stages.py [RAW_FILE]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tracemalloc
from pathlib import Path

from common import BOOK, run_python, subprocess_env, temporary_folder

COLD = """
import json, resource, sys, time
t0 = time.perf_counter()
from pipeline.rules import load_config
from pipeline.reader import read_book
from pipeline.stages import run_stages
import pipeline.spelling as spelling
if len(sys.argv) > 2:  # an empty cache folder: the index is built as on a first run
    from pathlib import Path
    spelling.cache_file = lambda: Path(sys.argv[2]) / "index.sqlite3"
t1 = time.perf_counter()
config = load_config()
result = run_stages(read_book(sys.argv[1]), config)
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "total": t2 - t1, "stages": result.timings,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

MEASURE = """
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - t0
if done.returncode:
    sys.exit(done.stderr[-3000:])
print(json.dumps({"seconds": seconds, "maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "stderr": done.stderr[-500:]}))
"""

FLOW = """
import json, sys, time
t0 = time.perf_counter()
from pipeline.ops.flow import clean_raw
t1 = time.perf_counter()
clean_raw([sys.argv[1]], sys.argv[2] + "/a", skip=[])
t2 = time.perf_counter()
clean_raw([sys.argv[1]], sys.argv[2] + "/b", skip=[])
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "second": t3 - t2}))
"""


def prefect_env(tmp: Path) -> dict[str, str]:
    """Ephemeral mode with a fresh, throw-away PREFECT_HOME, offline."""
    env = {**subprocess_env(), "PREFECT_HOME": str(tmp / "prefect-home"), "DO_NOT_TRACK": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    return env


def measured(command: list[str], env: dict[str, str]) -> dict:
    """Wall time and peak resident memory (largest process) of a command, measured from a parent of its own."""
    return json.loads(run_python(MEASURE, *command, env=env).strip().splitlines()[-1])


def main(book: Path) -> None:
    from pipeline.rules import load_config
    from pipeline.reader import read_book
    from pipeline.stages import run_stages

    mb = book.stat().st_size / 1e6
    print(f"book: {book.name} ({mb:.2f} MB, {sum(1 for _ in book.open(encoding='utf-8'))} lines), "
          f"python {sys.version.split()[0]}, {os.cpu_count()} cores\n")

    with temporary_folder() as tmp_name:
        tmp = Path(tmp_name)
        rows = []
        for label, extra in (("cold, index cache present", []), ("cold, no index cache (first run)", [str(tmp / "no-cache")])):
            (tmp / "no-cache").mkdir(exist_ok=True)
            cold = json.loads(run_python(COLD, str(book), *extra))
            total = cold["import"] + cold["total"]
            stages = " ".join(f"{k}={v:.2f}" for k, v in cold["stages"].items())
            rows.append(f"- {label}: import {cold['import']:.2f} s + config and stages {cold['total']:.2f} s = {total:.2f} s "
                        f"({mb / total:.2f} MB/s), peak RSS {cold['maxrss_mb']:.0f} MB\n    {stages}")
        print("new process, stages only (no output written):")
        print("\n".join(rows))

        config = load_config()
        run_stages(read_book(book), config)  # first-use loads
        runs = [run_stages(read_book(book), config) for _ in range(5)]
        totals = [sum(r.timings.values()) for r in runs]
        median = statistics.median(totals)
        print(f"\nwarm, same process, 5 runs: median {median:.2f} s (min {min(totals):.2f}, max {max(totals):.2f}), "
              f"{mb / median:.2f} MB/s")
        print("| stage | median s | share |\n|---|---|---|")
        for name in runs[0].timings:
            t = statistics.median(r.timings[name] for r in runs)
            print(f"| {name} | {t:.3f} | {t / median:.0%} |")
        tracemalloc.start()
        run_stages(read_book(book), config)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak Python allocations during a warm run (tracemalloc): {peak / 1e6:.0f} MB "
              f"(the book in memory; no stage snapshots kept)")

        print("\nwhole command, new process (reads, cleans, renders and writes clean/<book>/):")
        cli = [sys.executable, "-m", "pipeline", "run", str(book)]
        plain = measured(cli + ["--no-prefect", "--out", str(tmp / "out-plain")], subprocess_env())
        print(f"- without Prefect (--no-prefect): {plain['seconds']:.2f} s, {mb / plain['seconds']:.2f} MB/s, "
              f"peak RSS {plain['maxrss_mb']:.0f} MB")
        flow = measured(cli + ["--out", str(tmp / "out-flow")], prefect_env(tmp))
        print(f"- with Prefect (ephemeral server, fresh PREFECT_HOME): {flow['seconds']:.1f} s, "
              f"{mb / flow['seconds']:.3f} MB/s, peak RSS of the largest process {flow['maxrss_mb']:.0f} MB")

        parts = json.loads(run_python(FLOW, str(book), str(tmp / "out-flow2"), env=prefect_env(tmp)).strip().splitlines()[-1])
        print(f"- the flow in one process (PREFECT_HOME set up by the run above): import prefect and the flow "
              f"{parts['import']:.1f} s, first flow run {parts['first']:.1f} s (starts the temporary server), "
              f"second flow run {parts['second']:.1f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else BOOK)
