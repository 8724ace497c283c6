"""repair_unicode on lines cut from the book and on known Unicode damage."""

from __future__ import annotations

import pytest

from pipeline.config import Config
from pipeline.model import Book, Line
from pipeline.stages.repair_unicode import repair_unicode


def run(texts: list[str], config: Config) -> tuple[list[str], list]:
    book = Book("t", tuple(Line(i, t) for i, t in enumerate(texts, start=1)))
    out, changes = repair_unicode(book, config)
    return [line.text for line in out.lines], changes


@pytest.mark.parametrize(
    "damaged, repaired",
    [
        ("the ﬁrst anticapi-", "the first anticapi-"),  # ligature
        ("Lenin\u2019s testament\x07", "Lenin’s testament"),  # control character
        ("LeninÃ¢â‚¬â„¢s", "Lenin’s"),  # double mojibake from a cp1252 round trip
        ("the Politburo\u2014and", "the Politburo—and"),  # em dash kept
        ("“facts,” the accusa-", "“facts,” the accusa-"),  # curly quotes kept
        ("Cafe\u0301", "Café"),  # NFC
    ],
)
def test_repair_unicode_fixes_damage_and_keeps_typography(damaged, repaired, config):
    texts, changes = run([damaged], config)
    assert texts == [repaired]
    assert len(changes) == (damaged != repaired)
    if changes:
        assert changes[0].before == damaged and changes[0].after == repaired and changes[0].rule.startswith("ftfy:")


def test_repair_unicode_removes_the_mirrored_library_stamp(through_furniture):
    removed = {c.line: c for c in through_furniture.changes if c.rule == "junk_line"}
    assert removed[1].before == "22212 GNVIAYVW ‘SYNSSLINWA"
    assert removed[2].before == "AdVYEIT 3D3T1IOO SAYYN “LS “LIN"
    assert {1224, 1225, 1226} <= removed.keys()  # "od / ne / nel" specks before page 26


@pytest.mark.parametrize(
    "line, text",
    [
        (528, "tion."),  # the tail of a hyphenated word
        (7684, "150b"),  # an index page reference
        (4785, "* * *"),  # a section break (rules/lines.tsv keep)
        (3090, "I."),  # a section number
        (3133, "Taken down by M.V."),
        (7899, "1lin"),  # index reference, misread but a reference
        (2920, "clear.—L.T."),  # a note's signature: the dash separates two words
    ],
)
def test_repair_unicode_keeps_short_real_lines(line, text, through_furniture):
    kept = {l.number: l.text for l in through_furniture.book.lines}
    assert kept[line] == text


def test_repair_unicode_strips_stray_marks_with_their_column(through_furniture):
    kept = {l.number: l.text for l in through_furniture.book.lines}
    assert kept[193].startswith("Lenin and the Bolshevik Party")
    assert kept[1221] == "the general public."
    marks = {c.line: c for c in through_furniture.changes if c.rule == "stray_mark"}
    assert (marks[193].before, marks[193].column) == ("_ ", 0)
    assert marks[1221].before == " š"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("• the general public.", "the general public."),
        ("the general public. ~", "the general public."),
        ("■ Lenin and the Bolshevik Party ¦", "Lenin and the Bolshevik Party"),
        ("© 1975 by Pathfinder Press", "© 1975 by Pathfinder Press"),  # a mark with a meaning
        ("| was against it at that time", "| was against it at that time"),  # a misread "I", not a speck
        ("pp. 730-34. Translated from Russian by the editor. |", "pp. 730-34. Translated from Russian by the editor. |"),  # "]"
        ("the temperature rose to 40 °", "the temperature rose to 40 °"),
        ("Dzerzhinsky was of Polish origin. †", "Dzerzhinsky was of Polish origin. †"),  # a note mark
    ],
)
def test_repair_unicode_strips_only_symbols_no_word_carries(text, expected, config):
    texts, _ = run([text], config)
    assert texts == [expected]


def test_repair_unicode_drop_rule_names_its_file_and_line(config):
    from dataclasses import replace

    import regex

    from pipeline.config import LineRule

    rule = LineRule("drop", regex.compile(r"^Digitized by"), "scanner credit", "rules/lines.tsv:9")
    texts, changes = run(["Digitized by the Internet Archive", "", "text stays"], replace(config, line_rules=(rule,)))
    assert texts == ["", "text stays"]
    assert changes[0].evidence == "rules/lines.tsv:9: scanner credit"
