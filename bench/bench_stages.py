"""Time the stages on the whole book: cold process, warm, and the whole Prefect flow.

Prints figures; asserts nothing. Run: .venv/bin/python bench/bench_stages.py [RAW_FILE]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BOOK = PROJECT / "raw" / "lenins-fight-against-stalinism.txt"

COLD = """
import time, sys
t0 = time.perf_counter()
from pipeline.config import load_config
from pipeline.process import clean_file
t1 = time.perf_counter()
result = clean_file(sys.argv[1], load_config())
t2 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} " + " ".join(f"{k}={v:.3f}" for k, v in result.timings.items()))
"""


def main(book: Path) -> None:
    from pipeline.config import load_config
    from pipeline.process import clean_file

    size = book.stat().st_size
    print(f"book: {book.name} ({size / 1e6:.2f} MB), python {sys.version.split()[0]}, {os.cpu_count()} cores")

    cold = subprocess.run([sys.executable, "-c", COLD, str(book)], capture_output=True, text=True, check=True).stdout.split()
    print(f"cold process: import {cold[0]} s, stages {cold[1]} s (incl. first-use loads): {' '.join(cold[2:])}")

    config = load_config()
    clean_file(book, config)  # warm caches
    runs = [clean_file(book, config) for _ in range(5)]
    totals = [sum(r.timings.values()) for r in runs]
    print(f"warm, 5 runs: median {statistics.median(totals):.3f} s, min {min(totals):.3f} s, "
          f"{size / 1e6 / statistics.median(totals):.2f} MB/s")
    for name in runs[0].timings:
        print(f"  {name:24s} {statistics.median(r.timings[name] for r in runs):.3f} s")

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PREFECT_HOME": str(Path(tmp) / "prefect-home")}
        env.pop("PREFECT_API_URL", None)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", "run", str(book), "--out", str(Path(tmp) / "clean")],
                       cwd=PROJECT, env=env, capture_output=True, check=True)
        print(f"whole flow with Prefect (new process, ephemeral server, fresh PREFECT_HOME): "
              f"{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else BOOK)
