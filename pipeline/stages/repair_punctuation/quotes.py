"""Quotation marks: a run that doubles or mixes marks, or a ’ read for ”, becomes what the pairing needs.

OCR reads the double opening quote as two singles or a mixed run
(‘‘Trotskyism.”, ‘“‘Trotskyists”, ‘““Narodniks”), the double closing quote
as ’ or ’’ (compromise,’ / useful’’]), and adds a stray ’ after a closing
quote (“duumvirate”’). Each such spot is tried with every reading of it (as
printed, “ or ‘ for an opening run, ” or ’ for a closing one, nothing for a
stray) and the reading under which the paragraph's quotes pair best is kept
(:func:`pipeline.quotes.pair_quotes`; a quotation left open at a
paragraph's end whose next paragraph opens with “ runs on, as printed
books set it). The text is changed only when a reading pairs strictly
better than the print; a tie, or a spot still unpaired, goes to review.

A ’ right after a quotation's full stop at a word's end ("congress.’")
may be the closing ” and a note number read as one: it is left for
``split_documents``, which links the note or restores the ”.
"""

from __future__ import annotations

from itertools import product

import regex

from pipeline.model import Change, Paragraph, ReviewItem
from pipeline.quotes import open_quotes, pair_quotes
from pipeline.stages.repair_punctuation.edits import edit_token

_RUN = regex.compile(r"[“”‘’]{2,}")
_SINGLE_CLOSE = regex.compile(r"(?<![“”‘’])’(?![“”‘’])")
_NOTE_PLACE = regex.compile(r"(?<=[.?!])’(?=[\s—;,.:)”]|$)")
_GLUED = regex.compile(r"(?<=[\p{L}.,;:!?])[’‘](?=[\s—;,.:)”]|$)")


def faults(text: str, next_text: str = "") -> int:
    """How many quotation marks of a paragraph fail to pair (a quotation running on into the next is no fault).

    >>> faults("“a ‘b’ c”"), faults("the ‘‘Trotskyism.” legend"), faults("“one”’ two")
    (0, 2, 1)
    """
    pairing = pair_quotes(text)
    unclosed = len(pairing.unclosed)
    if unclosed and next_text.lstrip().startswith("“") and text[pairing.unclosed[-1]] == "“":
        unclosed -= 1
    return unclosed + len(pairing.stray) + len(pairing.crossed)


MAX_SPOTS = 10
"""Paragraphs with more doubtful marks than this are read spot by spot rather than in every combination."""


def _spots(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Each place a misread may stand, in text order, with its readings, the likelier first.

    A run of opening marks reads as “ before ‘ (two singles side by side
    look like a double), a run of closing marks as ” before ’; a single ’
    while a quotation is open may be its ”.
    """
    spots = []
    for m in _RUN.finditer(text):
        run = m[0]
        if all(c in "“‘" for c in run):
            spots.append((m.start(), m.end(), tuple(dict.fromkeys(("“", "‘", run)))))
        elif all(c in "”’" for c in run):
            spots.append((m.start(), m.end(), tuple(dict.fromkeys(("”", "’", run)))))
    for m in _SINGLE_CLOSE.finditer(text):
        at = m.start()
        inside_word = text[at - 1 : at].isalnum() and text[at + 1 : at + 2].isalpha()
        if open_quotes(text, at) and not inside_word and not _NOTE_PLACE.match(text, at):
            spots.append((at, at + 1, ("”", "’")))
    return sorted(spots)


def _cost(text: str, spots, choice, next_text: str) -> tuple[int, int, int, str]:
    """(unpaired marks, readings that are not the likelier one, changes, the text) of one reading of every spot."""
    pieces, last, unlikely, changed = [], 0, 0, 0
    for (start, end, readings), k in zip(spots, choice):
        pieces += [text[last:start], readings[k]]
        last = end
        unlikely += readings[k] not in (readings[0], text[start:end])
        changed += readings[k] != text[start:end]
    read = "".join(pieces) + text[last:]
    return faults(read, next_text), unlikely, changed, read


def _best_reading(text: str, spots, next_text: str) -> tuple[int, ...]:
    """The reading of every spot under which the quotes pair best (then likelier readings, then fewer changes)."""
    printed = tuple(readings.index(text[a:b]) if text[a:b] in readings else 0 for a, b, readings in spots)
    if len(spots) > MAX_SPOTS:
        choice = list(printed)
        for n, (_, _, readings) in enumerate(spots):  # spot by spot, left to right
            choice[n] = min(range(len(readings)), key=lambda k: _cost(text, spots, choice[:n] + [k] + choice[n + 1 :], next_text)[:3])
        return tuple(choice)
    return min(product(*(range(len(r)) for _, _, r in spots)), key=lambda c: _cost(text, spots, c, next_text)[:3])


def _possible_note(text: str, at: int) -> bool:
    """A quote mark glued to a word or a full stop with a space after it: split_documents may read it as a note."""
    return text[at] in "’‘" and bool(_GLUED.match(text, at))


def repair_quotes(p: Paragraph, next_text: str, stage: str) -> tuple[Paragraph, list[Change], list[ReviewItem]]:
    """Read the doubtful quotation marks of a paragraph whose quotes do not pair as the pairing needs them.

    A paragraph whose quotes pair is left as printed. Each reading kept is a
    logged change; quotes still unpaired afterwards go to review (except a
    mark glued after a word, which split_documents reads as a note).
    """
    before = faults(p.text, next_text)
    changes: list[Change] = []
    spots = _spots(p.text) if before else []
    if spots:
        choice = _best_reading(p.text, spots, next_text)
        after = _cost(p.text, spots, choice, next_text)[0]
        if after < before:
            shift = 0
            for (start, end, readings), k in zip(spots, choice):
                reading = readings[k]
                if reading == p.text[start + shift : end + shift]:
                    continue
                evidence = f"the paragraph's quotation marks pair with {reading!r} here: {before} unpaired as printed, {after} after"
                p, change, _ = edit_token(p, stage, "quote_pairing", start + shift, end + shift, reading, evidence)
                changes.append(change)
                shift += len(reading) - (end - start)
    pairing = pair_quotes(p.text)
    left = [at for at in pairing.unclosed + pairing.stray + pairing.crossed if not _possible_note(p.text, at)]
    if left and faults(p.text, next_text):
        at = min(left)
        line, page, _ = p.locate(at)
        return p, changes, [ReviewItem(stage, line, page, p.text[at], (), p.text[max(0, at - 50) : at + 50],
                                       f"quotation marks do not pair ({len(left)} unpaired) and no misread explains it; left as printed")]
    return p, changes, []
