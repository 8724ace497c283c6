"""The command-line application object and what every command shares: -h, --version, one-line errors.

The commands live beside it, one module per use: run.py (clean books),
prefect.py (the dashboard server, schedules, trigger), log.py (the change
log and the review list read back); pipeline/cli/__init__.py registers them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline import __version__

CONTEXT = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(add_completion=False, no_args_is_help=True, context_settings=CONTEXT,
                  help="Clean the OCR text of scanned books: raw/ in, clean/ out, every edit logged.")
server_app = typer.Typer(
    add_completion=False, no_args_is_help=True, context_settings=CONTEXT,
    help="Start, stop or check the local Prefect server that keeps the dashboard (http://127.0.0.1:4200).",
)
app.add_typer(server_app, name="server")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ocr-cleanup-pipeline {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit")] = False,
) -> None:
    """Clean the OCR text of scanned books: raw/ in, clean/ out, every edit logged."""


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
