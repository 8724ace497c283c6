"""Peak memory of the whole job on the book and on copies of it in one file, each a fresh process, archive check computed.

Prints figures; asserts nothing. For each size, N copies of the book are
written to one file in a temporary folder and cleaned as a user runs it:
``python -m pipeline run --no-prefect --force FILE --out TMP``. Peak
memory is the child's own ``ru_maxrss`` (``os.wait4``).

The archive check is always computed: a run under ``--force`` whose inputs
hash as before takes the check from ``.cache/verification/`` (see
:mod:`pipeline.verification.store`), which would hide its memory, so the
input's kept result is dropped before each run (and after, leaving the
cache as it was found). With ``--reused`` each size is run a second time
with the check taken from the cache, for comparison.

The figure the issues ask for is the growth per extra copy of the book,
against the raw file's size: (peak for N copies - peak for 1) / (N - 1).

Run: .venv/bin/python bench/memory.py [--copies 1 8 118] [--reused] [RAW_FILE]
(the default sizes take ~8 min on a 2-core machine, almost all of it the 118 copies, a 45 MB file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from common import BOOK, subprocess_env, table, temporary_folder
from whole_job import measure

from pipeline.reader import book_name
from pipeline.verification.store import forget


def main(book: Path, copies: list[int], reused: bool) -> None:
    env = subprocess_env()
    raw = book.read_text(encoding="utf-8")
    size = book.stat().st_size
    rows, peaks = [], {}
    with temporary_folder() as tmp:
        tmp = Path(tmp)
        for n in copies:
            path = tmp / f"{book.stem}-memory-x{n}.txt"
            path.write_text(raw * n, encoding="utf-8")
            command = [sys.executable, "-m", "pipeline", "run", "--no-prefect", "--force", str(path), "--out", str(tmp / "out")]
            forget(book_name(path))
            try:
                seconds, peak, _ = measure(command, env)
                peaks[n] = peak
                rows.append([f"{n} × the book ({n * size / 1e6:.1f} MB)", "computed", f"{seconds:.1f}", f"{peak:.0f}"])
                if reused:
                    seconds, peak, _ = measure(command, env)
                    rows.append([f"{n} × the book ({n * size / 1e6:.1f} MB)", "reused from .cache", f"{seconds:.1f}", f"{peak:.0f}"])
            finally:
                forget(book_name(path))
            path.unlink()
    print(f"book: {book.name} ({size / 1e6:.2f} MB); cold `run --no-prefect --force`, one fresh process a row\n")
    print(table(["input", "archive check", "seconds", "peak RSS (MB)"], rows))
    if 1 in peaks and len(peaks) > 1:
        print()
        for n, peak in peaks.items():
            if n > 1:
                extra = (peak - peaks[1]) / (n - 1)
                print(f"memory per extra copy, 1 to {n} copies: {extra:.1f} MB ({extra * 2**20 / size:.1f}× the raw bytes)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("book", nargs="?", type=Path, default=BOOK)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 8, 118], metavar="N")
    parser.add_argument("--reused", action="store_true", help="also run each size with the check taken from the cache")
    arguments = parser.parse_args()
    main(arguments.book, arguments.copies, arguments.reused)
