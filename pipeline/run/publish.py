"""Put a book's output in place whole, or not at all; one run per book at a time.

A reader of ``OUT/<book>/`` must see either the complete old output or the
complete new one, whatever kills the process when. So a book is never
written file by file into its folder:

1. every file is written into a staging folder,
   ``OUT/.pipeline/staging/<book>/new-<random>/``, together with the cache
   record (``.cache-key``) that vouches for it;
2. files in the old folder that no earlier run wrote (a reader's own notes)
   are carried over into the staging folder, so nothing of theirs is lost;
3. the staging folder and the old folder are swapped in one step
   (``renameat2(RENAME_EXCHANGE)`` on Linux); where the system has no such
   call, the old folder is first renamed aside and the new one renamed in,
   and a run killed between the two renames is repaired by the next run;
4. the old output, now in the staging area, is deleted.

Leftovers of an interrupted run (a half-written staging folder, an old
folder not yet deleted) are cleaned up by the next run of the same book
(:func:`recover`), under the book's lock.

The lock (:func:`book_lock`, the ``filelock`` library: an OS file lock,
released by the OS when its process dies) is one per output folder, in
``OUT/.pipeline/locks/``; it is held from the cache decision to the swap,
so two runs of one book, in two processes, Prefect or Dask workers, never
mix their outputs. A second run waits, and is told which run holds it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import time
import uuid
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from filelock import FileLock, Timeout

from pipeline.reader import InputError

if TYPE_CHECKING:
    from pipeline.run.render import Rendered

WORK_DIR = ".pipeline"
"""The run's own folder inside OUT: locks and staging; hidden, and no book name can start with a dot."""
RECORD = ".cache-key"
"""The cache record inside each book folder: key, files written, warnings (see :mod:`pipeline.run.cache`)."""
LEGACY_SUFFIXES = {".md", ".json", ".jsonl", ".tsv", ".html"}
"""Outputs of versions before the record listed its files: those are taken as the pipeline's own."""


class PublishError(OSError):
    """The output could not be put in place; the old output is untouched. The message names the folder."""

    def __str__(self) -> str:
        return str(self.args[0])


def cannot_write(folder: Path, exc: OSError) -> str:
    """The one-line message of an output that could not be written."""
    kept = "the previous output is unchanged" if Path(folder).exists() else "nothing was written"
    return f"{folder}: cannot write the output ({exc.strerror or exc}); {kept}"


def _staging(out: Path, name: str) -> Path:
    return Path(out) / WORK_DIR / "staging" / name


@contextmanager
def book_lock(out: Path, name: str, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lock of ``OUT/<name>`` for the ``with`` block; wait for another run that holds it.

    Who holds it (pid, host, start time, command) is kept beside the lock, so
    a waiting run can say whom it waits for.
    """
    locks = Path(out) / WORK_DIR / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    lock = FileLock(locks / f"{name}.lock")
    holder = locks / f"{name}.holder.json"
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait(f"{Path(out) / name}: another run is writing this book ({_describe(holder)}); waiting for it to finish")
        lock.acquire()
    try:
        holder.write_text(json.dumps({
            "pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
            "command": " ".join(sys.argv)[:300],
        }) + "\n", encoding="utf-8")
        yield
    finally:
        holder.unlink(missing_ok=True)
        lock.release()


def _describe(holder: Path) -> str:
    try:
        record = json.loads(holder.read_text(encoding="utf-8"))
        return f"pid {record['pid']} on {record['host']}, started {record['started']}: {record['command']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a run that has not said who it is"


def recover(out: Path, name: str) -> list[str]:
    """Clean up after an interrupted run of this book; call it holding the book's lock.

    If the book folder is missing while an old copy waits in staging (a run
    died between the two renames of the fallback swap), the old copy is put
    back. Every other staging leftover is deleted. Returns what was done, in
    words, for the log.
    """
    staging = _staging(out, name)
    if not staging.is_dir():
        return []
    done = []
    folder = Path(out) / name
    olds = sorted(staging.glob("old-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    if not folder.exists() and olds:
        os.rename(olds[0], folder)
        done.append(f"restored {folder} from an interrupted swap")
    for leftover in staging.iterdir():
        shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink(missing_ok=True)
        done.append(f"removed the leftover {leftover.name} of an interrupted run")
    return done


def written_by_us(folder: Path) -> set[str] | None:
    """The files of ``folder`` an earlier run wrote (relative paths), from its record; None if the folder is not ours.

    A folder without a record but with a ``manifest.json`` was written by a
    version whose record is lost (it is gitignored) or predates the file list:
    its files of the output kinds are taken as the pipeline's. A non-empty
    folder with neither was not written by this pipeline.
    """
    folder = Path(folder)
    if not folder.exists():
        return set()
    for name, key in ((RECORD, "files"), ("manifest.json", "outputs")):
        try:
            files = json.loads((folder / name).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(files, list):
            return {str(f) for f in files} | {RECORD}
    if (folder / "manifest.json").is_file() or (folder / RECORD).is_file():
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.suffix in LEGACY_SUFFIXES} | {RECORD}
    if not any(folder.iterdir()):
        return set()
    return None


def _write(path: Path, render: Callable[[Callable[[str], object]], None]) -> None:
    """Create ``path`` with what ``render(write)`` writes, piece by piece."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        render(handle.write)


def publish(folder: Path, files: Rendered, record: dict) -> None:
    """Make ``folder`` hold exactly ``files`` (plus the reader's own files), with ``record`` as its cache record.

    Each file is rendered as it is written, piece by piece, one file at a time. Call it holding the book's lock. On any error the old folder is as it
    was and the staging copy is removed; the error names the folder.
    """
    folder = Path(folder)
    ours = written_by_us(folder)
    if ours is None:
        raise InputError(f"{folder}: this folder exists and was not written by this pipeline (no manifest.json or "
                         f"{RECORD}); move it away or choose another --out")
    staging = _staging(folder.parent, folder.name)
    staging.mkdir(parents=True, exist_ok=True)
    new = staging / f"new-{uuid.uuid4().hex[:12]}"
    try:
        new.mkdir()
        for name in files:
            _write(new / name, partial(files.write, name))
        _write(new / RECORD, lambda write: write(json.dumps(record, indent=2) + "\n"))
        if folder.exists():
            for path in folder.rglob("*"):
                relative = path.relative_to(folder).as_posix()
                if path.is_file() and relative not in ours and relative not in files:
                    (new / relative).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, new / relative)
        _swap(new, folder, staging)
    except BaseException as exc:
        shutil.rmtree(new, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, PublishError):
            raise PublishError(cannot_write(folder, exc)) from exc
        raise


def _swap(new: Path, folder: Path, staging: Path) -> None:
    """Put ``new`` in place of ``folder`` in one step where the system allows it; delete the old output."""
    if not folder.exists():
        os.rename(new, folder)
        return
    if _exchange(new, folder):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the old output
        return
    old = staging / f"old-{uuid.uuid4().hex[:12]}"
    os.rename(folder, old)
    os.rename(new, folder)  # a crash before this line is repaired by recover()
    shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # only now: with ctypes.util it costs ~20 ms, and a cached rerun publishes nothing
    import ctypes.util

    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (38, 22, 95):  # ENOSYS, EINVAL, EOPNOTSUPP: the kernel or file system cannot exchange
        return False
    raise OSError(errno, os.strerror(errno), str(b))
