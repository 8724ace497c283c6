"""Do no harm to punctuation: every change that touches a mark is one a person checked, and no stage loses a ? or !.

``tests/data/punctuation_changes.tsv`` lists every change of the book whose
marks differ between ``before`` and ``after`` (and every change of
``repair_punctuation``), with page, raw line and why it is right. A change
the table does not know fails the test, and so does a row no change makes
any more: the table is the reviewed record, updated by hand. Hyphen joins
(checked in hyphens.tsv) and removed lines (page_furniture.tsv) are not in it.
"""

from __future__ import annotations

from collections import Counter

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import read_table
from pipeline.config import Config
from pipeline.model import Book, Line, Paragraph
from pipeline.quotes import pair_quotes
from pipeline.rules import load_config
from pipeline.stages import run_stages
from pipeline.stages.repair_punctuation import repair_punctuation

MARKS = regex.compile(r"[^\p{L}\p{N}\s\-\u00ad¬]")
TABLE = read_table("punctuation_changes.tsv")


def touches_punctuation(change) -> bool:
    if change.after == "" and change.column == 0 or change.stage in ("rebuild_paragraphs", "join_hyphenated_words"):
        return False
    return change.stage == "repair_punctuation" or MARKS.findall(change.before) != MARKS.findall(change.after)


def test_punctuation_changes_are_all_hand_checked(cleaned):
    made = Counter((c.stage, c.rule, str(c.page or ""), str(c.line), c.before, c.after)
                   for c in cleaned.changes if touches_punctuation(c))
    checked = Counter((r["stage"], r["rule"], r["page"], r["line"], r["before"], r["after"]) for r in TABLE)
    unknown, stale = made - checked, checked - made
    assert not unknown, "changes to punctuation no one has checked (add them to tests/data/punctuation_changes.tsv "\
        "once checked):\n" + "\n".join("\t".join(row) for row in unknown)
    assert not stale, "checked changes the pipeline no longer makes:\n" + "\n".join("\t".join(row) for row in stale)


def test_punctuation_changes_table_says_why_for_every_row():
    assert TABLE and all(r["check"].strip() for r in TABLE)


# --- properties ----------------------------------------------------------------------------

WORDS = ("the party and Lenin’s letter to Trotsky that Stalin had concentrated unlimited authority in his hands "
         "we don’t organize the apparatus of the 1950’s Inspection better fewer but better").split()
"""Words with apostrophes inside them; a plural possessive closing a quotation ("‘the workers’’") is
ambiguous even to a reader, so none is generated."""
word = st.sampled_from(WORDS)


@st.composite
def quoted(draw, depth: int = 0) -> str:
    """Words with properly nested quotations: “… ‘…’ …” (and ’ as an apostrophe inside them)."""
    parts = draw(st.lists(word, min_size=1, max_size=6))
    if depth < 2 and draw(st.booleans()):
        inner = draw(quoted(depth + 1))
        opening, closing = ("“", "”") if depth % 2 == 0 else ("‘", "’")
        parts.insert(draw(st.integers(0, len(parts))), f"{opening}{inner}{closing}")
    return " ".join(parts)


@st.composite
def sentence(draw) -> str:
    body = draw(quoted())
    end = draw(st.sampled_from([".", "?", "!", ".”", "?”"]))
    text = body[:1].upper() + body[1:] + end
    return "“" + text if end.endswith("”") else text


paragraph = st.lists(sentence(), min_size=1, max_size=5).map(" ".join)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(paragraph, min_size=1, max_size=4))
def test_punctuation_balanced_quotes_in_balanced_and_untouched_out(texts):
    ps = tuple(Paragraph(t, (n,), (0,), (1,)) for n, t in enumerate(texts, start=1))
    assert all(pair_quotes(p.text).balanced for p in ps)
    book, changes = repair_punctuation(Book("generated", (), paragraphs=ps), Config())
    assert [p.text for p in book.paragraphs] == texts and not [c for c in changes if c.rule == "quote_pairing"]
    assert all(pair_quotes(p.text).balanced for p in book.paragraphs)


CONFIG = load_config()


def ends(text: str) -> Counter:
    return Counter(c for c in text if c in "?!")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.lists(paragraph, min_size=2, max_size=12), st.integers(min_value=40, max_value=70))
def test_punctuation_no_stage_deletes_a_question_or_exclamation_mark(texts, width):
    """Text wrapped into printed lines, through every stage: each stage's output keeps every ? and !."""
    lines: list[str] = []
    for text in texts:
        line = ""
        for token in text.split():
            if line and len(line) + 1 + len(token) > width:
                lines.append(line)
                line = token
            else:
                line = f"{line} {token}".strip()
        lines += [line, ""]
    book = Book("generated", tuple(Line(i, t) for i, t in enumerate(lines, start=1)))
    result = run_stages(book, CONFIG, snapshots=True)
    want = ends("\n".join(lines))
    for name, snapshot in result.snapshots:
        text = "\n".join(p.text for p in snapshot.paragraphs) if snapshot.paragraphs else "\n".join(l.text for l in snapshot.lines)
        assert ends(text) == want, name


@st.composite
def marked_sentence(draw) -> str:
    """A sentence ending in ., ? or ! right after a word, sometimes followed by a misread note mark."""
    words = draw(st.lists(word, min_size=2, max_size=8))
    end = draw(st.sampled_from([".", "?", "!"]))
    mark = draw(st.sampled_from(["", "", "®", "°", "’", "1", "2", "!", "?"]))
    return " ".join(words).capitalize() + end + mark


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.lists(marked_sentence(), min_size=1, max_size=4).map(" ".join), min_size=1, max_size=5),
       st.integers(min_value=1, max_value=4))
def test_punctuation_note_linking_never_takes_a_sentences_question_or_exclamation(texts, notes):
    """"understood?®" becomes "understood?[^5]": a ? or ! that ends a sentence stays, whatever mark follows it."""
    from pipeline.stages.split_documents import split_documents

    head = [("Contents", ()), ("PART I: Letters", ()), ("To Comrade Stalin by V.I. Lenin 3", ()),
            ("Notes to Part I 4", ()), ("Part I", (3,)), ("LETTERS", (3,)), ("To Comrade Stalin", (3,))]
    tail = [("NOTES TO PART I", (4,))] + [(f"{n}. A note on the party.", (4,)) for n in range(1, notes + 1)]
    rows = head + [(t, (3,)) for t in texts] + tail
    ps = tuple(Paragraph(t, (i,), (0,), (p[0] if p else None,)) for i, (t, p) in enumerate(rows, start=1))
    book, _ = split_documents(Book("generated", (), paragraphs=ps), CONFIG)
    sentence_ends = regex.compile(r"(?<=\p{L})[?!](?=[®°’12!?]?(?: \p{Lu}|$))")
    for before, after in zip(texts, (p.text for p in book.paragraphs[len(head) : len(head) + len(texts)])):
        assert len(sentence_ends.findall(before)) <= len(regex.findall(r"(?<=\p{L})[?!]", after)), (before, after)
