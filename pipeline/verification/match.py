"""Pair archive documents with book documents by what they say, not by their titles.

Titles differ between the editions ("Reorganise", "Letter to: L. D.
TROTSKY") and so do translations, so a pair is found by shared content
words (four letters or more, editorially normalised).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from pipeline.config import Spelling
from pipeline.model import Book, Document
from pipeline.verification.align import words, words_with_punctuation
from pipeline.verification.archive import Segment, split_archive
from pipeline.verification.normalise import normaliser, strip_markers

MATCH_SHARE = 0.5
"""An archive document matches a book document when each shares this much of its content words with the other."""


@dataclass(frozen=True, slots=True)
class Region:
    """The stretch of an archive file that holds a book document's text: its words, and the
    punctuation after each (``after[i]`` follows ``words[i]``)."""

    document: Document
    file: str
    title: str
    words: tuple[str, ...]
    after: tuple[str, ...] = ()


def _content_words(text: str, norm: Callable[[str], str]) -> set[str]:
    return {norm(w) for w in words(strip_markers(text)) if len(w) >= 4}


def _document_words(book: Book, d: Document, norm: Callable[[str], str]) -> set[str]:
    """A document's content words, read a paragraph at a time: a document can be most of a
    large input, whose text and word list at once would cost many times its size."""
    found: set[str] = set()
    for i in range(d.first, d.end):
        if i not in d.source_paragraphs:
            found |= _content_words(book.paragraphs[i].text, norm)
    return found


def document_text(book: Book, d: Document) -> str:
    """A document's body text, without its source citation."""
    return " ".join(book.paragraphs[i].text for i in range(d.first, d.end) if i not in d.source_paragraphs)


def match(archive: dict[str, str], book: Book, spelling: Spelling,
          norm: Callable[[str], str] | None = None) -> tuple[list[Region], list[Segment]]:
    """Pair archive documents with book documents by content; the rest have no counterpart.

    Each archive document is compared by its content words with every book
    document: the pair must share at least MATCH_SHARE of the words of each
    side. Several archive documents may fall to one book document (a letter
    and its postscript); they are taken together, in order. Introductions
    are the editor's and are not looked for. ``norm`` is
    :func:`pipeline.verification.normalise.normalise` with ``spelling``,
    remembered per word (made here when not given).
    """
    norm = norm or normaliser(spelling)
    segments = [(seg, _content_words(seg.text, norm)) for name, text in sorted(archive.items())
                for seg in split_archive(name, text)]
    best: list[tuple[float, int] | None] = [None] * len(segments)  # the highest (score, document number)
    docs = {}
    for d in book.documents:  # one document's words in memory at a time
        if d.kind != "document":
            continue
        docs[d.number] = d
        theirs = _document_words(book, d, norm)
        for k, (_, mine) in enumerate(segments):
            shared = len(mine & theirs)
            score = (min(shared / max(1, len(mine)), shared / max(1, len(theirs))), d.number)
            if best[k] is None or score > best[k]:
                best[k] = score
    by_document: dict[int, list[Segment]] = {}
    unmatched: list[Segment] = []
    for (seg, _), found in zip(segments, best):
        score, number = found or (0.0, None)
        if score >= MATCH_SHARE:
            by_document.setdefault(number, []).append(seg)
        else:
            unmatched.append(seg)
    regions = []
    for number, segs in sorted(by_document.items()):
        text = "\n".join(seg.text for seg in segs)
        title = " + ".join(seg.title for seg in segs)
        tokens = words_with_punctuation(strip_markers(text))
        regions.append(Region(docs[number], segs[0].file, title, tuple(w for w, _ in tokens), tuple(a for _, a in tokens)))
    return regions, unmatched
