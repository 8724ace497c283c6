"""Read a raw OCR file into a Book, refusing what cannot be a text with a clear message.

The raw file is only ever read. Lines keep their raw numbers; trailing white
space (the Internet Archive dump ends every line with a space) is dropped on
reading and not logged, because it carries no text.
"""

from __future__ import annotations

from pathlib import Path

from .model import Book, Line

MAX_BYTES = 50_000_000
"""Larger files are refused: a book's OCR is a few MB; 50 MB is a sign of a wrong file."""


class InputError(ValueError):
    """A raw file that cannot be cleaned; the message names the file and what to do."""


def book_name(path: Path) -> str:
    """The output folder name for a raw file: its stem (``raw/x.txt`` -> ``x``)."""
    return path.stem


def decode(data: bytes, path: Path) -> tuple[str, tuple[str, ...]]:
    """Decode raw bytes as UTF-8, or as a legacy 8-bit encoding with a warning.

    >>> decode("Lenin’s".encode("utf-8"), Path("x.txt"))
    ('Lenin’s', ())
    >>> decode("Lenin’s".encode("cp1252"), Path("x.txt"))[1][0][:40]
    'x.txt: not UTF-8; decoded as cp1252 (che'
    """
    if not data.strip():
        raise InputError(f"{path}: the file is empty; nothing to clean")
    if b"\x00" in data[:65536]:
        raise InputError(f"{path}: the file is binary (it contains NUL bytes), not OCR text")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        line = data.count(b"\n", 0, first_bad) + 1
        return text, (
            f"{path}: not UTF-8; decoded as {encoding} (check the result; first non-UTF-8 byte on line {line}). "
            f"To convert it yourself: iconv -f {encoding.upper()} -t UTF-8 {path.name} > {path.stem}.utf8.txt",
        )
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def read_book(path: Path) -> Book:
    """Read ``path`` into a Book of numbered lines; raise InputError for bad input."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(
            f"{path}: {size / 1e6:.0f} MB is larger than the {MAX_BYTES / 1e6:.0f} MB limit for one book; "
            "split it into volumes or check that it is the right file"
        )
    text, warnings = decode(path.read_bytes(), path)
    rows = text.split("\n")  # numbered as `sed -n Np` numbers them, not as str.splitlines
    if rows and rows[-1] == "":
        rows.pop()
    lines = tuple(Line(number, raw.rstrip()) for number, raw in enumerate(rows, start=1))
    return Book(name=book_name(path), lines=lines, warnings=warnings)
