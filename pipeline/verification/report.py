"""The check's reports: the summary table, verification.json, verification.md and the side-by-side HTML."""

from __future__ import annotations

import html

from pipeline.verification.align import words
from pipeline.verification.check import DocumentCheck, Verification
from pipeline.verification.metrics import Rates


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
