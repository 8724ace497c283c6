"""What a run writes to clean/<book>/, each file rendered as it is written, the folder put in place atomically.

- ``book.md``: the edition in Markdown: title, part and document headings, footnotes (:mod:`pipeline.edition.markdown`);
- ``paragraphs.jsonl``: each paragraph with its printed pages and raw lines (for citing);
- ``changes.jsonl``: every change, in stage order (the answer to "why does this differ from the scan?");
- ``review.tsv``: what a stage would not decide alone, left unchanged in the text;
- ``stats.json``: counts per stage and rule, the OCR confusions the book showed, the page sequence, warnings;
- ``NN-slug.md``: one file per document, YAML front matter and its paragraphs and footnotes;
- ``book.tei.xml``: the edition as TEI P5 (:mod:`pipeline.edition.tei`);
- ``index.json``, ``index.md``: the book's index read as entries (:mod:`pipeline.edition.index`);
- ``manifest.json``: the documents in book order with file, word count and sha256,
  and the list of every file the run wrote (``outputs``), so a later run
  knows which files of the folder are its own.

Each file is rendered when it is written, and not kept: :mod:`pipeline.run.publish`
has each renderer write its file piece by piece into the staging folder
(:class:`Rendered`), one file at a time, and puts the folder in place as a
whole, so a large book never holds its outputs in memory, not even one
whole file. Nothing here
depends on time or machine, so the committed clean/ output can be checked
for staleness byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from typing import Callable, Iterator

import regex

from pipeline import __version__
from pipeline.edition import Write, as_text
from pipeline.edition.index import render_index_json, render_index_markdown
from pipeline.edition.tei import write_tei
from pipeline.edition.markdown import body_paragraphs, document_file, document_meta, write_book, write_document
from pipeline.model import Book, Change, ReviewItem, homes
from pipeline.stages import Result
from pipeline.stages.correct_ocr_words.channel import shown
from pipeline.verification import Verification, to_html, to_json, to_markdown

_LOWER_START = regex.compile(r"^[^\p{L}\p{N}]*\p{Ll}")


def render_markdown(book: Book) -> str:
    """The clean text: the paragraphs separated by blank lines, what the change log replays to
    (``book.md`` is this text presented as an edition: :mod:`pipeline.edition.markdown`).

    >>> from pipeline.model import Paragraph
    >>> render_markdown(Book("x", (), paragraphs=(Paragraph("One.", (1,), (0,), (5,)), Paragraph("Two.", (3,), (0,), (5,)))))
    'One.\\n\\nTwo.\\n'
    """
    return "".join(p.text + "\n\n" for p in book.paragraphs).rstrip("\n") + "\n" if book.paragraphs else ""


def _jsonl(rows, write: Write) -> None:
    for row in rows:
        write(json.dumps(row, ensure_ascii=False) + "\n")


def write_paragraphs(book: Book, write: Write) -> None:
    rows = (
        {
            "n": n,
            "pages": list(p.pages),
            "lines": list(p.lines),
            "starts": list(p.starts),
            "standalone": p.standalone,
            "text": p.text,
        }
        for n, p in enumerate(book.paragraphs, start=1)
    )
    _jsonl(rows, write)


def write_changes(changes: tuple[Change, ...], write: Write) -> None:
    _jsonl((change.to_dict() for change in changes), write)


def _cell(value) -> str:
    return str(value if value is not None else "").replace("\t", " ").replace("\n", " ")


CONTEXT_WORDS = 8
"""Whole words of context on each side of a review row's token."""


def placed(book: Book, where: dict[int, int], item: ReviewItem) -> ReviewItem:
    """A review row with its printed page and a context of whole words read from the text where its token stands.

    Stages give a context cut at a fixed width (often mid-word) and notes no
    page; the paragraph holding the row's raw line gives both (``where``, by
    :func:`pipeline.model.homes`, maps each row's line to it).
    """
    if item.line not in where:
        return item
    home = book.paragraphs[where[item.line]]
    k = home.lines.index(item.line)
    page = item.page if item.page is not None else home.line_pages[k]
    at = home.text.find(item.token, home.starts[k]) if item.token else -1
    if at < 0:
        return replace(item, page=page)
    before = home.text[:at].split()[-CONTEXT_WORDS:]
    after = home.text[at + len(item.token) :].split()[:CONTEXT_WORDS]
    # The token itself may sit inside a longer printed word; show that word whole.
    left = regex.search(r"\S*$", home.text[:at])[0]
    right = regex.match(r"\S*", home.text[at + len(item.token) :])[0]
    if left:
        before = before[:-1]
    if right:
        after = after[1:]
    context = " ".join([*before, f"{left}{item.token}{right}", *after])
    return replace(item, page=page, context=context)


def render_review(items) -> str:
    """The review list as TSV with a header, one row per case still open."""
    header = "stage\tpage\tline\ttoken\tcandidates\tcontext\treason\n"
    return header + "".join(
        "\t".join(_cell(v) for v in (r.stage, r.page, r.line, r.token, " | ".join(r.candidates), r.context, r.reason))
        + "\n"
        for r in items
    )


def _unnumbered_lines(book: Book) -> int:
    """Lines with text outside the page sequence: from the paragraphs' provenance once they
    exist (the book then keeps no lines; every line with text is in one), else from the lines."""
    if book.paragraphs:
        return sum(page is None for p in book.paragraphs for page in p.line_pages)
    return sum(1 for line in book.lines if line.page is None and line.text.strip())


def stats(result: Result) -> dict:
    """Counts a reader checks first: pages found, furniture removed, paragraphs, open problems."""
    book, changes = result.book, result.changes
    per_rule = Counter(f"{c.stage}:{c.rule.split(':')[0]}" for c in changes)
    pages = book.pages
    lower = [
        {"paragraph": n, "pages": list(p.pages), "line": p.first_line, "start": p.text[:60]}
        for n, p in enumerate(book.paragraphs, start=1)
        if _LOWER_START.match(p.text) and not p.standalone
    ]
    return {
        "book": book.name,
        "pipeline_version": __version__,
        "raw_lines": result.raw_lines,
        "changes": len(changes),
        "changes_by_rule": dict(sorted(per_rule.items())),
        "ocr_confusions_seen": shown(changes),
        "pages": {
            "first": pages[0].number if pages else None,
            "last": pages[-1].number if pages else None,
            "count": len(pages),
            "gaps": [p.number for p in pages if p.evidence == "inferred"],
            "misread_repaired": [
                {"page": c.page, "line": c.line, "text": c.before}
                for c in changes
                if c.rule == "misread_folio"
            ],
            "unnumbered_lines": _unnumbered_lines(book),
        },
        "paragraphs": {
            "count": len(book.paragraphs),
            "standalone": sum(p.standalone for p in book.paragraphs),
            "start_in_lower_case": lower,
        },
        "review_items": len(book.review),
        "review_decided": len(book.closed),
        "front_and_back_matter": [
            {"document": d.number, "title": d.title, "confidence": d.confidence, "found_by": d.evidence,
             "provenance_lines": [book.paragraphs[i].first_line for i in d.source_paragraphs],
             "unreadable": [{"line": book.paragraphs[i].first_line, "text": book.paragraphs[i].text} for i in d.unreadable]}
            for d in book.documents
            if d.kind in ("front", "back")
        ],
        "documents": len(book.documents),
        "notes": {
            f"Part {d.part}": {
                "notes": len(d.notes),
                "linked": sum(e.linked_line is not None for e in d.notes),
                "linked_by_sequence_only": sum(e.linked_line is not None and not e.certain for e in d.notes),
                "unlinked": [e.number for e in d.notes if e.linked_line is None],
            }
            for d in book.documents
            if d.kind == "notes"
        },
        "warnings": list(book.warnings),
    }


def _sha256(files: Rendered, name: str) -> str:
    """The SHA-256 of a file's UTF-8 text, hashed as it is rendered."""
    digest = hashlib.sha256()
    files.write(name, lambda piece: digest.update(piece.encode("utf-8")))
    return digest.hexdigest()


def render_manifest(book: Book, files: Rendered) -> str:
    """The documents with their metadata and checksums, and every output file's name."""
    rows = []
    for d in book.documents:
        name = document_file(d)
        rows.append(
            document_meta(book, d)
            | {
                "file": name,
                "words": sum(len(t.split()) for t in body_paragraphs(book, d)),
                "sha256": _sha256(files, name),
            }
        )
    outputs = sorted([*files, "manifest.json"])
    return json.dumps({"book": book.name, "metadata": book.info.to_dict(), "documents": rows, "outputs": outputs}, ensure_ascii=False, indent=2) + "\n"


Producer = Callable[[Write], None]
"""Renders one file: ``producer(write)`` writes its text piece by piece."""


def whole(render_text: Callable[..., str], *args) -> Producer:
    """The producer of a small file rendered as one string, ``render_text(*args)``."""
    return lambda write: write(render_text(*args))


class Rendered(Mapping[str, str]):
    """A book's output files by name; each is rendered when it is written or read, and not kept.

    Why: on a 45 MB input the outputs are ~230 MB of text, about twice that
    as Python strings, and holding them all at once was the largest part of
    the run's peak memory; even one whole file as a string set the peak of
    a large book. :meth:`write` renders a file piece by piece to an open
    file or a hash; reading it as a mapping gives its whole text (the
    dashboard reads the small ones). Reading a file twice renders it twice
    (the manifest hashes the document files; that is cheap).
    """

    def __init__(self, producers: dict[str, Producer]):
        self._producers = producers

    def write(self, name: str, write: Write) -> None:
        """Render the file ``name`` piece by piece to ``write``."""
        self._producers[name](write)

    def __getitem__(self, name: str) -> str:
        return as_text(self._producers[name])

    def __contains__(self, name: object) -> bool:  # by name: Mapping's default would render the file
        return name in self._producers

    def __iter__(self) -> Iterator[str]:
        return iter(self._producers)

    def __len__(self) -> int:
        return len(self._producers)


def verification_producers(verification: Verification | None, book: Book) -> dict[str, Producer]:
    """verification.json, verification.md and a side-by-side HTML diff per checked document."""
    if verification is None:
        return {}
    diffs = {c.document: "verification/" + document_file(book.documents[c.document]).replace(".md", ".html")
             for c in verification.checks}
    producers: dict[str, Producer] = {
        "verification.json": whole(lambda: json.dumps(to_json(verification), ensure_ascii=False, indent=2) + "\n"),
        "verification.md": whole(to_markdown, verification, diffs),
    }
    for c in verification.checks:
        producers[diffs[c.document]] = whole(to_html, c)
    return producers


def render(result: Result, verification: Verification | None = None) -> Rendered:
    """All output files of one book, by file name (relative to clean/<book>/), each rendered when written or read."""
    book = result.book
    closed = set(book.closed)
    later = tuple(r for r in (verification.review if verification else ()) if (r.stage, r.line, r.token) not in closed)
    rows = book.review + later
    where = homes(book.paragraphs, (r.line for r in rows))
    review = tuple(placed(book, where, r) for r in rows)
    producers: dict[str, Producer] = {document_file(d): partial(write_document, book, d) for d in book.documents}
    producers |= verification_producers(verification, book) | {
        "book.md": partial(write_book, book),
        "book.tei.xml": partial(write_tei, book),
        "index.json": whole(render_index_json, book),
        "index.md": whole(lambda: "# Index\n\n" + "\n\n".join(render_index_markdown(book)) + "\n"),
        "paragraphs.jsonl": partial(write_paragraphs, book),
        "changes.jsonl": partial(write_changes, result.changes),
        "review.tsv": whole(render_review, review),
        "stats.json": whole(lambda: json.dumps(stats(result), ensure_ascii=False, indent=2) + "\n"),
    }
    return Rendered(producers | {"manifest.json": whole(render_manifest, book, Rendered(dict(producers)))})
