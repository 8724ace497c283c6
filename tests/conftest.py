"""Shared fixtures: the real book, the project's rules, and the book run through the stages."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.process import Result, run_stages
from pipeline.reader import read_book
from pipeline.stages import STAGES

PROJECT = Path(__file__).resolve().parent.parent
BOOK = PROJECT / "raw" / "lenins-fight-against-stalinism.txt"
DATA = Path(__file__).resolve().parent / "data"


def stages_after(name: str) -> tuple[str, ...]:
    """The registered stages that come after ``name`` (to skip them)."""
    names = list(STAGES)
    return tuple(names[names.index(name) + 1 :])


def read_table(name: str) -> list[dict[str, str]]:
    """A hand-checked TSV table from tests/data (``#`` lines are comments)."""
    with open(DATA / name, encoding="utf-8") as handle:
        rows = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="session")
def config():
    return load_config()


@pytest.fixture(scope="session")
def raw_book():
    return read_book(BOOK)


@pytest.fixture(scope="session")
def through_furniture(raw_book, config) -> Result:
    """The book after ``remove_page_furniture``."""
    return run_stages(raw_book, config, skip=stages_after("remove_page_furniture"))


@pytest.fixture(scope="session")
def through_paragraphs(raw_book, config) -> Result:
    """The book after ``rebuild_paragraphs``."""
    return run_stages(raw_book, config, skip=stages_after("rebuild_paragraphs"))
