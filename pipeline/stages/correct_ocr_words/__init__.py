"""Stage ``correct_ocr_words``: fix OCR misreads word by word, each from logged evidence.

What becomes what, in this order, in each paragraph:

1. Context rules (rules/scannos.tsv, ``Config.scannos``) for misreads a
   dictionary cannot see: real words ("tor the" -> "for the", "the the" ->
   "the") and fixed punctuation slips ("{Lenin, Collected Works, …]" ->
   "[Lenin, …]"). The change's rule is the row's name.
2. ``glued_words``: two words joined by a misread space or a lost one,
   "founded.in" -> "founded in", "Azerbaidzhani,Turkestani" -> "Azerbaidzhani,
   Turkestani", when both parts are words.
3. ``split_word``: a word broken by a misread space, "alw ays" -> "always",
   when at least one piece is a word in no lexicon and together they make a
   common word (two known words, "any more", stay apart).
4. Every other token that is a word in no lexicon is a candidate: the English
   dictionary shipped with symspellpy, the book's own words (any word it uses
   twice; derived forms such as "semianarchist" or "planlessness" from a known
   prefix, suffix or compound), the archive transcriptions
   (``Config.archive_words``) and rules/lexicon.txt (``Config.lexicon_words``,
   where an entry "semi-" is a prefix and "-ness" a suffix). Its candidates
   are words reached through OCR confusions (rules/ocr_confusions.tsv: "rn"
   read for "m" costs half an edit), SymSpell suggestions within two edits,
   and splits into two words ("nota" -> "not a"). A noisy-channel score picks
   one: how common the word is in English and in this book, how much the
   edits cost, and how well it fits its neighbours (symspellpy's bigram
   counts). "Keep the token" competes too, as an unknown but valid word.
   The winner is written only with a share of at least ``ACCEPT``; rule
   ``confusion``, ``edit`` or ``split`` says which kind of candidate it was.
   A closer call goes on the review list and the text stays as it is;
   a second pass decides those again with the confusions the first pass's
   corrections show this book makes ("u" read for "n" fifty times: channel.py).

Names are protected: a capitalised token inside a sentence changes by one
misread at most, into a word the book prints capitalised elsewhere
("Ordzhonikdze" -> "Ordzhonikidze"), and unknown words side by side are a
foreign phrase ("silno vinovat") left alone. Tokens with digits, all capitals
(NEP, RSFSR, IV) and line-end hyphen fragments are not touched; nor is note
junk glued to a word ("capitalism.2"), which a later stage reads. Each change
record spans whole white-space tokens ("proceeeded." -> "proceeded.").

The package: tokens.py reads the words, vocabulary.py knows them,
candidates.py proposes and scores readings, decide.py picks one,
broken_words.py joins words split by a space, lost_spaces.py splits words glued
by a lost space where the word pass cannot ("ofthe" printed twice, "thustaken",
"Committeeand", "whyI"), real_words.py reads misreads that are words ("arid"),
case_slips.py gives a small letter read for a capital the book's case ("Party
congress"), mixed.py reads tokens with digits and symbols, foreign.py keeps
foreign phrases whole, channel.py learns what each OCR confusion costs in this
book (a second pass decides again with it); this module runs the stage.

>>> from pipeline.config import Config
>>> from pipeline.model import Book, Paragraph
>>> text = "Lenin was extrernely gentle, founded.in 1938 on a real and nota fictitious basis."
>>> book = Book("demo", (), paragraphs=(Paragraph(text, (7,), (0,), (12,)),))
>>> out, changes = correct_ocr_words(book, Config(ocr_confusions=(("rn", "m"),)))
>>> out.paragraphs[0].text
'Lenin was extremely gentle, founded in 1938 on a real and not a fictitious basis.'
>>> [(c.rule, c.before, c.after) for c in changes]
[('confusion', 'extrernely', 'extremely'), ('glued_words', 'founded.in', 'founded in'), ('split', 'nota', 'not a')]
"""

from __future__ import annotations

import regex

from pipeline.config import Config
from pipeline.model import Book, Change, Paragraph, ReviewItem, change_in
from pipeline.stages.correct_ocr_words.broken_words import split_words
from pipeline.stages.correct_ocr_words.case_slips import NO_PHRASES, Phrases, case_decisions, case_phrases
from pipeline.stages.correct_ocr_words.channel import Channel, learn
from pipeline.stages.correct_ocr_words.decide import Decision
from pipeline.stages.correct_ocr_words.foreign import word_decisions
from pipeline.stages.correct_ocr_words.lost_spaces import lost_space_decisions
from pipeline.stages.correct_ocr_words.mixed import note_or_letter, read_mixed
from pipeline.stages.correct_ocr_words.real_words import real_word_decisions, without_misreads
from pipeline.stages.correct_ocr_words.tokens import Token, TokenizedBook, tokenize
from pipeline.stages.correct_ocr_words.vocabulary import Lexicon, book_words, build_lexicon, is_unknown

STAGE = "correct_ocr_words"

CONTEXT = 30
"""Characters of context on each side of a review item's token."""

_TOKEN_HEAD = regex.compile(r"\S*\Z")
_TOKEN_TAIL = regex.compile(r"\S*")


def apply(paragraph: Paragraph, rule: str, start: int, end: int, after: str, evidence: str) -> tuple[Paragraph, Change, int]:
    """Replace ``text[start:end]`` with ``after``; the change record spans whole
    white-space tokens ("proceeeded." -> "proceeded.") so that every raw token
    is either in the output or in some change's ``before``. Returns the new
    paragraph, the change and how much longer the text got.

    >>> p = Paragraph("Stalin proceeeded. In", (3,), (0,), (9,))
    >>> q, change, delta = apply(p, "edit", 7, 17, "proceeded", "")
    >>> q.text, change.before, change.after, change.column, delta
    ('Stalin proceeded. In', 'proceeeded.', 'proceeded.', 7, -1)
    """
    text = paragraph.text
    left = _TOKEN_HEAD.search(text, 0, start).start()
    right = _TOKEN_TAIL.match(text, end).end()
    whole = text[left:start] + after + text[end:right]
    change = change_in(paragraph, STAGE, rule, left, right, whole, evidence)
    return paragraph.edit(left, right, whole), change, len(after) - (end - start)


def apply_scannos(paragraph: Paragraph, config: Config) -> tuple[Paragraph, list[Change]]:
    """Apply the context rules of rules/scannos.tsv in order, logging each match."""
    changes = []
    for rule in config.scannos:
        shift = 0
        for match in list(rule.pattern.finditer(paragraph.text)):
            start, end = match.start() + shift, match.end() + shift
            paragraph, change, delta = apply(paragraph, rule.name, start, end, match.expand(rule.replacement), f"{rule.source}: {rule.note}")
            changes.append(change)
            shift += delta
    return paragraph, changes


def _inside(start: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= start < b for a, b in spans)


def _strange(tokens: list[Token], mixed: list[Decision], lexicon: Lexicon) -> list[bool]:
    """The tokens mixed.py decides whose reading is still no known word ("V$emirnaya" read as
    "Vsemirnaya", or a symbol left for review): foreign.py's sign of a foreign phrase."""
    if not mixed:
        return [False] * len(tokens)
    readings = {d.start: d.after for d in mixed}
    return [t.start in readings and (readings[t.start] is None or is_unknown(t._replace(core=readings[t.start]), lexicon))
            for t in tokens]


def correct_paragraph(
    paragraph: Paragraph,
    tokens: list[Token],
    lexicon: Lexicon,
    config: Config,
    channel: Channel | None = None,
    phrases: Phrases = NO_PHRASES,
) -> tuple[Paragraph, tuple[Change, ...], tuple[ReviewItem, ...]]:
    """Scanno rules, then word by word from left to right; offsets shift as the text changes.

    ``tokens`` are the paragraph's as it comes in; they are read again only if
    a scanno rule changed the text. ``channel`` prices the OCR confusions
    (channel.py; by default the prior of rules/ocr_confusions.tsv).
    ``phrases`` are the book's word runs as printed, for its case slips
    (case_slips.py: its three-word runs).
    """
    paragraph, changes = apply_scannos(paragraph, config)
    if changes:
        tokens = tokenize(paragraph.text)
    mixed = read_mixed(paragraph.text, lexicon, config, channel)
    spans = [(d.start, d.end) for d in mixed]
    unknown = [is_unknown(t, lexicon) and not (spans and _inside(t.start, spans)) for t in tokens]
    nearby = frozenset(t.core.lower() for t, u in zip(tokens, unknown) if not u)
    joins = split_words(tokens, paragraph.text, lexicon, unknown)
    joined = {k for i in joins for k in (i, i + 1)}
    free = [i not in joined and not (spans and _inside(t.start, spans)) for i, t in enumerate(tokens)]
    rivals: dict[int, float] = {}
    glued = lost_space_decisions(tokens, lexicon, config, free, nearby, channel, rivals)
    free = [f and i not in glued for i, f in enumerate(free)]
    real = real_word_decisions(tokens, lexicon, config, free) + list(glued.values())
    decided = {d.start for d in real}
    unknown = [u and i not in joined and t.start not in decided for i, (t, u) in enumerate(zip(tokens, unknown))]
    known = [f and not u and t.start not in decided for f, u, t in zip(free, unknown, tokens)]
    real += case_decisions(tokens, paragraph.text, lexicon, phrases, known)
    decisions = sorted(
        word_decisions(tokens, unknown, paragraph.text, lexicon, config, nearby, channel, _strange(tokens, mixed, lexicon), rivals)
        + list(joins.values())
        + mixed
        + real,
        key=lambda d: d.start,
    )
    original, review, shift = paragraph, [], 0
    for d in decisions:
        if d.after is None:
            line, page, _ = original.locate(d.start)
            context = original.text[max(0, d.start - CONTEXT) : d.end + CONTEXT]
            review.append(ReviewItem(STAGE, line, page, original.text[d.start : d.end], d.review, context, d.evidence))
            continue
        paragraph, change, delta = apply(paragraph, d.rule, d.start + shift, d.end + shift, d.after, d.evidence)
        changes.append(change)
        shift += delta
    return paragraph, tuple(changes), tuple(review)  # tuples: most are empty, and () is one object for them all


def correct_ocr_words(book: Book, config: Config) -> tuple[Book, list[Change]]:
    """Correct the book's paragraphs; uncertain tokens go to ``book.review`` unchanged.

    Two passes: the first with the prior confusions, the second, on the
    paragraphs where the first listed a token for review or left a word ending
    in a digit the book often reads for a letter ("day5"), with the confusions
    the first pass's corrections show this book makes (channel.py).
    """
    tokenized = TokenizedBook([paragraph.text for paragraph in book.paragraphs])
    lexicon = build_lexicon(*book_words(tokenized), config)
    lexicon = without_misreads(tokenized, lexicon, config)
    phrases = case_phrases(tokenized)
    paragraphs, changes, review = [], [], []  # each paragraph's, in three lists: a tuple a paragraph costs more
    for paragraph, tokens in zip(book.paragraphs, tokenized):
        corrected, made, listed = correct_paragraph(paragraph, tokens, lexicon, config, phrases=phrases)
        paragraphs.append(corrected)
        changes.append(made)
        review.append(listed)
    channel = learn((c for made in changes for c in made), lexicon.book_total, config.ocr_confusions)
    if channel.gains:
        for n, original in enumerate(book.paragraphs):
            if review[n] or note_or_letter(original.text, channel):
                paragraphs[n], changes[n], review[n] = correct_paragraph(original, tokenize(original.text), lexicon, config, channel, phrases)
    return (book.evolve(paragraphs=tuple(paragraphs), review=book.review + tuple(item for items in review for item in items)),
            [c for made in changes for c in made])
