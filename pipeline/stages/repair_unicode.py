"""Stage ``repair_unicode``: ftfy repair of each line, and removal of scanner junk lines.

ftfy fixes mojibake, Latin ligatures (ﬁ -> fi), control characters and
normalises to NFC; curly quotes and em dashes stay as the book prints them.
A junk line (a mirrored library stamp, specks read as letters) is removed
when too few of its tokens are word-like, and a lone speck at a line's edge:
a symbol no word carries ("•", "~"), or a mark rules/stray_marks.tsv names
("_ Lenin and"); the removed text stays in the change log.

>>> from pipeline.model import Book, Line
>>> from pipeline.config import Config
>>> book = Book("demo", (Line(1, "22212 GNVIAYVW ‘SYNSSLINWA"), Line(2, ""), Line(3, "the ﬁrst “party”")))
>>> out, changes = repair_unicode(book, Config())
>>> [line.text for line in out.lines]
['', 'the first “party”']
>>> [(c.rule, c.before) for c in changes]
[('junk_line', '22212 GNVIAYVW ‘SYNSSLINWA'), ('ftfy:fix_latin_ligatures', 'the ﬁrst “party”')]
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import ftfy
import regex

from pipeline.config import Config
from pipeline.lexicon import POSSESSIVE, is_english_word
from pipeline.model import Book, Change, Line

STAGE = "repair_unicode"

FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, normalization="NFC", explain=True)

_TOKEN = regex.compile(r"[^\s/—–]+")  # "History/Soviet Studies" is three words, "clear.—L.T." two
_WORD_CORE = regex.compile(r"^[\p{P}\p{S}]*(.*?)[\p{P}\p{S}]*$")
_NUMBER = regex.compile(r"^\d[\d,.\-–:/]*[a-z]{0,3}$")  # 1922, 30-31, index refs 150b, 149n, 121ff, 1lin
_LETTERS = regex.compile(r"^\p{L}+(?:[’'.-]\p{L}+)*$")
_URL = regex.compile(r"^https?://\S+$")
_LOWER_RUN = regex.compile(r"\p{Ll}{3,}")
_PARTS = regex.compile(r"[.’'-]")
_CAPITAL_RUN = regex.compile(r"(?<!\p{L})\p{Lu}{2,}(?:\(\p{Lu}\))?(?![\p{L}(])")  # CC, NEP, RCP(B)


@lru_cache(maxsize=1 << 16)  # a book repeats its tokens: ~15,000 distinct in 80,000
def is_word_like(token: str, known_capitals: frozenset[str] = frozenset()) -> bool:
    """A token that belongs to text: a word, a number, a name, an initial, a fragment.

    Lower-case letter runs count as words even when not in the dictionary:
    they are mostly the tails of words hyphenated at a line end ("tion.").

    >>> [is_word_like(t) for t in ["Stalin’s", "1922,", "150b", "Ordzhonikidze", "M.V.", "K.", "ratus.", "speech.[1]"]]
    [True, True, True, True, True, True, True, True]
    >>> [is_word_like(t) for t in ["GNVIAYVW", "AdVYEIT", "oO", "=.", "¥", "y", "NEP"]]
    [False, False, False, False, False, False, False]
    >>> is_word_like("RCP(B)", frozenset({"RCP(B)"}))
    True
    """
    if token.isalpha() and token.islower() and len(token) >= 3:
        return True  # the common case, decided without the dictionary
    if _LOWER_RUN.search(token):
        return True  # a word with a note marker or glued punctuation: "speech.[1]", "etc.,etc."
    if _URL.match(token):
        return True
    core = _WORD_CORE.match(token).group(1)
    if not core:
        return False
    if core in known_capitals or token in known_capitals:
        return True
    if _NUMBER.match(core):
        return True
    if not _LETTERS.match(core):
        return False
    base = POSSESSIVE.sub("", core)
    if len(base) == 1:
        return base in "aAI" or token.endswith(".")  # "a", "I", or an initial "V."
    parts = [part for part in _PARTS.split(base) if part]
    if all(is_english_word(part) for part in parts):
        return True
    if base.islower():
        return len(base) >= 3
    # Capitalised words of three or more letters read as names (Ordzhonikidze, Brest-Litovsk).
    return all(len(part) >= 3 and part[0].isupper() and part[1:].islower() for part in parts) or all(
        len(part) == 1 and part.isupper() for part in parts
    )


def recurring_capitals(lines: list[Line], least: int = 3) -> frozenset[str]:
    """All-capital tokens the book uses at least ``least`` times: its abbreviations (CC, NEP, RCP(B)).

    >>> sorted(recurring_capitals([Line(1, "the CC and NEP; RCP(B) CC"), Line(2, "CC, NEP, NEP")], least=2))
    ['CC', 'NEP']
    """
    found = _CAPITAL_RUN.findall("\n".join(line.text for line in lines))
    return frozenset(token for token, count in Counter(found).items() if count >= least)


def word_tokens(line: str, known_capitals: frozenset[str] = frozenset()) -> tuple[int, int]:
    """(word-like tokens, tokens) of one line: what :func:`is_junk` weighs, counted once a line.

    >>> word_tokens("Taken down by M.V. ¥")
    (4, 5)
    """
    tokens = _TOKEN.findall(line)
    return sum(is_word_like(token, known_capitals) for token in tokens), len(tokens)


def junk_counts(words: int, tokens: int, config: Config) -> bool:
    """True when fewer than ``config.junk_word_share`` of ``tokens`` are word-like (and there are tokens)."""
    return tokens > 0 and words < config.junk_word_share * tokens


def is_junk(lines: list[str], config: Config, known_capitals: frozenset[str] = frozenset()) -> bool:
    """True when fewer than ``config.junk_word_share`` of the lines' tokens are word-like.

    >>> is_junk(["AdVYEIT 3D3T1IOO SAYYN “LS “LIN"], Config()), is_junk(["Taken down by M.V."], Config())
    (True, False)
    >>> is_junk(["od", "ne", "nel"], Config()), is_junk(["ple."], Config())
    (True, False)
    """
    counts = [word_tokens(line, known_capitals) for line in lines]
    return junk_counts(sum(w for w, _ in counts), sum(t for _, t in counts), config)


def _line_rule(text: str, config: Config):
    for rule in config.line_rules:
        if rule.pattern.search(text):
            return rule
    return None


def _blocks(lines: list[Line]) -> list[list[Line]]:
    """Runs of consecutive non-blank lines."""
    blocks: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.text.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


_SPECK = regex.compile(r"^(?![©®°™§¶†‡])[\p{So}\p{Sk}•¦~]$")
"""A lone symbol that no word or sentence carries: "•", "~", "■", "¦", "`". Marks that
mean something on their own (© 1975, a degree, a section, a dagger note) are not specks,
nor is "|": OCR reads "I" and "]" as a bar ("| was", "by the editor. |" closing a "[")."""


def speck(token: str, where: str, config: Config) -> str | None:
    """Why a lone token at a line's ``where`` ("start"/"end") is a speck, or None.

    >>> speck("•", "end", Config()), speck("|", "end", Config()), speck("©", "start", Config())
    ("a lone '•' at the line's end: a symbol no word carries", None, None)
    """
    if (token, where) in config.stray_marks:
        return "rules/stray_marks.tsv: lone speck at the line's edge"
    if _SPECK.match(token):
        return f"a lone {token!r} at the line's {where}: a symbol no word carries"
    return None


def strip_stray_marks(text: str, config: Config) -> tuple[str, list[tuple[int, str, str]]]:
    """Remove lone speck characters at the line's edges; return the text and (column, mark, why) removed.

    >>> strip_stray_marks("_ Lenin and the Party ~", Config(stray_marks=frozenset({("_", "start")})))[0]
    'Lenin and the Party'
    """
    removed = []
    head, sep, rest = text.partition(" ")
    why = speck(head, "start", config) if sep else None
    if why:
        removed.append((0, head + sep, why))
        text = rest.lstrip(" ")
    body, sep, tail = text.rpartition(" ")
    why = speck(tail, "end", config) if sep else None
    if why:
        removed.append((len(body), sep + tail, why))
        text = body.rstrip(" ")
    return text, removed


def repair_unicode(book: Book, config: Config) -> tuple[Book, list[Change]]:
    """Repair each line with ftfy; drop junk blocks and lines a ``drop`` rule names."""
    repaired: list[Line] = []
    changes: list[Change] = []
    for line in book.lines:
        text = line.text
        if not text.isascii():
            fixed, steps = ftfy.fix_and_explain(text, config=FTFY_CONFIG)
            if fixed != text:
                rule = "ftfy:" + ",".join(name for _, name in steps)
                changes.append(Change(STAGE, rule, line.number, line.page, text, fixed))
                line = Line(line.number, fixed, line.page)
        stripped, marks = strip_stray_marks(line.text, config)
        for column, mark, why in marks:
            changes.append(Change(STAGE, "stray_mark", line.number, line.page, mark, "", why, column))
        line = Line(line.number, stripped, line.page)
        repaired.append(line)
    dropped: set[int] = set()
    capitals = recurring_capitals(repaired)
    for block in _blocks(repaired):
        judged = []
        for line in block:
            rule = _line_rule(line.text.strip(), config)
            if rule is None:
                judged.append(line)
            elif rule.action == "drop":
                dropped.add(line.number)
                changes.append(Change(STAGE, "line_rule", line.number, line.page, line.text, "", f"{rule.source}: {rule.note}"))
        # A line is junk on its own, or as part of a block of specks ("od / ne / nel");
        # judging lines alone too keeps the stage idempotent on its own output.
        share = f"{config.junk_word_share:.0%}"
        counts = [word_tokens(line.text, capitals) for line in judged]  # each line's tokens weighed once
        block_junk = len(judged) == len(block) and junk_counts(sum(w for w, _ in counts), sum(t for _, t in counts), config)
        for line, (words, tokens) in zip(judged, counts):
            if block_junk:
                evidence = f"block of {len(judged)} lines with fewer than {share} word-like tokens"
            elif junk_counts(words, tokens, config):
                evidence = f"line with fewer than {share} word-like tokens"
            else:
                continue
            dropped.add(line.number)
            changes.append(Change(STAGE, "junk_line", line.number, line.page, line.text, "", evidence))
    changes.sort(key=lambda c: c.line)
    lines = tuple(line for line in repaired if line.number not in dropped)
    return book.evolve(lines=lines), changes
