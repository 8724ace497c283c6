"""Unknown words side by side: a foreign phrase to leave alone, or misreads of English to correct.

Unknown words next to each other are a foreign phrase ("silno vinovat", "o
Lenine", "contre bureaucratie et") or scanner junk, not a misread of English,
so none of them is corrected. A neighbour is no such sign when it is plainly
English: two words glued ("andthese"), a misread of
rules/real_word_confusions.tsv ("cf" for "of"), or a token one or two OCR
confusions confidently make a word ("tlie Workers’ ancl Peasants’"); and for
a token that is itself a confident misread, a capitalised name beside it is
none either ("Makharadze ancl others").

A neighbour is decided only when one of its confusion readings is a word at
all: most foreign words have none, and their SymSpell lookups are spared.
"""

from __future__ import annotations

from pipeline.config import Config
from pipeline.stages.correct_ocr_words.candidates import glued_run
from pipeline.stages.correct_ocr_words.channel import Channel, prior
from pipeline.stages.correct_ocr_words.decide import Decision, decide
from pipeline.stages.correct_ocr_words.misreads import confusion_readings
from pipeline.stages.correct_ocr_words.real_words import real_word_readings
from pipeline.stages.correct_ocr_words.tokens import GLUED, Token
from pipeline.stages.correct_ocr_words.vocabulary import Lexicon

NEIGHBOURS = 2
"""How many tokens on each side are looked at for other unknown words."""


def word_decisions(
    tokens: list[Token], unknown: list[bool], text: str, lexicon: Lexicon, config: Config, nearby: frozenset[str],
    channel: Channel | None, strange: list[bool] | None = None, rivals: dict[int, float] | None = None,
) -> list[Decision]:
    """The decisions (decide.py) for the ``unknown`` tokens that are no part of a foreign phrase.

    ``strange`` marks tokens decided elsewhere that still read as no known
    word: mixed.py's "V$emirnaya", read "Vsemirnaya", is no sign that the
    "literatura" beside it is English. ``rivals`` are the scores of splits
    lost_spaces.py found too close to call, by token index (decide.py's ``rival``).
    """
    channel = channel or prior(config.ocr_confusions)
    misread_words = real_word_readings(config)
    plain = [
        u and bool(GLUED.match(t.core) or glued_run(t.core.lower(), lexicon) or t.core.lower() in misread_words)
        for t, u in zip(tokens, unknown)
    ]
    decided: dict[int, Decision | None] = {}

    def decision(i: int) -> Decision | None:
        if i not in decided:
            decided[i] = decide(tokens[i], text, lexicon, config, nearby, channel, (rivals or {}).get(i, 0.0))
        return decided[i]

    def misread(i: int) -> bool:
        return _maybe_misread(tokens[i], lexicon, channel) and _confident(decision(i))

    found = []
    for i, token in enumerate(tokens):
        if not unknown[i]:
            continue
        near = [j for j in range(max(0, i - NEIGHBOURS), min(len(tokens), i + NEIGHBOURS + 1))
                if j != i and (unknown[j] and not plain[j] or strange and strange[j])]
        if GLUED.match(token.core) or all((_name(tokens[j]) and misread(i)) or misread(j) for j in near):
            if decision(i):
                found.append(decision(i))
    return found


def _name(token: Token) -> bool:
    """A capitalised word inside a sentence, the rest in lower case ("Makharadze"; not "AZO")."""
    return token.core[:1].isupper() and token.core[1:].islower() and not token.initial


def _maybe_misread(token: Token, lexicon: Lexicon, channel: Channel) -> bool:
    """Whether some reading through one or two OCR confusions is a word: the cheap test
    before a neighbour is decided."""
    return any(lexicon.target(reading.lower()) for reading in confusion_readings(token.core, channel.confusions))


def _confident(decision: Decision | None) -> bool:
    """A correction through OCR confusions ("tlie", "ancl"): a misread of English."""
    return decision is not None and decision.rule == "confusion" and decision.after is not None
