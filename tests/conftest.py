"""Shared fixtures: the real book, the project's rules, and the book run through the stages."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from hypothesis import settings

from pipeline.locations import ARCHIVE_DIR, RULES_DIR
from pipeline.reader import read_book
from pipeline.rules import load_config
from pipeline.run.book import Hooks, Outcome, clean_book
from pipeline.run.names import plan
from pipeline.run.options import RunOptions
from pipeline.stages import STAGES, Result, run_stages

PROJECT = Path(__file__).resolve().parent.parent
BOOK = PROJECT / "raw" / "lenins-fight-against-stalinism.txt"
DATA = Path(__file__).resolve().parent / "data"

# Property tests draw the same examples on every run (CI must not fail one run in 25 on a new example);
# HYPOTHESIS_PROFILE=explore draws new ones, to look for bugs on purpose, and a failure found there becomes an @example.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def stages_after(name: str) -> tuple[str, ...]:
    """The registered stages that come after ``name`` (to skip them)."""
    names = list(STAGES)
    return tuple(names[names.index(name) + 1 :])


def clean_one(path: Path, out: Path, config, rules: Path = RULES_DIR, archive: Path | None = ARCHIVE_DIR,
              skip=(), force: bool = False, hooks: Hooks = Hooks()) -> Outcome:
    """One book through the library's per-book sequence, as the CLI runs it without Prefect."""
    options = RunOptions(out, rules, archive, tuple(skip), force)
    return clean_book(plan([path], options.out)[0], options, config, hooks)


def read_table(name: str) -> list[dict[str, str]]:
    """A hand-checked TSV table from tests/data (``#`` lines are comments)."""
    with open(DATA / name, encoding="utf-8") as handle:
        rows = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture
def cut_book(tmp_path) -> Path:
    """Pages 5 to 12 of the book, cut from the raw file."""
    path = tmp_path / "raw" / "cut.txt"
    path.parent.mkdir()
    path.write_text("\n".join(BOOK.read_text(encoding="utf-8").split("\n")[182:580]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def config():
    return load_config()


@pytest.fixture(scope="session")
def raw_book():
    return read_book(BOOK)


@pytest.fixture(scope="session")
def cleaned(raw_book, config) -> Result:
    """The whole book through every stage, once per test session."""
    return run_stages(raw_book, config, snapshots=True)


def through(result: Result, name: str) -> Result:
    """The book as it was after stage ``name``, with the changes made up to it, from a whole run's snapshots."""
    done = set(STAGES) - set(stages_after(name))
    book = dict(result.snapshots)[name]
    changes = tuple(c for c in result.changes if c.stage in done)
    return Result(book, changes, result.raw_lines, {}, tuple(s for s in result.snapshots if s[0] in done), result.source)


@pytest.fixture(scope="session")
def through_furniture(cleaned) -> Result:
    """The book after ``remove_page_furniture``."""
    return through(cleaned, "remove_page_furniture")


@pytest.fixture(scope="session")
def through_paragraphs(cleaned) -> Result:
    """The book after ``rebuild_paragraphs``."""
    return through(cleaned, "rebuild_paragraphs")
