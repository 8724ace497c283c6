"""Stage ``repair_punctuation``: put the marks between the words back as the book set them.

It edits paragraph text, each edit a logged change, and learns the book's
own habits from its unbroken text before it changes anything:

- ``join_dash``: a line that ends in an em dash runs on into the next line
  without a space when the book sets its dashes closed up ("importantly—
  they" -> "importantly—they"); ``dash_spacing`` closes up a dash spaced on
  one side only inside a line ("Samizdat— Voices"). A book that sets its
  dashes spaced keeps its spaces.
- ``speck``, ``space_before_punctuation``, ``space_before_quote``,
  ``ellipsis``: a lone letter or mark at a line's edge between sentences or
  words, a space before , ; : ? !, an opening quote glued to a word, an
  ellipsis not written the book's way (see :mod:`.specks`).
- ``bracket_pairing``: a ")" or "}" that closes an open "[" is its "]"
  (see :mod:`.brackets`).
- ``quote_pairing``: a run of quotation marks that doubles or mixes them
  (‘‘Trotskyism.”), a ’ read for ”, a stray ’ after a closing quote,
  read as the paragraph's pairing needs (see :mod:`.quotes`); what the
  pairing cannot settle goes to review, left as printed.

>>> from pipeline.config import Config
>>> from pipeline.model import Book, Paragraph
>>> text = "not—only this—but, most importantly— they left—and went—home"
>>> p = Paragraph(text, (1, 2), (0, 37), (5, 5))
>>> others = tuple(Paragraph("a—b, c—d", (n,), (0,), (5,)) for n in range(3, 7))
>>> book, changes = repair_punctuation(Book("demo", (), paragraphs=(p, *others)), Config())
>>> book.paragraphs[0].text
'not—only this—but, most importantly—they left—and went—home'
>>> [(c.rule, c.line, c.before, c.after) for c in changes]
[('join_dash', 1, 'importantly— they', 'importantly—they')]
"""

from __future__ import annotations

from pipeline.config import Config
from pipeline.model import Book, Change, ReviewItem
from pipeline.stages.repair_punctuation.brackets import repair_brackets
from pipeline.stages.repair_punctuation.dashes import close_up_dashes, dash_style
from pipeline.stages.repair_punctuation.quotes import repair_quotes
from pipeline.stages.repair_punctuation.specks import ellipsis_style, repair_specks

STAGE = "repair_punctuation"


def repair_punctuation(book: Book, config: Config) -> tuple[Book, list[Change]]:
    """Repair the marks of every paragraph, learning the book's habits first."""
    style, dots = dash_style(book.paragraphs), ellipsis_style(book.paragraphs)
    paragraphs = list(book.paragraphs)
    changes: list[Change] = []
    review: list[ReviewItem] = []
    for i, p in enumerate(paragraphs):
        p, done = close_up_dashes(p, style, STAGE)
        changes.extend(done)
        p, done = repair_specks(p, dots, STAGE)
        changes.extend(done)
        next_text = paragraphs[i + 1].text if i + 1 < len(paragraphs) else ""
        p, done = repair_brackets(p, STAGE)
        changes.extend(done)
        p, done, doubts = repair_quotes(p, next_text, STAGE)
        changes.extend(done)
        review.extend(doubts)
        paragraphs[i] = p
    return book.evolve(paragraphs=tuple(paragraphs), review=book.review + tuple(review)), changes
