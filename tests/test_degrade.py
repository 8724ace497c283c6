"""The synthetic book generator: deterministic for a seed, its truth consistent with its text."""

from __future__ import annotations

import pytest

from conftest import PROJECT
from synthetic.degrade import ANY_OCR, CLEAN, HEAVY, MARKS, Noise, archive_paragraphs, degrade, restore

PARAGRAPHS = archive_paragraphs(PROJECT / "raw" / "archive")[:120]


def test_degrade_is_deterministic_for_a_seed():
    assert degrade(PARAGRAPHS, seed=3) == degrade(PARAGRAPHS, seed=3)
    assert degrade(PARAGRAPHS, seed=3).text != degrade(PARAGRAPHS, seed=4).text


@pytest.mark.parametrize("noise", [CLEAN, Noise(), HEAVY, ANY_OCR, MARKS], ids=["clean", "default", "heavy", "any-ocr", "marks"])
@pytest.mark.parametrize("seed", [1, 2])
def test_degrade_undoing_the_record_gives_the_truth(seed, noise):
    book = degrade(PARAGRAPHS, seed=seed, noise=noise, shuffle_chapters=True)
    assert sorted(book.paragraphs) == sorted(" ".join(p.split()) for p in PARAGRAPHS)
    assert restore(book) == book.paragraphs


def test_degrade_without_noise_is_the_truth_set_on_pages():
    """Drop the furniture lines, join each paragraph's lines undoing the line-end hyphens: the truth."""
    book = degrade(PARAGRAPHS, seed=5, noise=CLEAN)
    lines = book.text.split("\n")
    assert not book.edits and not book.junk
    breaks = {b.line: b for b in book.breaks}
    for paragraph, numbers in zip(book.paragraphs, book.paragraph_lines):
        text = ""
        for previous, number in zip((None,) + numbers, numbers):
            line = lines[number - 1].rstrip()
            assert number not in book.furniture
            if previous in breaks:  # a line-end hyphen: it goes unless the word's own
                text = (text if breaks[previous].compound else text[:-1]) + line
            else:
                text += (" " if text else "") + line
        assert text == paragraph


def test_degrade_every_line_is_text_furniture_junk_or_blank():
    book = degrade(PARAGRAPHS, seed=2, noise=HEAVY)
    lines = book.text.split("\n")[:-1]
    text_lines = {n for numbers in book.paragraph_lines for n in numbers}
    for number, line in enumerate(lines, start=1):
        kinds = [number in text_lines, number in book.furniture, number in book.junk]
        assert sum(kinds) == (1 if line.strip() else 0), (number, line)
    pages = [book.furniture[n] for n in sorted(book.furniture)]
    assert pages == list(range(pages[0], pages[0] + len(pages)))  # one head or folio per page, in order
    assert {e.kind for e in book.edits} <= {"confusion", "odd_character", "glued", "split", "speck", "misread_folio"}


def test_degrade_second_profile_injects_every_class():
    book = degrade(PARAGRAPHS, seed=2, noise=ANY_OCR)
    kinds = {e.kind for e in book.edits}
    assert {"confusion", "odd_character", "real_word", "lost_space"} <= kinds
    assert all(e.before in ("and", "head", "for", "had", "modern", "of", "my", "from", "the") for e in book.edits if e.kind == "real_word")
    assert all(e.before == " " and e.after == "" for e in book.edits if e.kind == "lost_space")


def test_degrade_misreads_quotes_and_adds_lone_letters_only_when_asked():
    assert not {e.kind for e in degrade(PARAGRAPHS, seed=2).edits} & {"quote", "speck_letter"}
    book = degrade(PARAGRAPHS, seed=2, noise=MARKS)
    kinds = {e.kind for e in book.edits}
    assert {"quote", "speck_letter"} <= kinds
    assert all(e.before in "“”" and e.after for e in book.edits if e.kind == "quote")


def test_degrade_breaks_words_where_pyphen_allows_and_keeps_own_hyphens():
    book = degrade(PARAGRAPHS, seed=1, noise=CLEAN)
    lines = book.text.split("\n")
    assert book.breaks
    for b in book.breaks:
        assert lines[b.line - 1].rstrip().endswith("-")
        assert b.compound == ("-" in b.word.strip("-"))  # a compound breaks only at its own hyphen
