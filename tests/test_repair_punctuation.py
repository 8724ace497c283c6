"""repair_punctuation on the whole book: the marks between the words as the book set them."""

from __future__ import annotations

import pytest
import regex

from conftest import BOOK

RAW = BOOK.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="module")
def text(cleaned):
    return "\n".join(p.text for p in cleaned.book.paragraphs)


@pytest.mark.parametrize("line, joined", [
    (1035, "importantly—they"), (1602, "finally—most"), (2030, "machinery—either"), (5024, "question—shall"),
    (7532, "(1886-1937)—Joined"),
])
def test_repair_punctuation_joins_a_line_end_dash_without_a_space(line, joined, text, cleaned):
    assert RAW[line - 1].rstrip().endswith("—")
    assert joined in text
    change = next(c for c in cleaned.changes if c.rule == "join_dash" and c.line == line)
    assert change.after == joined and change.before == joined.replace("—", "— ")


def test_repair_punctuation_leaves_no_dash_spaced_on_one_side(text):
    assert regex.findall(r"\S— \S|\S —\S", text) == []


@pytest.mark.parametrize("line, before, after", [
    (2816, "‘‘Trotskyism.”", "“Trotskyism.”"),  # two singles side by side are a double
    (7319, "‘““Narodniks”", "“Narodniks”"), (2745, "‘“‘Trotskyists”", "“Trotskyists”"),  # a mixed run
    (2268, "compromise,’", "compromise,”"), (2510, "Trotsky’—that", "Trotsky”—that"),  # ’ read for ”
    (2476, "“duumvirate”’", "“duumvirate”"),  # a stray ’ after the closing quote
    (6449, "independent’’]", "independent”]"),
])
def test_repair_punctuation_reads_quote_marks_as_the_pairing_needs(line, before, after, cleaned):
    change = next(c for c in cleaned.changes if c.rule == "quote_pairing" and c.line == line and c.before == before)
    assert change.after == after and "pair" in change.evidence


def test_repair_punctuation_reads_a_doubled_quote_and_its_partner_together(cleaned):
    """‘‘nationalist-socialist,’ pairs either as ‘…’ or as “…”; two singles side by side are a double."""
    assert "a real and true “nationalist-socialist,” and even" in "\n".join(p.text for p in cleaned.book.paragraphs)


def test_repair_punctuation_leaves_a_possible_note_mark_to_split_documents(cleaned):
    """“… congress.’ may be ” and note 6 read as one ’: the quote stage keeps it, split_documents links it."""
    assert not any(c.stage == "repair_punctuation" and c.line == 2060 for c in cleaned.changes)
    assert "the Soviet congress.”[^6]" in "\n".join(p.text for p in cleaned.book.paragraphs)


def test_repair_punctuation_reviews_quotes_it_cannot_pair(cleaned):
    item = next(r for r in cleaned.book.review if r.stage == "repair_punctuation" and r.line == 2689)
    assert item.token == "‘" and item.page == 55 and "left as printed" in item.reason


@pytest.mark.parametrize("line, rule, before, after", [
    (2791, "speck", "g K.", "K."),  # the raw line reads "g K. Radek": a speck before the signature
    (3599, "speck", "delay. a", "delay.”"),  # "lay. a" ends the raw line, the quotation is open: its closing mark
    (6447, "speck", "republics .", "republics"),  # the raw line opens ". will be regarded"
    (4188, "ellipsis", ".. .", ". . ."), (5356, "ellipsis", "brick... .", "brick. . . ."),
])
def test_repair_punctuation_takes_out_specks_and_mends_ellipses(line, rule, before, after, cleaned):
    change = next(c for c in cleaned.changes if c.rule == rule and c.line == line)
    assert (change.before, change.after) == (before, after)


def test_repair_punctuation_keeps_a_signature_its_own_paragraph(cleaned):
    """The speck "g" before "K. Radek" once glued the signature to the paragraph above, and "delay. a" the next one."""
    texts = [p.text for p in cleaned.book.paragraphs]
    radek = texts.index("K. Radek")
    assert texts[radek - 1].endswith("as a topical slogan.") and texts[radek + 1] == "December 25, 1927"
    delay = next(i for i, t in enumerate(texts) if t.endswith("we shall respond without wavering or delay.”"))
    assert texts[delay + 1].startswith("The bureaucratic faction")


def test_repair_punctuation_writes_ellipses_the_books_way(text):
    assert not regex.search(r"(?<!\.)\.\.|\. \.\.|\.\. \.", text)


@pytest.mark.parametrize("line, before, after", [(5422, "applaud).", "applaud]."), (6444, "RSFSR’}", "RSFSR’]")])
def test_repair_punctuation_closes_an_open_square_bracket_with_its_own_mark(line, before, after, cleaned):
    change = next(c for c in cleaned.changes if c.rule == "bracket_pairing" and c.line == line)
    assert (change.before, change.after) == (before, after)
    assert "1) the period of the" in "\n".join(p.text for p in cleaned.book.paragraphs)  # a list's "1)" stays
