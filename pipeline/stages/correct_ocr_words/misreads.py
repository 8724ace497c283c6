"""Readings of a token that undo one or two OCR misreads: plain string work.

Shared by the candidates of an unknown token and by the lexicon, which must
know when a word the book prints is only a repeated misread of a common one
("tlie" for "the" on every page).
"""

from __future__ import annotations

from typing import Iterator


def misreads(text: str, confusions: tuple[tuple[str, str], ...]) -> Iterator[str]:
    """Readings of ``text`` that undo one misread: an OCR confusion, or a letter
    printed twice ("proceeeded", "Illyich").

    Lower-case pairs match either case and keep the case they replace; a pair
    with a capital ("l" -> "I") matches and writes exactly.
    """
    lower = text.lower()
    for seen, meant in confusions:
        exact = seen != seen.lower() or meant != meant.lower()
        haystack = text if exact else lower
        i = haystack.find(seen)
        while i >= 0:
            new = meant if exact or not text[i].isupper() else meant[:1].upper() + meant[1:]
            yield text[:i] + new + text[i + len(seen) :]
            i = haystack.find(seen, i + 1)
    for i in range(1, len(text)):
        if text[i].isalpha() and lower[i] == lower[i - 1]:
            yield text[:i] + text[i + 1 :]


def confusion_readings(token: str, confusions: tuple[tuple[str, str], ...]) -> dict[str, int]:
    """Every reading of ``token`` after one or two misreads -> the number of misreads.

    >>> sorted(confusion_readings("lt", (("l", "I"), ("rn", "m"))).items())
    [('It', 1)]
    >>> confusion_readings("Illyich", ())["Ilyich"]
    1
    """
    readings: dict[str, int] = {}
    frontier = [token]
    for depth in (1, 2):
        found = []
        for text in frontier:
            for reading in misreads(text, confusions):
                if reading not in readings and reading != token:
                    readings[reading] = depth
                    found.append(reading)
        frontier = found
    return readings
