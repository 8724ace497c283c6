"""The check's reports: the summary table, verification.json, verification.md and the side-by-side HTML.

verification.md says first what the check covers (documents and words of the
body), then the figures; an archive text that is a different translation is
shown but not counted; punctuation is counted apart from words. Every
OCR-like difference links to its line in the document's HTML diff, which
shows both texts as printed (case and punctuation), with an anchor per page
(``#p59``) and raw line (``#l2900``) and links from difference to difference.
"""

from __future__ import annotations

import html
from collections import Counter
from functools import lru_cache
from typing import Mapping

import regex

from pipeline.verification.align import words
from pipeline.verification.check import Cell, DocumentCheck, Verification
from pipeline.verification.metrics import Rates

TRANSLATION = "different translation, not counted"
_SPACES = regex.compile(r"\s+")
_escape = lru_cache(maxsize=1 << 14)(html.escape)
"""html.escape for the words of the side-by-side diffs: a book repeats its words (~15,000 distinct in 80,000)."""


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
            "punctuation": len(c.punctuation),
            "counted": not c.translation,
        })
    return rows


def coverage(verification: Verification) -> dict:
    """What the check covers: body documents matched, body words aligned with archive text (translations left out)."""
    counted = [c for c in verification.checks if not c.translation]
    covered = sum(c.covered for c in counted)
    return {
        "documents": len(counted), "body_documents": verification.body_documents,
        "different_translations": [c.document for c in verification.checks if c.translation],
        "words": covered, "body_words": verification.body_words,
        "share": round(covered / max(1, verification.body_words), 5),
    }


def _difference(d) -> dict:
    return {"archive": d.ref, "book": d.hyp, "class": d.kind, "line": d.line, "page": d.page, "context": d.context}


def to_json(verification: Verification) -> dict:
    """Everything the check found, for verification.json."""
    def rates_dict(r: Rates) -> dict:
        return {"wer": round(r.wer, 5), "cer": round(r.cer, 5), "words": r.words, "chars": r.chars}

    counted = [c for c in verification.checks if not c.translation]
    words_total = sum(c.clean["normalised"].words for c in counted)
    ocr_total = sum(c.counts["ocr"] for c in counted)
    return {
        "coverage": coverage(verification),
        "documents": [
            {
                "document": c.document,
                "title": c.title,
                "archive": c.archive,
                "archive_title": c.archive_title,
                "different_translation": c.translation,
                "raw": {k: rates_dict(v) for k, v in c.raw.items()},
                "clean": {k: rates_dict(v) for k, v in c.clean.items()},
                "counts": c.counts | {"punctuation": len(c.punctuation)},
                "by_stage": c.stages,
                "one_sided_words_trimmed_at_ends": list(c.trimmed),
                "differences": [_difference(d) for d in c.differences],
                "punctuation": [_difference(d) for d in c.punctuation],
            }
            for c in verification.checks
        ],
        "no_counterpart": [{"file": s.file, "title": s.title, "line": s.line, "words": len(words(s.text))} for s in verification.no_counterpart],
        "total": {"words": words_total, "ocr_like": ocr_total, "ocr_like_share": round(ocr_total / max(1, words_total), 5),
                  "punctuation": sum(len(c.punctuation) for c in counted)},
    }


def _pages(check: DocumentCheck) -> list[int]:
    return sorted({cell.page for cell in check.pairs if cell.page is not None})


def to_markdown(verification: Verification, diffs: Mapping[int, str] | None = None) -> str:
    """A readable report: coverage, the table, the OCR-like differences, the archive documents with no counterpart.

    ``diffs`` maps a document number to its HTML diff's path (relative to the
    report); with it, documents, pages and differences link to their place there.
    """
    diffs = diffs or {}

    def link(text: str, number: int, anchor: str = "") -> str:
        return f"[{text}]({diffs[number]}{anchor})" if number in diffs else text

    data = to_json(verification)
    cov, total = data["coverage"], data["total"]
    out = ["# Check against the archive transcriptions", ""]
    translations = ", ".join(str(n) for n in cov["different_translations"])
    out.append(
        f"**Coverage:** {cov['documents']} of the book's {cov['body_documents']} documents matched with an archive "
        f"transcription; {cov['words']} of the body's {cov['body_words']} words ({cov['share']:.1%}) aligned with archive text"
        + (f" (document {translations}: {TRANSLATION})" if translations else "") + ". "
        "The rest of the book is not checked: the figures below say nothing about it."
    )
    out += ["", (
        f"In the matched documents, {total['words']} archive words compared; OCR-like differences left: "
        f"{total['ocr_like']} ({total['ocr_like_share']:.3%}); punctuation differences (counted apart, not in the word "
        f"figures): {total['punctuation']}. Word rates are after editorial normalisation (case, US/UK spelling, compounds, "
        "quotes, note markers); raw = the document's span of the raw OCR. Punctuation is compared between two words "
        "both texts have, quote marks and dashes of any form taken as one."
    )]
    out += ["", "| doc | title | archive | pages | words | WER raw | CER raw | WER clean | CER clean | OCR-like | editorial | archive errors | punctuation |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for c, r in zip(verification.checks, summary_rows(verification)):
        pages = " ".join(link(str(p), c.document, f"#p{p}") for p in _pages(c))
        title = r["title"] + ("" if r["counted"] else f" (**{TRANSLATION}**)")
        out.append(
            f"| {link(str(r['document']), c.document)} | {title} | {r['archive']} | {pages} | {r['words']} | {r['wer_raw']:.2%} | "
            f"{r['cer_raw']:.2%} | {r['wer_clean']:.2%} | {r['cer_clean']:.2%} | {r['ocr']} | {r['editorial']} | "
            f"{r['archive_errors']} | {r['punctuation']} |"
        )
    stages = list(verification.checks[0].stages) if verification.checks else []
    if stages:
        out += ["", "## Differences removed (−) and introduced (+) by each stage", "",
                "| doc | " + " | ".join(stages) + " |", "|---|" + "---|" * len(stages)]
        for c in verification.checks:
            cells = [f"−{c.stages[s]['removed']} +{c.stages[s]['introduced']}" for s in stages]
            out.append(f"| {c.document} | " + " | ".join(cells) + " |")
    out += ["", "## OCR-like differences left", ""]
    ocr = [(c, d) for c in verification.checks if not c.translation for d in c.differences if d.kind == "ocr"]
    for c, d in ocr:
        place = link(f"p. {d.page}, line {d.line}", c.document, f"#l{d.line}")
        out.append(f"- doc {c.document}, {place}: book `{d.hyp}`, archive `{d.ref}` — “{d.context}”")
    if not ocr:
        out.append("None in the matched documents (the rest of the book is not covered, see above).")
    out += ["", "## Punctuation differences, most frequent (archive → book)", ""]
    common = Counter((d.ref or "∅", d.hyp or "∅") for c in verification.checks if not c.translation for d in c.punctuation)
    out += [f"- `{a}` → `{b}`: {n}" for (a, b), n in common.most_common(12)]
    out += ["", "## Archive documents with no counterpart in the book", ""]
    out += [f"- {s.file}, line {s.line}: {s.title} ({len(words(s.text))} words)" for s in verification.no_counterpart]
    return "\n".join(out) + "\n"


_CSS = """body{font-family:Georgia,serif;margin:2em}table{border-collapse:collapse;width:100%}
td{vertical-align:top;padding:.3em .4em;border-bottom:1px solid #eee;line-height:1.5}td.text{width:47%}
td.nav{white-space:nowrap;font-size:.8em}tr.page th{text-align:left;background:#f3f4f6;padding:.3em}
.ocr{background:#f8b4b4}.editorial{background:#fde68a}.archive{background:#bfdbfe}.compound{background:#e5e7eb}
.punct{background:#c4b5fd;padding:0 .1em}.line{color:#9ca3af;font-size:.75em}th{text-align:left}
:target{outline:2px solid #2563eb}.summary td{border:none;padding:.1em .6em}"""


def _side(cells: list[Cell], book: bool) -> str:
    """One side of a row: the words as printed with the text after them, differences marked."""
    out = []
    for cell in cells:
        word, after = (cell.hyp, cell.hyp_after) if book else (cell.ref, cell.ref_after)
        if word is None:
            continue
        if after == " ":  # most words' own: no regex, nothing to escape
            shown = after
        else:
            after = _SPACES.sub(" ", after) or " "
            shown = html.escape(after)
        if cell.punctuation:
            stripped = after.rstrip()
            shown = f'<span class="punct">{html.escape(stripped) or "∅"}</span>{html.escape(after[len(stripped):])}'
        shown_word = _escape(word) if cell.kind == "same" else f'<span class="{cell.kind}">{_escape(word)}</span>'
        out.append(shown_word + shown)
    return "".join(out)


def _rows(check: DocumentCheck) -> list[list[Cell]]:
    """The alignment cut into rows at each raw line of the book; archive-only words stay in the current row."""
    rows: list[list[Cell]] = []
    line = object()
    for cell in check.pairs:
        if cell.hyp is not None and cell.line != line or not rows:
            rows.append([])
            line = cell.line if cell.hyp is not None else line
        rows[-1].append(cell)
    return rows


def to_html(check: DocumentCheck) -> str:
    """A side-by-side diff of one document, archive left and book right, as printed, differences coloured by class.

    A summary at the top (figures, coverage, the OCR-like differences linked);
    a row per raw line of the book (``id="l2900"``), a heading row per page
    (``id="p59"``), and on each row with a difference links to the previous
    and next one (``#d3``).
    """
    rows, seen, differing = [], set(), 0
    page = None
    cut = _rows(check)
    marked = [any(c.kind not in ("same", "compound") or c.punctuation for c in row) for row in cut]
    total = sum(marked)
    for row, has in zip(cut, marked):
        first = next((c for c in row if c.hyp is not None), None)
        if first and first.page is not None and first.page != page and f"p{first.page}" not in seen:
            page = first.page
            seen.add(f"p{page}")
            rows.append(f'<tr class="page" id="p{page}"><th colspan="3">p. {page}</th></tr>')
        anchor = f"l{first.line}" if first and first.line is not None and f"l{first.line}" not in seen else None
        seen.add(anchor)
        nav = ""
        if has:
            differing += 1
            back = f'<a href="#d{differing - 1}">▲ prev</a>' if differing > 1 else "▲ prev"
            ahead = f'<a href="#d{differing + 1}">▼ next</a>' if differing < total else "▼ next"
            nav = f'<span id="d{differing}"></span>{back} {ahead}'
        label = f'<span class="line">{first.line}</span> ' if first and first.line is not None else ""
        row_id = f' id="{anchor}"' if anchor else ""
        rows.append(f'<tr{row_id}><td class="nav">{nav}</td><td class="text">{_side(row, False)}</td>'
                    f'<td class="text">{label}{_side(row, True)}</td></tr>')
    legend = ('<p><span class="ocr">OCR-like</span> <span class="editorial">editorial</span> '
              '<span class="archive">archive error</span> <span class="compound">compound written differently</span> '
              '<span class="punct">punctuation</span></p>')
    title = html.escape(f"{check.document}. {check.title}")
    n, c = check.clean["normalised"], check.counts
    translation = f"<p><strong>The archive text is a {TRANSLATION} in the totals.</strong></p>" if check.translation else ""
    ocr = "".join(f'<li><a href="#l{d.line}">p. {d.page}, line {d.line}</a>: book <b>{html.escape(d.hyp or "∅")}</b>, '
                  f'archive <b>{html.escape(d.ref or "∅")}</b></li>' for d in check.differences if d.kind == "ocr")
    summary = (
        f'<table class="summary" id="summary"><tr><td>archive words</td><td>{n.words}</td><td>book words aligned with them</td>'
        f'<td>{check.covered}</td></tr><tr><td>WER raw → clean</td><td>{check.raw["normalised"].wer:.2%} → {n.wer:.2%}</td>'
        f'<td>CER raw → clean</td><td>{check.raw["normalised"].cer:.2%} → {n.cer:.2%}</td></tr>'
        f'<tr><td>OCR-like</td><td>{c["ocr"]}</td><td>editorial</td><td>{c["editorial"]}</td></tr>'
        f'<tr><td>archive errors</td><td>{c["archive"]}</td><td>punctuation</td><td>{len(check.punctuation)}</td></tr></table>'
        f'{translation}<p>Rows with a difference: {total}' + (' — <a href="#d1">first difference</a>' if total else "") + "</p>"
        + (f"<p>OCR-like differences:</p><ul>{ocr}</ul>" if ocr else "")
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>{_CSS}</style></head><body>"
        f"<h1>{title}</h1><p>Archive: {html.escape(check.archive)} — {html.escape(check.archive_title)}</p>{summary}{legend}"
        f"<table><tr><th></th><th>archive</th><th>book (clean), raw line</th></tr>{''.join(rows)}</table></body></html>\n"
    )
