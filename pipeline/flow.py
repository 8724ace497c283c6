"""The Prefect flow: one task per stage around the pure stage functions. The only module that imports Prefect.

``clean_raw`` runs ``clean_book`` for each raw file as a subflow, so each book
shows in the dashboard as its own run with one task run per stage, and a
markdown artifact with its stats.
"""

from __future__ import annotations

import json
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from .config import Config, load_config
from .model import Book, Change
from .output import render, write_outputs
from .process import Result, check_skip
from .reader import read_book
from .stages import STAGES


@task(name="read_book", cache_policy=NO_CACHE)
def read_task(path: Path) -> Book:
    return read_book(path)


@task(cache_policy=NO_CACHE)
def stage_task(name: str, book: Book, config: Config) -> tuple[Book, list[Change]]:
    """Run one registered stage; the task run is named after the stage."""
    book, changes = STAGES[name](book, config)
    get_run_logger().info("%s: %d change(s)", name, len(changes))
    return book, changes


@task(name="write_outputs", cache_policy=NO_CACHE)
def write_task(result: Result, folder: Path) -> list[str]:
    files = render(result)
    written = write_outputs(folder, files)
    summary = json.loads(files["stats.json"])
    pages = summary["pages"]
    create_markdown_artifact(
        key="stats-" + "".join(c if c.isalnum() else "-" for c in result.book.name.lower()),
        markdown=(
            f"# {result.book.name}\n\n"
            f"- pages {pages['first']}..{pages['last']} ({pages['count']}), gaps {pages['gaps']}, "
            f"misreads repaired {len(pages['misread_repaired'])}\n"
            f"- paragraphs {summary['paragraphs']['count']}, changes {summary['changes']}\n\n"
            "| rule | count |\n|---|---|\n"
            + "".join(f"| {rule} | {count} |\n" for rule, count in summary["changes_by_rule"].items())
        ),
        description="Cleanup statistics",
    )
    return [str(p) for p in written]


@flow(name="clean-book")
def clean_book(path: str, out_dir: str = "clean", rules_dir: str | None = None, skip: list[str] | None = None) -> str:
    """Clean one raw file into ``out_dir/<book>/``."""
    skip_names = check_skip(skip or ())
    config = load_config(Path(rules_dir)) if rules_dir else load_config()
    book = read_task(Path(path))
    raw_lines = len(book.lines)
    changes: list[Change] = []
    for name in STAGES:
        if name in skip_names:
            continue
        book, stage_changes = stage_task.with_options(name=name)(name, book, config)
        changes.extend(stage_changes)
    folder = Path(out_dir) / book.name
    write_task(Result(book, tuple(changes), raw_lines), folder)
    return str(folder)


@flow(name="clean-raw")
def clean_raw(paths: list[str], out_dir: str = "clean", rules_dir: str | None = None, skip: list[str] | None = None) -> list[str]:
    """Clean each raw file in turn, each as its own subflow run."""
    return [clean_book(path, out_dir, rules_dir, skip) for path in paths]
