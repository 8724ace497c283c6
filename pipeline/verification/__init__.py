"""Check the clean documents against the archive transcriptions, and say what still differs.

The archive is a yardstick, never a source of text. One module per step:

- :mod:`~pipeline.verification.archive`: each archive file cut into its documents
  (a heading followed by "Written:"/"Dictated:" lines);
- :mod:`~pipeline.verification.match`: each archive document paired with a book
  document by content (shared content words), not by title; unmatched ones
  are reported as having no counterpart;
- :mod:`~pipeline.verification.align` and :mod:`~pipeline.verification.normalise`:
  a matched pair aligned word by word, editorial differences normalised away;
- :mod:`~pipeline.verification.metrics`: word and character error rates with
  their denominators;
- :mod:`~pipeline.verification.classify`: every remaining difference is ``ocr``
  (our word is not a word, or a known OCR confusion of theirs), ``archive``
  (their typo) or ``editorial`` (valid words on both sides);
  an archive text that is mostly editorial differences is a different
  translation, shown but not counted;
- :mod:`~pipeline.verification.check`: per document, figures for the raw OCR
  span, the clean document and the output of every stage;
- :mod:`~pipeline.verification.store`: the result reused while its inputs hash as before;
- :mod:`~pipeline.verification.report`: the coverage, the table, verification.json, .md and
  the HTML diffs (text as printed, punctuation differences counted apart from words).
"""

from __future__ import annotations

from pipeline.verification.archive import Segment, split_archive
from pipeline.verification.check import STAGE, Cell, Difference, DocumentCheck, PlacedWord, Verification, book_tokens, verify
from pipeline.verification.classify import RARER, Classifier
from pipeline.verification.match import MATCH_SHARE, Region, document_text, match
from pipeline.verification.metrics import Rates, rates
from pipeline.verification.report import coverage, summary_rows, to_html, to_json, to_markdown
from pipeline.verification.store import check

__all__ = [
    "STAGE", "MATCH_SHARE", "Cell", "coverage", "RARER", "Segment", "split_archive", "Difference", "DocumentCheck", "PlacedWord",
    "Verification", "book_tokens", "verify", "Classifier", "Region", "document_text", "match", "Rates", "rates",
    "summary_rows", "to_html", "to_json", "to_markdown", "check",
]
