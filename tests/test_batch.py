"""Batches without Prefect: one bad book does not stop the others; bad input is reported, never a crash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BOOK, PROJECT, clean_one
from pipeline.run.batch import clean_books, format_summary, summary_rows
from pipeline.run.book import Hooks, Outcome
from pipeline.run.names import plan
from pipeline.run.options import RunOptions
from pipeline.stages import STAGES

NO_PAGES = "A Letter\n\nDear comrades, this text was typed, not scanned.\nIt has no page numbers and no running heads.\n"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "run", *args, "--no-prefect"],
        cwd=PROJECT, capture_output=True, text=True, env=os.environ, timeout=120,
    )


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    """raw/ with a good cut of the book (pages 5-12), an empty file and a text with no page structure."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a-cut.txt").write_text("\n".join(BOOK.read_text(encoding="utf-8").split("\n")[182:580]) + "\n", encoding="utf-8")
    (raw / "b-empty.txt").write_bytes(b"")
    (raw / "c-letter.txt").write_text(NO_PAGES, encoding="utf-8")
    return raw


def test_batch_one_failure_does_not_stop_the_others(raw_dir, tmp_path, config):
    options = RunOptions(tmp_path / "clean")
    outcomes = clean_books(plan(sorted(raw_dir.glob("*.txt")), options.out), options, config)
    assert [(o.book, o.status) for o in outcomes] == [("a-cut", "cleaned"), ("b-empty", "failed"), ("c-letter", "cleaned")]
    assert "b-empty.txt: the file is empty" in outcomes[1].reason
    assert (tmp_path / "clean" / "c-letter" / "book.md").exists()
    assert not (tmp_path / "clean" / "b-empty").exists()
    table = format_summary(outcomes)
    assert table.splitlines()[0].split() == ["book", "status", "reason", "changes", "seconds", "warnings"]
    assert table.splitlines()[-1] == "3 books: 2 cleaned, 0 cached, 1 failed"
    assert summary_rows(outcomes)[2]["warnings"] == 2  # no page numbers; no contents page


def test_batch_reports_each_step_before_it_runs(raw_dir, tmp_path, config):
    """The hook the CLI's progress display hangs on: every step, registered stages in order, once each."""
    seen: list[str] = []
    clean_one(raw_dir / "c-letter.txt", tmp_path / "clean", config, hooks=Hooks(on_phase=seen.append))
    assert seen == ["check_cache", "read_book", *STAGES, "verify_against_archive", "write_outputs"]


def test_batch_cli_globs_prints_a_summary_and_exits_1(raw_dir, tmp_path):
    done = run_cli(str(raw_dir / "*.txt"), "--out", str(tmp_path / "clean"))
    assert done.returncode == 1
    assert f"error: {raw_dir / 'b-empty.txt'}: the file is empty" in done.stderr
    assert "3 books: 2 cleaned, 0 cached, 1 failed" in done.stdout
    assert "Traceback" not in done.stderr


def test_batch_cli_glob_matching_nothing_is_refused(tmp_path):
    done = run_cli(str(tmp_path / "*.txt"), "--out", str(tmp_path / "clean"))
    assert done.returncode == 2 and "no file matches this pattern" in done.stderr


def test_batch_cli_warns_when_a_text_has_no_page_structure(raw_dir, tmp_path):
    done = run_cli(str(raw_dir / "c-letter.txt"), "--out", str(tmp_path / "clean"))
    assert done.returncode == 0, done.stderr
    assert "warning: c-letter: no page numbers or running heads found; cleaned as one unnumbered page" in done.stderr
    assert "Dear comrades, this text was typed" in (tmp_path / "clean" / "c-letter" / "book.md").read_text()


def test_batch_cli_prints_the_legacy_encoding_warning(tmp_path):
    raw = tmp_path / "legacy.txt"
    raw.write_bytes("Lenin’s “testament” — 1922\n".encode("cp1252"))
    done = run_cli(str(raw), "--out", str(tmp_path / "clean"))
    assert done.returncode == 0, done.stderr
    assert "legacy.txt: not UTF-8; decoded as cp1252" in done.stderr and "iconv -f CP1252" in done.stderr


def test_batch_cli_refuses_a_100_mb_file_with_its_size(tmp_path):
    """A sparse 100 MB file (nothing written to disk): refused by size at once, no traceback, no output."""
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(100_000_000)
    done = run_cli(str(huge), "--out", str(tmp_path / "clean"))
    assert done.returncode == 1
    assert f"error: {huge}: 100 MB is larger than the 50 MB limit for one book" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "clean" / "huge").exists()


def test_batch_outcome_line_of_a_cached_book():
    assert Outcome("raw/b.txt", "b", "cached", "cached", "clean/b", seconds=0.004).line() == "raw/b.txt -> clean/b/: cached, 0.00 s"


def registered_commands(group, prefix=()):
    """Every command the CLI really registers, as argument lists (``["server", "start"]``)."""
    import click

    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            yield from registered_commands(command, (*prefix, name))
        else:
            yield [*prefix, name]


def test_cli_every_command_has_an_example_in_its_help():
    """sqlite-utils' rule: a command without an example in its help is undocumented."""
    from click.testing import CliRunner

    from pipeline.cli import app

    runner = CliRunner()
    commands = list(registered_commands(app))
    assert ["run"] in commands and ["server", "status"] in commands
    for command in commands:
        result = runner.invoke(app, [*command, "-h"], terminal_width=200)
        assert result.exit_code == 0, result.output
        assert "Example: python -m pipeline " + " ".join(command) in result.output, command


def test_cli_version_and_short_help():
    from click.testing import CliRunner

    import pipeline
    from pipeline.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["--version"]).output.strip() == f"ocr-cleanup-pipeline {pipeline.__version__}"
    assert "Commands" in runner.invoke(app, ["-h"]).output


def test_batch_a_raw_file_changed_during_its_run_fails_the_book_and_keeps_the_earlier_output(tmp_path, config):
    """The archive check reads the raw file again at the end (the book as read keeps no texts meanwhile):
    if the file changed since it was read, the book fails with the file's name and the last output stays."""
    from pipeline.verification.store import forget

    raw = tmp_path / "book.txt"
    raw.write_bytes(BOOK.read_bytes())
    first = clean_one(raw, tmp_path / "clean", config)
    assert first.status == "cleaned"
    published = (tmp_path / "clean" / "book" / "book.md").read_bytes()

    def edit_raw_before_the_check(step: str) -> None:
        if step == "verify_against_archive":
            raw.write_bytes(raw.read_bytes().replace(b"Stalin", b"Sta1in", 1))

    forget("book")  # the check is computed, not taken from .cache/verification
    again = clean_one(raw, tmp_path / "clean", config, force=True, hooks=Hooks(on_phase=edit_raw_before_the_check))
    assert again.failed and again.reason == f"{raw}: changed while it was being cleaned; run again"
    assert (tmp_path / "clean" / "book" / "book.md").read_bytes() == published
