"""The book's lines stored by column (model.Lines) and a paragraph's provenance stored as one array
read exactly as the tuples they were made from (model.Paragraph, model.Numbers)."""

from __future__ import annotations

import bisect
import pickle
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.model import Book, Line, Lines, Numbers, Paragraph, ReadAgain, homes
from pipeline.reader import InputError
from pipeline.reader import read_book

BOOK = Path(__file__).resolve().parents[1] / "raw" / "lenins-fight-against-stalinism.txt"

line = st.builds(Line, st.integers(1, 2**31 - 1), st.text(max_size=30), st.none() | st.integers(-(2**31) + 1, 2**31 - 1))


@settings(max_examples=200, derandomize=True)
@given(st.lists(line, max_size=40), st.integers(-45, 45), st.integers(-45, 45))
def test_model_lines_read_back_as_the_lines_they_were_made_of(lines, start, stop):
    kept = Lines(lines)
    assert tuple(kept) == tuple(lines) and kept == tuple(lines) and kept == lines and len(kept) == len(lines)
    assert [kept[i] for i in range(-len(lines), len(lines))] == lines + lines
    assert kept[start:stop] == tuple(lines[start:stop]) and isinstance(kept[start:stop], Lines)
    assert pickle.loads(pickle.dumps(kept)) == kept
    assert Book("b", lines).lines == kept and Book("b", kept).lines is kept  # a book converts a tuple once
    assert kept.for_later() is kept  # made in memory: nothing to read again
    texts = [line.text for line in lines]
    later = Lines.numbered(texts, again=lambda: list(texts)).for_later()
    assert isinstance(later._texts, ReadAgain) and later._texts._texts is None and len(later) == len(lines)  # nothing read yet
    numbered = Lines.numbered(texts)
    assert later == numbered == tuple(later) and hash(later) == hash(numbered) and later._texts._texts is not None
    assert later[start:stop] == numbered[start:stop] and [later[i] for i in range(-len(lines), len(lines))] == list(numbered) * 2
    assert pickle.loads(pickle.dumps(later)) == later


def test_model_lines_of_the_book_as_read_are_the_raw_file_numbered_from_one():
    book = read_book(BOOK)
    assert isinstance(book.lines, Lines) and len(book.lines) == 8467
    assert book.lines[4999] == Line(5000, book.lines[4999].text) and book.lines[-1].number == 8467
    raw = BOOK.read_text(encoding="utf-8").split("\n")
    assert [line.text for line in book.lines[:300]] == [row.rstrip() for row in raw[:300]]
    assert bisect.bisect_left(book.lines, 5000, key=lambda line: line.number) == 4999  # what the archive check does
    assert book.lines != book.lines[:-1] and Lines([Line(1, "a", 3)]) != Lines([Line(1, "a")])


def test_model_a_cleaned_book_reads_its_raw_lines_again_for_the_check_and_its_paragraphs_carry_every_line(raw_book, cleaned):
    assert isinstance(cleaned.source.lines._texts, ReadAgain) and cleaned.source.lines == raw_book.lines
    rebuilt = dict(cleaned.snapshots)["rebuild_paragraphs"]
    assert len(rebuilt.lines) == 0 and len(dict(cleaned.snapshots)["remove_page_furniture"].lines) == 8276
    with_text = [line.number for line in dict(cleaned.snapshots)["remove_page_furniture"].lines if line.text.strip()]
    assert sorted(n for p in rebuilt.paragraphs for n in p.lines) == with_text  # so the lines can go


def test_model_the_book_as_read_is_read_again_from_its_file_and_refused_if_the_file_changed(tmp_path):
    path = tmp_path / "cut.txt"
    cut = b"\n".join(BOOK.read_bytes().split(b"\n")[2990:3040])  # 50 lines of the book
    path.write_bytes(cut)
    kept, changed, gone = (read_book(path).lines.for_later() for _ in range(3))
    assert kept._texts._texts is None and kept == read_book(path).lines and "the" in " ".join(line.text for line in kept)
    path.write_bytes(cut.replace(b"the", b"tbe", 1))
    with pytest.raises(InputError, match="cut.txt: changed while it was being cleaned"):
        changed[0]
    path.unlink()
    with pytest.raises(InputError, match="cut.txt: cannot be read again for the archive check"):
        gone[0]
    assert kept[0] == Line(1, cut.split(b"\n")[0].decode().rstrip())  # what was read once stays


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.tuples(st.integers(-(2**30), 2**30), st.none() | st.integers(-(2**30), 2**30)), max_size=12),
       st.text(max_size=20), st.integers(0, 20), st.integers(0, 20), st.booleans())
def test_model_a_paragraph_keeps_its_provenance_in_one_array_that_reads_as_its_tuples(rows, text, start, end, standalone):
    numbers, pages = [n for n, _ in rows], tuple(page for _, page in rows)
    as_tuples = Paragraph(text, tuple(numbers), tuple(numbers), pages, standalone)
    as_numbers = Paragraph(text, Numbers(numbers), numbers, list(pages), standalone)
    assert type(as_tuples.lines) is Numbers and type(as_tuples.starts) is Numbers
    assert as_tuples == as_numbers and hash(as_tuples) == hash(as_numbers) and repr(as_tuples) == repr(as_numbers)
    assert as_tuples.lines == tuple(numbers) and as_tuples.lines == numbers and not as_tuples.lines != tuple(numbers)
    assert as_tuples.lines != tuple(numbers) + (0,) and list(as_tuples.starts) == numbers
    assert as_tuples.line_pages == pages and as_tuples.standalone is standalone and as_tuples.text == text
    assert as_tuples.pages == tuple(dict.fromkeys(page for page in pages if page is not None))
    if numbers:
        assert (as_tuples.first_line, as_tuples.last_line) == (numbers[0], numbers[-1])
    assert as_tuples != Paragraph(text, numbers, numbers, pages, not standalone)
    assert pickle.loads(pickle.dumps(as_tuples)) == as_tuples
    start, end = sorted((min(start, len(text)), min(end, len(text))))
    edited = as_tuples.edit(start, end, "x")
    assert type(edited.starts) is Numbers and edited.lines == as_tuples.lines and edited.line_pages == pages
    with pytest.raises(FrozenInstanceError):
        as_tuples.text = "changed"
    with pytest.raises(ValueError, match="a start and a page for each"):
        Paragraph(text, numbers, numbers + [0], pages)


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.lists(st.integers(1, 30), min_size=1, max_size=5), max_size=8), st.lists(st.integers(1, 32), max_size=6))
def test_model_homes_finds_the_first_paragraph_that_holds_each_line(groups, wanted):
    paragraphs = [Paragraph("p", group, [0] * len(group), [None] * len(group)) for group in groups]
    one_by_one = {n: next(i for i, p in enumerate(paragraphs) if n in p.lines)
                  for n in wanted if any(n in p.lines for p in paragraphs)}
    assert homes(paragraphs, wanted) == one_by_one


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.integers(0, 60), min_size=1, max_size=10), st.integers(-5, 80))
def test_model_locate_finds_the_last_line_that_starts_at_or_before_the_offset(gaps, offset):
    starts = [0]
    for gap in gaps[1:]:
        starts.append(starts[-1] + gap)  # never decreasing, as joined lines and edits leave them
    p = Paragraph("x" * 80, tuple(range(100, 100 + len(starts))), tuple(starts), tuple(range(len(starts))))
    index = max((i for i, start in enumerate(starts) if start <= offset), default=0)
    assert p.locate(offset) == (100 + index, index, offset - starts[index])
