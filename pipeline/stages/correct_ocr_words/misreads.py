"""Readings of a token that undo one or two OCR misreads: plain string work.

Shared by the candidates of an unknown token and by the lexicon, which must
know when a word the book prints is only a repeated misread of a common one
("tlie" for "the" on every page).
"""

from __future__ import annotations

from typing import Iterator


Confusion = tuple[str, str]
"""(seen, meant): what the scan shows and what was printed, "rn" for "m"; a letter
printed twice is ("ee", "e")."""


def misreads(text: str, confusions: tuple[Confusion, ...]) -> Iterator[str]:
    """Readings of ``text`` that undo one misread: an OCR confusion, or a letter
    printed twice ("proceeeded", "Illyich").

    Lower-case pairs match either case and keep the case they replace; a pair
    with a capital ("l" -> "I") matches and writes exactly.
    """
    return (reading for reading, _ in undone(text, confusions))


def undone(text: str, confusions: tuple[Confusion, ...]) -> Iterator[tuple[str, Confusion]]:
    """:func:`misreads`, each reading with the confusion it undid.

    >>> list(undone("tbe", (("tb", "th"),)))
    [('the', ('tb', 'th'))]
    """
    lower = text.lower()
    for seen, meant in confusions:
        exact = seen != seen.lower() or meant != meant.lower()
        haystack = text if exact else lower
        i = haystack.find(seen)
        while i >= 0:
            new = meant if exact or not text[i].isupper() else meant[:1].upper() + meant[1:]
            yield text[:i] + new + text[i + len(seen) :], (seen, meant)
            i = haystack.find(seen, i + 1)
    for i in range(1, len(text)):
        if text[i].isalpha() and lower[i] == lower[i - 1]:
            yield text[:i] + text[i + 1 :], (lower[i] * 2, lower[i])


def confusion_readings(token: str, confusions: tuple[Confusion, ...]) -> dict[str, tuple[Confusion, ...]]:
    """Every reading of ``token`` after one or two misreads -> the misreads undone.

    >>> sorted(confusion_readings("lt", (("l", "I"), ("rn", "m"))).items())
    [('It', (('l', 'I'),))]
    >>> confusion_readings("Illyich", ())["Ilyich"]
    (('ll', 'l'),)
    """
    readings: dict[str, tuple[Confusion, ...]] = {}
    frontier: list[tuple[str, tuple[Confusion, ...]]] = [(token, ())]
    for _ in (1, 2):
        found = []
        for text, path in frontier:
            for reading, confusion in undone(text, confusions):
                if reading not in readings and reading != token:
                    readings[reading] = path + (confusion,)
                    found.append((reading, readings[reading]))
        frontier = found
    return readings
