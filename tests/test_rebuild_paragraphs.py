"""rebuild_paragraphs on the book: page-break joins, standalone lines, visible hyphens."""

from __future__ import annotations

import regex
import pytest

from pipeline.config import Config
from pipeline.model import Book, Line
from pipeline.stages.rebuild_paragraphs import rebuild_paragraphs


def paragraph_at(result, raw_line):
    return next(p for p in result.book.paragraphs if raw_line in p.lines)


def test_rebuild_paragraphs_joins_a_paragraph_across_a_page_break(through_paragraphs):
    p = paragraph_at(through_paragraphs, 277)  # "...other countries. This" at the foot of page 6
    assert "and other countries. This oppositional core later developed into the Fourth International" in p.text
    assert p.pages == (6, 7)
    assert 280 not in p.lines  # the running head "Introduction 7" is not part of it
    joins = {c.line: c for c in through_paragraphs.changes if c.rule == "join_across_page"}
    assert joins[283].evidence == "next block starts in lower case"


def test_rebuild_paragraphs_keeps_line_end_hyphens_visible(through_paragraphs):
    assert "first anticapi- talist revolution" in paragraph_at(through_paragraphs, 201).text


def test_rebuild_paragraphs_joins_the_split_block_on_page_5(through_paragraphs):
    p = paragraph_at(through_paragraphs, 189)
    assert p.text.startswith("Few myths have been more generally accepted")
    assert "the legitimate heirs to Lenin and the Bolshevik Party of the Russian Revolution." in p.text


@pytest.mark.parametrize(
    "line, text",
    [
        (3129, "Lenin"),
        (3132, "December 23, 1922"),
        (3133, "Taken down by M.V."),
        (3090, "I."),
        (6107, "Yours,"),
        (6057, "Lenin"),
        (6058, "December 15, 1922"),
        (3370, "To Comrade Stalin"),
        (183, "Part I"),
        (186, "INTRODUCTION"),
    ],
)
def test_rebuild_paragraphs_keeps_short_lines_standalone(line, text, through_paragraphs):
    p = paragraph_at(through_paragraphs, line)
    assert (p.text, p.standalone) == (text, True)


def test_rebuild_paragraphs_joins_a_wrapped_heading(through_paragraphs):
    assert paragraph_at(through_paragraphs, 3620).text == "Political Report to the Eleventh Party Congress"
    assert paragraph_at(through_paragraphs, 3993).text == "Granting Legislative Functions to the State Planning Commission"


def test_rebuild_paragraphs_leaves_no_body_paragraph_starting_in_lower_case(through_paragraphs):
    lower = regex.compile(r"^[^\p{L}\p{N}]*\p{Ll}(?! \p{Lu})")  # "g K. Radek": a speck, repair_punctuation's to take out
    index_starts = 7666  # index sub-entries ("resists reform of Rabkrin, 48;") rightly start in lower case
    starts = [p for p in through_paragraphs.book.paragraphs if lower.match(p.text) and p.lines[0] < index_starts]
    assert [(p.lines[0], p.text[:40]) for p in starts] == []


def test_rebuild_paragraphs_records_provenance_offsets(through_paragraphs):
    for p in through_paragraphs.book.paragraphs:
        assert len(p.lines) == len(p.starts) == len(p.line_pages)
        assert p.starts[0] == 0 and list(p.starts) == sorted(p.starts)


def test_rebuild_paragraphs_does_not_join_numbered_notes_at_a_page_break():
    rows = [("8. The term smychka (bond) was used to describe the alliance of the workers and", 149),
            ("peasants during the years of the New Economic Policy, in Lenin's words.", 149),
            ("", 149),
            ("9. The plenum was actually held on October 6, 1922, and Lenin was not there at", 150),
            ("all, as the editors of the Collected Works note in their own apparatus here.", 150)]
    book = Book("t", tuple(Line(i, t, p) for i, (t, p) in enumerate(rows, start=1)))
    out, _ = rebuild_paragraphs(book, Config())
    assert [p.text[:2] for p in out.paragraphs] == ["8.", "9."]
