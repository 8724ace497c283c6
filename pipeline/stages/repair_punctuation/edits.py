"""One edit of a mark, logged over the whole printed token it touches.

A change that only said "’" -> "”" would leave the raw word "compromise,’"
findable nowhere: the log keeps every raw token in some ``before``, so the
change spans the token (or the two tokens a dash or a space joins).
"""

from __future__ import annotations

from pipeline.model import Change, Paragraph, change_in


def edit_token(p: Paragraph, stage: str, rule: str, start: int, end: int, new: str, evidence: str) -> tuple[Paragraph, Change, int]:
    """Replace ``p.text[start:end]`` with ``new``; the change spans the whole tokens around it.

    Returns the paragraph, the change, and the offset just after ``new`` in the new text.

    >>> p = Paragraph("a rotten compromise,’ Lenin warned", (1,), (0,), (5,))
    >>> q, change, after = edit_token(p, "s", "r", 20, 21, "”", "why")
    >>> q.text, (change.before, change.after, change.column), q.text[after:]
    ('a rotten compromise,” Lenin warned', ('compromise,’', 'compromise,”', 9), ' Lenin warned')
    """
    left = p.text.rfind(" ", 0, start) + 1
    right = p.text.find(" ", end)
    right = len(p.text) if right < 0 else right
    after = p.text[left:start] + new + p.text[end:right]
    change = change_in(p, stage, rule, left, right, after, evidence)
    return p.edit(left, right, after), change, start + len(new)
