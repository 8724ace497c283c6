"""The book's own confusion matrix (correct_ocr_words/channel.py): learned from the first pass, used by the second."""

from __future__ import annotations

import dataclasses
import itertools
import json
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.model import Book, Change, Paragraph
from pipeline.rules import load_config
from pipeline.stages.correct_ocr_words import channel, correct_ocr_words

PROJECT = Path(__file__).resolve().parent.parent
LETTER = PROJECT / "raw" / "archive" / "lenin-1916-10-letter-cw35.txt"
"""An archive letter the book does not print: text of another scan."""


def scanned_letter(misread=lambda word: word.replace("n", "u", 1), letter: str = "n") -> list[str]:
    """The letter's long paragraphs as a scan that misreads every fourth word with the
    ``letter`` in it (by default an "n" read as "u")."""
    paragraphs = [p.replace("\n", " ").strip() for p in LETTER.read_text(encoding="utf-8").split("\n\n") if len(p) > 200]
    counter = itertools.count()
    return [regex.sub(rf"\b\p{{L}}*{letter}\p{{L}}*\b", lambda m: misread(m[0]) if next(counter) % 4 == 0 else m[0], p) for p in paragraphs]


def run(paragraphs: list[str]) -> tuple[Book, list[Change]]:
    config = dataclasses.replace(load_config(), archive_words=frozenset())  # the archive holds the letter: no leak
    book = Book("letter", (), paragraphs=tuple(Paragraph(p, (n,), (0,), (len(p),)) for n, p in enumerate(paragraphs, start=1)))
    return correct_ocr_words(book, config)


@pytest.fixture(scope="module")
def learned() -> tuple[Book, list[Change]]:
    return run(scanned_letter())


@pytest.fixture(scope="module")
def prior_only() -> tuple[Book, list[Change]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(channel, "LEARN_MIN", 10**9)  # nothing is ever learned: the first pass alone
        return run(scanned_letter())


def test_correct_ocr_words_learns_the_scans_confusion(learned, prior_only):
    """The prior only lists "frateruity" and "questious" for review; the "u" for "n" the
    first pass corrected fifty times over makes the second pass sure, and says so."""
    book, changes = learned
    fixed = {c.before: c for c in changes}
    for before, after in (("frateruity", "fraternity"), ("questious", "questions")):
        assert fixed[before].after == after
        assert "'u'→'n' seen" in fixed[before].evidence
        assert before in {item.token for item in prior_only[0].review}
        assert before not in {c.before for c in prior_only[1]}
    assert len(book.review) < len(prior_only[0].review)


def test_correct_ocr_words_second_pass_keeps_every_sure_change(learned, prior_only):
    """What the first pass corrected, the learned channel corrects the same way (it only
    makes confusions likelier), and no word the letter prints correctly is changed."""
    assert {(c.before, c.after) for c in prior_only[1]} <= {(c.before, c.after) for c in learned[1]}
    truth = " ".join(p.replace("\n", " ") for p in LETTER.read_text(encoding="utf-8").split("\n\n"))
    truth_words = set(regex.findall(r"\p{L}+", truth))
    for change in learned[1]:
        assert set(regex.findall(r"\p{L}+", change.after)) <= truth_words, change


def test_correct_ocr_words_reads_a_digit_the_scan_reads_for_a_letter(monkeypatch):
    """A digit after a word is a note mark ("year5"), unless the book reads that digit for
    a letter all the time: a scan that put "5" for the last "s" of every fourth word."""
    scan = scanned_letter(lambda word: word[: word.rfind("s")] + "5" + word[word.rfind("s") + 1 :], "s")
    book, changes = run(scan)
    years = [c for c in changes if c.before == "year5"]
    assert years and all(c.after == "years" and "'5'→'s' seen" in c.evidence for c in years)
    monkeypatch.setattr(channel, "LEARN_MIN", 10**9)
    assert "year5" not in {c.before for c in run(scan)[1]}


def test_correct_ocr_words_learns_a_confusion_the_list_lacks(monkeypatch):
    """rules/ocr_confusions.tsv has no "o" read for "a"; a scan that makes it in every
    fourth long word with an "a" teaches it through the first pass's SymSpell edits."""
    scan = scanned_letter(lambda word: word.replace("a", "o", 1) if len(word) > 4 else word, "a")
    assert ("o", "a") not in load_config().ocr_confusions
    book, changes = run(scan)
    fixed = {c.before: c for c in changes}
    for before, after in (("derivotive", "derivative"), ("disormament,", "disarmament,"), ("conciliotion", "conciliation")):
        assert fixed[before].after == after
        assert "'o'→'a' seen" in fixed[before].evidence
    monkeypatch.setattr(channel, "LEARN_MIN", 10**9)
    prior_book, prior_changes = run(scan)
    assert "derivotive" not in {c.before for c in prior_changes}
    assert len(book.review) < len(prior_book.review)


def test_correct_ocr_words_stats_name_the_books_confusions():
    """clean/.../stats.json lists the confusions the real book showed and how often."""
    stats = json.loads((PROJECT / "clean" / "lenins-fight-against-stalinism" / "stats.json").read_text(encoding="utf-8"))
    seen = stats["ocr_confusions_seen"]
    assert seen["]→l"] == 2  # "Contro]", "shal]"
    assert seen["rn→m"] == 1  # "extrernely"
    assert list(seen.values()) == sorted(seen.values(), reverse=True)


@pytest.mark.parametrize(
    "before, after, expected",
    [  # corrections of the real book (clean/.../changes.jsonl) and of other scans
        ("extrernely", "extremely", [("rn", "m")]),
        ("coiusummating", "consummating", [("iu", "n")]),
        ("Contro]", "Control", [("]", "l")]),
        ("apppeared", "appeared", [("pp", "p")]),
        ("lt", "It", [("l", "I")]),
        ("tran$cribed", "transcribed", [("$", "s")]),
        ("stong", "strong", []),  # a lost letter is no confusion
    ],
)
def test_channel_sightings_of_a_correction(before, after, expected):
    assert channel.sightings(before, after) == expected


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.sampled_from([("iu", "in"), ("tbe", "the"), ("y0u", "you"), ("Contro]", "Control"), ("mc", "me"), ("stong", "strong")]), max_size=60),
    st.integers(min_value=1, max_value=2_000_000),
)
def test_channel_only_ever_makes_a_confusion_likelier(corrections, words):
    """Whatever the first pass saw, the learned channel keeps every prior confusion, and
    each costs at least its prior and at most ``MAX_GAIN`` times more likely."""
    prior = load_config().ocr_confusions
    changes = [Change("correct_ocr_words", "confusion", 1, 1, before, after, "") for before, after in corrections]
    learned = channel.learn(changes, words, prior)
    assert learned.confusions[: len(prior)] == prior
    for confusion in set(learned.confusions) | set(learned.sightings):
        assert channel.CONFUSION_COST <= learned.cost(confusion) <= channel.CONFUSION_COST * channel.MAX_GAIN
