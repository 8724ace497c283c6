"""Peers on the same input as the pipeline: time and accuracy side by side on the real book.

Two peers, the obvious ways to do this job:

- ``regex``: a plain script. Drops lines shaped like folios or running heads
  (a bare number, or a line of at most 50 characters that starts or ends
  with a number), joins every line-end hyphen (also across the blank lines
  of a page break), joins lines into paragraphs at blank lines.
- ``symspell``: the textbook dictionary pass, symspellpy's
  ``lookup_compound`` (max edit distance 2, default options) on each
  paragraph of the regex peer's output, with symspellpy's own English word
  and bigram dictionaries loaded from the installed package.

Accuracy on the real book is measured against the archive transcriptions,
the yardstick of :mod:`pipeline.verification`: its content matching pairs
archive documents with the pipeline's documents; each document's raw line
span (without its source citation) is the window, and every system's
paragraphs that start in that window are aligned with the archive document
after editorial normalisation (case, US/UK spelling, hyphens in compounds,
note markers). The archive is a different edition (translation, spelling,
its own typos), so no system gets near zero: compare the columns.

Run: PYTHONPATH=. .venv/bin/python bench/peers.py
"""

from __future__ import annotations

import importlib.resources
import re
import statistics
import time
from dataclasses import dataclass

from collections import Counter

from common import BOOK, add, aligned_indexes, pooled, table, trim

from pipeline.verification.align import words
from pipeline.rules import load_config
from pipeline.verification.normalise import equivalent, normaliser, strip_markers
from pipeline.stages import run_stages
from pipeline.reader import read_book
from pipeline.verification import Classifier, match, rates


@dataclass(frozen=True, slots=True)
class PeerParagraph:
    """A paragraph of a peer's output and the raw lines (1-based, inclusive) it came from."""

    text: str
    first: int
    last: int


FURNITURE = re.compile(r"^(?:\d+|\d+\s+\S.*|.*\S\s+\d+)$")
SHORT = 50


def regex_peer(text: str) -> list[PeerParagraph]:
    """Drop folio/head-shaped lines, join line-end hyphens, join lines at blank lines.

    >>> [p.text for p in regex_peer("The anticapi- \\ntalist rule \\n\\n\\n22 A Book \\n\\n\\nof self- \\n\\n7\\n\\ndetermination. \\n")]
    ['The anticapitalist rule', 'of selfdetermination.']
    """
    paragraphs: list[PeerParagraph] = []
    current: list | None = None  # [text, first, last]
    for number, row in enumerate(text.split("\n"), start=1):
        line = row.strip()
        if line and len(line) <= SHORT and FURNITURE.match(line):
            continue
        if not line:
            if current and not current[0].endswith("-"):
                paragraphs.append(PeerParagraph(*current))
                current = None
            continue
        if current is None:
            current = [line, number, number]
        elif current[0].endswith("-"):
            current[0], current[2] = current[0][:-1] + line, number
        else:
            current[0], current[2] = current[0] + " " + line, number
    if current:
        paragraphs.append(PeerParagraph(*current))
    return paragraphs


def load_symspell():
    """The textbook set-up: SymSpell(2, 7) with the packaged English words and bigrams."""
    from symspellpy import SymSpell

    files = importlib.resources.files("symspellpy")
    sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    sym.load_dictionary(str(files / "frequency_dictionary_en_82_765.txt"), term_index=0, count_index=1, encoding="utf-8")
    sym.load_bigram_dictionary(str(files / "frequency_bigramdictionary_en_243_342.txt"), term_index=0, count_index=2,
                               encoding="utf-8")
    return sym


def symspell_peer(paragraphs: list[PeerParagraph], sym) -> list[PeerParagraph]:
    """``lookup_compound`` on each paragraph (it lower-cases, drops punctuation, respells numbers)."""
    out = []
    for p in paragraphs:
        suggestions = sym.lookup_compound(p.text, max_edit_distance=2)
        out.append(PeerParagraph(suggestions[0].term if suggestions else p.text, p.first, p.last))
    return out


def timed(function, *args):
    start = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - start


def main() -> None:
    text = BOOK.read_text(encoding="utf-8")
    size = len(text.encode("utf-8")) / 1e6
    config = load_config()
    run_stages(read_book(BOOK), config)  # first-use loads (the spelling index) out of the timing
    runs = [timed(run_stages, read_book(BOOK), config) for _ in range(3)]
    result, pipeline_time = runs[0][0], statistics.median(t for _, t in runs)
    regex_out, regex_time = timed(regex_peer, text)
    sym, load_time = timed(load_symspell)
    sym_out, sym_time = timed(symspell_peer, regex_out, sym)

    # The archive check's own inputs and steps: the same archive, spelling rules, matching and classes.
    spelling, archive, confusions = config.spelling, config.archive, set(config.real_word_confusions)
    norm = normaliser(spelling)
    regions, _ = match(archive, result.book, spelling, norm)
    theirs = [w for t in archive.values() for w in words(t)]
    book = result.book
    systems = {
        "raw OCR (no cleaning)": None,
        "pipeline": [PeerParagraph(p.text, p.lines[0], p.lines[-1]) for p in book.paragraphs],
        "regex peer": regex_out,
        "regex + symspell lookup_compound": sym_out,
    }
    raw_lines = text.split("\n")
    totals = {name: {} for name in systems}
    kinds = {name: Counter() for name in systems}
    classifiers = {
        name: Classifier(words(text if paragraphs is None else "\n".join(p.text for p in paragraphs)), theirs, spelling, confusions)
        for name, paragraphs in systems.items()
    }
    for region in regions:
        d = region.document
        body = [book.paragraphs[i] for i in range(d.first, d.end) if i not in d.source_paragraphs]
        first, last = body[0].lines[0], body[-1].lines[-1]
        exclude = {n for i in d.source_paragraphs for n in book.paragraphs[i].lines}
        ref = list(region.words)
        for name, paragraphs in systems.items():
            if paragraphs is None:
                hyp_text = "\n".join(raw_lines[n - 1] for n in range(first, last + 1) if n not in exclude)
            else:
                hyp_text = "\n".join(p.text for p in paragraphs if first <= p.first <= last and p.first not in exclude)
            hyp = words(strip_markers(hyp_text))
            rk, hk = [norm(w) for w in ref], [norm(w) for w in hyp]
            pairs = trim(aligned_indexes(rk, hk))
            add(totals[name], rates([(rk[i] if i is not None else None, hk[j] if j is not None else None) for i, j in pairs]))
            for i, j in pairs:
                a, b = (ref[i] if i is not None else None), (hyp[j] if j is not None else None)
                if a is None or b is None or not equivalent(b, a, spelling):
                    kinds[name][classifiers[name].classify(a, b)] += 1

    words_total = int(next(iter(totals.values()))["words"])
    print(f"book: {BOOK.name} ({size:.2f} MB); {len(regions)} book documents matched to archive documents, "
          f"{words_total} archive words; rates after editorial normalisation\n")
    times = {
        "raw OCR (no cleaning)": ("-", "-"),
        "pipeline": (f"{pipeline_time:.2f}", "symspell index from .cache/ (~0.5 s), see bench_stages.py"),
        "regex peer": (f"{regex_time:.3f}", "-"),
        "regex + symspell lookup_compound": (f"{regex_time + sym_time:.2f}", f"dictionary load {load_time:.1f} s"),
    }
    rows = []
    for name, total in totals.items():
        wer, cer = pooled(total)
        rows.append([name, f"{wer:.2%}", f"{cer:.2%}", kinds[name]["ocr"], kinds[name]["editorial"] + kinds[name]["archive"],
                     *times[name]])
    print(table(["system", "WER vs archive", "CER vs archive", "OCR-like left", "other differences", "time (s, warm)",
                 "one-off load"], rows))
    print("\nOCR-like: our word is no word, or a known OCR confusion of theirs (pipeline.verification.Classifier); "
          "a dictionary pass writes only dictionary words, so its mistakes count as 'other'.")


if __name__ == "__main__":
    main()
