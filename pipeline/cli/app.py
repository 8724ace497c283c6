"""The command-line application object and what every command shares: -h, --version, one-line errors.

The commands live beside it, one module per use: run.py (clean books),
prefect.py (the dashboard server, schedules, trigger), log.py (the change
log and the review list read back). The application is a click group that
imports a command's module only when that command is asked for (click's
documented "lazily loading subcommands" pattern), so ``run`` never pays for
the Prefect or change-log commands' imports, and a cached rerun stays
cheap. Why click itself and not typer: typer 0.29 builds a pydantic
validator for every parameter, which costs ~0.1 s of every run (a third of
a cached rerun) for what click's own types do.
"""

from __future__ import annotations

import importlib

import click

from pipeline import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "show_default": True}

COMMANDS = {
    "run": "pipeline.cli.run:run",
    "serve": "pipeline.cli.prefect:serve",
    "trigger": "pipeline.cli.prefect:trigger",
    "server": "pipeline.cli.prefect:server",
    "why": "pipeline.cli.log:why",
    "review": "pipeline.cli.log:review",
}
"""Each command's name and where it is defined, in the order ``-h`` lists them."""


class LazyGroup(click.Group):
    """A group whose commands are imported from ``module:name`` when first used."""

    def __init__(self, *args, lazy: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.lazy, *(name for name in super().list_commands(ctx) if name not in self.lazy)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy:
            return super().get_command(ctx, name)
        module, _, attribute = self.lazy[name].partition(":")
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings=CONTEXT, no_args_is_help=True)
@click.version_option(__version__, "--version", message="ocr-cleanup-pipeline %(version)s", help="Print the version and exit")
def app() -> None:
    """Clean the OCR text of scanned books: raw/ in, clean/ out, every edit logged."""


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
