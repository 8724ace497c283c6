"""The ordered registry of stages: the same names key the Prefect tasks, the log and ``--skip``.

Each stage is a pure function ``stage(book, config) -> (book, changes)``.
"""

from __future__ import annotations

from typing import Callable

from ..config import Config
from ..model import Book, Change
from .correct_ocr_words import correct_ocr_words
from .join_hyphenated_words import join_hyphenated_words
from .rebuild_paragraphs import rebuild_paragraphs
from .remove_page_furniture import remove_page_furniture
from .repair_unicode import repair_unicode
from .split_documents import split_documents

Stage = Callable[[Book, Config], tuple[Book, list[Change]]]

STAGES: dict[str, Stage] = {
    "repair_unicode": repair_unicode,
    "remove_page_furniture": remove_page_furniture,
    "rebuild_paragraphs": rebuild_paragraphs,
    "join_hyphenated_words": join_hyphenated_words,
    "correct_ocr_words": correct_ocr_words,
    "split_documents": split_documents,
}
