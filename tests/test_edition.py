"""The edition files on the whole book: book.md and document files that render as an edition."""

from __future__ import annotations

from collections import Counter

import regex
import pytest

from pipeline.edition import as_text
from pipeline.edition.markdown import title_case, write_book, write_document
from pipeline.edition.notes import notes_by_document

DEFINITION = regex.compile(r"^\[\^([^\]]+)\]: ", regex.MULTILINE)
REFERENCE = regex.compile(r"\[\^([^\]]+)\](?!:)")


@pytest.fixture(scope="module")
def book_md(cleaned):
    return as_text(write_book, cleaned.book)


def test_edition_book_opens_with_the_title_not_the_scan_notice(book_md):
    head = book_md[:400]
    assert head.startswith("# Lenin’s Fight Against Stalinism\n\n**V.I. Lenin and Leon Trotsky**\n")
    assert "Edited by Russell Block" in head and "ISBN 0-87348-414-2 (cloth)" in head
    assert "Digitized by" not in book_md and "archive.org" not in book_md


def test_edition_book_leaves_out_the_library_card_and_junk(book_md):
    for junk in ("APR 11 1980", "1414141448", "Ler Senta She 1 ind sm", "Mier ee"):
        assert junk not in book_md
    assert book_md.rstrip().endswith("London SE1 8LL")  # the back cover's last line


def test_edition_book_has_a_heading_per_part_and_document(cleaned, book_md):
    headings = regex.findall(r"^(#{1,2}) (.+)$", book_md, regex.MULTILINE)
    parts = [text for level, text in headings if level == "#" and text.startswith("Part ")]
    assert parts == ["Part I: Introduction", "Part II: On Lenin’s Testament", "Part III: Lenin’s Testament",
                     "Part IV: The Bureaucracy", "Part V: The Monopoly of Foreign Trade", "Part VI: The Nationalities Question"]
    texts = [text for _, text in headings]
    assert "Comments on Lenin’s Proposal Concerning the Work of Deputies" in texts  # two printed lines, one heading
    assert "Thoughts on the Party: The National Question and the Education of the Party Youth" in texts
    # Every document but the front matter has its heading; no title is left as a paragraph of its own.
    assert len(headings) == 1 + 1 + 6 + len(cleaned.book.documents) - 1
    assert "\n\nConcerning the Work of Deputies\n\n" not in book_md


def test_edition_book_footnote_labels_are_unique_and_defined(book_md):
    definitions = Counter(DEFINITION.findall(book_md))
    references = Counter(REFERENCE.findall(book_md))
    assert references and set(references) == set(definitions)
    assert max(definitions.values()) == 1 and max(references.values()) == 1
    assert {"ii-1", "iii-1", "iv-1", "v-1", "vi-1"} <= set(definitions)  # five notes numbered 1, five labels


def test_edition_document_file_carries_all_its_notes(cleaned):
    book = cleaned.book
    on_testament = book.documents[3]
    text = as_text(write_document, book, on_testament)
    numbers = [entry.number for entry, _ in notes_by_document(book)[3]]
    assert numbers == list(range(1, 19))  # all 18 notes of Part II, linked or not
    assert len(DEFINITION.findall(text)) == sum(linked for _, linked in notes_by_document(book)[3])
    unlinked = [entry.number for entry, linked in notes_by_document(book)[3] if not linked]
    for number in unlinked:  # a note whose mark was not found is still there, and says so
        assert f"{number}\\. (no reference mark found in the text)" in text
    assert set(REFERENCE.findall(text)) == set(DEFINITION.findall(text))


def test_edition_document_file_has_its_heading_and_keeps_dateline_and_salutation(cleaned):
    book = cleaned.book
    text = as_text(write_document, book, book.documents[33]).split("---\n", 2)[2]
    assert text.startswith("\n# To L.D. Trotsky\n\nTop secret\n\nPersonal\n\nDear Comrade Trotsky:\n\n")


@pytest.mark.parametrize("printed, heading", [("NOTES TO PART VI", "Notes to Part VI"), ("BIOGRAPHICAL NOTES", "Biographical Notes"),
                                              ("THE MONOPOLY OF FOREIGN TRADE", "The Monopoly of Foreign Trade")])
def test_edition_title_case_of_headings_set_in_capitals(printed, heading):
    assert title_case(printed) == heading


def test_edition_notes_without_a_mark_go_to_their_document_mostly(cleaned):
    """Against the hand-checked places of all 48 references: where each unlinked note's mark really is."""
    from conftest import read_table

    book = cleaned.book
    doc_of_line = {n: d.number for d in book.documents for p in book.paragraphs[d.first : d.end] for n in p.lines}
    part_of = {id(e): d.part for d in book.documents if d.kind == "notes" for e in d.notes}
    notes = {(part_of[id(e)], e.number): (doc, linked) for doc, notes in notes_by_document(book).items() for e, linked in notes}
    truth = {(r["part"], int(r["note"])): doc_of_line[int(r["line"])] for r in read_table("note_references.tsv")}
    placed = {key: doc for key, (doc, linked) in notes.items() if not linked}
    assert len(notes) == 48 and 0 < len(placed) <= 2  # the two notes with no surviving mark and no clue
    assert all(truth[key] == doc for key, doc in placed.items())  # placed by the sequence, in the right document
    assert all(truth[key] == doc for key, (doc, _) in notes.items())
    assert notes[("VI", 7)][0] == 35  # signed "L.T.": Trotsky's article, not the letter before it
