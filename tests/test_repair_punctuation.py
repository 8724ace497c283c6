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
