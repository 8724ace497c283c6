"""Shared by the bench scripts: the project on sys.path, generic rules, word alignment with positions, scoring.

Scripts in bench/ import this first, so ``pipeline`` is this checkout's even
when the venv has another checkout installed in editable mode.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from pipeline.verification.align import WORD, align  # noqa: E402
from pipeline.config import Config
from pipeline.rules import load_config  # noqa: E402
from pipeline.verification import Rates, rates  # noqa: E402

BOOK = PROJECT / "raw" / "lenins-fight-against-stalinism.txt"
ARCHIVE = PROJECT / "raw" / "archive"


def subprocess_env() -> dict[str, str]:
    """The environment for child Python processes: this checkout first on sys.path."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")]))}


def run_python(code: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run ``python -c code args`` in a fresh process from the project folder; its stdout."""
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=PROJECT, env=env or subprocess_env(),
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def generic_config(tmp: Path, *, lexicon: bool = True) -> Config:
    """The project's rules without the book-specific rules/*.toml, and no archive words (they would leak the truth).

    With ``lexicon=False`` also rules/lexicon.txt and rules/scannos.tsv are
    emptied: the words and context rules collected on the real book.
    """
    rules, archive = tmp / "rules", tmp / "empty-archive"
    rules.mkdir(parents=True, exist_ok=True)
    archive.mkdir(exist_ok=True)
    for path in (PROJECT / "rules").iterdir():
        if path.suffix in (".tsv", ".txt"):
            shutil.copy(path, rules / path.name)
    if not lexicon:
        (rules / "lexicon.txt").write_text("", encoding="utf-8")
        header = (PROJECT / "rules" / "scannos.tsv").read_text(encoding="utf-8").splitlines()
        (rules / "scannos.tsv").write_text(next(l for l in header if not l.startswith("#")) + "\n", encoding="utf-8")
    return load_config(rules, archive_dir=archive)


@dataclass(frozen=True, slots=True)
class WordSpan:
    word: str
    start: int
    end: int


def tokens(text: str) -> list[WordSpan]:
    """The words of a text (:data:`pipeline.align.WORD`: punctuation is not a word) with their spans."""
    return [WordSpan(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]


def aligned_indexes(ref: Sequence[str], hyp: Sequence[str]) -> list[tuple[int | None, int | None]]:
    """:func:`pipeline.align.align` as index pairs (None for a gap)."""
    out, i, j = [], 0, 0
    for a, b in align(ref, hyp):
        out.append((i if a is not None else None, j if b is not None else None))
        i += a is not None
        j += b is not None
    return out


def trim(pairs: list[tuple[int | None, int | None]]) -> list[tuple[int | None, int | None]]:
    """Drop one-sided pairs at both ends (text outside the reference's window)."""
    both = [k for k, (a, b) in enumerate(pairs) if a is not None and b is not None]
    return pairs[both[0] : both[-1] + 1] if both else []


def score(ref: Sequence[str], hyp: Sequence[str], key: Callable[[str], str] = str.lower, trim_ends: bool = False) -> Rates:
    """WER and CER of ``hyp`` against ``ref`` under ``key`` (aligned on the keys)."""
    rk, hk = [key(w) for w in ref], [key(w) for w in hyp]
    pairs = aligned_indexes(rk, hk)
    if trim_ends:
        pairs = trim(pairs)
    return rates([(rk[i] if i is not None else None, hk[j] if j is not None else None) for i, j in pairs])


def add(total: dict[str, float], r: Rates) -> None:
    """Accumulate errors and denominators, to pool rates over documents or books."""
    total["words"] = total.get("words", 0) + r.words
    total["chars"] = total.get("chars", 0) + r.chars
    total["word_errors"] = total.get("word_errors", 0) + r.wer * r.words
    total["char_errors"] = total.get("char_errors", 0) + r.cer * r.chars


def pooled(total: dict[str, float]) -> tuple[float, float]:
    """(WER, CER) of accumulated counts."""
    return total["word_errors"] / max(1, total["words"]), total["char_errors"] / max(1, total["chars"])


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def temporary_folder() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="ocr-bench-")
