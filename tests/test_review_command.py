"""`python -m pipeline review`: answers typed in the terminal become rows of rules/review_decisions.tsv,
and the next run applies them (the whole round trip on a cut of the book)."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from conftest import BOOK
from pipeline.cli import app
from pipeline.locations import RULES_DIR

LINES = BOOK.read_text(encoding="utf-8").split("\n")


def test_review_command_answers_then_next_run_applies(tmp_path):
    raw = tmp_path / "raw" / "cut.txt"
    raw.parent.mkdir()
    raw.write_text("\n".join(LINES[6300:6420]) + "\n", encoding="utf-8")  # p. 129-131: "Tommorow I will be seeing Mdivani"
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / "review_decisions.tsv").write_text("book\tstage\tline\ttoken\tdecision\ttext\tnote\n", encoding="utf-8")
    out = tmp_path / "clean"
    runner = CliRunner()
    args = ["run", str(raw), "--out", str(out), "--rules", str(rules), "--no-archive", "--no-prefect"]
    assert runner.invoke(app, args).exit_code == 0
    review = (out / "cut" / "review.tsv").read_text(encoding="utf-8")
    assert "Tommorow" in review
    rows = review.splitlines()[1:]
    answers = "".join("a\nthe page reads Tomorrow\n" if "\tTommorow\t" in row else "s\n" for row in rows)
    result = runner.invoke(app, ["review", "--out", str(out), "--rules", str(rules)], input=answers)
    assert result.exit_code == 0, result.output
    assert "1 answer(s) written" in result.output
    decisions = (rules / "review_decisions.tsv").read_text(encoding="utf-8")
    assert "\tcorrect_ocr_words\t" in decisions and "\tTommorow\taccept\t\tthe page reads Tomorrow" in decisions
    assert runner.invoke(app, args).exit_code == 0  # the next run: rules changed, so the book is cleaned again
    assert "Tomorrow I will be seeing Mdivani" in (out / "cut" / "book.md").read_text(encoding="utf-8")
    assert "Tommorow" not in (out / "cut" / "review.tsv").read_text(encoding="utf-8")
    assert '"rule": "reviewer"' in (out / "cut" / "changes.jsonl").read_text(encoding="utf-8")
    again = runner.invoke(app, ["review", "--out", str(out), "--rules", str(rules)], input="q\n")
    assert "Tommorow" not in again.output  # asked only what is still open
