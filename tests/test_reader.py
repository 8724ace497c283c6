"""Bad raw input gets a clear error naming the file; legacy encodings decode with a warning."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import reader
from pipeline.reader import InputError, read_book


def test_reader_refuses_an_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n")
    with pytest.raises(InputError, match=r"empty\.txt: the file is empty"):
        read_book(path)


def test_reader_refuses_a_binary_file(tmp_path):
    path = tmp_path / "scan.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match=r"scan\.txt: the file is binary"):
        read_book(path)


def test_reader_decodes_cp1252_with_a_warning(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Lenin’s “testament” — 1922\n".encode("cp1252"))
    book = read_book(path)
    assert book.lines[0].text == "Lenin’s “testament” — 1922"
    assert "decoded as cp1252" in book.warnings[0] and "iconv" in book.warnings[0]


def test_reader_decodes_latin1_when_cp1252_cannot(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(b"caf\xe9 \x81\n")
    assert "decoded as latin-1" in read_book(path).warnings[0]


def test_reader_refuses_a_file_over_the_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_BYTES", 1000)
    path = tmp_path / "huge.txt"
    path.write_text("word " * 1000)
    with pytest.raises(InputError, match=r"huge\.txt: .* larger than the .* limit"):
        read_book(path)


def test_reader_numbers_lines_as_sed_does(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text("one \nform\x0cfeed\n\nfour\n")
    assert [(l.number, l.text) for l in read_book(path).lines] == [(1, "one"), (2, "form\x0cfeed"), (3, ""), (4, "four")]


def test_reader_names_a_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_book(tmp_path / "nope.txt")


@given(st.text(alphabet=st.sampled_from(["a", "é", " ", "\t", "\n", "\r", "\x0c", "\u2028", "’"]), max_size=40))
def test_reader_lines_are_numbered_as_sed_numbers_them(text):
    """Split at "\\n" only, trailing white space dropped, no last empty line after a final newline."""
    rows = text.split("\n")
    if rows and rows[-1] == "":
        rows.pop()
    assert [r.rstrip() for r in rows] == list(reader._rows(text))
