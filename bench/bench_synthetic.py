"""The synthetic degraded-book suite: exact truth, error by error, the pipeline and its peers side by side.

Each seed makes a book (:func:`synthetic.degrade.degrade`) from the archive
transcriptions (raw/archive/*.txt, cut into paragraphs, chapters shuffled):
its own title, section titles, width, page length and first page; running
heads and folios; line-end hyphens (pyphen); OCR noise drawn from the
confusions of the real book; junk lines. Every system cleans the same text:

- ``pipeline``: every stage, with the project's rules but no book-specific
  rules/*.toml and no archive words (they would leak the truth);
- ``pipeline, bare rules``: the same without rules/lexicon.txt and
  rules/scannos.tsv, the words and context rules collected on the real book
  (the synthetic text is on the same subject, so these help it);
- ``regex peer`` and ``regex + symspell``: see bench/peers.py.

Scores are against the truth paragraphs, on word tokens
(:data:`pipeline.align.WORD`: punctuation is not a word) aligned with
:func:`pipeline.align.align`; WER and CER ignore case (the dictionary pass
lower-cases everything), "exact WER" does not. By error type, each injected
damage is followed to its truth word: was it put right, left, or did a
correct word of the input come out wrong ("broken")?

The ``marks noise`` level (:data:`synthetic.degrade.MARKS`) adds
misread quotation marks and lone-letter specks after a full stop; they are
scored on the marks themselves: the edit distance between the output's
quotation marks (apostrophes left out) and the truth's, and lone letters
between sentences beyond the truth's. Note marks are not generated (a
synthetic book has no notes section to link them to).

Run: PYTHONPATH=. .venv/bin/python bench/bench_synthetic.py [--seeds 1 2 3 4 5]
(``--missed`` lists every word error the pipeline left and every correct word it
broke, truth -> input -> output; ``--pipeline-only`` runs the pipeline alone, quickly).
"""

from __future__ import annotations

import argparse
import bisect
import time
from collections import Counter
from pathlib import Path

import regex
from rapidfuzz.distance import Levenshtein

from common import ARCHIVE, add, aligned_indexes, generic_config, pooled, score, table, temporary_folder, tokens
from peers import load_symspell, regex_peer, symspell_peer

from pipeline.verification.align import words
from synthetic.degrade import ANY_OCR, BOOK_TITLES, HEAVY, MARKS, DegradedBook, Noise, archive_paragraphs, degrade
from pipeline.run.render import render_markdown
from pipeline.stages import run_stages
from pipeline.reader import read_book

SEEDS = (1, 2, 3, 4, 5)
UNTRACEABLE = ("furniture", "junk", "speck", "quote", "speck_letter")
PAIRED = ("glued", "lost_space")
"""Damage to the space between two words: fixed when both words are right with a space between."""
WORD_CLASSES = {
    "confusion": "letter confusions (extrernely, experieuced)",
    "odd_character": "digits and symbols in words (y0u, tran$cribed)",
    "real_word": "real-word misreads (arid, bead)",
    "lost_space": "lost spaces (andthese)",
    "glued": "glued by a mark (founded.in)",
    "split": "split words (sepa rate)",
}
"""The word error classes, injected by the degrader and followed to their truth words."""
_QUOTE = regex.compile(r"[“”‘’]")
_LONE_LETTER = regex.compile(r"(?<=[.?!][”’)]? )\p{Ll}(?= [“‘]?\p{Lu}| *$)", regex.MULTILINE)


def quote_marks(text: str) -> str:
    """The quotation marks of a text in order, without apostrophes ("Lenin’s", "workers’ state")."""
    out = []
    for m in _QUOTE.finditer(text):
        at = m.start()
        before, after = text[at - 1 : at], text[at + 1 : at + 3]
        if m[0] == "’" and before.isalnum() and (after[:1].isalpha() or before in "sS" and regex.match(r" \p{L}", after)):
            continue
        out.append(m[0])
    return "".join(out)


class Truth:
    """The truth words of a degraded book, each tagged with the damage injected into it."""

    def __init__(self, book: DegradedBook):
        self.book = book
        self.tokens = []  # (paragraph, WordSpan)
        starts: list[list[int]] = []
        base: list[int] = []
        for n, paragraph in enumerate(book.paragraphs):
            found = tokens(paragraph)
            base.append(len(self.tokens))
            starts.append([t.start for t in found])
            self.tokens += [(n, t) for t in found]
        self.words = [t.word for _, t in self.tokens]
        self.tags: list[set[str]] = [set() for _ in self.tokens]
        self.glued: list[tuple[int, int, str]] = []

        def at(paragraph: int, offset: int, inside: bool = True) -> int | None:
            k = bisect.bisect_right(starts[paragraph], offset) - 1
            if k < 0:
                return None
            _, t = self.tokens[base[paragraph] + k]
            ok = t.start < offset < t.end if inside else t.start <= offset < t.end
            return base[paragraph] + k if ok else None

        for b in book.breaks:
            i = at(b.paragraph, b.offset)
            if i is not None:
                self.tags[i].add("compound" if b.compound else "hyphen")
        for e in book.edits:
            if e.paragraph is None or e.kind in ("speck", "speck_letter", "quote"):
                continue  # no word carries them: scored on the marks (evaluate)
            if e.kind in PAIRED:
                k = bisect.bisect_right(starts[e.paragraph], e.offset)
                if 0 < k < len(starts[e.paragraph]):
                    left, right = base[e.paragraph] + k - 1, base[e.paragraph] + k
                    self.glued.append((left, right, e.kind))
                    self.tags[left].add(e.kind)
                    self.tags[right].add(e.kind)
                continue
            i = at(e.paragraph, e.offset, inside=e.kind == "split")
            if i is not None:
                self.tags[i].add(e.kind)
        self.text = "\n\n".join(book.paragraphs)
        lines = book.text.split("\n")
        self.furniture = [tuple(w.lower() for w in words(lines[n - 1])) for n in book.furniture]
        self.junk = [tuple(w.lower() for w in words(lines[n - 1])) for n in book.junk]
        self.junk = [seq for seq in self.junk if seq]
        self.specks = Counter(e.after.strip() for e in book.edits if e.kind == "speck")


def ngrams(seq: list[str], sizes: set[int]) -> Counter:
    return Counter(tuple(seq[i : i + n]) for n in sizes for i in range(len(seq) - n + 1))


def left_over(lines: list[tuple[str, ...]], hyp: list[str], ref: list[str]) -> int:
    """How many of these lines' word sequences the output has beyond what the truth has."""
    sizes = {len(seq) for seq in lines}
    have, truth = ngrams(hyp, sizes), ngrams(ref, sizes)
    return sum(min(count, max(0, have[seq] - truth[seq])) for seq, count in Counter(lines).items())


def evaluate(truth: Truth, text: str) -> dict:
    """Counts for one system's output on one book (see the module docstring)."""
    hyp_tokens = tokens(text)
    hyp = [t.word for t in hyp_tokens]
    ref_low, hyp_low = [w.lower() for w in truth.words], [w.lower() for w in hyp]
    match: dict[int, int | None] = {i: j for i, j in aligned_indexes(ref_low, hyp_low) if i is not None}
    right = [match[i] is not None and hyp_low[match[i]] == ref_low[i] for i in range(len(ref_low))]
    out: Counter = Counter()
    add(out, score(truth.words, hyp))
    exact = score(truth.words, hyp, key=lambda w: w)
    out["exact_word_errors"] += exact.wer * exact.words
    for i, tags in enumerate(truth.tags):
        for tag in tags - set(PAIRED):
            out[f"{tag}:n"] += 1
            out[f"{tag}:right"] += right[i]
            if tag == "compound" and not right[i] and match[i] is not None and hyp_low[match[i]] == ref_low[i].replace("-", ""):
                out["compound:joined"] += 1
    for left, right_word, kind in truth.glued:
        a, b = match[left], match[right_word]
        out[f"{kind}:n"] += 1
        out[f"{kind}:right"] += (right[left] and right[right_word] and b == a + 1
                                 and any(c.isspace() for c in text[hyp_tokens[a].end : hyp_tokens[b].start]))
    out["right_words"] = sum(right)
    out["_right"] = right
    out["_match"] = match
    out["_hyp"] = hyp
    hyp_words = [w.lower() for w in hyp]
    out["furniture:n"] = len(truth.furniture)
    out["furniture:left"] = left_over(truth.furniture, hyp_words, ref_low)
    out["junk:n"] = len(truth.junk)
    out["junk:left"] = left_over(truth.junk, hyp_words, ref_low)
    out["speck:n"] = sum(truth.specks.values())
    out["speck:left"] = sum(min(n, max(0, text.count(m) - truth.text.count(m))) for m, n in truth.specks.items())
    out["quote:n"] = sum(1 for e in truth.book.edits if e.kind == "quote")
    out["quote:left"] = Levenshtein.distance(quote_marks(text), quote_marks(truth.text))
    out["speck_letter:n"] = sum(1 for e in truth.book.edits if e.kind == "speck_letter")
    out["speck_letter:left"] = max(0, len(_LONE_LETTER.findall(text)) - len(_LONE_LETTER.findall(truth.text)))
    return out


def missed_words(truth: Truth, raw: dict, right: list[bool], match: dict, hyp: list[str], broken: list[int]) -> list[tuple[str, str, str, str]]:
    """(class, truth word, input word, output word) of each word error left and each correct word broken."""

    def seen(counts_match: dict, words: list[str], i: int) -> str:
        j = counts_match[i]
        return words[j] if j is not None else "(dropped)"

    found = []
    for i, tags in enumerate(truth.tags):
        for tag in sorted(tags & set(WORD_CLASSES)):
            if not right[i]:
                found.append((tag, truth.words[i], seen(raw["_match"], raw["_hyp"], i), seen(match, hyp, i)))
    found += [("broken", truth.words[i], seen(raw["_match"], raw["_hyp"], i), seen(match, hyp, i)) for i in broken]
    return found


def run_pipeline(path: Path, config) -> tuple[str, float]:
    start = time.perf_counter()
    result = run_stages(read_book(path), config)
    return render_markdown(result.book), time.perf_counter() - start


LEVELS = {"default noise": Noise(), "heavy noise (5x misreads)": HEAVY, "any OCR engine (second profile)": ANY_OCR,
          "marks noise (quotes, lone letters)": MARKS}


class Suite:
    """Every system on every seed at one noise level: counts pooled over the books, time per book."""

    def __init__(self):
        self.totals: dict[str, Counter] = {}
        self.times: dict[str, list[float]] = {}
        self.broken: dict[str, Counter] = {}
        self.before: Counter = Counter()
        self.per_seed: list[list] = []
        self.missed: list[tuple[str, str, str, str]] = []  # (class, truth, input, output) of the first system

    def run(self, paragraphs, seeds, noise, configs, sym, tmp: Path) -> None:
        for seed in seeds:
            title = BOOK_TITLES[(seed - 1) % len(BOOK_TITLES)]  # a different running title for each seed
            book = degrade(paragraphs, seed=seed, noise=noise, book_title=title, shuffle_chapters=True)
            path = tmp / f"synthetic-{seed}.txt"
            path.write_text(book.text, encoding="utf-8")
            truth = Truth(book)
            raw = evaluate(truth, book.text)
            for key in ("words", "chars", "word_errors", "char_errors", "exact_word_errors", "quote:left", "speck_letter:left"):
                self.before[key] += raw[key]
            outputs: dict[str, tuple[str, float]] = {name: run_pipeline(path, config) for name, config in configs.items()}
            if sym is not None:
                start = time.perf_counter()
                regex_out = regex_peer(book.text)
                regex_time = time.perf_counter() - start
                outputs["regex peer"] = ("\n\n".join(p.text for p in regex_out), regex_time)
                start = time.perf_counter()
                sym_out = symspell_peer(regex_out, sym)
                outputs["regex + symspell"] = ("\n\n".join(p.text for p in sym_out), regex_time + time.perf_counter() - start)
            row = [seed, book.book_title, len(book.furniture), len(book.breaks), len(truth.words), f"{pooled(raw)[0]:.2%}"]
            for name, (text, seconds) in outputs.items():
                counts = evaluate(truth, text)
                right, match, hyp = counts.pop("_right"), counts.pop("_match"), counts.pop("_hyp")
                broken = [i for i in range(len(right)) if raw["_right"][i] and not right[i]]
                if name == next(iter(configs)):
                    self.missed += missed_words(truth, raw, right, match, hyp, broken)
                counts["broken"], counts["was_right"] = len(broken), sum(raw["_right"])
                examples = self.broken.setdefault(name, Counter())
                examples.update((truth.words[i], hyp[match[i]] if match[i] is not None else "(dropped)") for i in broken)
                self.totals.setdefault(name, Counter()).update(counts)
                self.times.setdefault(name, []).append(seconds)
                row.append(f"{pooled(counts)[0]:.2%}")
            self.per_seed.append(row)

    def report(self, load_time: float) -> None:
        names = list(self.totals)
        print(table(["seed", "title", "furniture lines", "line-end breaks", "truth words", "WER input",
                     *[f"WER {n}" for n in names]], self.per_seed))
        print()
        wer0, cer0 = pooled(self.before)
        rows = [["input (no cleaning)", f"{wer0:.2%}", f"{cer0:.3%}",
                 f"{self.before['exact_word_errors'] / self.before['words']:.2%}", "-"]]
        for name in names:
            t = self.totals[name]
            wer, cer = pooled(t)
            extra = f" + load {load_time:.1f}" if "symspell" in name else ""
            rows.append([name, f"{wer:.2%}", f"{cer:.3%}", f"{t['exact_word_errors'] / t['words']:.2%}",
                         f"{sum(self.times[name]) / len(self.times[name]):.2f}{extra}"])
        print(table(["system", "WER", "CER", "exact-case WER", "s per book"], rows))
        print()
        t = self.totals

        def share(name: str, kind: str, good: str = "right", invert: bool = False) -> str:
            n = t[name][f"{kind}:n"]
            if "symspell" in name and kind in UNTRACEABLE:
                return "n/m"
            k = n - t[name][f"{kind}:{good}"] if invert else t[name][f"{kind}:{good}"]
            return f"{k}/{n}"

        rows = [
            ["running heads and folios left", *[share(n, "furniture", "left") for n in names]],
            ["junk lines left (with words)", *[share(n, "junk", "left") for n in names]],
            ["specks left", *[share(n, "speck", "left") for n in names]],
            ["quote marks wrong (edit distance to the truth's) / misread", *[share(n, "quote", "left") for n in names]],
            ["lone-letter specks left", *[share(n, "speck_letter", "left") for n in names]],
            ["inserted line-end hyphens left (word wrong)", *[share(n, "hyphen", invert=True) for n in names]],
            ["own hyphens at line end wrongly joined", *[f"{t[n]['compound:joined']}/{t[n]['compound:n']}" for n in names]],
            ["own hyphens at line end otherwise wrong",
             *[f"{t[n]['compound:n'] - t[n]['compound:right'] - t[n]['compound:joined']}/{t[n]['compound:n']}" for n in names]],
            ["character confusions fixed", *[share(n, "confusion") for n in names]],
            ["digits and symbols in words fixed", *[share(n, "odd_character") for n in names]],
            ["real-word misreads fixed", *[share(n, "real_word") for n in names]],
            ["lost spaces fixed (both right, space between)", *[share(n, "lost_space") for n in names]],
            ["split words fixed", *[share(n, "split") for n in names]],
            ["glued words fixed (both right, space between)", *[share(n, "glued") for n in names]],
            ["broken: right in the input, wrong after", *[f"{t[n]['broken']}/{t[n]['was_right']}" for n in names]],
        ]
        print(table(["error type: left, or fixed / injected", *names], rows))
        print()
        self.report_classes("pipeline")
        if self.before["quote:left"] or self.before["speck_letter:left"]:
            print(f"\nin the input: quote marks wrong (edit distance) {self.before['quote:left']}, "
                  f"lone-letter specks {self.before['speck_letter:left']}")
        print("\nn/m: not measurable: lookup_compound rewrites what the regex peer left (numbers become words, "
              "punctuation goes), so leftovers cannot be traced; they count in its WER as inserted words.\n")
        for name in names:
            listed = ", ".join(f"{a}→{b} ×{k}" if k > 1 else f"{a}→{b}" for (a, b), k in self.broken[name].most_common(10))
            print(f"- broken by {name} (commonest): {listed}")


    def report_missed(self) -> None:
        """Every word error the first system left, and every correct word it broke, by class."""
        for kind in [*WORD_CLASSES, "broken"]:
            rows = sorted(Counter((t, i, o) for k, t, i, o in self.missed if k == kind).items(), key=lambda r: (-r[1], r[0]))
            if rows:
                print(f"\n{kind}: truth -> input -> output (×count)")
                for (t, i, o), k in rows:
                    print(f"  {t} -> {i} -> {o}" + (f" ×{k}" if k > 1 else ""))

    def report_classes(self, name: str) -> None:
        """Per word error class for one system: injected, fixed, missed; and correct words broken."""
        t = self.totals[name]
        rows, n_all, fixed_all = [], 0, 0
        for kind, label in WORD_CLASSES.items():
            n, fixed = t[f"{kind}:n"], t[f"{kind}:right"]
            if n:
                rows.append([label, n, fixed, n - fixed, f"{fixed / n:.0%}"])
                n_all, fixed_all = n_all + n, fixed_all + fixed
        if n_all:
            rows.append(["all word errors", n_all, fixed_all, n_all - fixed_all, f"{fixed_all / n_all:.0%}"])
        print(f"{name}, per word error class:")
        print(table(["class", "injected", "fixed", "missed", "fixed %"], rows))
        print(f"correct words broken: {t['broken']} of {t['was_right']}")


def main(seeds: tuple[int, ...], levels: list[str], missed: bool = False, only_pipeline: bool = False) -> None:
    paragraphs = archive_paragraphs(ARCHIVE)
    with temporary_folder() as tmp_name:
        tmp = Path(tmp_name)
        configs = {"pipeline": generic_config(tmp / "generic"), "pipeline, bare rules": generic_config(tmp / "bare", lexicon=False)}
        if only_pipeline:
            del configs["pipeline, bare rules"]
        warm = degrade(paragraphs[:40], seed=0)
        (tmp / "warm.txt").write_text(warm.text, encoding="utf-8")
        for config in configs.values():
            run_pipeline(tmp / "warm.txt", config)  # first-use loads (spelling index) out of the timings
        start = time.perf_counter()
        sym = None if only_pipeline else load_symspell()
        load_time = time.perf_counter() - start
        print(f"synthetic suite: {len(seeds)} books per noise level from raw/archive ({len(paragraphs)} paragraphs, "
              f"chapters shuffled), seeds {', '.join(map(str, seeds))}; rates pooled over the books, case ignored "
              "except in exact-case WER")
        for level in levels:
            suite = Suite()
            suite.run(paragraphs, seeds, LEVELS[level], configs, sym, tmp)
            print(f"\n## {level}: {LEVELS[level]}\n")
            suite.report(load_time)
            if missed:
                suite.report_missed()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--level", choices=list(LEVELS), action="append", help="noise level (repeatable); default: all")
    parser.add_argument("--missed", action="store_true", help="list every word error the pipeline left and every word it broke")
    parser.add_argument("--pipeline-only", action="store_true", help="the pipeline alone: no 'bare rules' run, no peers (quicker)")
    args = parser.parse_args()
    main(tuple(args.seeds), args.level or list(LEVELS), args.missed, args.pipeline_only)
