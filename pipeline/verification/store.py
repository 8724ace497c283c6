"""The check reused while everything it reads hashes as before.

The check is a pure function of the raw and the cleaned book, the change log, the archive
files, the editorial spelling and confusion rules, and its code: all fixed
by the run's cache key (:mod:`pipeline.run.cache`: the raw file, the rules,
the archive, the pipeline's code and dependency versions, the options). A
run whose key is unchanged but that cleans the book anyway (``--force``, a
lost output file) would compute the very same result, so the result is kept,
pickled, in ``.cache/verification/`` under a hash of that key, one file per
book (a new result replaces the book's old one), and taken from there when
the key matches. Keying on what the run has hashed already costs nothing;
hashing every stage's book would cost as much as the check. A missing,
stale or unreadable file only costs the check.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from pipeline.config import Config
from pipeline.locations import CACHE_DIR
from pipeline.verification.check import Verification, verify

FORMAT = "verification-store 1"
"""Part of every file name: a change to what is pickled here makes old files unreachable."""


def _prefix(book: str) -> str:
    """The start of a book's file names: any book name makes a safe file name."""
    return hashlib.sha256(book.encode()).hexdigest()[:16]


def forget(book: str, cache_dir: Path = CACHE_DIR / "verification", keep: Path | None = None) -> None:
    """Drop the results kept for the book named ``book`` (but ``keep``), so that its next check is computed."""
    for old in cache_dir.glob(f"{_prefix(book)}.*.pickle"):
        if old != keep:
            old.unlink(missing_ok=True)


def _load(path: Path) -> Verification | None:
    try:
        with open(path, "rb") as handle:
            value = pickle.load(handle)
    except Exception:  # a truncated or foreign file is just a miss
        return None
    return value if isinstance(value, Verification) else None


def _save(value: Verification, folder: Path, book: str, path: Path) -> None:
    """Write atomically (temporary name, then rename), then drop the book's older results (``book`` is its name)."""
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
    forget(book, folder, keep=path)


def check(result, config: Config, key: str | None = None,
          cache_dir: Path = CACHE_DIR / "verification") -> Verification | None:
    """Check a cleaned book (a :class:`pipeline.stages.Result`) against the archive of ``config``; None without one.

    ``key`` is the run's cache key (any text that changes whenever an input
    of the book's output does); with it, the result is taken from
    ``cache_dir`` when kept there under the same key, and kept there
    otherwise. Without it the book is always checked.
    """
    if not config.archive or not result.book.documents:
        return None

    def run() -> Verification:
        return verify(result.book, result.source, result.changes, result.stages, dict(config.archive), config.spelling,
                      set(config.real_word_confusions), config.ocr_confusions)

    if key is None:
        return run()
    digest = hashlib.sha256((FORMAT + "\n" + key).encode()).hexdigest()
    path = cache_dir / f"{_prefix(result.book.name)}.{digest}.pickle"
    kept = _load(path) if path.exists() else None
    if kept is not None:
        return kept
    value = run()
    _save(value, cache_dir, result.book.name, path)
    return value
