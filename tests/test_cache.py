"""The cache key: a rerun skips a book whose inputs are unchanged and says what changed otherwise."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import PROJECT
import pipeline
from pipeline import cache
from pipeline.batch import clean_one
from pipeline.stages import STAGES

TEXT = "A short text.\nIt has no page numbers at all.\n"


@pytest.fixture
def setting(tmp_path, config):
    """A tiny raw file, a copy of the rules, and an output folder."""
    raw = tmp_path / "raw" / "tiny.txt"
    raw.parent.mkdir()
    raw.write_text(TEXT, encoding="utf-8")
    rules = tmp_path / "rules"
    shutil.copytree(PROJECT / "rules", rules)
    return raw, rules, tmp_path / "clean", config


def clean(setting, **options):
    raw, rules, out, config = setting
    return clean_one(raw, out, rules, config, **options)


def test_cache_first_run_is_new_then_cached(setting):
    first = clean(setting)
    assert (first.status, first.reason) == ("cleaned", "new")
    book_md = (setting[2] / "tiny" / "book.md").read_bytes()
    again = clean(setting)
    assert (again.status, again.reason) == ("cached", "cached")
    assert again.warnings == first.warnings  # the no-page-structure warning is still reported
    assert (setting[2] / "tiny" / "book.md").read_bytes() == book_md


@pytest.mark.parametrize(
    "edit, reason",
    [
        (lambda raw, rules: raw.write_text(TEXT + "One more line.\n", encoding="utf-8"), "changed: raw"),
        (lambda raw, rules: (rules / "stray_marks.tsv").write_text(
            (rules / "stray_marks.tsv").read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8"), "changed: rules"),
        (lambda raw, rules: (rules / "new.tsv").write_text("x\n", encoding="utf-8"), "changed: rules"),
    ],
    ids=["raw", "rules-edited", "rules-added"],
)
def test_cache_miss_names_the_changed_input(setting, edit, reason):
    clean(setting)
    edit(setting[0], setting[1])
    again = clean(setting)
    assert (again.status, again.reason) == ("cleaned", reason)
    assert clean(setting).status == "cached"


def test_cache_miss_when_the_pipeline_changes(setting, monkeypatch):
    clean(setting)
    monkeypatch.setattr(cache, "pipeline_digest", lambda: "9.9.9+0000")
    assert clean(setting).reason == "changed: pipeline"


def test_cache_miss_when_the_options_change_or_forced(setting):
    clean(setting)
    assert clean(setting, skip=[list(STAGES)[-1]]).reason == "changed: options"
    assert clean(setting, skip=[list(STAGES)[-1]]).status == "cached"
    assert clean(setting, skip=[list(STAGES)[-1]], force=True).reason == "forced"


def test_cache_miss_when_an_output_file_is_gone(setting):
    clean(setting)
    (setting[2] / "tiny" / "book.md").unlink()
    assert clean(setting).reason == "changed: output missing (book.md)"
    assert (setting[2] / "tiny" / "book.md").exists()


def test_cache_key_is_written_last_and_removed_before_rewriting(setting, monkeypatch):
    """A run that dies while writing must not leave a key vouching for a half-written folder."""
    clean(setting)
    key_file = setting[2] / "tiny" / cache.KEY_FILE
    assert {"book.md", "changes.jsonl", "paragraphs.jsonl", "review.tsv", "stats.json"} <= set(json.loads(key_file.read_text())["files"])

    def broken(folder, files):
        raise OSError("disk full")

    monkeypatch.setattr("pipeline.batch.write_outputs", broken)
    with pytest.raises(OSError):
        clean(setting, force=True)
    assert not key_file.exists()


def test_cache_pipeline_digest_covers_every_source_file():
    digest = cache.pipeline_digest()
    assert digest.startswith(pipeline.__version__ + "+")
    assert cache.tree_digest(PROJECT / "pipeline", "**/*.py") == cache.tree_digest(cache.PACKAGE_DIR, "**/*.py")


def test_cache_cli_says_cached_then_changed_then_forced(tmp_path):
    """As users see it: the second run skips the book, an edited rules file redoes it, --force redoes it."""
    raw = tmp_path / "tiny.txt"
    raw.write_text(TEXT, encoding="utf-8")
    rules = tmp_path / "rules"
    shutil.copytree(PROJECT / "rules", rules)

    def run(*extra):
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", "run", str(raw), "--out", str(tmp_path / "o"), "--rules", str(rules),
             "--no-prefect", *extra],
            cwd=PROJECT, capture_output=True, text=True, env=os.environ, timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert ": cleaned (new)" in run()
    assert ": cached, " in run()
    (rules / "lines.tsv").write_text((rules / "lines.tsv").read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert ": cleaned (changed: rules)" in run()
    assert ": cleaned (forced)" in run("--force")
