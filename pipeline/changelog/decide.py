"""Answer the open rows of a book's review.tsv; each answer becomes a row of rules/review_decisions.tsv.

``python -m pipeline review`` walks the open rows in the terminal (accept,
reject, edit, skip); this module does the reading and the writing, so the
command stays thin and a test can drive it. The decisions file is data like
every rules file: the next run (scheduled ones included) applies it as
logged changes (stage ``apply_review_decisions``, rule ``reviewer``) and the
answered rows leave review.tsv.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pipeline.changelog.explain import ExplainError

HEADER = "book\tstage\tline\ttoken\tdecision\ttext\tnote\n"
DECISIONS_FILE = "review_decisions.tsv"
ANSWERS = {"a": "accept", "r": "reject", "e": "edit"}


def open_rows(folder: Path) -> list[dict[str, str]]:
    """The rows of ``folder/review.tsv``: the cases still open after the last run."""
    path = Path(folder) / "review.tsv"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExplainError(f"{path}: cannot be read ({exc.strerror or exc}); run `python -m pipeline run` first") from exc
    return list(csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))


def decided(rules: Path, book: str) -> set[tuple[str, str, str]]:
    """(stage, line, token) of the rows the decisions file already answers for this book."""
    path = Path(rules) / DECISIONS_FILE
    if not path.exists():
        return set()
    rows = csv.DictReader((line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")),
                          delimiter="\t", quoting=csv.QUOTE_NONE)
    return {(r["stage"], r["line"], r["token"]) for r in rows if r.get("book") == book}


def decision_line(book: str, row: dict[str, str], decision: str, text: str = "", note: str = "") -> str:
    """One row of the decisions file answering a review.tsv row.

    >>> decision_line("b", {"stage": "correct_ocr_words", "line": "8450", "token": "narmi"}, "edit", "Unarmed", "back cover")
    'b\\tcorrect_ocr_words\\t8450\\tnarmi\\tedit\\tUnarmed\\tback cover\\n'
    """
    cells = [book, row["stage"], row["line"], row["token"], decision, text, note]
    return "\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in cells) + "\n"


def append(rules: Path, lines: list[str]) -> Path:
    """Add answers to the decisions file (made with its header if there is none)."""
    path = Path(rules) / DECISIONS_FILE
    existing = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if existing and not existing.endswith("\n"):
        existing += "\n"
    path.write_text(existing + "".join(lines), encoding="utf-8")
    return path
