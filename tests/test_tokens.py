"""correct_ocr_words' token lists kept between the stage's passes: as objects up to a budget, packed beyond it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.stages.correct_ocr_words import tokens
from pipeline.stages.correct_ocr_words.tokens import TokenizedBook, pack, tokenize, unpack


def test_tokens_every_pass_reads_the_same_tokens_kept_or_packed(through_paragraphs, monkeypatch):
    """Three passes over the book's paragraphs give what tokenizing gives, whether a paragraph's
    tokens were kept as objects or packed (a budget of 5,000 tokens packs most of the book)."""
    texts = [p.text for p in through_paragraphs.book.paragraphs]
    monkeypatch.setattr(tokens, "KEEP_TOKENS", 5_000)
    book = TokenizedBook(texts)
    expected = [tokenize(text) for text in texts]
    for _ in range(3):
        assert list(book) == expected
    packed = sum(not isinstance(kept, list) for kept in book._kept)
    assert 0 < packed < len(texts) and sum(map(len, expected)) > 50_000


@given(st.text(alphabet=st.sampled_from(["a", "B", "é", " ", "-", "¬", ".", ",", "“", "”", "’", "1", "/", "—", "\n"]), max_size=60))
def test_tokens_unpack_rebuilds_what_pack_kept(text):
    kept = tokenize(text)
    assert unpack(text, pack(kept), {}) == kept
    assert tokenize(text, {}) == kept  # interning changes no value


@given(st.lists(st.sampled_from(["a", "B", " ", ".", "“", "”", " " * 300, "x" * 300, "." * 20, "\n"]), max_size=12).map("".join))
def test_tokens_pack_keeps_gaps_words_and_trails_too_long_for_a_byte(text):
    """A gap, a core or a trail that does not fit in a byte packs the paragraph as ints, with the same tokens."""
    kept = tokenize(text)
    packed = pack(kept)
    assert unpack(text, packed, {}) == kept
    fits = all(t.start - (p.start + len(p.core) if p else 0) < 256 and len(t.core) < 256 and len(t.trail) < 16
               for p, t in zip([None, *kept], kept))
    assert isinstance(packed, bytes) == fits and len(packed) == 3 * len(kept)


@given(st.lists(st.sampled_from(["a", "w", "B", "é", " ", "-", "¬", ".", ",", "!", ":", "“", "’", "1", "/", "@", "www.", "\n"]), max_size=40).map("".join))
def test_tokens_plain_words_read_as_the_piece_rules_read_them(text):
    """The fast path for plain words (a word with at most one mark after it) gives
    exactly what the piece and fragment regexes give for them."""
    fast = tokenize(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tokens, "_plain", lambda word: None)
        assert tokenize(text) == fast
