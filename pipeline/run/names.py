"""From raw files to output folders, safely: inside OUT, one folder per input.

The folder name is the book's name (:func:`pipeline.reader.book_name`, which
documents the rule). Before anything is written or deleted,
:func:`output_folder` checks that ``OUT/<name>`` lies inside ``OUT``, and
:func:`plan` refuses a batch in which two inputs would share a folder
(compared without case, as a case-insensitive file system would), naming both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from pipeline.reader import InputError, book_name


def output_folder(out: Path, name: str) -> Path:
    """``out/name``, after checking that it lies inside ``out`` and is not ``out`` itself.

    ``book_name`` never gives a name that escapes; this is the second lock on
    the door, checked before anything is written or deleted.

    >>> output_folder(Path("/tmp/clean"), "..")
    Traceback (most recent call last):
    ...
    pipeline.reader.InputError: '..': not a safe book folder name: OUT/.. is not inside /tmp/clean
    """
    out = Path(out).resolve()
    folder = (out / name).resolve()
    if folder.parent != out or name in ("", ".", "..") or name.startswith("."):
        raise InputError(f"{name!r}: not a safe book folder name: OUT/{name} is not inside {out}")
    return folder


@dataclass(frozen=True, slots=True)
class Job:
    """One raw file of a run and the folder its output goes to."""

    path: Path
    name: str
    folder: Path


def plan(paths: Iterable[Path], out: Path) -> list[Job]:
    """A job per raw file; two inputs that would share an output folder are an error naming both.

    >>> plan([Path("raw/x/book.txt"), Path("raw/y/Book.txt")], Path("/tmp/clean"))
    Traceback (most recent call last):
    ...
    pipeline.reader.InputError: raw/x/book.txt and raw/y/Book.txt would both be written to /tmp/clean/book (and /tmp/clean/Book); rename one of them
    """
    jobs: list[Job] = []
    seen: dict[str, Job] = {}
    for path in paths:
        name = book_name(path)
        job = Job(Path(path), name, output_folder(out, name))
        other = seen.get(name.casefold())
        if other is not None:
            also = "" if other.name == name else f" (and {job.folder})"
            raise InputError(f"{other.path} and {job.path} would both be written to {other.folder}{also}; rename one of them")
        seen[name.casefold()] = job
        jobs.append(job)
    return jobs
