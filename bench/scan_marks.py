"""Scan a cleaned book's body for faults of marks, as an editor would read it: print every case and the counts.

The body runs from the first "Part I" paragraph to the "Index" heading
(Part I to the Biographical Notes). Cases are found in
``clean/<book>/paragraphs.jsonl``, whose line offsets give the raw line of
each case; the raw file says whether a dash ended its printed line. The
scan knows nothing of the pipeline's own rules: it is the yardstick.

Counts, one row each:

- ``note_mark``: note-mark junk left in the text: "®", "ë", "°" or "*"; a
  "?" or "!" right after a full stop or comma ("Bolshevik.”?"), or between
  a word and a lower-case word ("respects? differs"); a digit glued to a
  word or its punctuation ("capitalism.2"); a number set apart at a
  paragraph's end after an ellipsis or closing quote ("Radek... 17").
- ``quote_unbalanced``: a paragraph whose double quotes do not pair
  (“ … ”, nested ‘ … ’ allowed), or with a single closing ’ after
  punctuation that no ‘ opened. A paragraph that leaves one “ open and
  whose next paragraph opens with “ is a quotation running on, not a fault.
- ``quote_run``: a run of quotation marks that doubles a mark (““, ‘‘),
  has more than two, or stands where the pairing fails (“‘ordinary”).
- ``speck``: a lone lower-case letter between sentences (". g K. Radek"),
  a lone mark between words ("republics . will").
- ``space_before_punct``: a space before , ; : ? ! or a single full stop.
- ``dash_spacing``: an em dash spaced on one side only ("importantly— they");
  ``pipeline-made`` when its raw line ended in the dash.
- ``lost_punctuation``: a change in ``changes.jsonl`` on a body line that
  took away a "?" or "!" standing before another mark ("understood?®"
  made "understood[^5]"): the sentence's own mark, lost with the junk.
- ``ellipsis``: every written form of an ellipsis other than the book's
  own (". . ." and ". . . ." at a sentence's end, or "..." and "...."),
  whichever the book writes more often.

Run: .venv/bin/python bench/scan_marks.py [BOOK_NAME] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import regex

PROJECT = Path(__file__).resolve().parent.parent

_JUNK = regex.compile(r"[®ë°]|(?<=[\p{L}\p{P}])\*")
_STOP_THEN_MARK = regex.compile(r"(?<![\s(](?:etc|e\.g|i\.e|viz|cf)\.)(?<=[.,;:][”’'\"]?)[?!]+")
_MARK_BEFORE_LOWER = regex.compile(r"(?<=\p{L})[?!](?= \p{Ll})")
_GLUED_DIGIT = regex.compile(r"(?<=\p{L}[.,;:”’')]{0,3})\d{1,2}(?=[\s.,;:—]|$)")
_LOOSE_NUMBER = regex.compile(r"(?<=(?:\.\.\.|[”’]) )\d{1,2}$")
_LONE_LETTER = regex.compile(r"(?<=[.?!][”’)]? )\p{Ll}(?= \p{Lu})")
_LONE_MARK = regex.compile(r"(?<=\p{L} )[,;:'‘’•·](?= \p{L})|(?<=\p{L} )\.(?= \p{Ll})")
_SPACE_BEFORE = regex.compile(r"(?<=\p{L}) (?:[,;:?!]|\.(?![ .]*\.))(?=[\s”’)]|$)")
_ONE_SIDED_DASH = regex.compile(r"(?<=\S)— (?=\S)|(?<=\S) —(?=\S)")
_ELLIPSIS = regex.compile(r"\.(?: ?\.)+|…")
_QUOTE_RUN = regex.compile(r"[“”‘’\"']{2,}")


@dataclass(frozen=True)
class Case:
    kind: str
    paragraph: int
    offset: int
    line: int
    pages: str
    context: str
    detail: str = ""


def body(paragraphs: list[dict]) -> list[dict]:
    """The paragraphs from the first "Part I" to the "Index" that follows it."""
    start = next(i for i, p in enumerate(paragraphs) if regex.fullmatch(r"(?i)part\s+I", p["text"].strip()))
    end = next((i for i in range(start, len(paragraphs)) if paragraphs[i]["text"].strip().lower() == "index"),
               len(paragraphs))
    return paragraphs[start:end]


def raw_line(p: dict, offset: int) -> int:
    index = max(i for i, s in enumerate(p["starts"]) if s <= offset) if offset >= 0 else 0
    return p["lines"][index]


def quote_faults(text: str, next_text: str) -> list[tuple[int, str]]:
    """Where the paragraph's quotation marks fail to pair: (offset, why)."""
    faults: list[tuple[int, str]] = []
    stack: list[tuple[str, int]] = []
    for m in regex.finditer(r"[“”‘’]", text):
        c, at = m[0], m.start()
        if c == "’":
            between = at > 0 and text[at - 1].isalpha() and at + 1 < len(text) and text[at + 1].isalpha()
            if between:
                continue  # an apostrophe inside a word: "Lenin’s"
            if stack and stack[-1][0] == "‘":
                stack.pop()
            elif at > 0 and not text[at - 1].isalnum():
                faults.append((at, "’ after punctuation closes no ‘"))
            continue  # else a possessive or elision: "workers’"
        if c in "“‘":
            stack.append((c, at))
        elif c == "”":
            if stack and stack[-1][0] == "‘":
                faults.append((at, "” closes a ‘"))
                stack.pop()
                if stack and stack[-1][0] == "“":
                    stack.pop()
            elif stack:
                stack.pop()
            else:
                faults.append((at, "” closes nothing"))
    opened = list(stack)
    if len(opened) == 1 and opened[0][0] == "“" and next_text.lstrip().startswith("“"):
        opened = []  # a quotation that runs on into the next paragraph
    faults.extend((at, f"{c} never closed") for c, at in opened)
    return faults


def scan(paragraphs: list[dict], raw: list[str]) -> tuple[list[Case], Counter]:
    cases: list[Case] = []
    body_ps = body(paragraphs)
    text_all = "\n".join(p["text"] for p in body_ps)
    forms = Counter(m[0] for m in _ELLIPSIS.finditer(text_all) if len(m[0].replace(" ", "")) >= 3 or m[0] == "…")
    spaced = forms[". . ."] + forms[". . . ."] >= forms["..."] + forms["...."]
    house = (". . .", ". . . .") if spaced else ("...", "....")  # three dots, and four at a sentence's end

    for k, p in enumerate(body_ps):
        text = p["text"]
        nxt = body_ps[k + 1]["text"] if k + 1 < len(body_ps) else ""
        pages = "-".join(str(x) for x in (p["pages"][:1] + p["pages"][-1:] if len(p["pages"]) > 1 else p["pages"]))

        def add(kind: str, at: int, detail: str = "") -> None:
            context = text[max(0, at - 35) : at + 25].replace("\n", " ")
            cases.append(Case(kind, p["n"], at, raw_line(p, at), pages, context, detail))

        seen: set[int] = set()
        for pattern, why in ((_JUNK, "junk mark"), (_STOP_THEN_MARK, "? or ! after a stop"),
                             (_MARK_BEFORE_LOWER, "? or ! before lower case"), (_GLUED_DIGIT, "glued digit"),
                             (_LOOSE_NUMBER, "loose number")):
            for m in pattern.finditer(text):
                if m.start() not in seen:
                    seen.add(m.start())
                    add("note_mark", m.start(), f"{why}: {m[0]!r}")
        faults = quote_faults(text, nxt)
        for at, why in faults:
            add("quote_unbalanced", at, why)
        for m in _QUOTE_RUN.finditer(text):
            run = m[0]
            if len(run) > 2 or run[0] == run[1] or any(m.start() <= at < m.end() for at, _ in faults):
                add("quote_run", m.start(), repr(run))
        for m in _LONE_LETTER.finditer(text):
            add("speck", m.start(), f"lone letter {m[0]!r}")
        for m in _LONE_MARK.finditer(text):
            add("speck", m.start(), f"lone mark {m[0]!r}")
        for m in _SPACE_BEFORE.finditer(text):
            add("space_before_punct", m.start(), repr(m[0]))
        for m in _ONE_SIDED_DASH.finditer(text):
            dash = m.start() if text[m.start()] == "—" else m.start() + 1
            index = max(i for i, s in enumerate(p["starts"]) if s <= dash)
            ends_line = raw[p["lines"][index] - 1].rstrip().endswith("—")
            add("dash_spacing", dash, "pipeline-made: the raw line ends in the dash" if ends_line else "as printed")
        for m in _ELLIPSIS.finditer(text):
            if (len(m[0].replace(" ", "")) >= 3 or m[0] == "…") and m[0] not in house:
                add("ellipsis", m.start(), f"{m[0]!r} (the book writes {house[0]!r})")
    return cases, forms


KINDS = ("note_mark", "quote_unbalanced", "quote_run", "speck", "space_before_punct", "dash_spacing", "lost_punctuation",
         "ellipsis")
_MARK_PAIR = regex.compile(r"(?<=\p{L}[”’)]?)[?!](?=[®ë°*’'!?\d])")  # not "unions,!®": that "!" is the mark


def lost_punctuation(changes: list[dict], lines: set[int], raw: list[str]) -> list[Case]:
    """Changes on body lines that removed a "?" or "!" which stood before another mark where a sentence ends
    ("understood?®" at a paragraph's end; not "day!’ he", where the "!" is part of the misread number)."""
    cases = []
    for c in changes:
        kept = c["after"].count("?") + c["after"].count("!")
        line = raw[c["line"] - 1]
        where = line.find(c["before"])
        rest = line[where + len(c["before"]) :] if where >= 0 else ""
        ends = not rest.strip() or bool(regex.match(r"\s+[“‘\"']?\p{Lu}", rest))
        if c["line"] in lines and ends and _MARK_PAIR.search(c["before"]) and kept < len(_MARK_PAIR.findall(c["before"])):
            cases.append(Case("lost_punctuation", -1, 0, c["line"], str(c["page"]), f"{c['before']} -> {c['after']}",
                              c["stage"]))
    return cases


@dataclass
class Scan:
    """What one clean/BOOK folder shows: the cases, words of the body, ellipsis forms, notes linked of all."""

    cases: list
    paragraphs: int
    words: int
    forms: Counter
    linked: int
    notes: int
    by_sequence: int

    @property
    def made(self) -> int:
        return sum(1 for c in self.cases if c.detail.startswith("pipeline-made") or c.kind == "lost_punctuation")


def measure(folder: Path, raw: list[str]) -> Scan:
    """Scan one book's output folder (paragraphs.jsonl, changes.jsonl, stats.json) against its raw lines."""
    with open(folder / "paragraphs.jsonl", encoding="utf-8") as handle:
        paragraphs = [json.loads(line) for line in handle]
    cases, forms = scan(paragraphs, raw)
    with open(folder / "changes.jsonl", encoding="utf-8") as handle:
        changes = [json.loads(line) for line in handle]
    cases += lost_punctuation(changes, {n for p in body(paragraphs) for n in p["lines"]}, raw)
    notes = json.loads((folder / "stats.json").read_text(encoding="utf-8")).get("notes", {})
    return Scan(cases, len(body(paragraphs)), sum(len(p["text"].split()) for p in body(paragraphs)), forms,
                sum(part["linked"] for part in notes.values()), sum(part["notes"] for part in notes.values()),
                sum(part.get("linked_by_sequence_only", 0) for part in notes.values()))


def at_commit(revision: str, book: str, into: Path) -> Path:
    """The committed clean/BOOK folder of an earlier commit, unpacked into ``into`` (``git archive``)."""
    archive = subprocess.run(["git", "archive", revision, f"clean/{book}"], cwd=PROJECT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into / "clean" / book


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("book", nargs="?", default="lenins-fight-against-stalinism")
    parser.add_argument("--clean", type=Path, default=PROJECT / "clean")
    parser.add_argument("--raw", type=Path, default=PROJECT / "raw")
    parser.add_argument("--quiet", action="store_true", help="counts only")
    parser.add_argument("--before", metavar="REV", help="also scan clean/BOOK as committed at REV, in a column beside")
    args = parser.parse_args(argv)
    raw = (args.raw / f"{args.book}.txt").read_text(encoding="utf-8").split("\n")
    now = measure(args.clean / args.book, raw)
    before = None
    if args.before:
        with tempfile.TemporaryDirectory(prefix="scan-marks-") as tmp:
            before = measure(at_commit(args.before, args.book, Path(tmp)), raw)
    if not args.quiet:
        for case in now.cases:
            print(f"{case.kind:18} p. {case.pages:7} line {case.line:5}  {case.detail:45}  …{case.context}…")
        print()
    print(f"body: {now.paragraphs} paragraphs, {now.words} words; ellipsis forms: {dict(now.forms)}")
    columns = ([f"at {args.before}"] if before else []) + ["now"]
    scans = ([before] if before else []) + [now]
    print("| fault | " + " | ".join(columns) + " |\n| --- |" + " --- |" * len(columns))
    for kind in KINDS:
        print(f"| {kind} | " + " | ".join(str(Counter(c.kind for c in s.cases)[kind]) for s in scans) + " |")
    print("| total | " + " | ".join(str(len(s.cases)) for s in scans) + " |")
    print("| of which made by the pipeline | " + " | ".join(str(s.made) for s in scans) + " |")
    print("| notes linked | " + " | ".join(f"{s.linked}/{s.notes} ({s.by_sequence} by sequence only)" for s in scans) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
