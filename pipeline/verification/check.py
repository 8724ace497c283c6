"""Align each matched document with its archive counterpart and classify what still differs.

Per document: the raw OCR span, the clean document and the book after every
stage are aligned with the archive text after editorial normalisation; the
clean alignment's differences are classified (:mod:`pipeline.verification.classify`)
and the stages' figures say how many differences each removed or introduced.

It is cheap because the work is shared: normalisation is remembered per
word (a book has ~15k distinct words, ~500k normalised tokens), each
stage's words of a matched document are rebuilt from the change log over
that document's raw lines only (:mod:`pipeline.verification.history`: no
stage's whole book is kept), and a stage that left a document's words as
they were takes over the previous figures without a new alignment.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from pipeline.config import Spelling
from pipeline.model import Book, Change, ReviewItem
from pipeline.verification.align import WORD, Pair, align, words
from pipeline.verification.archive import Segment
from pipeline.verification.classify import Classifier, different_translation
from pipeline.verification.history import Stretch, paragraph_words, stage_words
from pipeline.verification.match import Region, match
from pipeline.verification.metrics import Rates, rates
from pipeline.verification.normalise import equivalent, normaliser, punctuation

STAGE = "verify_against_archive"


@dataclass(frozen=True, slots=True)
class Difference:
    """A remaining difference: their word, ours (None for a gap), its class, and where it is.

    For a ``punctuation`` difference ``ref`` and ``hyp`` are the punctuation after the word.
    """

    ref: str | None
    hyp: str | None
    kind: str
    line: int | None
    page: int | None
    context: str


@dataclass(frozen=True, slots=True)
class Cell:
    """One step of the clean alignment as the HTML diff shows it: both words with the text after
    them, the class (``same``, ``compound`` or a difference's), the book word's place, and whether
    the punctuation after the words differs."""

    ref: str | None
    hyp: str | None
    kind: str
    line: int | None
    page: int | None
    ref_after: str = ""
    hyp_after: str = ""
    punctuation: bool = False


@dataclass
class DocumentCheck:
    """The check of one book document against its archive counterpart."""

    document: int
    title: str
    archive: str
    archive_title: str
    raw: dict[str, Rates]
    clean: dict[str, Rates]
    stages: dict[str, dict[str, int]]
    counts: dict[str, int]
    differences: list[Difference]
    pairs: list[Cell] = field(repr=False, default_factory=list)
    trimmed: tuple[int, int] = (0, 0)
    punctuation: list[Difference] = field(default_factory=list)
    covered: int = 0
    """Book words aligned with an archive word."""
    translation: bool = False
    """The archive text is a different translation: its figures are not counted (see classify.different_translation)."""


@dataclass
class Verification:
    """The whole check: matched documents, unmatched archive documents, totals."""

    checks: list[DocumentCheck]
    no_counterpart: list[Segment]
    review: tuple[ReviewItem, ...]
    body_documents: int = 0
    """The book's documents of kind ``document`` (what an archive could hold; not introductions or notes)."""
    body_words: int = 0
    """The words of those documents' bodies."""


@dataclass(frozen=True, slots=True)
class PlacedWord:
    """A word of the book with where it stands (raw line, page) for the report and the review list."""

    word: str
    line: int | None
    page: int | None
    after: str = ""
    """The text after the word up to the next one (punctuation, spaces), note markers included."""


def book_tokens(paragraphs: Sequence) -> list[PlacedWord]:
    """The words of paragraphs, with their raw line, page and the text after them; footnote markers
    left out of the words. A paragraph's opening text (a quote mark) goes after the previous word."""
    tokens: list[PlacedWord] = []
    for p in paragraphs:
        found = paragraph_words(p.text)
        if found and tokens:
            tokens[-1] = PlacedWord(tokens[-1].word, tokens[-1].line, tokens[-1].page,
                                    tokens[-1].after + " " + p.text[: found[0].start()])
        for k, m in enumerate(found):
            line, page, _ = p.locate(m.start())
            tokens.append(PlacedWord(m.group(), line, page, p.text[m.end() : found[k + 1].start() if k + 1 < len(found) else len(p.text)]))
    return tokens


def _aligned(ref_keys: list[str], ref: list[str], hyp: list, hyp_words: list[str],
             norm: Callable[[str], str]) -> tuple[list[tuple[str | None, object]], tuple[int, int]]:
    """Align on normalised words, give back the original items, trim one-sided ends."""
    keys = align(ref_keys, [norm(w) for w in hyp_words])
    ri = hi = 0
    pairs: list[tuple[str | None, object]] = []
    for a, b in keys:
        pairs.append((ref[ri] if a is not None else None, hyp[hi] if b is not None else None))
        ri += a is not None
        hi += b is not None
    start = next((i for i, (a, b) in enumerate(pairs) if a is not None and b is not None), len(pairs))
    end = len(pairs) - next((i for i, (a, b) in enumerate(reversed(pairs)) if a is not None and b is not None), len(pairs))
    return pairs[start:end], (start, len(pairs) - end)


def _words_only(pairs) -> list[Pair]:
    return [(a.word if isinstance(a, PlacedWord) else a, b.word if isinstance(b, PlacedWord) else b) for a, b in pairs]


def _merge_compounds(pairs: list[Pair], key) -> list[tuple[str | None, str | None, bool]]:
    """Mark short windows that differ only in how a compound is written (worth while / worthwhile)."""
    out: list[tuple[str | None, str | None, bool]] = []
    gaps = [a is None or b is None for a, b in pairs]
    i = 0
    while i < len(pairs):
        size = _compound_at(pairs, gaps, i, key) if True in gaps[i : i + 3] else 0
        if size:
            out.extend((a, b, True) for a, b in pairs[i : i + size])
            i += size
        else:
            a, b = pairs[i]
            out.append((a, b, False))
            i += 1
    return out


def _compound_at(pairs: list[Pair], gaps: list[bool], i: int, key) -> int:
    """The size of the window at ``i`` (3, else 2) that holds a gap and whose two sides spell the
    same letters; 0 when neither does."""
    for size in (3, 2):
        if i + size <= len(pairs) and True in gaps[i : i + size]:
            left = "".join(key(a) for a, _ in pairs[i : i + size] if a)
            right = "".join(key(b) for _, b in pairs[i : i + size] if b)
            if left and left == right:
                return size
    return 0


@dataclass(frozen=True, slots=True)
class _Span:
    """Where a matched document lies in the book, and its archive words with their normalised keys."""

    region: Region
    body: tuple
    stretch: Stretch
    ref: list[str]
    ref_keys: list[str]
    ref_after: tuple[str, ...] = ()


def _span(region: Region, book: Book, norm: Callable[[str], str]) -> _Span:
    d = region.document
    body = tuple(book.paragraphs[i] for i in range(d.first, d.end) if i not in d.source_paragraphs)
    exclude = frozenset(n for i in d.source_paragraphs for n in book.paragraphs[i].lines)
    ref = list(region.words)
    return _Span(region, body, Stretch(body[0].first_line, body[-1].last_line, exclude), ref, [norm(w) for w in ref],
                 region.after or ("",) * len(ref))


def _errors(span: _Span, hyp: list[str], norm: Callable[[str], str]) -> int:
    """The word differences between the document and ``hyp``: what :func:`rates` counts of
    :func:`_aligned`'s pairs, counted on the aligned keys (no character distances)."""
    keys = align(span.ref_keys, [norm(w) for w in hyp])
    both = [i for i, (a, b) in enumerate(keys) if a is not None and b is not None]
    return sum(a is None or b is None or a != b for a, b in keys[both[0] : both[-1] + 1]) if both else 0


def by_stage(spans: Sequence[_Span], history: Iterable[tuple[str, list[list[str]]]],
             raw: Sequence[list[str]], norm: Callable[[str], str]) -> list[dict[str, dict[str, int]]]:
    """Per document, the differences left after each stage, and how many it removed and introduced.

    ``history`` gives each stage's words of every document (see
    :func:`~pipeline.verification.history.stage_words`); a stage that left a
    document's words as they were takes over the previous figure without a
    new alignment.
    """
    seen = list(raw)
    before = [_errors(span, words, norm) for span, words in zip(spans, raw)]
    figures: list[dict[str, dict[str, int]]] = [{} for _ in spans]
    for name, found in history:
        for i, span in enumerate(spans):
            now = found[i]
            errors = before[i] if now == seen[i] else _errors(span, now, norm)
            seen[i] = now
            figures[i][name] = {"differences": errors, "removed": max(0, before[i] - errors),
                                "introduced": max(0, errors - before[i])}
            before[i] = errors
    return figures


def check_document(span: _Span, raw: list[str], stages: dict[str, dict[str, int]], spelling: Spelling,
                   classifier: Classifier, norm: Callable[[str], str]) -> DocumentCheck:
    """Align one document with its archive counterpart and classify what differs."""
    region, d = span.region, span.region.document
    raw_pairs, _ = _aligned(span.ref_keys, span.ref, raw, raw, norm)
    clean_tokens = book_tokens(span.body)
    ref_items = [PlacedWord(w, None, None, after) for w, after in zip(span.ref, span.ref_after)]
    clean_pairs, trimmed = _aligned(span.ref_keys, ref_items, clean_tokens, [t.word for t in clean_tokens], norm)
    differences, stops, marked = [], [], []
    merged = _merge_compounds(_words_only(clean_pairs), norm)
    for i, ((a, _, compound), (ra, b)) in enumerate(zip(merged, clean_pairs)):
        following = clean_pairs[i + 1] if i + 1 < len(clean_pairs) else (None, None)
        stop = (not compound and ra is not None and b is not None and None not in following
                and punctuation(ra.after) != punctuation(b.after))
        if stop:  # only between two words both sides have: a missing word is a word difference
            stops.append(Difference(" ".join(ra.after.split()), " ".join(b.after.split()), "punctuation", b.line, b.page,
                                    f"{b.word}{' '.join(b.after.split())} {following[1].word}"))
        if compound or (a is not None and b is not None and (norm(b.word) == norm(a) or equivalent(b.word, a, spelling))):
            kind = "compound" if compound else "same"
        else:
            kind = classifier.classify(a, b.word if b else None)
            context = " ".join(t.word for _, t in clean_pairs[max(0, i - 4) : i + 4] if t)
            differences.append(Difference(a, b.word if b else None, kind, b.line if b else None, b.page if b else None, context))
        marked.append(Cell(a, b.word if b else None, kind, b.line if b else None, b.page if b else None,
                           ra.after if ra else "", b.after if b else "", stop))
    counts = Counter(diff.kind for diff in differences)
    counts = {k: counts.get(k, 0) for k in ("ocr", "editorial", "archive")}
    clean = {"exact": rates(_words_only(clean_pairs)), "normalised": rates(_words_only(clean_pairs), norm)}
    return DocumentCheck(
        d.number, d.title, region.file, region.title,
        raw={"exact": rates(_words_only(raw_pairs)), "normalised": rates(_words_only(raw_pairs), norm)},
        clean=clean, stages=stages, counts=counts, differences=differences, pairs=marked, trimmed=trimmed,
        punctuation=stops, covered=sum(a is not None and b is not None for a, b in clean_pairs),
        translation=different_translation(clean["normalised"].wer, counts),
    )


def verify(book: Book, raw: Book, changes: Sequence[Change], stages: Sequence[tuple[str, str]], archive: dict[str, str],
           spelling: Spelling, confusions: set[tuple[str, str]] = frozenset(),
           characters: Sequence[tuple[str, str]] | None = None) -> Verification:
    """Check the cleaned ``book`` against the archive files: matches, figures, differences, review items.

    ``raw`` is the book as read, ``changes`` every change the ``stages``
    ((name, kind) in the order they ran) made to it: each stage's figures
    come from them. ``confusions`` are real-word OCR confusions,
    ``characters`` OCR character confusions (see
    :class:`~pipeline.verification.classify.Classifier`)."""
    norm = normaliser(spelling)
    ours = (w for p in book.paragraphs for w in WORD.findall(p.text))  # counted as read, never all held at once
    theirs = [w for text in archive.values() for w in words(text)]
    classifier = Classifier(ours, theirs, spelling, set(confusions), characters)
    regions, unmatched = match(archive, book, spelling, norm)
    spans = [_span(region, book, norm) for region in regions]
    history = stage_words(raw, book, changes, stages, [span.stretch for span in spans])
    _, raw_words = next(history)
    figures = by_stage(spans, history, raw_words, norm)
    checks = [check_document(*args, spelling, classifier, norm) for args in zip(spans, raw_words, figures)]
    review = tuple(
        ReviewItem(STAGE, diff.line, diff.page, diff.hyp or "", (diff.ref,) if diff.ref else (), diff.context,
                   f"differs from {check.archive} ({check.archive_title}); OCR-like")
        for check in checks
        for diff in check.differences
        if diff.kind == "ocr" and diff.line is not None and not check.translation
    )
    body = [d for d in book.documents if d.kind == "document"]
    body_words = sum(len(paragraph_words(book.paragraphs[i].text))
                     for d in body for i in range(d.first, d.end) if i not in d.source_paragraphs)
    return Verification(checks, unmatched, review, len(body), body_words)
