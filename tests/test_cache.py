"""The cache key: a rerun skips a book whose inputs are unchanged and says what changed otherwise."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import PROJECT, clean_one
import pipeline
from pipeline.run import cache, publish
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
    return clean_one(raw, out, config, rules, **options)


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
        (lambda raw, rules: (rules / "another-book.toml").write_text("# x\n", encoding="utf-8"), "changed: rules"),
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


def test_cache_key_travels_with_the_output_and_a_failed_write_keeps_the_old_pair(setting, monkeypatch):
    """The key is inside the swapped folder: a run that dies while writing leaves the old output and the old key."""
    clean(setting)
    folder = setting[2] / "tiny"
    key_file = folder / publish.RECORD
    assert {"book.md", "changes.jsonl", "paragraphs.jsonl", "review.tsv", "stats.json"} <= set(json.loads(key_file.read_text())["files"])
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def full_disk(path, text):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish, "_write", full_disk)
    outcome = clean(setting, force=True)
    assert outcome.failed and "No space left on device" in outcome.reason and "cannot write the output" in outcome.reason and "previous output is unchanged" in outcome.reason
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert clean(setting).status == "cached"


def test_cache_pipeline_digest_ignores_code_that_shapes_no_output(tmp_path, monkeypatch):
    """Editing the CLI or the Prefect layer keeps the cache; editing a stage does not."""
    tree = tmp_path / "pipeline"
    shutil.copytree(cache.PACKAGE_DIR, tree, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE_DIR", tree)
    first = cache.pipeline_digest()
    assert first.startswith(pipeline.__version__ + "+")
    (tree / "cli" / "run.py").write_text((tree / "cli" / "run.py").read_text() + "\n# edited\n")
    (tree / "ops" / "flow.py").write_text((tree / "ops" / "flow.py").read_text() + "\n# edited\n")
    assert cache.pipeline_digest() == first
    (tree / "stages" / "rebuild_paragraphs.py").write_text((tree / "stages" / "rebuild_paragraphs.py").read_text() + "\n# edited\n")
    assert cache.pipeline_digest() != first


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


def test_cache_rerun_reads_no_rules_and_imports_no_stage_but_malformed_rules_still_stop_the_run(tmp_path):
    """A rerun that finds every book cached imports no stage, no rules reader and not the document model,
    and reads no rules file; once a rules file is malformed the book is no longer cached, and the
    run stops before it with the rules error (exit 2), as it always did."""
    raw = tmp_path / "tiny.txt"
    raw.write_text(TEXT, encoding="utf-8")
    rules = tmp_path / "rules"
    shutil.copytree(PROJECT / "rules", rules)
    argv = ["pipeline", "run", str(raw), "--out", str(tmp_path / "o"), "--rules", str(rules), "--no-prefect"]
    probe = ("import runpy, sys\n"
             f"sys.argv = {argv!r}\n"
             "try:\n    runpy.run_module('pipeline', run_name='__main__')\n"
             "except SystemExit as end:\n    code = end.code\n"
             "print(sorted(m for m in sys.modules if m.startswith('pipeline.')), file=sys.stderr)\n"
             "sys.exit(code)\n")

    def run():
        return subprocess.run([sys.executable, "-c", probe], cwd=PROJECT, capture_output=True, text=True, env=os.environ,
                              timeout=120)

    first = run()
    assert first.returncode == 0 and ": cleaned (new)" in first.stdout, first.stderr
    assert "'pipeline.rules.specs'" in first.stderr and "'pipeline.stages.repair_unicode'" in first.stderr
    again = run()
    assert again.returncode == 0 and ": cached, " in again.stdout, again.stderr
    imported = again.stderr.strip().splitlines()[-1]
    for module in ("pipeline.model", "pipeline.config", "pipeline.rules.specs", "pipeline.stages.repair_unicode",
                   "pipeline.stages.correct_ocr_words", "pipeline.verification"):
        assert f"'{module}'" not in imported
    (rules / "lines.tsv").write_text((rules / "lines.tsv").read_text(encoding="utf-8") + "drop\t[\tbroken\n", encoding="utf-8")
    broken = run()
    assert broken.returncode == 2 and "lines.tsv:" in broken.stderr and "cached" not in broken.stdout


def test_cache_a_book_given_no_config_reads_the_rules_of_its_options_only_when_it_is_not_cached(setting):
    """``clean_book(..., config=None)``, what the CLI passes once every book looked cached: a book that
    is cleaned after all reads the rules folder of its options, and malformed rules fail that book
    with the file and line named, its earlier output kept."""
    raw, rules, out, config = setting
    lazily = clean_one(raw, out, None, rules)
    assert (lazily.status, lazily.reason) == ("cleaned", "new")
    eager = clean_one(raw, out / "eager", config, rules)  # the same rules, read beforehand as before
    assert eager.status == "cleaned" and (out / "tiny" / "book.md").read_bytes() == (out / "eager" / "tiny" / "book.md").read_bytes()
    assert clean_one(raw, out, None, rules).status == "cached"
    book_md = (out / "tiny" / "book.md").read_bytes()
    (rules / "lines.tsv").write_text((rules / "lines.tsv").read_text(encoding="utf-8") + "drop\t[\tbroken\n", encoding="utf-8")
    broken = clean_one(raw, out, None, rules)
    assert broken.status == "failed" and "lines.tsv:" in broken.reason
    assert (out / "tiny" / "book.md").read_bytes() == book_md


def test_cache_dependency_versions_read_from_dist_info_folders_agree_with_importlib_metadata():
    """The versions the key holds, read from the ``NAME-VERSION.dist-info`` folders, are those importlib.metadata
    reports for every requirement of the installed pipeline (and none is missing here)."""
    from importlib import metadata

    wanted = sorted({r.split(";")[0].split("[")[0].split("=")[0].split("<")[0].split(">")[0].strip()
                     for r in metadata.requires(cache.DISTRIBUTION) if "extra ==" not in r})
    assert {"ftfy", "symspellpy", "regex", "prefect"} <= set(wanted)
    assert cache.dependency_versions() == "\n".join(f"{name}=={metadata.version(name)}" for name in wanted)


def test_cache_dependency_versions_without_dist_info_folders_ask_importlib_metadata(monkeypatch):
    """Where no dist-info folder names a distribution (an .egg-info install), importlib.metadata is asked
    instead, and the key is the same; a requirement installed nowhere reads ``missing``."""
    expected = cache.dependency_versions()
    monkeypatch.setattr(cache, "_dist_info_folders", dict)
    assert cache.dependency_versions() == expected
    assert cache._version("no-such-distribution-here") == "missing"
