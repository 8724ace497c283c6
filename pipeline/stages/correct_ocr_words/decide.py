"""The decision for one unknown token: correct it, list it for review, or leave it.

The winner of the scored candidates is written only when it holds a share of
at least ``ACCEPT`` of all the score, "keep the token" included; a closer
call goes to review.tsv and the text stays. Two words glued by a punctuation
mark are decided here too, since they are found among the unknown tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.config import Config
from pipeline.lexicon import POSSESSIVE
from pipeline.stages.correct_ocr_words.candidates import Candidate, allowed, candidates, glued_run, odd, score
from pipeline.stages.correct_ocr_words.channel import Channel, prior
from pipeline.stages.correct_ocr_words.tokens import GLUED, Token
from pipeline.stages.correct_ocr_words.vocabulary import Lexicon, LETTERS

ACCEPT = 0.9
"""Share of the score a candidate needs to be written into the text."""
REVIEW = 0.2
"""Share above which a candidate that is not accepted is worth a person's look."""
KEEP_PRIOR = 1e-7
"""Prior of "the token is a valid word no lexicon knows" (a word about as rare as
one in ten million running words). Rare valid words mostly stay; a misread of a
common word mostly does not."""
ODD_TOKEN = 0.01
"""Factor on ``KEEP_PRIOR`` for a token no word looks like: a tripled letter, a
punctuation mark inside, no vowel, or common words glued, one a function word ("isthe")."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with one token: write ``after`` over ``[start, end)``, or review it."""

    start: int
    end: int
    after: str | None
    rule: str
    evidence: str
    review: tuple[str, ...] = ()


def _describe(candidate: Candidate, share: float, channel: Channel) -> str:
    learned = channel.describe(candidate.path)
    kinds = {
        "confusion": f"{candidate.confusions} OCR misread(s)" + (f" + {candidate.edits} edit" if candidate.edits else ""),
        "edit": f"{candidate.edits} edit(s)",
        "split": "a lost space" if candidate.text.count(" ") == 1 else f"{candidate.text.count(' ')} lost spaces",
    }
    context = f", {candidate.why}" if candidate.why else ""
    learned = f" ({learned})" if learned else ""
    return f"{kinds[candidate.kind]}{learned}{context}, share {share:.2f}"


def decide(
    token: Token, text: str, lexicon: Lexicon, config: Config, nearby: frozenset[str] = frozenset(), channel: Channel | None = None,
    rival: float = 0.0,
) -> Decision | None:
    """Correct, review or leave one unknown token (None: leave it, nothing to say).

    ``channel`` prices the OCR confusions: the book's own (channel.py), or by
    default the prior of rules/ocr_confusions.tsv. ``rival`` is the score of
    readings weighed elsewhere and left undecided (lost_spaces.py's split):
    they count against this pass's best reading.
    """
    channel = channel or prior(config.ocr_confusions)
    glued = GLUED.match(token.core)
    if glued and (glued[2] in ",;" or lexicon.known(glued[1].lower()) and lexicon.known(glued[3].lower())):
        return _decide_glued(token, glued, lexicon)
    core = POSSESSIVE.sub("", token.core)
    if not (glued or _word_like(core)):
        return None
    span = (token.start, token.start + len(core))
    mark = token.trail[:1] if core == token.core else ""
    found = []
    if mark and mark in "]|!" and _closes_nothing(text, token.start, mark):
        found = [c for c in candidates(token, core + mark, lexicon, channel) if c.kind == "confusion"]
        span = (span[0], span[1] + 1) if found else span  # "Contro]": the bracket is the letter
    found = found or candidates(token, core, lexicon, channel)
    found = [score(token, c, lexicon, channel, nearby) for c in found if allowed(token, c, lexicon)]
    if not found:
        return None
    keep = KEEP_PRIOR * (ODD_TOKEN if odd(text[span[0] : span[1]]) or glued_run(core.lower(), lexicon) else 1.0)
    total = keep + rival + sum(c.score for c in found)
    ranked = sorted(found, key=lambda c: c.score, reverse=True)
    best, share = ranked[0], ranked[0].score / total
    if share >= ACCEPT:
        return Decision(*span, best.text, best.kind, _describe(best, share, channel))
    if share >= REVIEW:
        shown = tuple(c.text for c in ranked[:3] if c.score / total >= 0.05)
        return Decision(*span, None, "review", f"not sure: {best.text!r} has {_describe(best, share, channel)}", shown)
    return None


def _word_like(core: str) -> bool:
    """Letters only, not all capitals (NEP, IV): what word correction handles at all."""
    return bool(LETTERS.fullmatch(core)) and not (len(core) > 1 and core.isupper())


def _closes_nothing(text: str, start: int, mark: str) -> bool:
    """A "]" after a word is a misread "l" only when no "[" is open before it."""
    return mark != "]" or text.count("[", 0, start) <= text.count("]", 0, start)


def _decide_glued(token: Token, glued: regex.Match, lexicon: Lexicon) -> Decision | None:
    """Two words around a "." (a misread space) or a ",;:" (a lost space after it).

    Letters on both sides of a comma or semicolon are always two words, names
    included ("Azerbaidzhani,Turkestani"); a colon or full stop only between
    two known words, and a full stop only before a lower-case word that fits.
    """
    left, mark, right = glued.groups()
    if mark != ".":
        return Decision(token.start, token.end, f"{left}{mark} {right}", "glued_words", f"no word has letters on both sides of '{mark}': space lost after it")
    fit = lexicon.fit(left.lower(), right.lower())
    if right.islower() and len(left) >= 3 and fit > 1:
        return Decision(token.start, token.end, f"{left} {right}", "glued_words", f"'.' read for a space: '{left} {right}' ×{fit:.2g}")
    return None
