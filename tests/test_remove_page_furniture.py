"""remove_page_furniture against the hand-checked furniture table of the whole book."""

from __future__ import annotations

import regex
import pytest

from conftest import read_table
from pipeline.config import Config
from pipeline.model import Book, Line
from pipeline.stages.remove_page_furniture import remove_page_furniture
from pipeline.stages.remove_page_furniture.candidates import Candidate
from pipeline.stages.remove_page_furniture.page_sequence import best_chain
from synthetic.typeset import typeset

TRUTH = {int(row["raw_line"]): int(row["page"]) for row in read_table("page_furniture.tsv")}


def furniture_changes(result):
    return {c.line: c for c in result.changes if c.stage == "remove_page_furniture"}


def test_remove_page_furniture_removes_exactly_the_hand_checked_lines(through_furniture):
    removed = furniture_changes(through_furniture)
    assert sorted(removed) == sorted(TRUTH)
    assert {line: c.page for line, c in removed.items()} == TRUTH


def test_remove_page_furniture_finds_the_whole_page_sequence(through_furniture):
    pages = through_furniture.book.pages
    assert [p.number for p in pages] == list(range(5, 161))
    assert [p.number for p in pages if p.evidence == "inferred"] == []
    assert {p.number: p.evidence for p in pages if p.evidence == "misread"} == {75: "misread", 79: "misread"}


def test_remove_page_furniture_repairs_misread_folios(through_furniture):
    removed = furniture_changes(through_furniture)
    assert (removed[3668].before, removed[3668].page, removed[3668].rule) == ("The Hifredmanaeys T5", 75, "misread_folio")
    assert (removed[3887].before, removed[3887].page) == ("19", 79)
    assert "expects 79" in removed[3887].evidence


@pytest.mark.parametrize(
    "line, text",
    [
        (7676, "Aristotle, 30, 31"),  # index entry shaped like a head
        (7690, "141, 142,"),
        (3132, "December 23, 1922"),  # a date
        (1381, "September 16, 1974 Russell Block"),
        (3139, "II."),
        (87, "On Lenin’s Testament by Leon Trotsky 30"),  # a contents line
    ],
)
def test_remove_page_furniture_keeps_lines_that_only_look_like_heads(line, text, through_furniture):
    kept = {l.number: l.text for l in through_furniture.book.lines}
    assert kept[line] == text


def test_remove_page_furniture_leaves_no_head_in_the_body(through_furniture):
    titles = {"Lenin’s Fight Against Stalinism", "Introduction", "On Lenin’s Testament", "Lenin’s Testament",
              "The Bureaucracy", "The Monopoly of Foreign Trade", "The Nationalities Question",
              "Biographical Notes", "Index"}
    head = regex.compile(rf"^(?:\d+ (?:{'|'.join(map(regex.escape, titles))})|(?:{'|'.join(map(regex.escape, titles))}) \d+)$")
    body = [l for l in through_furniture.book.lines if l.page is not None]
    assert [l.text for l in body if head.match(l.text.strip())] == []


def test_remove_page_furniture_numbers_every_body_line(through_furniture):
    by_line = {l.number: l.page for l in through_furniture.book.lines}
    assert by_line[189] == 5  # "Few myths have been more generally accepted..."
    assert by_line[3669] == 75  # first text line after the garbled head
    assert by_line[3886] == 79  # last line above the misread "19"
    assert by_line[8300] == 160
    assert by_line[100] is None  # contents page: unnumbered front matter


ARCHIVE_TEXT = (
    "Our state apparatus is so deplorable, not to say wretched, that we must first think very carefully "
    "how to combat its defects, bearing in mind that these defects are rooted in the past, which, although "
    "it has been overthrown, has not yet been overcome."
)


@pytest.mark.parametrize(
    "book_title, section_title, first_page",
    [
        ("The Last Struggle", "Better Fewer, But Better", 1),
        ("HISTORY OF THE PARTY", "CHAPTER SEVEN", 211),
        # A long section title as the odd-page head: the archive's "Or is it a fierce lie about Moscow?"
        ("Lenin's Last Writings", "Or is it a fierce lie about Moscow?", 95),
    ],
)
def test_remove_page_furniture_learns_other_running_heads_without_rules(book_title, section_title, first_page):
    paragraphs = [f"{ARCHIVE_TEXT} Paragraph {i}." for i in range(60)]
    book_text = typeset(paragraphs, book_title=book_title, section_title=section_title, first_page=first_page)
    lines = tuple(Line(i, t) for i, t in enumerate(book_text.text.split("\n")[:-1], start=1))
    out, changes = remove_page_furniture(Book("synthetic", lines), Config())
    assert {c.line: c.page for c in changes} == book_text.furniture
    assert out.pages[0].number == first_page


def test_remove_page_furniture_leaves_text_without_pages_alone_with_a_warning():
    lines = tuple(Line(i, t) for i, t in enumerate(["Chapter 1", "", "Some text.", "", "See page 2", "", "Note 3"], start=1))
    out, changes = remove_page_furniture(Book("plain", lines), Config())
    assert changes == [] and out.lines == lines
    assert "no page numbers or running heads found" in out.warnings[0]


def test_remove_page_furniture_a_tie_keeps_the_chain_with_more_pages():
    """A lone running head and two bare folios score the same; the longer chain is the page sequence.

    The old tie-break kept the chain ending first, here the lone head, and no page was found.
    """
    heads = [Candidate(10, 7, "head_first", "Lenin", "7 Lenin", "7")]
    folios = [Candidate(50, 20, "bare", "", "20", "20"), Candidate(90, 21, "bare", "", "21", "21")]
    assert best_chain(heads + folios, {"lenin"}) == folios


def test_remove_page_furniture_a_paragraph_opening_with_the_page_before_is_text():
    """First page 32 and a paragraph opening "31 the party…": the sequence would like a 31 there, but a
    line of words inside running text is no folio at an end of the chain (it was removed as a misread)."""
    paragraphs = ["31 the party congress met in the spring and " + ARCHIVE_TEXT] + [f"{ARCHIVE_TEXT} Paragraph {i}." for i in range(30)]
    book_text = typeset(paragraphs, book_title="The Last Struggle", section_title="Better Fewer", first_page=32)
    lines = tuple(Line(i, t) for i, t in enumerate(book_text.text.split("\n")[:-1], start=1))
    out, changes = remove_page_furniture(Book("synthetic", lines), Config())
    assert {c.line: c.page for c in changes} == book_text.furniture
    assert any(line.text.startswith("31 the party") for line in out.lines)
