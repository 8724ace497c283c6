"""The SymSpell index on disk: keyed by what it was built from, forgiving, and the same as symspellpy's own."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from symspellpy import Verbosity
from symspellpy.editdistance import DamerauOsa

from conftest import BOOK
from pipeline import spelling
from pipeline.verification.align import words


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    """The index written to an SQLite file and opened from it, and the same index built in memory."""
    built = spelling.build_symspell()
    path = tmp_path_factory.mktemp("index") / spelling.cache_file().name
    spelling.write_index(built, path)
    return spelling.open_index(path), built


def suggestions(index, word: str, distance: int) -> list[tuple[str, int, int]]:
    return [(s.term, s.distance, s.count) for s in index.lookup(word, Verbosity.ALL, distance)]


def test_spelling_index_file_is_keyed_by_version_and_settings(tmp_path):
    name = spelling.cache_file(tmp_path).name
    assert name.startswith("symspell-6.10.1-d2p6-") and name.endswith(".sqlite3")


def test_spelling_a_broken_index_file_is_a_cache_miss(tmp_path):
    broken = tmp_path / spelling.cache_file(tmp_path).name
    broken.write_bytes(b"not an index")
    assert spelling.open_index(broken) is None


def test_spelling_index_bigram_counts_are_the_dictionarys_in_key_order(indexes):
    """The counts kept as one array (read at once) are the bigram table's column, row for row."""
    on_disk, in_memory = indexes
    assert list(on_disk.bigrams.values()) == [count for _, count in sorted(in_memory.bigrams.items())]
    assert [on_disk.bigrams[key] for key in list(on_disk.bigrams)[:50]] == list(on_disk.bigrams.values())[:50]


def test_spelling_index_suggests_as_symspellpy_does_for_the_books_words(indexes):
    on_disk, in_memory = indexes
    text = BOOK.read_text(encoding="utf-8")
    tokens = sorted({w.lower() for w in words(text) if w.isalpha()})[::7]  # ~1,000 words, misreadings among them
    misread = ["annointed", "proceeeded", "oppositonists", "illyich", "progess", "extrernely"]  # corrected in the book
    assert set(misread) <= {w.lower() for w in words(text)}
    for word in tokens + misread:
        assert suggestions(on_disk, word, 2) == suggestions(in_memory, word, 2), word
    assert on_disk.words == in_memory.words
    assert sum(on_disk.bigrams.values()) == sum(in_memory.bigrams.values())
    assert on_disk.bigrams.get("of the") == in_memory.bigrams["of the"] and on_disk.bigrams.get("party zebra") is None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdeilmnortu'-", min_size=1, max_size=12), st.integers(1, 2))
def test_spelling_index_lookup_matches_symspellpy_on_any_string(indexes, word, distance):
    on_disk, in_memory = indexes
    assert suggestions(on_disk, word, distance) == suggestions(in_memory, word, distance)


@given(st.text(alphabet="abcdeé’'-", max_size=9), st.text(alphabet="abcdeé’'-", max_size=9), st.integers(0, 4))
def test_spelling_edit_distance_is_symspells_own(one, other, most):
    """The rapidfuzz comparer gives what symspellpy's pure-Python DamerauOsa gives, limit included,
    so lookups suggest the same words at the same distances."""
    assert spelling._OsaDistance().distance(one, other, most) == DamerauOsa().distance(one, other, most)
