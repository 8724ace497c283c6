"""Regenerate the README's "Benchmarks" section from the bench scripts, run now on this commit.

Why: figures in the README must come from a script run on the commit they
describe, never typed by hand. This runs each bench script in turn (one after
the other: on 2 cores a parallel run would skew every time), and replaces
what lies between the two markers in README.md with their printed tables,
each under the exact command that printed it, plus the date, the commit and
the Python version. Prose that explains the figures stays outside the markers.

    .venv/bin/python bench/readme.py            # all scripts (~25 min, 8 of them bench/memory.py)
    .venv/bin/python bench/readme.py --check    # exit 1 if the README's section names another commit
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from pathlib import Path

from common import PROJECT, subprocess_env

README = PROJECT / "README.md"
START, END = "<!-- bench:start (bench/readme.py writes this part) -->", "<!-- bench:end -->"

# (title, script and its arguments): the order is the README's.
RUNS: tuple[tuple[str, list[str]], ...] = (
    ("The whole job, as a user runs it; a 20-book batch plain, on Prefect one at a time and on 2 workers",
     ["bench/whole_job.py", "--rounds", "3", "--batch", "20"]),
    ("Per stage, warm and cold", ["bench/bench_stages.py"]),
    ("Peak memory for the book and for 8 and 118 copies of it in one file (45 MB), archive check computed",
     ["bench/memory.py"]),
    ("Against peers, on the real book", ["bench/peers.py"]),
    ("The synthetic suite (exact truth), seeds 1-3", ["bench/bench_synthetic.py", "--seeds", "1", "2", "3"]),
    ("Marks in the book's body, at the start of this round (5876239) and now",
     ["bench/scan_marks.py", "--quiet", "--before", "5876239"]),
)


CODE = ("pipeline", "rules", "bench", "synthetic", "pyproject.toml", "constraints.txt", ":!bench/readme.py", ":!bench/README.md")
"""What the figures measure (this script and the bench notes are not: editing them keeps the figures valid)."""


def commit() -> str:
    """The last commit that changed the code the figures measure ('+' when the work tree differs from it).

    A later commit that only touches the README or tests keeps the figures valid, and names the same commit.
    """
    git = lambda *a: subprocess.run(["git", *a], cwd=PROJECT, capture_output=True, text=True).stdout.strip()  # noqa: E731
    return git("log", "-1", "--format=%h", "--", *CODE) + ("+" if git("status", "--porcelain", "--", *CODE) else "")


def section(only: set[str] | None) -> str:
    """Run the scripts and return the section's Markdown."""
    parts = [
        START,
        f"Measured {time.strftime('%Y-%m-%d')} on commit `{commit()}`, Python {platform.python_version()}, "
        f"{platform.machine()} with {__import__('os').cpu_count()} cores, by `bench/readme.py`, which ran each "
        "command below in turn and pasted what it printed. The machine is shared: times move by ±20% between runs; "
        "compare ratios within one table.",
    ]
    for title, argv in RUNS:
        if only and Path(argv[0]).stem not in only:
            continue
        print(f"running {' '.join(argv)} ...", file=sys.stderr, flush=True)
        started = time.monotonic()
        done = subprocess.run([sys.executable, *argv], cwd=PROJECT, env=subprocess_env(), capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"bench/readme.py: {' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
        print(f"  {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        printed = "\n".join("####" + line.lstrip("#") if line.startswith("#") else line for line in done.stdout.strip().splitlines())
        parts += [f"### {title}", f"`.venv/bin/python {' '.join(argv)}`", printed]  # its headings under this one
    parts.append(END)
    return "\n\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", help="script names (e.g. whole_job peers); default: all")
    parser.add_argument("--check", action="store_true", help="only say whether the section was made on this commit")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{README}: the markers {START!r} and {END!r} are missing")
    head, rest = text.split(START, 1)
    old, tail = rest.split(END, 1)
    if args.check:
        made = f"commit `{commit()}`" in old
        print("the Benchmarks section was made on this commit" if made else "the Benchmarks section names another commit")
        raise SystemExit(0 if made else 1)
    new = head + section(set(args.only) if args.only else None).rstrip("\n") + tail
    tmp = README.with_suffix(".md.tmp")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(README)
    print(f"{README}: Benchmarks section regenerated", file=sys.stderr)


if __name__ == "__main__":
    main()
