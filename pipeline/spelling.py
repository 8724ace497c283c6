"""The English spelling index for OCR correction: symspellpy's own dictionaries, read from disk as needed.

Building a SymSpell index over the 82,765-word dictionary takes seconds and
holds ~1.6 million small Python objects (its delete table), which would
dominate a run on one book in time and memory, and slow every later garbage
collection. So the index is built once per machine into an SQLite file in
the project's ``.cache/`` folder (keyed by the symspellpy version, the index
settings and the dictionary file sizes) and opened read-only: the delete
table and the bigram counts stay on disk, and a lookup reads the few rows it
needs. Opening costs milliseconds; a process holds only the word counts,
which are :func:`pipeline.lexicon.english_frequencies` (the same dictionary
file, already loaded by the stages that ask whether a token is a word).

The index is a real :class:`symspellpy.SymSpell` whose tables are read-only
mappings over the SQLite file, so ``lookup`` runs symspellpy's own code and
gives the same suggestions in the same order as the in-memory index. A
missing, stale or unreadable file only costs the rebuild.

A prefix length of 6 (symspellpy's default is 7) keeps the delete table
small while a lookup still takes about a millisecond; lookups give the same
suggestions at any prefix length.

Every SymSpell the pipeline makes (:func:`new_symspell`) measures edits with
rapidfuzz's optimal string alignment distance, the measure symspellpy's own
pure-Python ``DamerauOsa`` computes, about eight times as fast (symspellpy's
fast comparer would need the extra package editdistpy; rapidfuzz is here
for the alignments already).
"""

from __future__ import annotations

import gc
from array import array
import importlib.metadata
import importlib.resources
import os
import sqlite3
import tempfile
import threading
from collections.abc import Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Iterator

from rapidfuzz.distance import OSA
from symspellpy import SymSpell, helpers
from symspellpy.abstract_distance_comparer import AbstractDistanceComparer
from symspellpy.editdistance import DistanceAlgorithm, EditDistance

from pipeline.lexicon import english_frequencies
from pipeline.locations import CACHE_DIR

WORDS_FILE = "frequency_dictionary_en_82_765.txt"
BIGRAMS_FILE = "frequency_bigramdictionary_en_243_342.txt"
MAX_EDIT_DISTANCE = 2
PREFIX_LENGTH = 6
SEPARATOR = "\n"
"""Between the words that share a delete (no dictionary word holds a line break)."""
FORMAT = 2
"""The layout of the index file (2: the bigram counts also kept as one array, in key order); in its name."""


def _package_file(name: str) -> Path:
    """A dictionary file shipped inside the installed symspellpy package."""
    return Path(str(importlib.resources.files("symspellpy") / name))


def cache_file(cache_dir: Path = CACHE_DIR) -> Path:
    """Where the index lives; the name changes whenever what it was built from does."""
    version = importlib.metadata.version("symspellpy")
    sizes = "-".join(str(_package_file(name).stat().st_size) for name in (WORDS_FILE, BIGRAMS_FILE))
    return cache_dir / f"symspell-{version}-d{MAX_EDIT_DISTANCE}p{PREFIX_LENGTH}-{sizes}-f{FORMAT}.sqlite3"


@contextmanager
def _no_gc():
    """Pause the cyclic garbage collector while millions of small objects are made: 3x faster."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _OsaDistance(AbstractDistanceComparer):
    """symspellpy's edit distance (optimal string alignment), computed by rapidfuzz: -1 beyond ``max_distance``.

    >>> d = _OsaDistance()
    >>> d.distance("tlie", "the", 2), d.distance("ca", "ac", 1), d.distance("party", "the", 2)
    (2, 1, -1)
    """

    def distance(self, string_1: str | None, string_2: str | None, max_distance: int) -> int:
        if string_1 is None or string_2 is None:
            return helpers.null_distance_results(string_1, string_2, max_distance)
        found = OSA.distance(string_1, string_2, score_cutoff=max_distance)
        return found if found <= max_distance else -1


def new_symspell(max_edits: int, prefix_length: int) -> SymSpell:
    """An empty SymSpell that measures edits with :class:`_OsaDistance`."""
    return SymSpell(max_dictionary_edit_distance=max_edits, prefix_length=prefix_length,
                    distance_comparer=EditDistance(DistanceAlgorithm.USER_PROVIDED, _OsaDistance()))


def build_symspell() -> SymSpell:
    """The index built in memory from the packaged dictionary files (seconds)."""
    sym = new_symspell(MAX_EDIT_DISTANCE, PREFIX_LENGTH)
    with _no_gc():
        sym.load_dictionary(str(_package_file(WORDS_FILE)), term_index=0, count_index=1, encoding="utf-8")
        sym.load_bigram_dictionary(str(_package_file(BIGRAMS_FILE)), term_index=0, count_index=2, encoding="utf-8")
    return sym


def write_index(sym: SymSpell, path: Path) -> None:
    """Write an index's delete table, bigrams and settings to an SQLite file at ``path``."""
    db = sqlite3.connect(path)
    try:
        db.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER) WITHOUT ROWID;"
            "CREATE TABLE deletes (key TEXT PRIMARY KEY, words TEXT) WITHOUT ROWID;"
            "CREATE TABLE bigrams (key TEXT PRIMARY KEY, count INTEGER) WITHOUT ROWID;"
        )
        db.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("max_length", sym._max_length), ("words", len(sym.words)), ("bigram_count_min", sym.bigram_count_min),
            ("max_dictionary_edit_distance", MAX_EDIT_DISTANCE), ("prefix_length", PREFIX_LENGTH),
            # All counts at once (the stage sums them) read in a millisecond, where 242,000 rows take ~0.1 s.
            ("bigram_counts", array("q", (count for _, count in sorted(sym.bigrams.items()))).tobytes()),
        ])
        db.executemany("INSERT INTO deletes VALUES (?, ?)", ((k, SEPARATOR.join(v)) for k, v in sym.deletes.items()))
        db.executemany("INSERT INTO bigrams VALUES (?, ?)", sym.bigrams.items())
        db.commit()
    finally:
        db.close()


REMEMBERED_ROWS = 16_384
"""Rows a table keeps once read: a book asks for ~3,000 keys of each table, 40% of them more than once."""


class _Table(Mapping):
    """A read-only mapping over one table of the index (``key`` -> value), read row by row.

    Safe across threads (one lock per connection; Prefect runs tasks in
    threads) and across ``fork`` (a child opens its own connection).
    ``values()`` reads the whole column once and keeps it (the stage sums
    the bigram counts once per process), or takes it from ``values``, the
    column already read as one array.
    """

    def __init__(self, path: Path, table: str, column: str, convert=lambda v: v, values: array | None = None):
        self._path, self._convert = path, convert
        self._get_sql = f"SELECT {column} FROM {table} WHERE key = ?"
        self._keys_sql, self._values_sql = f"SELECT key FROM {table}", f"SELECT {column} FROM {table}"
        self._count_sql = f"SELECT count(*) FROM {table}"
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pid = -1
        self._read: dict[str, object] = {}  # each key's row, read once ("key in table" then "table[key]" too)
        self._values: list | array | None = values

    def _query(self, sql: str, args: tuple = ()) -> list:
        with self._lock:
            if self._db is None or self._pid != os.getpid():
                self._db = sqlite3.connect(f"file:{self._path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
                self._pid = os.getpid()
            return self._db.execute(sql, args).fetchall()

    def get(self, key, default=None):
        if not isinstance(key, str):
            return default
        try:
            value = self._read[key]
        except KeyError:
            rows = self._query(self._get_sql, (key,))
            value = self._convert(rows[0][0]) if rows else None
            if len(self._read) >= REMEMBERED_ROWS:
                self._read.clear()
            self._read[key] = value
        return value if value is not None else default

    def __getitem__(self, key):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._query(self._keys_sql))

    def __len__(self) -> int:
        return self._query(self._count_sql)[0][0]

    def values(self) -> list | array:
        if self._values is None:
            self._values = [self._convert(row[0]) for row in self._query(self._values_sql)]
        return self._values


def open_index(path: Path) -> SymSpell | None:
    """The index in ``path`` as a SymSpell whose delete table and bigrams are read from disk; None if unreadable."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        finally:
            db.close()
    except sqlite3.Error:  # a truncated or foreign file is just a cache miss
        return None
    words = english_frequencies()
    if (meta.get("max_dictionary_edit_distance"), meta.get("prefix_length"), meta.get("words")) != \
            (MAX_EDIT_DISTANCE, PREFIX_LENGTH, len(words)) or not isinstance(meta.get("bigram_counts"), bytes):
        return None
    sym = new_symspell(MAX_EDIT_DISTANCE, PREFIX_LENGTH)
    sym._words = words  # the same file read the same way: one dict for the whole process
    sym._deletes = _Table(path, "deletes", "words", lambda text: text.split(SEPARATOR))
    sym._bigrams = _Table(path, "bigrams", "count", values=array("q", meta["bigram_counts"]))
    sym._max_length = meta["max_length"]
    sym.bigram_count_min = meta["bigram_count_min"]
    return sym


def _save(sym: SymSpell, path: Path) -> None:
    """Write to a temporary name, then rename, so parallel runs never read half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return  # a read-only checkout still works, only slower
    os.close(handle)
    os.unlink(temporary)
    try:
        write_index(sym, Path(temporary))
        os.replace(temporary, path)
    except (OSError, sqlite3.Error):
        Path(temporary).unlink(missing_ok=True)
        return
    for old in path.parent.glob("symspell-*"):  # indexes of other versions or settings, and old pickles
        if old != path and not old.name.endswith(".tmp"):
            old.unlink(missing_ok=True)


@cache
def english_symspell() -> SymSpell:
    """The English index with its bigram counts: from the file in ``.cache/``, built there first if need be.

    Without a writable ``.cache/`` the index is built in memory (seconds) and
    used as is.
    """
    path = cache_file()
    sym = open_index(path) if path.exists() else None
    if sym is None:
        built = build_symspell()
        _save(built, path)
        sym = open_index(path) if path.exists() else built
    return sym
