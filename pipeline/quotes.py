"""Quotation marks as structure: which ’ is an apostrophe, and how the quotes of a paragraph pair.

Curly quotes pair like brackets: “ opens and ” closes a quotation, ‘ and ’
a quotation inside it (nesting either way is allowed). The same ’ is also
the apostrophe, inside a word ("Lenin’s", "don’t") or after a plural's s
("workers’"), so a ’ closes a quotation only where a ‘ is open or where no
word could end in an apostrophe. Both the note linker (a stray ’ after a
full stop is a misread note number) and ``repair_punctuation`` (which mark
a broken run stands for) read quotes through this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

OPENING = {"“": "”", "‘": "’"}
CLOSING = {"”": "“", "’": "‘"}
QUOTES = frozenset("“”‘’")
_QUOTE = regex.compile("[“”‘’]")


def is_apostrophe(text: str, at: int, single_open: bool) -> bool:
    """True when the ’ at ``at`` belongs to a word rather than closing a quotation.

    Inside a word it always does ("Lenin’s"); after an s ("workers’") only
    when no ‘ is open that it could close.

    >>> is_apostrophe("Lenin’s", 5, True), is_apostrophe("the workers’ state", 11, False)
    (True, True)
    >>> is_apostrophe("‘the workers’ is", 12, True), is_apostrophe("the article’ on", 11, False)
    (False, False)
    """
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if before.isalnum() and after.isalpha():
        return True  # "Lenin’s", "the 1950’s"
    return not single_open and before in "sS" and not after.isalnum()


@dataclass(frozen=True, slots=True)
class Pairing:
    """The quotation marks of a text read as brackets.

    ``pairs`` are (opening offset, closing offset); ``unclosed`` the offsets
    of openings left open at the end; ``stray`` the offsets of closing marks
    that close nothing (a ” with nothing open, a ’ that is no apostrophe and
    closes no ‘); ``crossed`` closing marks of the other kind than the open
    quotation (a ” while a ‘ is open), which close it anyway.
    """

    pairs: tuple[tuple[int, int], ...]
    unclosed: tuple[int, ...]
    stray: tuple[int, ...]
    crossed: tuple[int, ...]

    @property
    def balanced(self) -> bool:
        return not (self.unclosed or self.stray or self.crossed)


def pair_quotes(text: str, end: int | None = None) -> Pairing:
    """Pair the quotation marks of ``text[:end]``.

    >>> pair_quotes("“a ‘b’ c” and Lenin’s “d").unclosed
    (22,)
    >>> pair_quotes("he said, ‘no.’ Then “yes.’").stray, pair_quotes("“‘ordinary” people").crossed
    ((), (10,))
    """
    end = len(text) if end is None else end
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    stray: list[int] = []
    crossed: list[int] = []
    for m in _QUOTE.finditer(text, 0, end):
        c, at = m[0], m.start()
        if c in OPENING:
            stack.append((c, at))
        elif c == "”" or (c == "’" and not is_apostrophe(text, at, any(o == "‘" for o, _ in stack))):
            if not stack:
                if c == "”" or not text[at - 1 : at].isalpha():
                    stray.append(at)
                continue  # a ’ after a word with nothing open: an elision or a misread, not a pairing fault
            opener, start = stack.pop()
            if OPENING[opener] != c:
                crossed.append(at)
            pairs.append((start, at))
    return Pairing(tuple(pairs), tuple(at for _, at in stack), tuple(stray), tuple(crossed))


def open_quotes(text: str, end: int) -> str:
    """The quotation marks still open at offset ``end``, outermost first.

    >>> open_quotes("“I am leaving today. ‘Soon’ I", 29)
    '“'
    """
    stack: list[str] = []
    for m in _QUOTE.finditer(text, 0, end):
        c, at = m[0], m.start()
        if c in OPENING:
            stack.append(c)
        elif stack and (c == "”" or (c == "’" and not is_apostrophe(text, at, "‘" in stack))):
            stack.pop()
    return "".join(stack)
