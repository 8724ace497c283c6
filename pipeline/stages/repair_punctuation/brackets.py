"""Brackets: a ")" or "}" that closes an open "[" is its "]" misread.

"to the end [stormy applause, all rise and applaud)." and "… of the RSFSR”}"
both close a square bracket with another mark. A closer is read as "]"
only where a "[" is open, no "(" or "{" is open inside it, and no "]" later
in the paragraph would close that "[" instead; a numbered list's "1)"
opens nothing and is left alone.
"""

from __future__ import annotations

import regex

from pipeline.model import Change, Paragraph
from pipeline.stages.repair_punctuation.edits import edit_token

_BRACKET = regex.compile(r"[\[\](){}]")
_PAIR = {"]": "[", ")": "(", "}": "{"}


def _misread_closers(text: str) -> list[int]:
    """Offsets of the ")" and "}" that close an open "[" no "]" closes."""
    stack: list[tuple[str, int]] = []
    found = []
    for m in _BRACKET.finditer(text):
        c, at = m[0], m.start()
        if c in "[({":
            stack.append((c, at))
        elif stack and stack[-1][0] == _PAIR[c]:
            stack.pop()
        elif c in ")}" and stack and stack[-1][0] == "[" and "]" not in text[at:]:
            found.append(at)
            stack.pop()
    return found


def repair_brackets(p: Paragraph, stage: str) -> tuple[Paragraph, list[Change]]:
    """Read each ")" or "}" that closes an open "[" as "]"; log each.

    >>> p = Paragraph("we shall be revolutionaries to the end [stormy applause, all rise and applaud).", (1,), (0,), (5,))
    >>> q, changes = repair_brackets(p, "s")
    >>> q.text[-9:], changes[0].before, changes[0].after
    ('applaud].', 'applaud).', 'applaud].')
    >>> repair_brackets(Paragraph("1) the period of war; 2) the NEP", (1,), (0,), (5,)), "s")[1]
    []
    """
    changes: list[Change] = []
    for at in _misread_closers(p.text):
        why = f"{p.text[at]!r} closes the open '[' and no ']' follows in the paragraph"
        p, change, _ = edit_token(p, stage, "bracket_pairing", at, at + 1, "]", why)
        changes.append(change)
    return p, changes
