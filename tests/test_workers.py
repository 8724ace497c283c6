"""``--workers``' worker processes: a book cleaned in one comes out as the book cleaned in place, with its
log lines and artifacts sent back; a worker that dies fails its book, and the next book gets a new worker."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from conftest import BOOK, clean_one
from pipeline.run import workers
from pipeline.run.artifacts import review_rows
from pipeline.run.options import RunOptions
from pipeline.stages import STAGES


@pytest.fixture
def one_worker():
    workers.start(1)
    yield
    workers.stop()


def test_workers_clean_a_book_as_in_place_and_send_back_its_lines_and_artifacts(cut_book, tmp_path, config, one_worker):
    here = clean_one(cut_book, tmp_path / "here", config)
    heard: list[tuple[int, str]] = []
    report = workers.clean(str(cut_book), RunOptions(tmp_path / "there"), lambda level, text: heard.append((level, text)))
    assert heard == report.lines  # each line heard once, in order, whether it came by the queue or with the report
    assert report.outcome.status == "cleaned" and report.outcome.changes == here.changes > 0
    for name in ("book.md", "changes.jsonl", "review.tsv", "stats.json"):
        assert (tmp_path / "there" / "cut" / name).read_bytes() == (tmp_path / "here" / "cut" / name).read_bytes()
    logged = [text.split(":")[0] for _, text in report.lines]
    assert logged == list(STAGES)  # a line for each stage, in order: "correct_ocr_words: 12 change(s), 0.31 s"
    artifacts = {artifact["key"]: artifact for artifact in report.artifacts}
    review = review_rows((tmp_path / "there" / "cut" / "review.tsv").read_text(encoding="utf-8"))
    assert artifacts["review-cut"]["table"] == (review or [{"open rows": "none"}])
    assert f"changes {here.changes}" in artifacts["stats-cut"]["markdown"]


def test_workers_two_books_at_once_each_hears_only_its_own_lines(cut_book, tmp_path):
    other = cut_book.with_name("other.txt")
    other.write_text("\n".join(BOOK.read_text(encoding="utf-8").split("\n")[900:1300]) + "\n", encoding="utf-8")
    workers.start(2)
    try:
        heard: dict[str, list] = {"cut": [], "other": []}

        def clean(path: Path):
            return workers.clean(str(path), RunOptions(tmp_path / "out"), lambda *line: heard[path.stem].append(line))

        with ThreadPoolExecutor(2) as threads:
            reports = dict(zip(("cut", "other"), threads.map(clean, (cut_book, other))))
    finally:
        workers.stop()
    assert reports["cut"].lines != reports["other"].lines  # the two cuts differ in their changes
    assert heard["cut"] == reports["cut"].lines and heard["other"] == reports["other"].lines


def _kill_workers() -> None:
    for pid in list(workers._pool._processes):
        os.kill(pid, signal.SIGKILL)


def test_workers_a_dead_worker_fails_its_book_and_the_next_book_gets_a_new_one(cut_book, tmp_path, one_worker):
    with pytest.raises(BrokenProcessPool):  # killed at its first stage's line: the book had begun
        workers.clean(str(cut_book), RunOptions(tmp_path / "lost"), lambda level, text: _kill_workers())
    assert not (tmp_path / "lost" / "cut").exists()
    again = workers.clean(str(cut_book), RunOptions(tmp_path / "again"))
    assert again.outcome.status == "cleaned" and (tmp_path / "again" / "cut" / "book.md").exists()


def test_workers_a_book_sent_ahead_and_lost_with_its_worker_before_it_began_goes_to_a_new_one(cut_book, tmp_path, one_worker):
    """Two books sent ahead to one worker, each claimed by its task thread: the worker is killed during
    the first, which fails; the second had not begun, is sent again once, and is cleaned, every line heard once."""
    first, second = RunOptions(tmp_path / "first"), RunOptions(tmp_path / "second")
    workers.send_ahead([str(cut_book)], first)
    workers.send_ahead([str(cut_book)], second)
    heard: list[tuple[int, str]] = []

    def kill_once_the_second_is_claimed(level: int, text: str) -> None:
        deadline = time.monotonic() + 60
        while (str(cut_book), second) in workers._early and time.monotonic() < deadline:
            time.sleep(0.01)  # the second book's task has taken it; the one worker is busy with the first
        _kill_workers()

    with ThreadPoolExecutor(2) as threads:
        lost = threads.submit(workers.clean, str(cut_book), first, kill_once_the_second_is_claimed)
        claimed = threads.submit(workers.clean, str(cut_book), second, lambda level, text: heard.append((level, text)))
        with pytest.raises(BrokenProcessPool):
            lost.result(timeout=120)
        report = claimed.result(timeout=120)
    assert not (tmp_path / "first" / "cut").exists()
    assert report.outcome.status == "cleaned" and (tmp_path / "second" / "cut" / "book.md").exists()
    assert heard == report.lines and [text.split(":")[0] for _, text in heard] == list(STAGES)


def test_workers_books_sent_ahead_and_never_claimed_are_withdrawn(cut_book, tmp_path, one_worker):
    busy, waiting = RunOptions(tmp_path / "busy"), RunOptions(tmp_path / "waiting")
    workers.send_ahead([str(cut_book)], busy)
    workers.send_ahead([str(cut_book)], waiting)
    waiting_future = workers._early[(str(cut_book), waiting)][0]
    workers.withdraw()
    assert not workers._early and waiting_future.cancelled()
    workers.stop()  # waits for the book the worker had begun
    assert not (tmp_path / "waiting" / "cut").exists()


def test_workers_a_book_sent_ahead_is_the_one_its_task_waits_on_and_no_line_is_lost(cut_book, tmp_path, one_worker):
    """``send_ahead`` sends the book before the flow exists; ``clean`` then waits on that same run
    (the book is cleaned once, not twice), hears every line made before it was called, and a book
    with other options is not mistaken for it."""
    options = RunOptions(tmp_path / "out")
    workers.send_ahead([str(cut_book)], options)
    early = workers._early[(str(cut_book), options)][0]
    early.result(timeout=120)  # the book ends before its "task" asks for it: every line waits in the inbox
    heard: list[tuple[int, str]] = []
    report = workers.clean(str(cut_book), options, lambda level, text: heard.append((level, text)))
    assert report is not None and report.outcome.status == "cleaned" and report.outcome.reason == "new"
    assert heard == report.lines and [text.split(":")[0] for _, text in heard] == list(STAGES)
    assert not workers._early  # used once
    again = workers.clean(str(cut_book), options)  # not sent ahead: submitted, and the output is cached now
    assert again.outcome.status == "cached" and again.started > report.started
    forced = RunOptions(tmp_path / "out", force=True)
    workers.send_ahead([str(cut_book)], options)
    assert workers.clean(str(cut_book), forced).outcome.reason == "forced"  # other options: its own run
