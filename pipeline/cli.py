"""Command line: ``python -m pipeline run [RAW_FILE ...]``. A thin layer over the library.

Examples::

    python -m pipeline run                      # every raw/*.txt, as a Prefect flow
    python -m pipeline run raw/book.txt --no-prefect
    python -m pipeline run --skip rebuild_paragraphs
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .config import DEFAULT_RULES_DIR, load_config
from .output import render, write_outputs
from .process import check_skip, run_stages
from .reader import InputError, read_book
from .rules import RulesError

PROJECT = Path(__file__).resolve().parent.parent

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Clean the OCR text of scanned books.")


@app.callback()
def main() -> None:
    """Clean the OCR text of scanned books: raw/ in, clean/ out, every edit logged."""


def prefect_environment() -> None:
    """Offline, project-local Prefect settings, unless the user has set their own."""
    os.environ.setdefault("PREFECT_HOME", str(PROJECT / ".prefect"))
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT", "false")


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


@app.command()
def run(
    files: Annotated[Optional[list[Path]], typer.Argument(help="Raw OCR files; default: every raw/*.txt")] = None,
    out: Annotated[Path, typer.Option(help="Output folder; each book gets OUT/<book>/")] = PROJECT / "clean",
    rules: Annotated[Path, typer.Option(help="Rules folder")] = DEFAULT_RULES_DIR,
    skip: Annotated[Optional[list[str]], typer.Option(help="Stage to skip (repeatable)")] = None,
    no_prefect: Annotated[bool, typer.Option("--no-prefect", help="Run the stages directly, without Prefect")] = False,
) -> None:
    """Clean raw files into OUT/<book>/ (book.md, paragraphs.jsonl, changes.jsonl, stats.json).

    Example: python -m pipeline run raw/lenins-fight-against-stalinism.txt
    """
    paths = files or sorted((PROJECT / "raw").glob("*.txt"))
    if not paths:
        fail("no raw files given and none in raw/")
        raise typer.Exit(2)
    try:
        skip_names = check_skip(skip or ())
        config = load_config(rules)
    except (RulesError, ValueError) as exc:
        fail(str(exc))
        raise typer.Exit(2)
    good, failed = [], 0
    for path in paths:
        try:
            book = read_book(path)
        except InputError as exc:
            fail(str(exc))
            failed += 1
            continue
        for warning in book.warnings:
            typer.echo(f"warning: {warning}", err=True)
        good.append((path, book))
    if no_prefect:
        for path, book in good:
            result = run_stages(book, config, skip_names)
            write_outputs(out / book.name, render(result))
            for warning in result.book.warnings[len(book.warnings):]:
                typer.echo(f"warning: {warning}", err=True)
            total = sum(result.timings.values())
            typer.echo(f"{path} -> {out / book.name}/ ({len(result.changes)} changes, {total:.2f} s)")
    elif good:
        prefect_environment()
        if not os.environ.get("PREFECT_API_URL"):
            typer.echo(
                "note: no Prefect server configured (PREFECT_API_URL); running in ephemeral mode, "
                "so the dashboard will not keep a complete record of this run",
                err=True,
            )
        from .flow import clean_raw

        for folder in clean_raw([str(p) for p, _ in good], str(out), str(rules), list(skip_names)):
            typer.echo(f"wrote {folder}/")
    if failed:
        raise typer.Exit(1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
