"""The check reused while everything it reads hashes as before.

The check is a pure function of the book at every stage, the archive
files, the editorial spelling and confusion rules, and its own code; a
rerun that changes none of them (``--force`` on an unchanged book, a change
to the command line or to how outputs are written) would compute the very
same result. So the result is kept, pickled, in ``.cache/verification/``
under a hash of all of those, one file per book (a new result replaces the
book's old one), and taken from there when the hash matches. A missing,
stale or unreadable file only costs the check.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import pickle
import tempfile
from pathlib import Path
from typing import Sequence

from pipeline.config import Config
from pipeline.locations import CACHE_DIR
from pipeline.model import Book
from pipeline.verification.check import Verification, verify

PACKAGE = Path(__file__).resolve().parent.parent
CODE = ("verification/*.py", "lexicon.py", "config.py", "model.py")
"""The code the check's result depends on (hashed with the versions of the libraries it calls)."""
LIBRARIES = ("regex", "rapidfuzz", "symspellpy")
FORMAT = b"verification-store 1\n"


def _code_digest() -> bytes:
    digest = hashlib.sha256(FORMAT)
    for pattern in CODE:
        for path in sorted(PACKAGE.glob(pattern)):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in LIBRARIES:
        digest.update(f"{name}=={importlib.metadata.version(name)}\n".encode())
    return digest.digest()


def _book_digest(digest, book: Book) -> None:
    """Feed what the check reads of a book: its lines, paragraphs (text, raw lines, pages) and documents."""
    for line in book.lines:
        digest.update(f"{line.number}\0{line.page}\0{line.text}\n".encode())
    digest.update(b"\1")
    for p in book.paragraphs:
        digest.update(f"{p.lines}\0{p.starts}\0{p.line_pages}\0{p.text}\n".encode())
    digest.update(b"\1")
    for d in book.documents:
        digest.update(f"{d.number}\0{d.kind}\0{d.title}\0{d.first}\0{d.end}\0{d.source_paragraphs}\n".encode())
    digest.update(b"\2")


def inputs_digest(snapshots: Sequence[tuple[str, Book]], raw: Book, config: Config) -> str:
    """A hash of everything the check reads: every stage's book, the raw book, the archive, the rules it uses, its code."""
    digest = hashlib.sha256(_code_digest())
    _book_digest(digest, raw)
    for name, book in snapshots:
        digest.update(name.encode() + b"\0")
        _book_digest(digest, book)
    for name, text in sorted(config.archive.items()):
        digest.update(f"{name}\0{len(text)}\0".encode() + text.encode())
    spelling = config.spelling
    digest.update(repr((sorted(spelling.words.items()), spelling.suffixes, spelling.pair_suffixes,
                        sorted(config.real_word_confusions))).encode())
    return digest.hexdigest()


def _load(path: Path) -> Verification | None:
    try:
        with open(path, "rb") as handle:
            value = pickle.load(handle)
    except Exception:  # a truncated or foreign file is just a miss
        return None
    return value if isinstance(value, Verification) else None


def _save(value: Verification, folder: Path, book: str, path: Path) -> None:
    """Write atomically (temporary name, then rename), then drop the book's older results."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    except OSError:
        return  # a read-only checkout still works, only slower
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return
    for old in folder.glob(f"{book}.*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)


def check(result, config: Config, cache_dir: Path | None = CACHE_DIR / "verification") -> Verification | None:
    """Check a cleaned book (a :class:`pipeline.stages.Result`) against the archive of ``config``; None without one.

    The result is taken from ``cache_dir`` when every input hashes as
    before, and kept there otherwise; ``cache_dir=None`` always checks.
    """
    if not config.archive or not result.book.documents:
        return None
    run = lambda: verify(result.snapshots, result.source, dict(config.archive), config.spelling,  # noqa: E731
                         set(config.real_word_confusions))
    if cache_dir is None:
        return run()
    name = hashlib.sha256(result.book.name.encode()).hexdigest()[:16]  # any book name is a safe file name
    path = cache_dir / f"{name}.{inputs_digest(result.snapshots, result.source, config)}.pickle"
    kept = _load(path) if path.exists() else None
    if kept is not None:
        return kept
    value = run()
    _save(value, cache_dir, name, path)
    return value
