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


@pytest.mark.parametrize(
    "archive, book, kind",
    [("but", "hut", "ocr"), ("but", "bat", "editorial"), ("begin", "begun", "editorial"), ("from", "form", "editorial"),
     ("becoming", "beeoming", "ocr")],
)
def test_verification_a_rarer_valid_word_is_ocr_like_only_through_an_ocr_confusion(archive, book, kind):
    """"hut" for "but" is h read for b (rules/ocr_confusions.tsv); "begun" for "begin" is no misreading."""
    characters = specs.ocr_confusions(PROJECT / "rules" / "ocr_confusions.tsv", Problems())
    assert Classifier([], [], SPELLING, set(), characters).classify(archive, book) == kind
    assert Classifier([], [], SPELLING, set()).classify("but", "bat") == "ocr"  # any letter, without the table


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


def test_verification_states_its_coverage_and_leaves_out_a_different_translation(checked):
    """Document 24's archive text is another translation (67% WER, valid words both sides): shown, not counted."""
    from pipeline.verification import coverage, to_json, to_markdown

    _, verification = checked
    cov = coverage(verification)
    assert cov["different_translations"] == [24]
    counted = [c for c in verification.checks if c.document != 24]
    assert cov["documents"] == len(counted) == 10 and cov["body_documents"] == 25
    assert cov["words"] == sum(c.covered for c in counted) and 0.1 < cov["share"] < 0.5
    assert cov["body_words"] > sum(c.clean["normalised"].words for c in verification.checks)
    assert to_json(verification)["total"]["words"] == sum(c.clean["normalised"].words for c in counted)
    assert not [r for r in verification.review if 6030 <= r.line <= 6100]  # no review item from document 24
    report = to_markdown(verification)
    assert f"**Coverage:** 10 of the book's 25 documents matched" in report
    assert f"{cov['words']} of the body's {cov['body_words']} words" in report
    assert "Letter to J.V. Stalin (**different translation, not counted**)" in report


@pytest.fixture(scope="module")
def altered(cleaned, config):
    """The check against an archive with one comma made a semicolon (document 23) and one word
    changed into a known OCR confusion of the book's (document 20): where does each show up?"""
    from pipeline.verification import verify

    archive = dict(config.archive)
    name = "last-struggle-of-lenin-2011.txt"
    text = archive[name]
    assert text.count("maximum agreement, and") == 1 and text.count("I am sending you Krestinsky") == 1
    archive[name] = text.replace("maximum agreement, and", "maximum agreement; and").replace(
        "I am sending you Krestinsky", "I am spending you Krestinsky")
    return verify(cleaned.book, cleaned.source, cleaned.changes, cleaned.stages, archive, config.spelling, {("spending", "sending")}, config.ocr_confusions)


def test_verification_punctuation_is_counted_apart_from_words(checked, altered):
    _, verification = checked
    before = {c.document: c for c in verification.checks}
    after = {c.document: c for c in altered.checks}
    assert after[23].clean == before[23].clean and after[23].counts == before[23].counts  # word figures unchanged
    [new] = set(after[23].punctuation) - set(before[23].punctuation)
    assert (new.ref, new.hyp, new.page) == (";", ",", 122) and new.context.startswith("agreement, and")
    assert len(after[23].punctuation) == len(before[23].punctuation) + 1
    # the book's "letter. Write" against the archive's "letter Write" (document 20, line 5842)
    assert any((d.ref, d.hyp, d.line) == ("", ".", 5842) for d in before[20].punctuation)


def test_verification_every_ocr_like_difference_links_to_its_place(altered):
    from pipeline.verification import to_html, to_markdown

    diffs = {c.document: f"verification/{c.document:02d}.html" for c in altered.checks}
    report = to_markdown(altered, diffs)
    ocr = [(c, d) for c in altered.checks if not c.translation for d in c.differences if d.kind == "ocr"]
    assert any((d.hyp, d.ref, d.line, d.page) == ("sending", "spending", 5842, 119) for _, d in ocr)
    for c, d in ocr:
        assert f"[p. {d.page}, line {d.line}](verification/{c.document:02d}.html#l{d.line})" in report
        assert f'id="l{d.line}"' in to_html(c) and f'href="#l{d.line}"' in to_html(c)


def test_verification_html_diff_shows_the_text_as_printed_with_anchors_and_a_summary(checked):
    _, verification = checked
    from pipeline.verification import to_html

    page = to_html(next(c for c in verification.checks if c.document == 20))
    assert 'id="summary"' in page and 'id="p119"' in page and 'id="l5842"' in page
    assert "Comrade Trotsky: " in page  # case and punctuation as printed, not normalised away
    assert 'letter<span class="punct">.</span>' in page and 'letter<span class="punct">∅</span>' in page
    assert 'href="#d1"' in page and 'id="d1"' in page and 'href="#d2"' in page  # first, next, previous
    better = to_html(next(c for c in verification.checks if c.document == 15))
    pages = {c.page for c in next(c for c in verification.checks if c.document == 15).pairs if c.page}
    assert all(f'id="p{p}"' in better for p in pages) and len(pages) >= 5


def test_verification_report_links_each_document_diff_and_page(tmp_path, cleaned, config):
    from pipeline.run.render import Rendered, verification_producers

    files = Rendered(verification_producers(check(cleaned, config), cleaned.book))
    report = files["verification.md"]
    assert "[20](verification/20-to-l-d-trotsky.html)" in report
    assert "[119](verification/20-to-l-d-trotsky.html#p119)" in report
    assert "verification/20-to-l-d-trotsky.html" in files


def test_verification_html_diff_opens_in_a_real_browser(checked, tmp_path):
    """Headless Chromium loads one diff: the summary, page and line anchors and difference links are in its DOM."""
    import shutil
    import subprocess

    from pipeline.verification import to_html

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    _, verification = checked
    page = tmp_path / "20.html"
    page.write_text(to_html(next(c for c in verification.checks if c.document == 20)), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'chromium'}"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for needle in ('id="summary"', 'id="p119"', 'id="l5842"', 'href="#d2"', "Comrade Trotsky"):
        assert needle in dom.stdout, needle


def test_verification_html_diff_anchors_are_unique_and_every_link_has_a_target(checked):
    """A duplicate id or a link to no id breaks the jump from verification.md or from difference to difference."""
    import regex

    from pipeline.verification import to_html

    _, verification = checked
    for c in verification.checks:
        page = to_html(c)
        ids = regex.findall(r'id="([^"]+)"', page)
        assert len(ids) == len(set(ids)), c.document
        assert set(regex.findall(r'href="#([^"]+)"', page)) <= set(ids), c.document


def test_verification_each_stage_s_words_rebuilt_from_the_log_equal_that_stage_s_book(cleaned):
    """The per-stage table reads each stage's words from the raw lines and the change log, not from kept
    books: over every document of the book they are the words of the stage's own book (its snapshot)."""
    from pipeline.verification.align import WORD
    from pipeline.verification.history import Stretch, paragraph_words, stage_words

    book = cleaned.book
    stretches = []
    for d in book.documents:
        body = [p for i, p in enumerate(book.paragraphs[d.first : d.end], d.first) if i not in d.source_paragraphs]
        exclude = frozenset(n for i in d.source_paragraphs for n in book.paragraphs[i].lines)
        stretches.append(Stretch(body[0].lines[0], body[-1].lines[-1], exclude))

    def words_of(snapshot, s):
        if snapshot.paragraphs:
            return [m.group() for p in snapshot.paragraphs if s.first <= p.lines[0] <= s.last and p.lines[0] not in s.exclude
                    for m in paragraph_words(p.text)]
        return [w for line in snapshot.lines if s.first <= line.number <= s.last and line.number not in s.exclude
                for w in WORD.findall(line.text)]

    books = [(None, cleaned.source), *cleaned.snapshots]
    rebuilt = list(stage_words(cleaned.source, book, cleaned.changes, cleaned.stages, stretches))
    assert [name for name, _ in rebuilt] == [name for name, _ in books] and len(stretches) == len(book.documents) > 20
    changed = 0
    for (name, found), (_, snapshot) in zip(rebuilt, books):
        expected = [words_of(snapshot, s) for s in stretches]
        assert found == expected, name
        changed += found != [words_of(cleaned.source, s) for s in stretches]
    assert changed >= 4  # the stages do change the documents' words
