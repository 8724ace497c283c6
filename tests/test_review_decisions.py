"""The review round trip: review.tsv rows placed and in whole words, decisions in rules/review_decisions.tsv
applied by the next run as logged changes (rule ``reviewer``), and only open rows asked again."""

from __future__ import annotations

import shutil

import pytest

from pipeline.config import Config, Decision
from pipeline.locations import RULES_DIR
from pipeline.rules import RulesError, load_config
from pipeline.run.render import render
from pipeline.stages.apply_review_decisions import apply_review_decisions
from pipeline.verification import check


def decision(stage, line, token, what="accept", text="", line_no=7):
    return Decision("lenins-fight-against-stalinism", stage, line, token, what, text, "", f"rules/review_decisions.tsv:{line_no}")


def test_review_decisions_are_logged_changes_in_the_book(cleaned):
    reviewer = {(c.line, c.before, c.after) for c in cleaned.changes if c.rule == "reviewer"}
    assert reviewer == {(6374, "Tommorow", "Tomorrow"), (7104, "phenomen,", "phenomena,"), (8450, "narmi", "Unarmed")}
    text = " ".join(p.text for p in cleaned.book.paragraphs)
    assert "Tomorrow I will be seeing Mdivani" in text and "The Prophet Unarmed" in text
    assert all(c.evidence.startswith("rules/review_decisions.tsv:") for c in cleaned.changes if c.rule == "reviewer")


def test_review_decided_rows_are_not_asked_again(cleaned, config):
    review = render(cleaned, check(cleaned, config))["review.tsv"]
    for token in ("Tommorow", "phenomen", "narmi", "Bol- shevists", "men- tionable", "\tbegun\t"):
        assert token not in review
    assert "\tllin\t" not in review  # rewritten since (index page 111n): no longer open
    assert "Con- 13-14," in review  # still open


def test_review_rows_have_page_and_whole_word_context(cleaned, config):
    rows = [row.split("\t") for row in render(cleaned, check(cleaned, config))["review.tsv"].splitlines()[1:]]
    page_of = {n: page for p in cleaned.book.paragraphs for n, page in zip(p.lines, p.line_pages)}
    numbered = {n for n, page in page_of.items() if page is not None}
    assert rows and all(row[1] for row in rows if int(row[2]) in numbered)  # every row on a printed page says which, notes included
    note_2 = next(row for row in rows if row[3] == "note 2" and row[2] == "3194")
    assert note_2[1] == str(page_of[3194]) == "65"
    assert note_2[5] == "Zinoviev and Kamenev opposed the resolution to make immediate preparations for an armed uprising"
    con = next(row for row in rows if row[3] == "Con- 13-14,")
    assert con[5] == "111, 124, 128; Thirteenth Con- 13-14, gress of, 7, 33, 38, 61; demoralization in,"


def test_review_next_run_applies_a_new_decision_and_asks_the_rest(cleaned):
    book = cleaned.book
    open_before = len(book.review)
    config = Config(review_decisions=(decision("join_hyphenated_words", 7788, "Con- 13-14,", "reject"),))
    after, changes = apply_review_decisions(book, config)
    assert changes == [] and len(after.review) == open_before - 1
    assert ("join_hyphenated_words", 7788, "Con- 13-14,") in after.closed


def test_review_edit_writes_the_right_text_and_a_stale_decision_warns(cleaned):
    book = cleaned.book
    row = next(r for r in book.review if r.stage == "split_documents" and r.token == "Triumvirate")
    config = Config(review_decisions=(decision(row.stage, row.line, "Triumvirate", "edit", "Triumvirate", 8),
                                      decision("correct_ocr_words", 12, "nosuchword", "accept", "", 9)))
    after, changes = apply_review_decisions(book, config)
    assert [c.rule for c in changes] == ["reviewer"] and changes[0].after == "Triumvirate,"
    assert any("rules/review_decisions.tsv:9: no open review row" in w for w in after.warnings)


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("book\tstage\tline\ttoken\tdecision\ttext\tnote\nb\tcorrect_ocr_words\t12\tx\tmaybe\t\tn\n", 2, "decision must be one of accept, reject, edit"),
        ("book\tstage\tline\ttoken\tdecision\ttext\tnote\nb\tcorrect_ocr_words\tten\tx\taccept\t\tn\n", 2, "line must be a raw line number"),
        ("book\tstage\tline\ttoken\tdecision\ttext\tnote\nb\tcorrect_ocr_words\t12\tx\tedit\t\tn\n", 2, "an 'edit' decision needs the right text"),
        ("book\tstage\tline\ttoken\tdecision\ttext\tnote\nb\tc\t12\tx\treject\ty\tn\n", 2, "a 'reject' decision keeps the text as printed"),
        ("book\tstage\tline\ttoken\tdecision\ttext\tnote\nb\tc\t12\tx\treject\t\tn\nb\tc\t12\tx\taccept\t\tn\n", 3, "duplicate decision for this row"),
    ],
)
def test_review_decisions_file_errors_name_file_and_line(tmp_path, text, line, message):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / "review_decisions.tsv").write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as error:
        load_config(rules)
    assert f"review_decisions.tsv:{line}: " in str(error.value) and message in str(error.value)
