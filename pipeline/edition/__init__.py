"""The edition: the finished Book rendered as what a reader and an editor open.

``book.md`` with a heading per part and document and footnotes that resolve
(:mod:`pipeline.edition.markdown`), the index as entries
(:mod:`pipeline.edition.index`) and the TEI P5 export
(:mod:`pipeline.edition.tei`). It is a layer of its own, between the
stages (which decide what the text *is*, every edit logged) and run/ (which
decides what a run writes and publishes it): rendering changes no word of
the text, only how its parts are presented, so nothing here logs a change,
and run/render.py stays the list of output files. It reads only the model.
"""

from __future__ import annotations

import io
from typing import Callable

Write = Callable[[str], object]
"""Where a renderer puts a file's text, piece by piece: an open file's ``write``, a hash, a StringIO.

Why pieces: a whole file as one string is about four times its size in
memory while it is encoded and written (a string of curly quotes takes two
bytes a character, then its UTF-8 copy); the largest files (``book.md``,
the TEI, ``paragraphs.jsonl``) would set a large book's peak memory.
"""


def as_text(render: Callable[..., None], *args) -> str:
    """What ``render(*args, write)`` writes, as one string: for a file read whole (the tests, the dashboard).

    >>> as_text(lambda word, write: [write(word), write("!")], "hello")
    'hello!'
    """
    out = io.StringIO()
    render(*args, out.write)
    return out.getvalue()
