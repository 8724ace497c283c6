"""Case slips put into the real book, and what correct_ocr_words makes of them.

The book as correct_ocr_words receives it gets small letters for capitals of
the same shape (c, o, s, v, w, x, z: case_slips.SAME_SHAPE), the slips OCR makes:

- in phrases: in runs of three words the book prints with such a capital five
  times or more ("Central Control Commission" -> "Central Control commission"),
  each small-letter run once;
- at sentence starts: every ``--every``-th sentence that opens with such a
  letter after a full stop ("So" -> "so").

It prints, per kind, how many were put in, fixed, listed for review and
missed, and every other change the stage makes that it does not make to the
book as printed (there should be none).

Run: .venv/bin/python bench/bench_case_slips.py [--every 3]
"""

from __future__ import annotations

import argparse
import dataclasses

import regex
from common import BOOK, table

from pipeline.reader import read_book
from pipeline.rules import load_config
from pipeline.stages import run_stages
from pipeline.stages.correct_ocr_words import correct_ocr_words
from pipeline.stages.correct_ocr_words.case_slips import PHRASE_MIN, SAME_SHAPE, case_phrases
from pipeline.stages.correct_ocr_words.tokens import TokenizedBook

_SENTENCE_START = regex.compile(rf"(?<=\p{{Ll}}{{2}}\. )[{SAME_SHAPE.upper()}]\p{{Ll}}+\b")


def slips(paragraphs, every: int) -> list[tuple[int, int, str, str]]:
    """(paragraph, offset, kind, word) of the slips to put in, one per place."""
    tokenized = TokenizedBook([p.text for p in paragraphs])
    phrases = case_phrases(tokenized)
    wanted = {words: at for words, n in phrases.counts.items() if n >= PHRASE_MIN
              for at, w in enumerate(words) if w[:1] in SAME_SHAPE.upper() and w[1:].islower() and at and w.isalpha()}
    found, done, starts = [], set(), 0
    for n, tokens in enumerate(tokenized):
        last = -10  # one slip in any run of three words: a phrase keeps its other words as printed
        for i in range(len(tokens) - 2):
            words = tuple(t.core for t in tokens[i : i + 3])
            if words in wanted and all(t.next for t in tokens[i : i + 2]) and i > last + 4:
                k = i + wanted[words]
                token = tokens[k]
                small = [t.core for t in tokens]
                small[k] = token.core.lower()
                runs = {tuple(small[j : j + 3]) for j in range(max(0, k - 2), min(k + 1, len(small) - 2))}
                if not token.initial and not runs & done:  # each small-letter run once: a slip, not the book's usage
                    done |= runs
                    found.append((n, token.start, "phrase", token.core))
                    last = i
        taken = {at for m, at, *_ in found if m == n}
        for m in _SENTENCE_START.finditer(paragraphs[n].text):
            starts += 1
            if starts % every == 0 and not any(abs(m.start() - at) < 40 for at in taken):
                found.append((n, m.start(), "sentence start", m.group()))
    return found


def main(every: int) -> None:
    config = load_config()
    before = run_stages(read_book(BOOK), config, skip=("correct_ocr_words", "repair_punctuation", "split_documents", "apply_review_decisions")).book
    expected, _ = correct_ocr_words(before, config)
    put = slips(before.paragraphs, every)
    paragraphs = list(before.paragraphs)
    for n, at, _, word in put:
        paragraphs[n] = paragraphs[n].edit(at, at + 1, word[0].lower())
    out, changes = correct_ocr_words(dataclasses.replace(before, paragraphs=tuple(paragraphs)), config)
    review = {(item.line, item.token) for item in out.review}
    counts = {}
    for n, at, kind, word in put:
        row = counts.setdefault(kind, [0, 0, 0, 0])
        row[0] += 1
        text = out.paragraphs[n].text
        if text[at : at + len(word)] == word:
            row[1] += 1
        elif any(token == word[0].lower() + word[1:] for _, token in review):
            row[2] += 1
        else:
            row[3] += 1
    print(table(["case slip", "put in", "fixed", "review", "missed"], [[k, *v] for k, v in counts.items()]))
    slipped = {n for n, *_ in put}
    other = [(i, a.text, b.text) for i, (a, b) in enumerate(zip(out.paragraphs, expected.paragraphs)) if i not in slipped and a.text != b.text]
    print(f"\nother paragraphs changed differently from the book as printed: {len(other)}")
    for i, a, b in other[:10]:
        print(f"- paragraph {i}: {a[:100]!r} vs {b[:100]!r}")
    print("\n" + "\n".join([f"- {c.before} -> {c.after}: {c.evidence}" for c in changes if c.rule == "case_slip"][:10]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--every", type=int, default=3, help="put a slip into every n-th sentence start (default 3)")
    main(parser.parse_args().every)
