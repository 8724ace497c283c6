"""The book's index read as entries (split_documents/index.py) and written as index.json / Markdown."""

from __future__ import annotations

import json

import pytest

from pipeline.edition.index import render_index_json
from pipeline.model import Paragraph
from pipeline.stages.split_documents.index import read_index, repair_page_digits


@pytest.fixture(scope="module")
def index(cleaned):
    return {entry.heading: entry for entry in cleaned.book.index}


def subs(entry):
    return {s.heading: [str(r) for r in s.refs] for s in entry.subentries}


def test_index_reads_every_entry_start(cleaned, index):
    entries = cleaned.book.index
    assert len(entries) >= 160
    assert not [e.heading for e in entries if e.heading[:1].islower()]  # no fragment "gress of" as an entry
    first, last = entries[0], entries[-1]
    assert (first.heading, [str(r) for r in first.refs]) == ("All-Russia Central Executive Committee", ["82"])
    assert last.heading == "Zinoviev, G." and len(last.subentries) >= 5


def test_index_joins_entries_across_lines_and_page_breaks(index):
    # "Central Committee of Communist" / "Party, 19, 26, …": a heading wrapped over two lines
    central = index["Central Committee of Communist Party"]
    assert [str(r) for r in central.refs][:3] == ["19", "26", "27"] and central.see == ("Monopoly of foreign trade",)
    assert subs(central)["Econburo of"] == ["81", "111n"]  # printed "11ln"
    # "Thirteenth Con-" (p. 156) / "gress of, 7, 33, 38, 61" (p. 157 side of the break)
    party = subs(index["Communist Party of Soviet Union"])
    assert party["Thirteenth Congress of"] == ["7", "33", "38", "61"]
    assert party["Twelfth Congress of"][-3:] == ["110-111", "124", "128"]  # "110-" / "111": the range kept whole
    assert subs(index["Bureaucracy"])["Lenin on"] == ["15", "17", "71", "75-76", "98-99", "100"]


def test_index_reads_cross_references_and_quoted_titles(index):
    assert index["Bolshevik Party"].see == ("Communist Party of Soviet Union",) and not index["Bolshevik Party"].refs
    assert index["Control Commission"].see == ("Central Control Commission",)
    assert [str(r) for r in index["“Platform of the Forty-Six,”"].refs] == ["27"]
    assert subs(index["“Better Fewer, But Better,” Lenin"]) == {"text of": ["92-105"]}


def test_index_references_are_pages_of_the_book(cleaned):
    pages = {p.number for p in cleaned.book.pages}
    refs = [r for e in cleaned.book.index for r in (*e.refs, *(r for s in e.subentries for r in s.refs))]
    assert len(refs) >= 900
    assert all(r.first in pages and r.last in pages and r.first <= r.last for r in refs)


def test_index_misread_page_numbers_are_logged_changes(cleaned):
    repaired = [(c.line, c.before, c.after) for c in cleaned.changes if c.rule == "index_page_digits"]
    assert (7724, "11ln;", "111n;") in repaired and (7899, "1lin", "111n") in repaired
    assert all(after.rstrip(",;") == "111n" for _, _, after in repaired)


def test_index_unreadable_parts_go_to_review(cleaned, index):
    assert "no page reference could be read" in index["Commissariat of Foreign Trade, Iie. AZO, PA"].problems
    rows = [r for r in cleaned.book.review if r.reason.startswith("index entry:")]
    assert any("'Ths Ue'" in r.reason for r in rows) and all(r.page in (156, 157, 158, 159, 160) for r in rows)


def test_index_json_summary(cleaned):
    data = json.loads(render_index_json(cleaned.book))
    assert data["summary"]["entries"] == len(data["entries"]) == len(cleaned.book.index)
    assert data["entries"][0] == {"heading": "All-Russia Central Executive Committee", "refs": ["82"], "see": [],
                                  "subentries": [], "lines": [7673, 7674], "problems": []}


def test_index_repair_leaves_a_page_outside_the_book_alone():
    ps = [Paragraph("Duma, 110, l7ln; Ruhr", (1,), (0,), (156,))]
    assert repair_page_digits(ps, [0], {"l": "1"}, range(5, 161)) == [] and ps[0].text == "Duma, 110, l7ln; Ruhr"


def test_index_weak_start_out_of_order_is_a_wrapped_line():
    texts = ["Central Committee, 19; Budget", "Commission of, 81", "Central Control Commission, 43"]
    ps = [Paragraph(t, (n,), (0,), (156,)) for n, t in enumerate(texts, start=1)]
    entries = read_index(ps, range(3), range(5, 161))
    assert [e.heading for e in entries] == ["Central Committee", "Central Control Commission"]
    assert [s.heading for s in entries[0].subentries] == ["Budget Commission of"]
