"""OCR cleanup pipeline: raw OCR text of a scanned book in, clean text and an edit log out.

Start here. The package is built in layers; each imports only from the
layers below it (no import points up):

    cli/                     the command line, thin: run.py, prefect.py (serve, trigger, server), log.py (why, review)
    ops/                     Prefect: flow.py (thin tasks around run/book.py), server.py (the local dashboard),
                             environment.py (Prefect settings and which server to report to, set before Prefect is imported)
    run/                     one run: options, names (safe output folders), book.py (THE per-book
                             sequence: decide, read, stages, verify, render, publish), batch, cache,
                             render (the output files), publish (whole-folder swap, per-book lock)
    edition/                 the finished book presented: book.md (headings, footnotes), the index, TEI
    changelog/               the log read back: replay (the log reproduces the clean text), explain ("why"),
                             decide ("review": answers to review.tsv into rules/review_decisions.tsv)
    verification/            the check against the archive transcriptions (a yardstick, never a source)
    stages/                  the registry STAGES and run_stages; one module or subpackage per stage:
                             repair_unicode, remove_page_furniture, rebuild_paragraphs,
                             join_hyphenated_words, correct_ocr_words, repair_punctuation,
                             split_documents, apply_review_decisions
    rules/                   rules/*.tsv and <book>.toml read into a Config, every problem at FILE:LINE
    reader.py, lexicon.py, spelling.py, config.py, model.py, locations.py
                             the vocabulary everything shares: the Book model and Change record,
                             the frozen Config, word lists, the SymSpell index, where folders are

The data path of ``python -m pipeline run``: cli.run -> run.names.plan (one
job per raw file, its folder inside --out) -> run.book.clean_book for each
job: lock the folder, cache.decide, reader.read_book, stages.run_stages
(each stage ``(book, config) -> (book, changes)``), verification.check,
run.render.render (every output file as text), run.publish.publish (written
to a staging folder, swapped into place whole). With Prefect,
ops.flow wraps the same clean_book, each book one task (with --workers,
in the worker processes of run.workers); without it, run.batch runs the
books in turn. synthetic/ (degraded-book generators)
lives outside the package: tests and benchmarks only.
"""

__version__ = "0.2.0"
