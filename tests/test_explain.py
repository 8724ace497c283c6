"""`why`: from a word of the text or the scan to the edits that explain it (on the committed clean/ output)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import BOOK, PROJECT
from pipeline.changelog.explain import ExplainError, book_folder, explain

OUT = PROJECT / "clean" / BOOK.stem


def test_explain_finds_a_correction_by_the_word_in_the_text_and_in_the_scan():
    by_text = explain(OUT, "extremely")
    by_scan = explain(OUT, "extrernely")
    assert [(f.stage, f.line, f.before) for f in by_scan] == [("correct_ocr_words", 2215, "extrernely")]
    assert ("correct_ocr_words", 2215, "extremely") in [(f.stage, f.line, f.after) for f in by_text]
    # the same word was also made by rejoining "ex- tremely" at a line end, page 49
    assert ("join_hyphenated_words", 49, "ex- tremely,”") in [(f.stage, f.page, f.before) for f in by_text]


def test_explain_finds_removed_furniture_by_any_of_its_words_and_by_line():
    found = explain(OUT, "Hifredmanaeys")
    assert [(f.rule, f.line, f.page, f.after) for f in found] == [("misread_folio", 3668, 75, "")]
    assert explain(OUT, line=3668) == found
    heads = explain(OUT, "Stalinism", page=6)
    assert [f.before for f in heads] == ["6 Lenin’s Fight Against Stalinism"]


def test_explain_matches_whole_words_only():
    """Stalin does not find the 66 even-page heads "Lenin’s Fight Against Stalinism"."""
    assert sum(f.rule == "running_head" for f in explain(OUT, "Stalinism")) >= 60
    assert not any(f.rule == "running_head" for f in explain(OUT, "Stalin"))
    assert explain(OUT, "Stalin")  # but it finds the edits of "Stalin" itself


def test_explain_includes_review_entries():
    found = [f for f in explain(OUT, "Con-") if f.review]  # "Thirteenth Con- 13-14, gress": left as printed
    assert [(f.stage, f.line) for f in found] == [("join_hyphenated_words", 7788)]


def test_explain_shows_a_reviewers_decision():
    found = explain(OUT, "phenomen")  # listed for review, then decided in rules/review_decisions.tsv
    assert [(f.rule, f.after, f.review) for f in found] == [("reviewer", "phenomena,", False)]
    assert found[0].evidence.startswith("rules/review_decisions.tsv:")


def test_explain_names_the_folder_when_there_is_no_output(tmp_path):
    with pytest.raises(ExplainError, match=str(tmp_path)):
        book_folder(tmp_path, None)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "changes.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(ExplainError, match="several books; name one with --book: a, b"):
        book_folder(tmp_path, None)
    assert book_folder(tmp_path, "b") == tmp_path / "b"


def test_explain_reports_a_malformed_log_with_file_and_line(tmp_path):
    shutil.copytree(OUT, tmp_path / "book", ignore=shutil.ignore_patterns("*.md", "verification*"))
    with (tmp_path / "book" / "changes.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    rows = (tmp_path / "book" / "changes.jsonl").read_text(encoding="utf-8").count("\n")
    with pytest.raises(ExplainError, match=rf"changes.jsonl:{rows}: not a change record"):
        explain(tmp_path / "book", "extremely")


def why(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "why", *args], cwd=PROJECT,
                          capture_output=True, text=True, timeout=120)


def test_cli_why_prints_scan_text_and_evidence_and_exits_by_outcome(tmp_path):
    done = why("extrernely")
    assert done.returncode == 0
    assert "p. 45, raw line 2215: correct_ocr_words" in done.stdout
    assert "scan: extrernely" in done.stdout and "text: extremely" in done.stdout
    untouched = why("Sverdlov", "--line", "2030")
    assert untouched.returncode == 1 and "reads as in the scan" in untouched.stdout
    assert "check the spelling" in why("Sverdlovv").stdout
    missing = why("word", "--out", str(tmp_path))
    assert missing.returncode == 2 and str(tmp_path) in missing.stderr
