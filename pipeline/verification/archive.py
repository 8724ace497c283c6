"""Cut an archive transcription file into its documents.

An archive file holds several documents, each a heading followed by
"Written:"/"Dictated:"-style lines, then the text, then the editor's notes.
The check compares documents, so a file is cut at its headings and each
document's body is kept without its metadata lines and notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import regex

_META = regex.compile(r"^(?:Written|Dictated|Published|First Published|Source|Translated|Transcription\S*|Public Domain|Dictated by Telephone)\s*:")
_FOOTNOTE = regex.compile(r"^\[\d+\]\s")


@dataclass(frozen=True, slots=True)
class Segment:
    """One archive document: its file, heading, first line and text (metadata and footnotes left out)."""

    file: str
    title: str
    line: int
    text: str


def _heads(lines: Sequence[str]) -> list[int]:
    """Indexes of heading lines: a short line followed closely by "Written:"-style lines, or a
    short "Letter to …" line; a heading wrapped over two short lines starts at the first."""
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    heads = []
    for k, i in enumerate(nonblank):
        line = lines[i].strip()
        if _META.match(line) or _FOOTNOTE.match(line) or len(line) >= 150:
            continue
        if any(_META.match(lines[j]) for j in nonblank[k + 1 : k + 2]) or regex.match(r"^letter to\b", line, regex.I):
            before = nonblank[k - 1] if k else None
            if before is not None and before not in heads and len(lines[before].strip()) < 60 \
                    and not regex.search(r"[.:;,]$|\b1\d\d\d\b", lines[before].strip()) and not _META.match(lines[before]):
                heads.append(before)  # "Letter To J. V. Stalin" / "For Members of The C.C., R.C.P.(B.)"
            elif not heads or heads[-1] != nonblank[k - 1] if k else True:
                heads.append(i)
    return sorted(set(heads))


def split_archive(name: str, text: str) -> list[Segment]:
    """Cut an archive file into documents at each heading followed by "Written:"-style lines.

    >>> text = "An article.\\n\\nOn Cooperation\\n\\nWritten: January 1923\\n\\nIt seems to me.\\n[1] A note.\\n"
    >>> [(s.title, s.line, s.text) for s in split_archive("a.txt", text)]
    [('(text before the first document)', 1, 'An article.'), ('On Cooperation', 3, 'It seems to me.')]
    """
    lines = text.split("\n")
    heads = _heads(lines)
    segments = []
    bounds = ([0] if not heads or heads[0] > 0 else []) + heads + [len(lines)]
    for start, end in zip(bounds, bounds[1:]):
        title = "(text before the first document)"
        body_start = start
        if start in heads:  # the heading runs to the first "Written:" line (or is one "Letter to" line)
            heading = [lines[start].strip()]
            body_start = start + 1
            for i in range(start + 1, min(start + 5, end)):
                if _META.match(lines[i]) or len(heading) == 2:
                    break
                if lines[i].strip() and any(_META.match(x) for x in lines[i + 1 : i + 3]):
                    heading.append(lines[i].strip())
                    body_start = i + 1
            title = " / ".join(heading)
        body = []
        for line in lines[body_start:end]:
            if _FOOTNOTE.match(line):
                break  # the editor's notes, and their continuation paragraphs, close a document
            if line.strip() and not _META.match(line):
                body.append(line)
        if body:
            segments.append(Segment(name, title, start + 1, "\n".join(body).strip()))
    return segments
