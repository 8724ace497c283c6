"""The command line as users run it: exit codes, messages naming the file, outputs left intact."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import PROJECT


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "run", *args],
        cwd=PROJECT, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300,
    )


def test_cli_cleans_a_file_without_prefect(cut_book, tmp_path):
    done = run_cli(str(cut_book), "--out", str(tmp_path / "clean"), "--no-prefect")
    assert done.returncode == 0, done.stderr
    book = (tmp_path / "clean" / "cut" / "book.md").read_text(encoding="utf-8")
    assert "and other countries. This oppositional core later developed" in book
    assert "Lenin’s Fight Against Stalinism" not in book


@pytest.mark.parametrize(
    "content, message",
    [(b"", "the file is empty"), (b"\x00\x01binary", "the file is binary")],
)
def test_cli_bad_input_exits_non_zero_naming_the_file_and_keeps_old_output(tmp_path, cut_book, content, message):
    out = tmp_path / "clean"
    assert run_cli(str(cut_book), "--out", str(out), "--no-prefect").returncode == 0
    before = (out / "cut" / "book.md").read_bytes()
    bad = cut_book.parent / "bad.txt"
    bad.write_bytes(content)
    cut_book.write_bytes(content)  # the same book name, now broken: its old output must survive
    done = run_cli(str(cut_book), "--out", str(out), "--no-prefect")
    assert done.returncode == 1
    assert f"{cut_book}: {message}" in done.stderr
    assert (out / "cut" / "book.md").read_bytes() == before


def test_cli_malformed_rules_exit_2_with_file_and_line(tmp_path, cut_book):
    rules = tmp_path / "rules"
    shutil.copytree(PROJECT / "rules", rules)
    (rules / "lines.tsv").write_text("action\tpattern\tnote\ndrop\t(\tx\n", encoding="utf-8")
    done = run_cli(str(cut_book), "--rules", str(rules), "--out", str(tmp_path / "o"), "--no-prefect")
    assert done.returncode == 2
    assert "lines.tsv:2: bad regular expression" in done.stderr


def test_cli_unknown_stage_is_refused(cut_book, tmp_path):
    done = run_cli(str(cut_book), "--skip", "paragraphs", "--out", str(tmp_path / "o"), "--no-prefect")
    assert done.returncode == 2 and "unknown stage 'paragraphs'" in done.stderr


def test_cli_never_writes_to_raw(cut_book, tmp_path):
    before = {p: p.read_bytes() for p in cut_book.parent.iterdir()}
    run_cli(str(cut_book), "--out", str(tmp_path / "o"), "--no-prefect")
    assert {p: p.read_bytes() for p in cut_book.parent.iterdir()} == before


@pytest.mark.prefect
def test_cli_runs_the_prefect_flow_in_ephemeral_mode(cut_book, tmp_path):
    """The main job as users run it: a Prefect flow with no server to start first; same output."""
    env = {"PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_API_URL": ""}
    done = run_cli(str(cut_book), "--out", str(tmp_path / "flow"), env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ephemeral mode" in done.stderr
    assert "1 book: 1 cleaned, 0 cached, 0 failed" in done.stdout
    assert "ERROR" not in done.stderr and "Traceback" not in done.stderr
    run_cli(str(cut_book), "--out", str(tmp_path / "plain"), "--no-prefect")
    for name in ("book.md", "changes.jsonl", "paragraphs.jsonl", "stats.json", "review.tsv"):
        assert (tmp_path / "flow" / "cut" / name).read_text() == (tmp_path / "plain" / "cut" / name).read_text()
    again = run_cli(str(cut_book), "--out", str(tmp_path / "flow"), env=env)  # nothing changed: no temporary server
    assert again.returncode == 0 and "1 book: 0 cleaned, 1 cached, 0 failed" in again.stdout
    assert "no temporary Prefect server was started" in again.stderr and "ephemeral mode" not in again.stderr


def test_cli_gives_the_ephemeral_server_time_to_migrate_its_database(monkeypatch):
    """Prefect's 20 s default timed out on a loaded CI machine; a user's own value still wins."""
    from pipeline.ops import environment as cli

    monkeypatch.setattr(os, "environ", dict(os.environ))
    monkeypatch.delenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", raising=False)
    cli.prefect_environment()
    assert int(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]) >= 60
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
    cli.prefect_environment()
    assert os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] == "300"


def test_cli_prefect_is_the_pinned_version():
    from importlib.metadata import version

    assert version("prefect") == "3.8.8"
