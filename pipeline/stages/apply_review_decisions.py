"""Stage ``apply_review_decisions``: a reviewer's answers to review.tsv, applied as logged changes.

A row of review.tsv is a case no stage decides alone. A reviewer answers it
in rules/review_decisions.tsv (the book, and stage, line and token as the row gives them,
then ``accept``, ``reject`` or ``edit`` with the right text); every later
run, scheduled ones included, applies the answer here, as a change with
rule ``reviewer`` whose evidence names the decision's line, and leaves the
row off the review list. So the list only ever asks what is still open:

- ``accept`` writes the first candidate (or the decision's text); ``edit``
  writes the decision's text; where the text already reads so (a hyphen
  join taken by default and confirmed) nothing changes;
- ``reject`` keeps the text as printed;
- a decision for the archive check (which runs after the stages) is
  recorded in ``Book.closed`` and its row dropped when the check's rows are
  written;
- a decision whose row no longer exists (the text changed since) is not
  applied; a warning says so.

A row of ``correct_ocr_words`` whose token a later stage rewrote (an index
page number "llin" read as 111n) is no longer open and is dropped too.

>>> from pipeline.config import Config, Decision
>>> from pipeline.model import Book, Paragraph, ReviewItem
>>> p = Paragraph("the cadres. Tommorow I will be seeing Mdivani", (6374,), (0,), (130,))
>>> item = ReviewItem("correct_ocr_words", 6374, 130, "Tommorow", ("Tomorrow",), "", "not sure")
>>> decision = Decision("b", "correct_ocr_words", 6374, "Tommorow", "accept", "", "", "rules/review_decisions.tsv:5")
>>> book, changes = apply_review_decisions(Book("b", (), paragraphs=(p,), review=(item,)), Config(review_decisions=(decision,)))
>>> book.paragraphs[0].text, book.review, changes[0].rule, book.closed
('the cadres. Tomorrow I will be seeing Mdivani', (), 'reviewer', (('correct_ocr_words', 6374, 'Tommorow'),))
"""

from __future__ import annotations

import regex

from pipeline.config import Config, Decision
from pipeline.model import Book, Change, Paragraph, ReviewItem, change_in, homes

STAGE = "apply_review_decisions"
LATER_CHECKS = frozenset({"verify_against_archive"})
"""Stages whose review rows come after the stages: their decisions are passed on, not applied here."""


def _find(p: Paragraph, line: int, token: str) -> int | None:
    """Offset of the token as a whole word in the paragraph, from the start of the given raw line."""
    start = p.starts[p.lines.index(line)]
    m = regex.compile(rf"(?<![\p{{L}}\p{{N}}]){regex.escape(token)}(?![\p{{L}}\p{{N}}])").search(p.text, start)
    return m.start() if m else None


def _apply(paragraphs: list[Paragraph], home: dict[int, int], item: ReviewItem, d: Decision) -> Change | None:
    """The change a decision makes to the text, if any (None: kept, or already so)."""
    if d.decision == "reject":
        return None
    new = d.text or (item.candidates[0] if item.candidates else "")
    index = home.get(d.line)
    if not new or index is None:
        return None
    p = paragraphs[index]
    at = _find(p, d.line, d.token)
    if at is None:
        return None  # the text already reads otherwise (a default the reviewer confirmed)
    evidence = f"{d.source}: {d.decision}" + (f" ({d.note})" if d.note else "")
    # The change spans the printed token with what is glued to it ("phenomen,"), as the scan shows it.
    start = p.text.rfind(" ", 0, at) + 1
    stop = p.text.find(" ", at + len(d.token))
    stop = len(p.text) if stop < 0 else stop
    after = p.text[start:at] + new + p.text[at + len(d.token) : stop]
    change = change_in(p, STAGE, "reviewer", start, stop, after, evidence)
    paragraphs[index] = p.edit(start, stop, after)
    return change


def _still_open(paragraphs: tuple[Paragraph, ...], home: dict[int, int], item: ReviewItem) -> bool:
    """False for a word left as printed that a later stage has since rewritten."""
    if item.stage != "correct_ocr_words":
        return True
    index = home.get(item.line)
    return index is None or _find(paragraphs[index], item.line, item.token) is not None


def apply_review_decisions(book: Book, config: Config) -> tuple[Book, list[Change]]:
    """Apply the reviewer's decisions; keep on the review list only the rows still open."""
    decisions = {(d.stage, d.line, d.token): d for d in config.review_decisions if d.book == book.name}
    paragraphs = list(book.paragraphs)
    home = homes(paragraphs, (item.line for item in book.review))  # edits keep each paragraph's lines and place
    changes: list[Change] = []
    closed: list[tuple[str, int, str]] = []
    review: list[ReviewItem] = []
    for item in book.review:
        key = (item.stage, item.line, item.token)
        decision = decisions.pop(key, None)
        if decision is None:
            review.append(item)
            continue
        change = _apply(paragraphs, home, item, decision)
        if change is not None:
            changes.append(change)
        closed.append(key)
    warnings = []
    for key, d in decisions.items():
        if d.stage in LATER_CHECKS:
            closed.append(key)
        else:
            warnings.append(f"{d.source}: no open review row {d.stage} line {d.line} {d.token!r}; the decision is not applied")
    final = tuple(paragraphs)
    open_rows = tuple(item for item in review if _still_open(final, home, item))
    return (
        book.evolve(paragraphs=final, review=open_rows, closed=book.closed + tuple(closed),
                    warnings=book.warnings + tuple(warnings)),
        changes,
    )
