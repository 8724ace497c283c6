"""Stage ``remove_page_furniture``: find the printed pages, remove folios and running heads.

The page sequence is learned from the text (see :mod:`pipeline.stages.remove_page_furniture.page_sequence`);
every removed line is logged with the page it numbered and why it was taken
for furniture, and every remaining line is given its printed page number.
A text with no page sequence is left as one unnumbered page, with a warning.

>>> from pipeline.model import Book, Line
>>> from pipeline.config import Config
>>> rows = []
>>> for page in (9, 10, 11):
...     rows += [f"{page} The Book", "", ""] + ["a line of running text"] * 12 + ["", ""]
>>> book = Book("demo", tuple(Line(i, t) for i, t in enumerate(rows, start=1)))
>>> out, changes = remove_page_furniture(book, Config())
>>> sorted({line.page for line in out.lines}), out.lines[0].text
([9, 10, 11], '')
>>> [(c.line, c.page, c.rule, c.before) for c in changes]
[(1, 9, 'running_head', '9 The Book'), (18, 10, 'running_head', '10 The Book'), (35, 11, 'running_head', '11 The Book')]
"""

from __future__ import annotations

import bisect

from pipeline.config import Config
from pipeline.model import Book, Change, Line, PageInfo
from pipeline.stages.remove_page_furniture.page_sequence import find_pages

STAGE = "remove_page_furniture"

_RULES = {"head": "running_head", "folio": "folio", "misread": "misread_folio"}


def remove_page_furniture(book: Book, config: Config) -> tuple[Book, list[Change]]:
    """Remove the furniture lines of the learned page sequence and number every line's page."""
    read = list(book.lines)
    protected = {
        line.number
        for line in read
        if any(rule.action == "keep" and rule.pattern.search(line.text.strip()) for rule in config.line_rules)
    }
    candidates = tuple(line for line in read if line.number not in protected)
    spans = find_pages(candidates, config.folio_digits, config.min_folio_chain)
    if not spans:
        warning = f"{book.name}: no page numbers or running heads found; cleaned as one unnumbered page"
        return book.evolve(warnings=book.warnings + (warning,)), []
    removed = {f.candidate.line: f for span in spans for f in span.furniture}
    firsts = [span.first_line for span in spans]
    changes: list[Change] = []
    lines: list[Line] = []
    for line in read:
        index = bisect.bisect_right(firsts, line.number) - 1
        page = spans[index].number if index >= 0 and line.number <= spans[index].last_line else None
        furniture = removed.get(line.number)
        if furniture is not None:
            changes.append(Change(STAGE, _RULES[furniture.kind], line.number, page, line.text, "", furniture.evidence))
            continue
        lines.append(Line(line.number, line.text, page))
    pages = tuple(
        PageInfo(s.number, s.first_line, s.last_line, s.evidence, tuple(f.candidate.line for f in s.furniture))
        for s in spans
    )
    return book.evolve(lines=tuple(lines), pages=pages), changes
