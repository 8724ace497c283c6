"""book.tei.xml on the whole book: parsed with xml.etree and checked against the TEI structure it claims."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from pipeline.edition import as_text
from pipeline.edition.tei import write_tei

NS = {"t": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


@pytest.fixture(scope="module")
def tei(cleaned):
    return ET.fromstring(as_text(write_tei, cleaned.book).encode("utf-8"))


def test_tei_header_from_metadata_and_source(tei):
    assert tei.tag == "{http://www.tei-c.org/ns/1.0}TEI"
    title_stmt = tei.find("t:teiHeader/t:fileDesc/t:titleStmt", NS)
    assert title_stmt.findtext("t:title", namespaces=NS) == "Lenin’s Fight Against Stalinism"
    assert [a.text for a in title_stmt.findall("t:author", NS)] == ["V.I. Lenin", "Leon Trotsky"]
    monogr = tei.find("t:teiHeader/t:fileDesc/t:sourceDesc/t:biblStruct/t:monogr", NS)
    assert [i.text for i in monogr.findall("t:idno[@type='ISBN']", NS)] == ["0-87348-414-2 (cloth)", "0-87348-415-0 (paper)"]
    assert monogr.find("t:imprint/t:date", NS).get("when") == "1975"
    provenance = tei.find("t:teiHeader/t:fileDesc/t:sourceDesc/t:p", NS)
    assert provenance.text.startswith("Digitized by the Internet Archive")
    assert "Digitized by" not in "".join(tei.find("t:text", NS).itertext())


def test_tei_parts_and_documents_have_heads(cleaned, tei):
    parts = tei.findall("t:text/t:body/t:div[@type='part']", NS)
    assert [p.findtext("t:head", namespaces=NS) for p in parts] == [
        "Part I: Introduction", "Part II: On Lenin’s Testament", "Part III: Lenin’s Testament",
        "Part IV: The Bureaucracy", "Part V: The Monopoly of Foreign Trade", "Part VI: The Nationalities Question"]
    documents = [d for d in tei.iter("{http://www.tei-c.org/ns/1.0}div") if d.get("type") != "part"]
    assert len(documents) == len(cleaned.book.documents)
    assert all(d.find("t:head", NS) is not None for d in documents)
    comments = tei.find(".//t:div[@n='11']", NS)
    assert comments.findtext("t:head", namespaces=NS) == "Comments on Lenin’s Proposal Concerning the Work of Deputies"


def test_tei_letters_have_opener_dateline_closer(tei):
    stalin = tei.find(".//t:div[@n='7']", NS)  # "To Comrade Stalin", March 5, 1923
    assert stalin.findtext("t:opener/t:salute", namespaces=NS) == "Dear Comrade Stalin:"
    closer = stalin.find("t:closer", NS)
    assert closer.findtext("t:salute", namespaces=NS) == "Respectfully yours,"
    assert closer.findtext("t:signed", namespaces=NS) == "Lenin"
    assert closer.findtext("t:dateline", namespaces=NS) == "March 5, 1923"
    assert stalin.find("t:bibl[@type='source']", NS).text.startswith("[Lenin, Collected Works, vol. 45")
    foreign_trade = tei.find(".//t:div[@n='19']", NS)
    assert foreign_trade.find("t:dateline", NS).get("n") == "1922-10-13"


def test_tei_note_references_and_notes_link_both_ways(tei):
    ids = {e.get(XML_ID) for e in tei.iter() if e.get(XML_ID)}
    refs = tei.findall(".//t:ref[@type='note']", NS)
    notes = tei.findall(".//t:div[@type='notes']/t:note", NS)
    assert len(refs) >= 28 and len(notes) >= 45
    assert all(r.get("target")[1:] in ids for r in refs)
    linked = [n for n in notes if n.get("target")]
    assert len(linked) == len(refs) and all(n.get("target")[1:] in ids for n in linked)
    assert "note-iv-3" in ids and "ref-iv-1" in ids


def test_tei_page_breaks_follow_the_printed_pages(cleaned, tei):
    numbers = [int(pb.get("n")) for pb in tei.iter("{http://www.tei-c.org/ns/1.0}pb")]
    assert numbers == sorted({p.number for p in cleaned.book.pages})  # every page once, in order


def test_tei_index_is_a_list_pointing_at_pages(cleaned, tei):
    index = tei.find("t:text/t:back/t:div[@type='index']", NS)
    items = index.findall("t:list/t:item", NS)
    assert len(items) == len(cleaned.book.index)
    ids = {e.get(XML_ID) for e in tei.iter() if e.get(XML_ID)}
    targets = [r.get("target") for r in index.iter("{http://www.tei-c.org/ns/1.0}ref") if r.get("target")]
    assert len(targets) >= 900 and all(t[1:] in ids for t in targets)
    bureaucracy = next(i for i in items if i.findtext("t:term", namespaces=NS) == "Bureaucracy")
    assert [s.text for s in bureaucracy.findall("t:list/t:item", NS)][:2] == ["defined", "Lenin on"]


def test_tei_library_card_is_low_confidence(tei):
    card = tei.find("t:text/t:back/t:div[@cert='low']", NS)
    assert card.findtext("t:head", namespaces=NS) == "Library card"
