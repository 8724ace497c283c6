"""The English spelling index for OCR correction: symspellpy's own dictionaries, built once.

Building a SymSpell index over the 82,765-word dictionary takes seconds, which
would dominate a run on one book. So the index (words, bigrams and delete
table) is built once per process and also pickled to the project's
``.cache/`` folder, keyed by the symspellpy version, the index settings and
the dictionary file sizes; a later process loads it in well under a second.
A missing, stale or unreadable cache only costs the rebuild.

A prefix length of 6 (symspellpy's default is 7) keeps the delete table, and
so the cache file and its load time, small while a lookup still takes about
a millisecond; lookups give the same suggestions at any prefix length.
"""

from __future__ import annotations

import gc
import importlib.metadata
import importlib.resources
import os
import tempfile
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from symspellpy import SymSpell

WORDS_FILE = "frequency_dictionary_en_82_765.txt"
BIGRAMS_FILE = "frequency_bigramdictionary_en_243_342.txt"
MAX_EDIT_DISTANCE = 2
PREFIX_LENGTH = 6
CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache"


def _package_file(name: str) -> Path:
    """A dictionary file shipped inside the installed symspellpy package."""
    return Path(str(importlib.resources.files("symspellpy") / name))


def cache_file(cache_dir: Path = CACHE_DIR) -> Path:
    """Where the pickled index lives; the name changes whenever what it was built from does."""
    version = importlib.metadata.version("symspellpy")
    sizes = "-".join(str(_package_file(name).stat().st_size) for name in (WORDS_FILE, BIGRAMS_FILE))
    return cache_dir / f"symspell-{version}-d{MAX_EDIT_DISTANCE}p{PREFIX_LENGTH}-{sizes}.pickle"


@contextmanager
def _no_gc():
    """Pause the cyclic garbage collector: unpickling millions of small objects runs 3x faster."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_symspell() -> SymSpell:
    """The index built from the packaged dictionary files (seconds)."""
    sym = SymSpell(max_dictionary_edit_distance=MAX_EDIT_DISTANCE, prefix_length=PREFIX_LENGTH)
    with _no_gc():
        sym.load_dictionary(str(_package_file(WORDS_FILE)), term_index=0, count_index=1, encoding="utf-8")
        sym.load_bigram_dictionary(str(_package_file(BIGRAMS_FILE)), term_index=0, count_index=2, encoding="utf-8")
    return sym


def _load_cached(path: Path) -> SymSpell | None:
    """The pickled index, or None when the file cannot be read as one."""
    sym = SymSpell(max_dictionary_edit_distance=MAX_EDIT_DISTANCE, prefix_length=PREFIX_LENGTH)
    try:
        with _no_gc():
            loaded = sym.load_pickle(str(path), compressed=False)
    except Exception:  # a truncated or foreign file is just a cache miss
        return None
    return sym if loaded and sym.words else None


def _save_cached(sym: SymSpell, path: Path) -> None:
    """Write atomically (temporary name, then rename) so parallel runs never read half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return  # a read-only checkout still works, only slower
    os.close(handle)
    try:
        sym.save_pickle(temporary, compressed=False)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


@cache
def english_symspell() -> SymSpell:
    """The English index with its bigram counts, from the disk cache or freshly built."""
    path = cache_file()
    sym = _load_cached(path) if path.exists() else None
    if sym is None:
        sym = build_symspell()
        _save_cached(sym, path)
    return sym
