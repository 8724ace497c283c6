"""The archive check: alignment, normalisation, classification, and the whole book's figures."""

from __future__ import annotations

import pytest

from conftest import PROJECT
from pipeline.verification.align import align, words
from pipeline.rules import specs
from pipeline.rules.tsv import Problems
from pipeline.verification import Classifier, check, rates, split_archive
from pipeline.verification.normalise import equivalent, normalise

SPELLING = specs.editorial_spelling(PROJECT / "rules" / "editorial_spelling.tsv", Problems())
BETTER_FEWER = (
    "In the matter of improving our state apparatus, the Workers’ and Peasants’ Inspection should not, in my opinion, "
    "either strive after quantity or hurry. We have so far been able to devote so little thought and attention to the "
    "efficiency of our state apparatus that it would now be quite legitimate if we took special care to secure its "
    "thorough organization."
)


@pytest.fixture(scope="module")
def checked(cleaned, config):
    return cleaned, check(cleaned, config)


def test_verification_a_document_aligned_to_itself_scores_zero():
    tokens = words(BETTER_FEWER)
    r = rates(align(tokens, tokens))
    assert (r.wer, r.cer, r.words) == (0.0, 0.0, len(tokens))


def test_verification_alignment_finds_an_injected_error_and_a_missing_word():
    ref = words(BETTER_FEWER)
    hyp = [("rnatter" if w == "matter" else w) for w in ref if w != "quantity"]
    pairs = align(ref, hyp)
    assert ("matter", "rnatter") in pairs and ("quantity", None) in pairs
    assert rates(pairs).wer == pytest.approx(2 / len(ref))


def test_verification_anchored_alignment_finds_every_error_in_a_long_document():
    ref = words(BETTER_FEWER) * 120  # ~6,000 words, so few words are unique: anchors are scarce
    hyp = [w.replace("e", "c") if i % 97 == 0 else w for i, w in enumerate(ref)]
    pairs = align(ref, hyp)  # its speed is measured by bench/, not here
    assert sum(a != b for a, b in pairs) == sum(1 for i, w in enumerate(ref) if i % 97 == 0 and "e" in w)


@pytest.mark.parametrize(
    "book, archive",
    [("organize", "organise"), ("labor", "labour"), ("laboring", "labouring"), ("program", "programme"),
     ("skepticism", "scepticism"), ("practiced", "practised"), ("Party", "party"), ("semihumorous", "semi-humorous"),
     ("reorganization", "reorganisation"), ("center", "centre")],
)
def test_verification_editorial_spelling_is_normalised(book, archive):
    assert equivalent(book, archive, SPELLING)


@pytest.mark.parametrize("book, archive", [("for", "four"), ("from", "form"), ("otherwise", "otherwize")])
def test_verification_normalisation_does_not_merge_different_words(book, archive):
    assert not equivalent(book, archive, SPELLING)
    assert normalise("otherwise", SPELLING) == "otherwise"


@pytest.mark.parametrize(
    "archive, book, kind",
    [("consummating", "coiusummating", "ocr"), ("becoming", "beeoming", "ocr"), ("and", "arid", "ocr"),
     ("reogranisation", "reorganization", "archive"), ("for", "of", "editorial"), ("are", "were", "editorial")],
)
def test_verification_classifies_differences(archive, book, kind):
    classifier = Classifier([], [], SPELLING, {("and", "arid")})
    assert classifier.classify(archive, book) == kind


def test_verification_splits_an_archive_file_into_its_documents():
    text = (PROJECT / "raw" / "archive" / "last-struggle-of-lenin-2011.txt").read_text(encoding="utf-8")
    titles = [s.title for s in split_archive("x", text)]
    assert "Letter to Stalin on March 5, 1923" in titles
    assert any("How We Should Reorganise" in t for t in titles) and any("On Cooperation" in t for t in titles)


def test_verification_matches_every_document_of_the_article_found_in_the_book(checked):
    _, verification = checked
    matched = {c.document for c in verification.checks}
    # December 1922 letters, How We Should Reorganize, Better Fewer, the letters of March 5-6, 1923.
    assert matched == {7, 14, 15, 20, 23, 24, 25, 26, 27, 33, 34}
    unmatched = {(s.file, s.title) for s in verification.no_counterpart}
    assert {f for f, _ in unmatched} == {
        "last-struggle-of-lenin-2011.txt", "lenin-1916-10-letter-cw35.txt",
        "lenin-1921-03-17-to-joffe.txt", "lenin-1921-05-30-to-lutovinov.txt",
    }
    assert any("On Cooperation" in t for _, t in unmatched)


def test_verification_cleanup_lowers_the_error_rates(checked):
    _, verification = checked
    raw = sum(c.raw["normalised"].wer * c.raw["normalised"].words for c in verification.checks)
    clean = sum(c.clean["normalised"].wer * c.clean["normalised"].words for c in verification.checks)
    assert clean < raw
    better = next(c for c in verification.checks if c.document == 15)
    assert better.clean["normalised"].wer < better.raw["normalised"].wer
    assert better.clean["normalised"].wer < better.clean["exact"].wer  # normalisation removes editorial noise


def test_verification_ocr_like_differences_go_to_the_review_list(checked):
    _, verification = checked
    ocr = [(d.line, d.hyp) for c in verification.checks for d in c.differences if d.kind == "ocr" and d.line]
    assert [(r.line, r.token) for r in verification.review] == ocr


def test_verification_result_is_reused_only_under_the_same_run_key(cleaned, config, tmp_path, monkeypatch):
    from pipeline.verification import store, to_json

    first = store.check(cleaned, config, "key-1", tmp_path)
    [kept] = tmp_path.glob("*.pickle")
    monkeypatch.setattr(store, "verify", lambda *args: pytest.fail("checked again under the same key"))
    assert to_json(store.check(cleaned, config, "key-1", tmp_path)) == to_json(first)
    monkeypatch.undo()
    kept.write_bytes(b"not a pickle")  # a broken file is a miss, checked again and replaced
    assert to_json(store.check(cleaned, config, "key-1", tmp_path)) == to_json(first)
    store.check(cleaned, config, "key-2", tmp_path)  # a new key: checked, and the book's old result dropped
    assert len(list(tmp_path.glob("*.pickle"))) == 1 and not kept.exists()
