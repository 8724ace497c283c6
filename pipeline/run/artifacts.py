"""What the dashboard keeps of a book, as plain data: its archive check, open review rows and stats.

Built where the book is cleaned and created as Prefect artifacts by the flow
(:mod:`pipeline.ops.flow`), so a book cleaned in a worker process that never
imports Prefect (:mod:`pipeline.run.workers`) still gets them: the worker
sends these dictionaries back with the outcome.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.stages import Result
    from pipeline.verification import Verification

Artifact = dict[str, Any]
"""``kind`` ("table" or "markdown"), ``key``, ``description``, and its ``table`` rows or ``markdown`` text."""


def artifact_key(text: str) -> str:
    """An artifact key from any text: Prefect accepts only ``[a-z0-9-]``.

    >>> artifact_key("Lenin's_Fight 2")
    'lenin-s-fight-2'
    """
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())


def review_rows(tsv: str) -> list[dict[str, str]]:
    r"""The open rows of review.tsv as table rows (the dashboard's list of what is still to decide).

    >>> review_rows("stage\tpage\tline\ttoken\ncorrect_ocr_words\t130\t6374\tTommorow\n")
    [{'stage': 'correct_ocr_words', 'page': '130', 'line': '6374', 'token': 'Tommorow'}]
    """
    header, *rows = tsv.rstrip("\n").split("\n")
    names = header.split("\t")
    return [dict(zip(names, row.split("\t"))) for row in rows if row]


def book_artifacts(result: Result, verification: Verification | None, files: Mapping[str, str]) -> list[Artifact]:
    """The archive check (table and report), the open review rows (table) and the book's stats."""
    from pipeline.verification import summary_rows, to_markdown

    key = artifact_key(result.book.name)
    artifacts: list[Artifact] = []
    if verification is not None:
        artifacts.append({"kind": "table", "key": "verification-" + key, "table": summary_rows(verification),
                          "description": "Clean documents against the archive transcriptions"})
        artifacts.append({"kind": "markdown", "key": "verification-report-" + key, "markdown": to_markdown(verification),
                          "description": "Archive check: figures and the differences left"})
    review = review_rows(files["review.tsv"])
    artifacts.append({"kind": "table", "key": "review-" + key, "table": review or [{"open rows": "none"}],
                      "description": f"Review: {len(review)} open row(s); answer them in rules/review_decisions.tsv"})
    stats = json.loads(files["stats.json"])
    pages = stats["pages"]
    artifacts.append({
        "kind": "markdown",
        "key": "stats-" + key,
        "markdown": (
            f"# {result.book.name}\n\n"
            f"- pages {pages['first']}..{pages['last']} ({pages['count']}), gaps {pages['gaps']}, "
            f"misreads repaired {len(pages['misread_repaired'])}\n"
            f"- paragraphs {stats['paragraphs']['count']}, documents {stats['documents']}, changes {stats['changes']}\n"
            + "".join(f"- warning: {w}\n" for w in stats["warnings"])
            + "\n| rule | count |\n|---|---|\n"
            + "".join(f"| {rule} | {count} |\n" for rule, count in stats["changes_by_rule"].items())
        ),
        "description": "Cleanup statistics",
    })
    return artifacts
