"""Answer "why does this word differ from the scan?" from a book's clean/ output.

A reader who finds a word in ``book.md`` that is not what the page image
shows (or a scanned word missing from the text) asks the log, not the code:
every edit is a record in ``changes.jsonl`` and every case a stage would not
decide alone is a row of ``review.tsv``. This module finds the records that
touch a word (in what the scan had or in what the text has now), a raw line,
or a printed page, and says what happened in plain words.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import regex

from pipeline.model import Change


class ExplainError(ValueError):
    """The output folder or its files are missing or unreadable; the message names the path."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A change or a review row that touches what was asked about."""

    stage: str
    rule: str
    page: int | None
    line: int
    before: str
    after: str
    evidence: str
    review: bool = False

    def describe(self) -> str:
        """Three or four lines a person reads: where, what became what, and why.

        >>> print(Finding("correct_ocr_words", "ocr_confusion", 12, 440, "extrernely", "extremely", "rn→m").describe())
        p. 12, raw line 440: correct_ocr_words (ocr_confusion)
          scan: extrernely
          text: extremely
          why:  rn→m
        """
        where = f"p. {self.page}" if self.page is not None else "unnumbered page"
        if self.review:
            return (
                f"{where}, raw line {self.line}: {self.stage} left it for review\n"
                f"  text:       {self.before}\n"
                f"  candidates: {self.after or '-'}\n"
                f"  why:        {self.evidence}"
            )
        after = self.after if self.after else "(removed; the scan's text is kept only here)"
        return (
            f"{where}, raw line {self.line}: {self.stage} ({self.rule})\n"
            f"  scan: {self.before}\n"
            f"  text: {after}\n"
            f"  why:  {self.evidence}"
        )


def book_folder(out: Path, book: str | None) -> Path:
    """The folder of ``book`` under ``out``, or the only book there when none is named."""
    if book:
        folder = out / book
        if not (folder / "changes.jsonl").is_file():
            raise ExplainError(f"{folder}: no changes.jsonl; run `python -m pipeline run` first")
        return folder
    books = sorted(p.parent for p in out.glob("*/changes.jsonl"))
    if len(books) == 1:
        return books[0]
    if not books:
        raise ExplainError(f"{out}: no cleaned book (no */changes.jsonl); run `python -m pipeline run` first")
    raise ExplainError(f"{out}: several books; name one with --book: {', '.join(p.name for p in books)}")


def load_changes(folder: Path) -> list[Change]:
    path = folder / "changes.jsonl"
    changes = []
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            try:
                changes.append(Change(**json.loads(text)))
            except (ValueError, TypeError) as exc:
                raise ExplainError(f"{path}:{number}: not a change record ({exc})") from exc
    return changes


def load_review(folder: Path) -> list[Finding]:
    path = folder / "review.tsv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        Finding(r["stage"], "review", int(r["page"]) if r["page"] else None, int(r["line"]),
                r["token"], r["candidates"], f"{r['reason']} (context: {r['context']})", review=True)
        for r in rows
    ]


def word_pattern(word: str) -> regex.Pattern:
    """A case-insensitive match of ``word`` standing alone, not inside a longer word.

    >>> bool(word_pattern("Stalin").search("against stalin, and"))
    True
    >>> bool(word_pattern("Stalin").search("Stalinism"))
    False
    """
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}]){regex.escape(word.strip())}(?![\p{{L}}\p{{N}}])", regex.IGNORECASE)


def occurrences(folder: Path, word: str) -> int:
    """How often ``word`` stands in the clean text (``book.md``)."""
    path = folder / "book.md"
    return len(word_pattern(word).findall(path.read_text(encoding="utf-8"))) if path.is_file() else 0


def explain(folder: Path, word: str | None = None, line: int | None = None, page: int | None = None) -> list[Finding]:
    """Every change and review row of the book that matches all the criteria given, in stage order.

    A word matches what the scan had (``before``) or what the text has now
    (``after``), so both "extrernely" and "extremely" find that correction,
    and a removed running head is found by any of its words.
    """
    pattern = word_pattern(word) if word else None
    found = [
        Finding(c.stage, c.rule, c.page, c.line, c.before, c.after, c.evidence)
        for c in load_changes(folder)
    ] + load_review(folder)
    return [
        f
        for f in found
        if (pattern is None or pattern.search(f.before) or pattern.search(f.after))
        and (line is None or f.line == line)
        and (page is None or f.page == page)
    ]
