"""Folio candidates: lines that may be page furniture, read with the OCR digit confusions; running titles.

A candidate is a short line set apart by a blank line that starts or ends
with a number ("6 Lenin’s Fight…", "Introduction 7", "5"), the number read
with rules/folio_digits.tsv ("T5" for 75). Titles that recur on many
candidates are the book's running titles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import regex
from rapidfuzz.fuzz import ratio

from pipeline.model import Line

MAX_TITLE = 70
"""A running head is a short line; longer lines are text."""
RUNNING_TITLE_MIN = 3
"""A title seen on this many candidates is a running title."""

_DIGIT = regex.compile(r"[0-9]")
TITLE_VARIANT = 90
"""Similarity (rapidfuzz ratio, 0-100) at which a title is an OCR variant of a running title."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A line that may be page furniture: its number as read, and its shape.

    ``form`` is ``bare`` (only a number), ``head_first`` ("6 Lenin’s Fight…")
    or ``head_last`` ("Introduction 7"); ``title`` is the text beside the number.
    """

    line: int
    value: int
    form: str
    title: str
    text: str
    digits: str


@dataclass(frozen=True, slots=True)
class Furniture:
    """A furniture line accepted into the page sequence."""

    candidate: Candidate
    page: int
    kind: str  # head, folio, misread
    evidence: str


def title_key(title: str) -> str:
    """Letters only, lower case: how running titles are compared.

    >>> title_key("Lenin’s Fight Against Stalinism")
    'leninsfightagainststalinism'
    """
    return regex.sub(r"[^\p{L}]", "", title).lower()


def _digit_class(digit_map: Mapping[str, str]) -> str:
    extra = "".join(regex.escape(c) for c in sorted(digit_map))
    return rf"[0-9{extra}]"


class CandidateReader:
    """Parses lines into folio candidates using the configured OCR digit confusions."""

    def __init__(self, digit_map: Mapping[str, str]):
        self.digit_map = dict(digit_map)
        d = _digit_class(digit_map)
        num = rf"(?P<num>{d}{{0,3}}[0-9]{d}{{0,3}})"
        self.bare = regex.compile(rf"^[\p{{P}}\p{{S}}]{{0,2}}\s*{num}\s*[\p{{P}}\p{{S}}]{{0,2}}$")
        self.first = regex.compile(rf"^{num}\s+(?P<title>\p{{L}}.*)$")
        self.last = regex.compile(rf"^(?P<title>.*\p{{L}}.*?)\s+{num}$")

    def to_int(self, digits: str) -> int | None:
        value = "".join(self.digit_map.get(c, c) for c in digits)
        if len(digits) > 4 or not value.isdigit():
            return None
        return int(value)

    def read(self, line: Line) -> Candidate | None:
        """A candidate for a short line shaped like a folio or running head, else None.

        >>> reader = CandidateReader({"T": "7"})
        >>> reader.read(Line(3669, "The Hifredmanaeys T5")).value
        75
        >>> reader.read(Line(231, "6 Lenin’s Fight Against Stalinism")).form
        'head_first'
        >>> reader.read(Line(7700, "Aristotle, 30, 31")).value  # a candidate; the chain rejects it
        31
        >>> reader.read(Line(99, "December 23, 1922 and then a long line of text that goes on")) is None
        True
        """
        text = line.text.strip()
        if not text or len(text) > MAX_TITLE:
            return None
        words = text.split()
        if not _DIGIT.search(words[0] + words[-1]):
            return None  # the folio stands first or last and has a digit: most lines stop here, cheaply
        for form, pattern in (("bare", self.bare), ("head_first", self.first), ("head_last", self.last)):
            match = pattern.match(text)
            if match:
                value = self.to_int(match["num"])
                if value is None or value == 0:
                    return None
                title = match.groupdict().get("title") or ""
                return Candidate(line.number, value, form, title.strip(), text, match["num"])
        return None


def running_titles(candidates: Sequence[Candidate]) -> set[str]:
    """Title keys that recur on at least RUNNING_TITLE_MIN candidates.

    >>> cands = [Candidate(i, i, "head_last", "Introduction", "", "") for i in range(3)]
    >>> running_titles(cands)
    {'introduction'}
    """
    counts: dict[str, int] = {}
    for cand in candidates:
        key = title_key(cand.title)
        if key:
            counts[key] = counts.get(key, 0) + 1
    return {key for key, count in counts.items() if count >= RUNNING_TITLE_MIN}


def is_running(cand: Candidate, titles: set[str]) -> bool:
    """True when the candidate's title is a running title, or an OCR variant of one."""
    key = title_key(cand.title)
    return bool(key) and (key in titles or any(ratio(key, t) >= TITLE_VARIANT for t in titles))
