"""Check the clean documents against the archive transcriptions, and say what still differs.

The archive is a yardstick, never a source of text. Each archive file is cut
into its documents (a heading followed by "Written:"/"Dictated:" lines);
each archive document is matched to a book document by content (shared
content words), not by title; unmatched ones are reported as having no
counterpart. A matched pair is aligned word by word (:mod:`pipeline.verification.align`),
editorial differences are normalised away (:mod:`pipeline.verification.normalise`), and
every remaining difference is classified:

- ``ocr``: our word is not a word, or is a known OCR confusion of theirs;
- ``archive``: their word is not a word (their typo);
- ``editorial``: valid words on both sides (a different translation or edit).

Figures per document, before and after normalisation, for the raw OCR span,
the clean document and the output of every stage, as word and character
error rates with their denominators.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import regex
from rapidfuzz.distance import OSA, Levenshtein

from pipeline.verification.align import WORD, Pair, align, words
from pipeline.lexicon import english_frequencies
from pipeline.model import Book, Document, ReviewItem
from pipeline.verification.normalise import equivalent, normalise, strip_markers
from pipeline.config import Config, Spelling

STAGE = "verify_against_archive"

_META = regex.compile(r"^(?:Written|Dictated|Published|First Published|Source|Translated|Transcription\S*|Public Domain|Dictated by Telephone)\s*:")
_FOOTNOTE = regex.compile(r"^\[\d+\]\s")
RARER = 5
"""Of two valid words one edit apart, one this many times rarer in English is the misreading."""
MATCH_SHARE = 0.5
"""An archive document matches a book document when each shares this much of its content words with the other."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One archive document: its file, heading, first line and text (metadata and footnotes left out)."""

    file: str
    title: str
    line: int
    text: str


def _heads(lines: Sequence[str]) -> list[int]:
    """Indexes of heading lines: a short line followed closely by "Written:"-style lines, or a
    short "Letter to …" line; a heading wrapped over two short lines starts at the first."""
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    heads = []
    for k, i in enumerate(nonblank):
        line = lines[i].strip()
        if _META.match(line) or _FOOTNOTE.match(line) or len(line) >= 150:
            continue
        if any(_META.match(lines[j]) for j in nonblank[k + 1 : k + 2]) or regex.match(r"^letter to\b", line, regex.I):
            before = nonblank[k - 1] if k else None
            if before is not None and before not in heads and len(lines[before].strip()) < 60 \
                    and not regex.search(r"[.:;,]$|\b1\d\d\d\b", lines[before].strip()) and not _META.match(lines[before]):
                heads.append(before)  # "Letter To J. V. Stalin" / "For Members of The C.C., R.C.P.(B.)"
            elif not heads or heads[-1] != nonblank[k - 1] if k else True:
                heads.append(i)
    return sorted(set(heads))


def split_archive(name: str, text: str) -> list[Segment]:
    """Cut an archive file into documents at each heading followed by "Written:"-style lines.

    >>> text = "An article.\\n\\nOn Cooperation\\n\\nWritten: January 1923\\n\\nIt seems to me.\\n[1] A note.\\n"
    >>> [(s.title, s.line, s.text) for s in split_archive("a.txt", text)]
    [('(text before the first document)', 1, 'An article.'), ('On Cooperation', 3, 'It seems to me.')]
    """
    lines = text.split("\n")
    heads = _heads(lines)
    segments = []
    bounds = ([0] if not heads or heads[0] > 0 else []) + heads + [len(lines)]
    for start, end in zip(bounds, bounds[1:]):
        title = "(text before the first document)"
        body_start = start
        if start in heads:  # the heading runs to the first "Written:" line (or is one "Letter to" line)
            heading = [lines[start].strip()]
            body_start = start + 1
            for i in range(start + 1, min(start + 5, end)):
                if _META.match(lines[i]) or len(heading) == 2:
                    break
                if lines[i].strip() and any(_META.match(x) for x in lines[i + 1 : i + 3]):
                    heading.append(lines[i].strip())
                    body_start = i + 1
            title = " / ".join(heading)
        body = []
        for line in lines[body_start:end]:
            if _FOOTNOTE.match(line):
                break  # the editor's notes, and their continuation paragraphs, close a document
            if line.strip() and not _META.match(line):
                body.append(line)
        if body:
            segments.append(Segment(name, title, start + 1, "\n".join(body).strip()))
    return segments


@dataclass(frozen=True, slots=True)
class Difference:
    """A remaining difference: their word, ours (None for a gap), its class, and where it is."""

    ref: str | None
    hyp: str | None
    kind: str
    line: int | None
    page: int | None
    context: str


@dataclass(frozen=True, slots=True)
class Rates:
    """Word and character error rates with their denominators (reference words and characters)."""

    wer: float
    cer: float
    words: int
    chars: int


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
    pairs: list[tuple[str | None, str | None, str]] = field(repr=False, default_factory=list)
    trimmed: tuple[int, int] = (0, 0)


@dataclass
class Verification:
    """The whole check: matched documents, unmatched archive documents, totals."""

    checks: list[DocumentCheck]
    no_counterpart: list[Segment]
    review: tuple[ReviewItem, ...]


@dataclass(frozen=True, slots=True)
class Region:
    """The stretch of an archive file that holds a book document's text."""

    document: Document
    file: str
    title: str
    words: tuple[str, ...]


def _content_words(text: str, spelling: Spelling) -> set[str]:
    return {normalise(w, spelling) for w in words(strip_markers(text)) if len(w) >= 4}


def match(archive: dict[str, str], book: Book, spelling: Spelling) -> tuple[list[Region], list[Segment]]:
    """Pair archive documents with book documents by content; the rest have no counterpart.

    Titles differ between the editions ("Reorganise", "Letter to: L. D.
    TROTSKY") and so do translations, so each archive document is compared
    by its content words with every book document: the pair must share at
    least MATCH_SHARE of the words of each side. Several archive documents
    may fall to one book document (a letter and its postscript); they are
    taken together, in order. Introductions are the editor's and are not
    looked for.
    """
    docs = {d.number: (d, _content_words(document_text(book, d), spelling)) for d in book.documents if d.kind == "document"}
    by_document: dict[int, list[Segment]] = {}
    unmatched: list[Segment] = []
    for name, text in sorted(archive.items()):
        for seg in split_archive(name, text):
            mine = _content_words(seg.text, spelling)
            scores = [
                (min(len(mine & theirs) / max(1, len(mine)), len(mine & theirs) / max(1, len(theirs))), n)
                for n, (_, theirs) in docs.items()
            ]
            score, number = max(scores, default=(0.0, None))
            if score >= MATCH_SHARE:
                by_document.setdefault(number, []).append(seg)
            else:
                unmatched.append(seg)
    regions = []
    for number, segs in sorted(by_document.items()):
        text = "\n".join(seg.text for seg in segs)
        title = " + ".join(seg.title for seg in segs)
        regions.append(Region(docs[number][0], segs[0].file, title, tuple(words(strip_markers(text)))))
    return regions, unmatched


def document_text(book: Book, d: Document) -> str:
    """A document's body text, without its source citation."""
    return " ".join(book.paragraphs[i].text for i in range(d.first, d.end) if i not in d.source_paragraphs)


def rates(pairs: Sequence[Pair], key=lambda w: w) -> Rates:
    """WER and CER of aligned pairs (reference first) under a word normalisation ``key``.

    CER is counted word by word along the alignment: edit distance of each
    pair over the reference's characters (spaces not counted).

    >>> rates([("the", "the"), ("party", "parly"), (None, "x")])
    Rates(wer=1.0, cer=0.25, words=2, chars=8)
    """
    ref_words = sum(a is not None for a, _ in pairs)
    ref_chars = sum(len(a) for a, _ in pairs if a is not None)
    errors = sum((a is None) or (b is None) or key(a) != key(b) for a, b in pairs)
    char_errors = sum(Levenshtein.distance(key(a) if a else "", key(b) if b else "") for a, b in pairs)
    return Rates(errors / max(ref_words, 1), char_errors / max(ref_chars, 1), ref_words, ref_chars)


class Classifier:
    """Decides whether a difference is OCR-like, editorial, or the archive's own error."""

    def __init__(self, ours: Iterable[str], theirs: Iterable[str], spelling: Spelling, confusions: set[tuple[str, str]]):
        self.known = english_frequencies()
        self.ours = Counter(w.lower() for w in ours)
        self.theirs = Counter(w.lower() for w in theirs)
        self.spelling = spelling
        self.american = set(spelling.words.values())  # "rumor", "labor": missing from the English list
        self.confusions = confusions

    def _valid(self, word: str, counts: Counter) -> bool:
        low = word.lower().replace("’", "'")
        parts = [p for p in regex.split(r"['\-]", low) if p]
        return (
            low in self.known
            or low.replace(",", "").replace(".", "").isdigit()
            or low in self.american
            or all(p in self.known for p in parts)
            or normalise(word, self.spelling) in self.known
            or counts[word.lower()] >= 2
            or word[:1].isupper()
        )

    def classify(self, ref: str | None, hyp: str | None) -> str:
        """``ocr``, ``archive`` or ``editorial`` for the archive's word ``ref`` against ours, ``hyp``.

        Both words valid is editorial, unless the pair is a known real-word
        confusion, or one letter changed (or two swapped) with one of them far
        rarer: "form" for "from", "rouges" for "rogues".
        """
        ours_ok = hyp is None or self._valid(hyp, self.ours)
        theirs_ok = ref is None or self._valid(ref, self.theirs)
        if ref and hyp and (ref.lower(), hyp.lower()) in self.confusions:
            return "ocr"
        if ref and hyp and (hyp.lower(), ref.lower()) in self.confusions:
            return "archive"
        if not ours_ok:
            return "ocr"
        if not theirs_ok:
            return "archive"
        if ref and hyp and len(ref) == len(hyp) >= 3 and OSA.distance(ref.lower(), hyp.lower()) == 1:
            ours_count, theirs_count = self.known.get(hyp.lower(), 0), self.known.get(ref.lower(), 0)
            if theirs_count * RARER < ours_count:
                return "archive"
            if ours_count * RARER < theirs_count:
                return "ocr"
        return "editorial"


def _merge_compounds(pairs: list[Pair], key) -> list[tuple[str | None, str | None, bool]]:
    """Mark short windows that differ only in how a compound is written (worth while / worthwhile)."""
    out: list[tuple[str | None, str | None, bool]] = []
    i = 0
    while i < len(pairs):
        for size in (3, 2):
            window = pairs[i : i + size]
            if len(window) == size and any(a is None or b is None for a, b in window):
                left = "".join(key(a) for a, _ in window if a)
                right = "".join(key(b) for _, b in window if b)
                if left and left == right:
                    out.extend((a, b, True) for a, b in window)
                    i += size
                    break
        else:
            a, b = pairs[i]
            out.append((a, b, False))
            i += 1
    return out


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the book with where it stands (raw line, page) for the report and the review list."""

    word: str
    line: int | None
    page: int | None


def book_tokens(paragraphs: Sequence, lines: set[int] | None = None) -> list[Token]:
    """The words of paragraphs (or raw lines), with their raw line and page; footnote markers left out."""
    tokens = []
    for p in paragraphs:
        if lines is not None and p.lines[0] not in lines:
            continue
        markers = [m.span() for m in regex.finditer(r"\[\^?\d+\]", p.text)]
        for m in WORD.finditer(p.text):
            if any(a <= m.start() < b for a, b in markers):
                continue
            line, page, _ = p.locate(m.start())
            tokens.append(Token(m.group(), line, page))
    return tokens


def _aligned(ref: list[str], hyp: list[Token], spelling: Spelling) -> tuple[list[tuple[str | None, Token | None]], tuple[int, int]]:
    """Align on normalised words, give back the original words, trim one-sided ends."""
    keys = align([normalise(w, spelling) for w in ref], [normalise(t.word, spelling) for t in hyp])
    ri = hi = 0
    pairs: list[tuple[str | None, Token | None]] = []
    for a, b in keys:
        pairs.append((ref[ri] if a is not None else None, hyp[hi] if b is not None else None))
        ri += a is not None
        hi += b is not None
    start = next((i for i, (a, b) in enumerate(pairs) if a is not None and b is not None), len(pairs))
    end = len(pairs) - next((i for i, (a, b) in enumerate(reversed(pairs)) if a is not None and b is not None), len(pairs))
    return pairs[start:end], (start, len(pairs) - end)


def _words_only(pairs) -> list[Pair]:
    return [(a, b.word if b else None) for a, b in pairs]


def span_tokens(book: Book, first: int, last: int, exclude: set[int]) -> list[Token]:
    """The words of raw lines first..last in a book at any stage (paragraphs if built, else lines)."""
    if book.paragraphs:
        keep = [p for p in book.paragraphs if first <= p.lines[0] <= last and p.lines[0] not in exclude]
        return book_tokens(keep)
    return [
        Token(m.group(), line.number, line.page)
        for line in book.lines
        if first <= line.number <= last and line.number not in exclude
        for m in WORD.finditer(line.text)
    ]


def check_document(
    region: Region, snapshots: Sequence[tuple[str, Book]], raw: Book, spelling: Spelling, classifier: Classifier
) -> DocumentCheck:
    """Align one document with its archive counterpart at every stage and classify what differs."""
    book, d = snapshots[-1][1], region.document
    ref = list(region.words)
    body = [book.paragraphs[i] for i in range(d.first, d.end) if i not in d.source_paragraphs]
    first, last = body[0].lines[0], body[-1].lines[-1]
    exclude = {n for i in d.source_paragraphs for n in book.paragraphs[i].lines}
    norm = lambda w: normalise(w, spelling)  # noqa: E731 - a key function, named for reading
    raw_pairs, _ = _aligned(ref, span_tokens(raw, first, last, exclude), spelling)
    clean_pairs, trimmed = _aligned(ref, book_tokens(body), spelling)
    stages: dict[str, dict[str, int]] = {}
    previous = rates(_words_only(raw_pairs), norm)
    before = round(previous.wer * previous.words)
    for name, snapshot in snapshots:
        stage_pairs, _ = _aligned(ref, span_tokens(snapshot, first, last, exclude), spelling)
        now = rates(_words_only(stage_pairs), norm)
        errors = round(now.wer * now.words)
        stages[name] = {"differences": errors, "removed": max(0, before - errors), "introduced": max(0, errors - before)}
        before = errors
    differences, marked = [], []
    for a, b, compound in _merge_compounds_tokens(clean_pairs, norm):
        if compound or (a is not None and b is not None and equivalent(b.word, a, spelling)):
            marked.append((a, b.word if b else None, "same" if not compound else "compound"))
            continue
        kind = classifier.classify(a, b.word if b else None)
        context = " ".join(t.word for _, t in clean_pairs[max(0, len(marked) - 4) : len(marked) + 4] if t)
        differences.append(Difference(a, b.word if b else None, kind, b.line if b else None, b.page if b else None, context))
        marked.append((a, b.word if b else None, kind))
    counts = Counter(diff.kind for diff in differences)
    return DocumentCheck(
        d.number, d.title, region.file, region.title,
        raw={"exact": rates(_words_only(raw_pairs)), "normalised": rates(_words_only(raw_pairs), norm)},
        clean={"exact": rates(_words_only(clean_pairs)), "normalised": rates(_words_only(clean_pairs), norm)},
        stages=stages, counts={k: counts.get(k, 0) for k in ("ocr", "editorial", "archive")},
        differences=differences, pairs=marked, trimmed=trimmed,
    )


def _merge_compounds_tokens(pairs, key):
    """:func:`_merge_compounds` over pairs whose second member is a Token."""
    merged = _merge_compounds([(a, b.word if b else None) for a, b in pairs], key)
    return [(a, tok, compound) for (a, _, compound), (_, tok) in zip(merged, pairs)]


def verify(snapshots: Sequence[tuple[str, Book]], raw: Book, archive: dict[str, str], spelling: Spelling,
           confusions: set[tuple[str, str]] = frozenset()) -> Verification:
    """Check the book against the archive files: matches, figures, differences, review items."""
    book = snapshots[-1][1]
    ours = [w for p in book.paragraphs for w in WORD.findall(p.text)]
    theirs = [w for text in archive.values() for w in words(text)]
    classifier = Classifier(ours, theirs, spelling, set(confusions))
    regions, unmatched = match(archive, book, spelling)
    checks = [check_document(region, snapshots, raw, spelling, classifier) for region in regions]
    review = tuple(
        ReviewItem(STAGE, diff.line, diff.page, diff.hyp or "", (diff.ref,) if diff.ref else (), diff.context,
                   f"differs from {check.archive} ({check.archive_title}); OCR-like")
        for check in checks
        for diff in check.differences
        if diff.kind == "ocr" and diff.line is not None
    )
    return Verification(checks, unmatched, review)


def check(result, config: Config) -> Verification | None:
    """Check a cleaned book (a :class:`pipeline.stages.Result`) against the archive of ``config``; None without one."""
    if not config.archive or not result.book.documents:
        return None
    return verify(result.snapshots, result.source, dict(config.archive), config.spelling, set(config.real_word_confusions))


def summary_rows(verification: Verification) -> list[dict]:
    """One row per checked document: the table of the report (and of the Prefect artifact)."""
    rows = []
    for c in verification.checks:
        rows.append({
            "document": c.document,
            "title": c.title,
            "archive": f"{c.archive}: {c.archive_title}",
            "words": c.clean["normalised"].words,
            "wer_raw": round(c.raw["normalised"].wer, 4),
            "cer_raw": round(c.raw["normalised"].cer, 4),
            "wer_clean": round(c.clean["normalised"].wer, 4),
            "cer_clean": round(c.clean["normalised"].cer, 4),
            "wer_clean_exact": round(c.clean["exact"].wer, 4),
            "ocr": c.counts["ocr"],
            "editorial": c.counts["editorial"],
            "archive_errors": c.counts["archive"],
        })
    return rows


def to_json(verification: Verification) -> dict:
    """Everything the check found, for verification.json."""
    def rates_dict(r: Rates) -> dict:
        return {"wer": round(r.wer, 5), "cer": round(r.cer, 5), "words": r.words, "chars": r.chars}

    words_total = sum(c.clean["normalised"].words for c in verification.checks)
    ocr_total = sum(c.counts["ocr"] for c in verification.checks)
    return {
        "documents": [
            {
                "document": c.document,
                "title": c.title,
                "archive": c.archive,
                "archive_title": c.archive_title,
                "raw": {k: rates_dict(v) for k, v in c.raw.items()},
                "clean": {k: rates_dict(v) for k, v in c.clean.items()},
                "counts": c.counts,
                "by_stage": c.stages,
                "one_sided_words_trimmed_at_ends": list(c.trimmed),
                "differences": [
                    {"archive": d.ref, "book": d.hyp, "class": d.kind, "line": d.line, "page": d.page, "context": d.context}
                    for d in c.differences
                ],
            }
            for c in verification.checks
        ],
        "no_counterpart": [{"file": s.file, "title": s.title, "line": s.line, "words": len(words(s.text))} for s in verification.no_counterpart],
        "total": {"words": words_total, "ocr_like": ocr_total, "ocr_like_share": round(ocr_total / max(1, words_total), 5)},
    }


def to_markdown(verification: Verification) -> str:
    """A readable report: the table, the OCR-like differences, the archive documents with no counterpart."""
    data = to_json(verification)
    out = ["# Check against the archive transcriptions", ""]
    out.append(
        f"{len(verification.checks)} book documents matched; {data['total']['words']} archive words compared; "
        f"OCR-like differences left: {data['total']['ocr_like']} ({data['total']['ocr_like_share']:.3%}). "
        "Rates are after editorial normalisation (case, US/UK spelling, compounds, quotes, note markers); "
        "raw = the document's span of the raw OCR."
    )
    out += ["", "| doc | title | archive | words | WER raw | CER raw | WER clean | CER clean | OCR-like | editorial | archive errors |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in summary_rows(verification):
        out.append(
            f"| {r['document']} | {r['title']} | {r['archive']} | {r['words']} | {r['wer_raw']:.2%} | {r['cer_raw']:.2%} | "
            f"{r['wer_clean']:.2%} | {r['cer_clean']:.2%} | {r['ocr']} | {r['editorial']} | {r['archive_errors']} |"
        )
    stages = list(verification.checks[0].stages) if verification.checks else []
    if stages:
        out += ["", "## Differences removed (−) and introduced (+) by each stage", "",
                "| doc | " + " | ".join(stages) + " |", "|---|" + "---|" * len(stages)]
        for c in verification.checks:
            cells = [f"−{c.stages[s]['removed']} +{c.stages[s]['introduced']}" for s in stages]
            out.append(f"| {c.document} | " + " | ".join(cells) + " |")
    out += ["", "## OCR-like differences left", ""]
    for c in verification.checks:
        for d in c.differences:
            if d.kind == "ocr":
                out.append(f"- doc {c.document}, p. {d.page}, line {d.line}: book `{d.hyp}`, archive `{d.ref}` — “{d.context}”")
    out += ["", "## Archive documents with no counterpart in the book", ""]
    out += [f"- {s.file}, line {s.line}: {s.title} ({len(words(s.text))} words)" for s in verification.no_counterpart]
    return "\n".join(out) + "\n"


_CSS = """body{font-family:Georgia,serif;margin:2em}table{border-collapse:collapse;width:100%}
td{vertical-align:top;padding:.4em;border-bottom:1px solid #ddd;width:50%;line-height:1.5}
.ocr{background:#f8b4b4}.editorial{background:#fde68a}.archive{background:#bfdbfe}.compound{background:#e5e7eb}
th{text-align:left}"""


def to_html(check: DocumentCheck) -> str:
    """A side-by-side diff of one document, archive left and book right, differences coloured by class."""
    rows, left, right = [], [], []
    for n, (a, b, kind) in enumerate(check.pairs, start=1):
        cls = "" if kind == "same" else f' class="{kind}"'
        if a is not None:
            left.append(f"<span{cls}>{html.escape(a)}</span>")
        if b is not None:
            right.append(f"<span{cls}>{html.escape(b)}</span>")
        if n % 30 == 0 or n == len(check.pairs):
            rows.append(f"<tr><td>{' '.join(left)}</td><td>{' '.join(right)}</td></tr>")
            left, right = [], []
    legend = ('<p><span class="ocr">OCR-like</span> <span class="editorial">editorial</span> '
              '<span class="archive">archive error</span> <span class="compound">compound written differently</span></p>')
    title = html.escape(f"{check.document}. {check.title}")
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>{_CSS}</style></head><body>"
        f"<h1>{title}</h1><p>Archive: {html.escape(check.archive)} — {html.escape(check.archive_title)}</p>{legend}"
        f"<table><tr><th>archive</th><th>book (clean)</th></tr>{''.join(rows)}</table></body></html>\n"
    )
