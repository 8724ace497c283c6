"""Property tests on typeset books: furniture found exactly, nothing lost, cleaning is idempotent."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.rules import load_config
from pipeline.model import Book, Line
from pipeline.run.render import render_markdown
from pipeline.stages import run_stages
from synthetic.typeset import typeset

CONFIG = load_config()
WORDS = ("the party and Lenin wrote to Trotsky that Stalin had concentrated unlimited authority in his hands "
         "we must organize the apparatus of the Workers’ and Peasants’ Inspection better fewer but better "
         "December 1922 Ordzhonikidze Rabkrin Gosplan congress of soviets (excerpt) “autonomization” 30, 31").split()

sentence = st.lists(st.sampled_from(WORDS), min_size=3, max_size=25).map(lambda ws: " ".join(ws).capitalize() + ".")
paragraph = st.lists(sentence, min_size=1, max_size=8).map(" ".join)
book_text = st.builds(
    lambda paragraphs, first, per_page, width, titles: typeset(
        paragraphs, book_title=titles[0], section_title=titles[1], first_page=first, lines_per_page=per_page, width=width
    ),
    st.lists(paragraph, min_size=15, max_size=40),
    st.integers(min_value=1, max_value=400),
    st.integers(min_value=24, max_value=44),
    st.integers(min_value=45, max_value=75),
    st.sampled_from([("The Last Struggle", "Better Fewer"), ("A History", "Chapter Two"), ("LENIN", "NOTES")]),
)


def as_book(text: str) -> Book:
    return Book("generated", tuple(Line(i, t.rstrip()) for i, t in enumerate(text.split("\n")[:-1], start=1)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(book_text)
def test_properties_furniture_nothing_lost_and_idempotent(typeset_book):
    result = run_stages(as_book(typeset_book.text), CONFIG)
    removed = {c.line: c.page for c in result.changes if c.stage == "remove_page_furniture"}
    if len(typeset_book.furniture) >= 3:
        assert removed == typeset_book.furniture
    raw = Counter(typeset_book.text.split())
    missing = raw - Counter(render_markdown(result.book).split()) - Counter(" ".join(c.before for c in result.changes).split())
    assert not missing
    once = render_markdown(result.book)
    again = run_stages(as_book(once), CONFIG)
    assert render_markdown(again.book) == once
