"""Read a raw OCR file into a Book, refusing what cannot be a text with a clear message.

The raw file is only ever read. Lines keep their raw numbers; trailing white
space (the Internet Archive dump ends every line with a space) is dropped on
reading and not logged, because it carries no text.

What is refused, each with the file's name and what to do: a missing file, a
folder, an empty file, a file over :data:`MAX_BYTES`, and a binary file,
judged over the whole file (NUL bytes anywhere, or more than
:data:`MAX_CONTROL_SHARE` of control characters: images, archives and
executables, even without NUL bytes). UTF-16 and UTF-32 files with a byte
order mark are decoded; a file that is not UTF-8 otherwise is decoded as
cp1252 (or latin-1) with a warning that says how to convert it.
"""

from __future__ import annotations

import codecs
import hashlib
import unicodedata
import zlib
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from pipeline.model import Book

MAX_BYTES = 50_000_000
"""Larger files are refused: a book's OCR is a few MB; 50 MB is a sign of a wrong file."""
MAX_CONTROL_SHARE = 0.01
"""A text has almost no control characters besides tab, newline and carriage return; binary data has many."""
MAX_NAME_BYTES = 100
_UNSAFE = regex.compile(r'[/\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}<>:"|?*]')
_SPACE = regex.compile(r"\s+")
_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # tab, newline, form feed (a page break) and CR are text
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class InputError(ValueError):
    """A raw file that cannot be cleaned; the message names the file and what to do."""


def _digest(stem: str) -> str:
    return hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def book_name(path: Path | str) -> str:
    """A book's name, which is also its output folder's: safe by construction.

    The rule, applied to the raw file's stem:

    1. Unicode is kept, normalised to NFC (``Ленин.txt`` -> ``Ленин``);
    2. path separators (``/``, ``\\``), control and format characters and
       the characters Windows forbids (``<>:"|?*``) become ``-``; runs of
       white space become one space;
    3. leading dots, dashes and spaces are dropped, and trailing dots and
       spaces (so no name is ``.``, ``..``, hidden, or read as an option);
    4. a name longer than 100 bytes in UTF-8 is cut at a character boundary
       and given ``-`` and 8 hex digits of the SHA-256 of the whole stem, so
       two long names that share a beginning stay apart;
    5. a name left empty becomes ``book-`` and those 8 hex digits.

    The same stem always gives the same name, on every run and machine.

    >>> book_name("raw/lenins-fight-against-stalinism.txt")
    'lenins-fight-against-stalinism'
    >>> book_name("raw/...txt"), book_name("raw/..txt"), book_name("raw/-rf.txt")
    ('book-5ec1f7e7', 'book-cdb4ee2a', 'rf')
    >>> book_name("raw/.hidden notes.txt"), book_name("raw/Ленин  письма.txt")
    ('hidden notes', 'Ленин письма')
    """
    stem = Path(path).stem
    name = _SPACE.sub(" ", _UNSAFE.sub("-", unicodedata.normalize("NFC", stem)))
    name = name.lstrip(".- ").rstrip(". ")
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        cut = name.encode("utf-8", "surrogatepass")[: MAX_NAME_BYTES - 9].decode("utf-8", "ignore").rstrip(". -")
        name = f"{cut}-{_digest(stem)}"
    return name or f"book-{_digest(stem)}"


def decode(data: bytes, path: Path) -> tuple[str, tuple[str, ...]]:
    """Decode raw bytes as UTF-8 (or UTF-16/32 with a byte order mark), or a legacy 8-bit encoding with a warning.

    >>> decode("Lenin’s".encode("utf-8"), Path("x.txt"))
    ('Lenin’s', ())
    >>> decode("Lenin’s".encode("utf-16"), Path("x.txt"))[0]
    'Lenin’s'
    >>> decode("Lenin’s".encode("cp1252"), Path("x.txt"))[1][0][:40]
    'x.txt: not UTF-8; decoded as cp1252 (che'
    >>> decode(bytes(range(1, 32)) * 10 + b"text", Path("x.bin"))
    Traceback (most recent call last):
    ...
    pipeline.reader.InputError: x.bin: the file is binary (86% control characters), not OCR text
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), path), ()
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}: starts with a {encoding.upper()} byte order mark but is not valid "
                                 f"{encoding.upper()} (byte {exc.start}); convert it to UTF-8") from exc
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{path}: the file is binary (it contains NUL bytes, the first at byte {nul}), not OCR text")
    try:
        return _checked(data.decode("utf-8-sig"), path), ()
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        line = data.count(b"\n", 0, first_bad) + 1
        return _checked(text, path), (
            f"{path}: not UTF-8; decoded as {encoding} (check the result; first non-UTF-8 byte on line {line}). "
            f"To convert it yourself: iconv -f {encoding.upper()} -t UTF-8 {path.name} > {path.stem}.utf8.txt",
        )
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def _checked(text: str, path: Path) -> str:
    """The text, unless it is empty or binary."""
    if not text.strip():
        raise InputError(f"{path}: the file is empty; nothing to clean")
    controls = len(_CONTROL.findall(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        raise InputError(f"{path}: the file is binary ({controls / len(text):.0%} control characters), not OCR text")
    return text


def read_book(path: Path) -> Book:
    """Read ``path`` into a Book of numbered lines; raise InputError for bad input."""
    from pipeline.model import Book, Lines  # only now: a cached rerun names books (book_name) but reads none
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a raw OCR file; give the .txt files in it (e.g. '{path}/*.txt')")
    if not path.is_file():
        raise InputError(f"{path}: no such file" if not path.exists() else f"{path}: not a regular file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(
            f"{path}: {size / 1e6:.0f} MB is larger than the {MAX_BYTES / 1e6:.0f} MB limit for one book; "
            "split it into volumes or check that it is the right file"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    text, warnings = decode(data, path)
    again = partial(_read_again, path.absolute(), len(data), zlib.crc32(data))  # absolute: a later chdir reads the same file
    del data
    return Book(name=book_name(path), lines=Lines.numbered(_rows(text), again), warnings=warnings)


def _read_again(path: Path, size: int, crc: int) -> tuple[str, ...]:
    """The lines of ``path`` as :func:`read_book` read them, read again for the archive check at the end
    of a run (:meth:`pipeline.model.Lines.for_later`); InputError if the file is no longer what was read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read again for the archive check ({exc.strerror or exc})") from exc
    if len(data) != size or zlib.crc32(data) != crc:
        raise InputError(f"{path}: changed while it was being cleaned; run again")
    return tuple(_rows(decode(data, path)[0]))


def _rows(text: str):
    r"""The lines of ``text`` as `sed -n Np` numbers them (split at "\n" only, not as str.splitlines;
    no last empty line after a final newline), trailing white space dropped, one at a time: a
    list of every line at once besides the kept ones cost as much again on a large file.

    >>> list(_rows("a \nb\r\n\n")), list(_rows("a\x0cb\n c"))
    (['a', 'b', ''], ['a\x0cb', ' c'])
    """
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        yield text[start:end].rstrip()
        start = end + 1
