"""The committed clean/ output: up to date, explained by its change log, nothing lost, a fixed point."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import BOOK, PROJECT
from pipeline.model import Change
from pipeline.run.render import render, render_markdown
from pipeline.stages import run_stages
from pipeline.reader import read_book
from pipeline.changelog.replay import replay
from pipeline.verification import check

OUT = PROJECT / "clean" / BOOK.stem


@pytest.fixture(scope="module")
def full(cleaned):
    return cleaned


def test_clean_output_is_not_stale(full, config):
    """Fails when pipeline/ or rules/ changed and clean/ was not regenerated (python -m pipeline run)."""
    verification = check(full, config)
    for name, text in render(full, verification).items():
        committed = (OUT / name).read_text(encoding="utf-8")
        assert committed == text, f"clean/{BOOK.stem}/{name} is stale: run `python -m pipeline run` and commit"


def test_clean_output_replays_from_the_change_log():
    raw = BOOK.read_text(encoding="utf-8").split("\n")
    changes = [Change(**json.loads(row)) for row in (OUT / "changes.jsonl").read_text(encoding="utf-8").splitlines()]
    groups = [json.loads(row)["lines"] for row in (OUT / "paragraphs.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = replay(raw, changes, groups)
    # The log gives back the clean text paragraph for paragraph; book.md presents these paragraphs (headings, note labels).
    assert texts == [json.loads(row)["text"] for row in (OUT / "paragraphs.jsonl").read_text(encoding="utf-8").splitlines()]


def tokens(text: str) -> Counter[str]:
    return Counter(text.split())


def test_clean_output_loses_no_word_of_the_raw_text(raw_book, full):
    raw = tokens("\n".join(line.text for line in raw_book.lines))
    kept = tokens(render_markdown(full.book))
    logged = tokens("\n".join(c.before for c in full.changes))
    missing = raw - kept - logged
    assert not missing, f"raw words neither in the output nor in the change log: {list(missing)[:20]}"


def test_clean_output_cleaning_it_again_changes_nothing(full, config, tmp_path: Path):
    once = render_markdown(full.book)
    (tmp_path / "book.md").write_text(once, encoding="utf-8")
    again = run_stages(read_book(tmp_path / "book.md"), config)
    assert render_markdown(again.book) == once
    assert again.changes == ()
