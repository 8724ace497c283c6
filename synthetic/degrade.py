"""Degrade clean paragraphs into the plain-text OCR of a scanned book, seeded, keeping the truth.

The generator of the synthetic benchmark suite (``bench/bench_synthetic.py``). From
the same paragraphs and seed it always makes the same book, and it records
every damage it did, so a cleaner's output can be scored against exact truth,
error type by error type:

1. Chapters: the paragraphs are cut into chapters at short heading-like
   paragraphs; a chapter's heading (or a title from :data:`SECTION_TITLES`)
   is its running title.
2. Line breaks: each paragraph is wrapped at ``width`` columns; a word that
   does not fit is broken at a line end with a hyphen where pyphen allows
   (``Noise.hyphenate`` of the time), or at its own hyphen ("self-" /
   "determination"). Each is a :class:`Break`.
3. Pages (:func:`pipeline.typeset.paginate`): a running head between blank
   lines at the top of each page ("22 Book Title", "Section Title 23"), a
   bare folio at the foot of a chapter's first page (``furniture``).
4. OCR noise drawn from what the real book shows (:data:`CONFUSIONS`,
   :data:`SPECKS`, :data:`JUNK`): character confusions ("extrernely",
   "Contro]", "beeoming"), glued words ("founded.in"), split words
   ("sepa rate"), specks at a line's edge ("_", "š"), misread folios ("T5"
   for 75), misread quotation marks and lone-letter specks after a full
   stop (:data:`MARKS`), and junk lines (the mirrored library stamp, specks read as
   letters) set apart by blank lines at a page's foot (``junk``). Each in-line
   damage is an :class:`Edit`. A second profile, :data:`ANY_OCR`, stands for
   scans by other engines: letters read as digits and symbols ("y0u",
   "tran$cribed"), other letter confusions ("experieuced"), real-word
   misreads ("arid" for "and") and lost spaces ("andthese").

Every non-empty line ends with a space, as in the Internet Archive dump.
:func:`restore` undoes it all and gives back the paragraphs: the truth is
consistent by construction, and a test checks it.

>>> book = degrade(["A short paragraph about the bureaucratization of the state apparatus."] * 40, seed=7, width=40)
>>> book == degrade(["A short paragraph about the bureaucratization of the state apparatus."] * 40, seed=7, width=40)
True
>>> restore(book) == book.paragraphs, len(book.furniture) > 3, len(book.breaks) > 0
(True, True, True)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import pyphen
import regex

from synthetic.typeset import Slot, paginate

CONFUSIONS: tuple[tuple[str, str, float], ...] = (
    ("m", "rn", 4),  # "extrernely"
    ("d", "cl", 2),  # "clone" for "done"
    ("h", "li", 2),  # l+i read for h
    ("l", "1", 2),  # digit one for l ("wil1")
    ("l", "I", 1),  # capital I for l
    ("I", "l", 2),  # "lt goes without saying"
    ("I", "1", 1),  # "1 think"
    ("l", "]", 1),  # "Contro]", "shal]"
    ("e", "c", 3),  # "mc" for "me"
    ("c", "e", 2),  # "beeoming"
    ("o", "0", 1),  # zero for o
    ("O", "0", 1),  # zero for O
    ("i", "j", 1),  # "historjan"
)
"""(printed, read as, weight): character confusions of OCR, as seen in the real book."""

ANY_ENGINE: tuple[tuple[str, str, float], ...] = (
    ("o", "0", 3),  # "y0u", "with0ut"
    ("l", "1", 3),  # "P1enary"
    ("s", "5", 1),
    ("s", "$", 2),  # "tran$cribed", "i$"
    ("B", "8", 1),
    ("b", "6", 1),
    ("i", "ı", 1),  # dotless i: "ın"
    ("m", "rn", 2),
    ("d", "cl", 1),
    ("h", "li", 1),
    ("n", "u", 2),  # "experieuced", "iu"
    ("u", "ii", 1),
    ("w", "vv", 1),
    ("th", "tb", 1),
)
"""(printed, read as, weight): misreads of OCR engines in general, letters read as digits
or symbols and as other letters: the second OCR profile (:data:`ANY_OCR`)."""

REAL_WORDS: tuple[tuple[str, str], ...] = (
    ("and", "arid"), ("head", "bead"), ("for", "tor"), ("had", "bad"), ("modern", "modem"),
    ("of", "cf"), ("my", "ray"), ("from", "form"), ("the", "tie"),
)
"""(printed, read as): misreads that are themselves words ("real-word" errors)."""
QUOTE_MISREADS: dict[str, tuple[str, ...]] = {"“": ("‘‘", "‘“", "“‘", "‘““"), "”": ("’", "’’", "”’")}
"""What OCR reads for a double quote, from the real book ("‘‘Trotskyism.”", "compromise,’", "“duumvirate”’")."""
SPECK_LETTERS = "agiour"
"""Lone letters OCR reads from specks after a full stop ("slogan. g", "delay. a")."""

SPECKS: tuple[tuple[str, str], ...] = (("_", "start"), ("š", "end"), ("Š", "end"), ("©", "end"), ("~", "start"), ("•", "end"))
"""(mark, where): lone specks at a line's edge; the first four are the real book's."""

JUNK: tuple[str, ...] = (
    "AdVYEIT 3D3T1IOO SAYYN “LS “LIN",
    "22212 GNVIAYVW ‘SYNSSLINWA",
    "od", "ne", "nel", "Ko)", "=.", "oO", "QO", "HX313", "se? *", "L86-OA\"", "wi, r f ù y yrs",
)
"""Junk lines OCR makes of stamps and specks, from the real book."""

FOLIO_MISREADS: dict[str, str] = {"7": "T", "5": "S", "1": "l", "0": "O", "8": "B", "2": "Z", "9": "g"}
"""Digit -> what OCR reads for it in a page number ("T5" for 75)."""

BOOK_TITLES = ("The Last Struggle", "LENIN’S LAST LETTERS", "Against the Bureaucracy", "Collected Documents",
               "The Workers’ State", "Letters and Articles")
SECTION_TITLES = ("Documents", "The Last Writings", "Letters", "Part Two", "APPENDIX", "Notes and Articles")


@dataclass(frozen=True, slots=True)
class Noise:
    """How much damage to inject (rates per word, line or page). A zero rate injects none of that kind.

    The defaults are a little above the real book, whose corrector found some
    35 character misreads, 2 glued and 3 run-together words in 65,000 words;
    :data:`HEAVY` is five times as noisy.

    - ``hyphenate``: chance that a word which does not fit is broken with a
      hyphen where it can be (0.6; the real book ends one line in ten with one).
    - ``confusion``: share of words with one character confusion (0.002).
    - ``glued``: share of spaces lost ("nota", "confined,to") or read as a
      mark ("founded.in") (0.0005).
    - ``split``: share of words of 6+ letters with a space read inside (0.0005).
    - ``speck``: share of lines with a speck at an edge (0.005).
    - ``junk``: share of pages with junk lines at the foot (0.05).
    - ``misread_folio``: share of furniture lines with a page digit misread (0.03).
    - ``confusions``: the table the character confusions are drawn from
      (:data:`CONFUSIONS`, the real book's; :data:`ANY_ENGINE` for other scans).
      A confusion that puts a digit or symbol in a word is logged as kind
      ``odd_character``, one between letters as ``confusion``.
    - ``real_word``: share of the words of :data:`REAL_WORDS` read as their
      real-word misread ("arid" for "and") (0).
    - ``lost_space``: share of spaces between two words of letters that are
      lost ("andthese") (0).
    - ``quote``: share of curly double quotes misread as the real book shows
      them (“ as ‘‘, ‘“, “‘ or ‘““; ” as ’, ’’ or ”’) (0: off by default).
    - ``speck_letter``: share of lines ending a sentence with a lone letter
      after the full stop ("delay. a") (0: off by default).
    """

    hyphenate: float = 0.6
    confusion: float = 0.002
    glued: float = 0.0005
    split: float = 0.0005
    speck: float = 0.005
    junk: float = 0.05
    misread_folio: float = 0.03
    confusions: tuple[tuple[str, str, float], ...] = CONFUSIONS
    real_word: float = 0.0
    lost_space: float = 0.0
    quote: float = 0.0
    speck_letter: float = 0.0


HEAVY = Noise(confusion=0.01, glued=0.0025, split=0.0025)
"""Five times the default rate of misreads in the text."""
ANY_OCR = Noise(confusion=0.01, glued=0, split=0, confusions=ANY_ENGINE, real_word=0.01, lost_space=0.003)
"""The second OCR profile: another engine's misreads (:data:`ANY_ENGINE`) in one word
of a hundred, real-word misreads and lost spaces between words."""
MARKS = Noise(quote=0.3, speck_letter=0.03)
"""The default noise plus misread quotation marks and lone-letter specks (the real book's ~25 broken quotes
in ~1,300 quotation marks, made denser so a few books show every kind)."""
CLEAN = Noise(confusion=0, glued=0, split=0, speck=0, junk=0, misread_folio=0)
"""Line breaks and pages only: no OCR noise."""


@dataclass(frozen=True, slots=True)
class Edit:
    """One injected misread: at ``line`` (1-based) and ``column`` the text reads ``after`` where the truth has ``before``.

    ``kind`` is ``confusion``, ``odd_character``, ``real_word``, ``glued``,
    ``lost_space``, ``split``, ``speck``, ``speck_letter``, ``quote`` or ``misread_folio``;
    ``paragraph`` and ``offset`` locate it in the truth
    (None for furniture).
    """

    kind: str
    line: int
    column: int
    before: str
    after: str
    paragraph: int | None
    offset: int | None


@dataclass(frozen=True, slots=True)
class Break:
    """A word broken at the end of ``line``: ``word`` of the truth, broken at ``offset`` of its paragraph.

    ``compound`` is True when the hyphen is the word's own ("self-" /
    "determination"): the line-end hyphen must stay. Otherwise it was
    inserted ("anticapi-" / "talist") and must go.
    """

    line: int
    paragraph: int
    offset: int
    word: str
    compound: bool


@dataclass(frozen=True)
class DegradedBook:
    """The degraded text and its truth.

    ``paragraphs`` is the truth; ``paragraph_lines`` the lines (1-based) each
    was set on; ``furniture`` the running heads and folios (line -> page);
    ``junk`` the junk lines; ``breaks`` and ``edits`` every break and misread.
    """

    text: str
    paragraphs: tuple[str, ...]
    paragraph_lines: tuple[tuple[int, ...], ...]
    furniture: dict[int, int]
    junk: tuple[int, ...]
    breaks: tuple[Break, ...]
    edits: tuple[Edit, ...]
    book_title: str
    section_titles: tuple[str, ...]
    seed: int
    noise: Noise = field(default=Noise())


def archive_paragraphs(folder: Path) -> list[str]:
    """The paragraphs of the archive transcriptions (``raw/archive/*.txt``): blocks between blank lines,
    white space collapsed, the transcriptions' own "page 100" markers left out."""
    paragraphs = []
    for path in sorted(Path(folder).glob("*.txt")):
        for block in regex.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            text = " ".join(block.split())
            if text and not regex.fullmatch(r"page \d+", text):
                paragraphs.append(text)
    return paragraphs


def _heading(paragraph: str) -> bool:
    """A short paragraph that can title a chapter."""
    return 8 <= len(paragraph) <= 40 and paragraph[0].isupper() and not regex.search(r"[.,:;]$|\d", paragraph)


def chapters(paragraphs: Sequence[str], rng: random.Random, min_size: int = 25) -> list[tuple[list[int], str]]:
    """Cut paragraph indexes into chapters at heading-like paragraphs; each with its running title."""
    cuts: list[list[int]] = [[]]
    for i, paragraph in enumerate(paragraphs):
        if _heading(paragraph) and len(cuts[-1]) >= min_size:
            cuts.append([])
        cuts[-1].append(i)
    return [(c, paragraphs[c[0]] if _heading(paragraphs[c[0]]) else rng.choice(SECTION_TITLES)) for c in cuts if c]


@dataclass
class _Line:
    """A body line being built: its text, its paragraph and the truth offset of its first character."""

    text: str
    paragraph: int | None = None
    offset: int = 0
    hyphen: str = ""  # "" | "inserted" | "compound"


_REAL_WORDS = dict(REAL_WORDS)
_HYPHENATOR = pyphen.Pyphen(lang="en_US", left=2, right=3)
_CORE = regex.compile(r"^(\P{L}*)(\p{L}+)(\P{L}*)$")


def _break_points(token: str) -> list[tuple[int, bool]]:
    """Where a token may be broken at a line end: (characters before the break, compound?), longest last."""
    if "-" in token.strip("-"):
        return [(i + 1, True) for i, ch in enumerate(token) if ch == "-" and 0 < i < len(token) - 1]
    m = _CORE.match(token)
    if not m:
        return []
    return [(len(m[1]) + p, False) for p in _HYPHENATOR.positions(m[2])]


def wrap(paragraph: str, number: int, width: int, rng: random.Random, hyphenate: float) -> tuple[list[_Line], list[tuple[int, int, str, bool]]]:
    """Greedy wrapping with line-end hyphens; returns the lines and (line index, offset, word, compound) breaks."""
    lines: list[_Line] = []
    breaks = []
    current = _Line("", number, 0)
    position = 0
    for token in paragraph.split(" "):
        start = position
        position += len(token) + 1
        while token:
            room = width - len(current.text) - (1 if current.text else 0)
            if len(token) <= room:
                current.text += (" " if current.text else "") + token
                token = ""
                break
            fits = [(k, compound) for k, compound in _break_points(token) if k + (0 if compound else 1) <= room]
            if fits and rng.random() < hyphenate:
                k, compound = fits[-1]
                current.text += (" " if current.text else "") + token[:k] + ("" if compound else "-")
                current.hyphen = "compound" if compound else "inserted"
                breaks.append((len(lines), start + k, token, compound))
                lines.append(current)
                current = _Line("", number, start + k)
                token, start = token[k:], start + k
                continue
            if not current.text:  # longer than a line: it overflows
                current.text = token
                token = ""
                break
            lines.append(current)
            current = _Line("", number, start)
    if current.text:
        lines.append(current)
    return lines, breaks


def _confuse(token: str, rng: random.Random, table: tuple[tuple[str, str, float], ...] = CONFUSIONS) -> tuple[int, str, str] | None:
    """One character confusion inside a token: (column, printed, read as), or None when none applies."""
    options = [(i, meant, seen, w) for meant, seen, w in table for i in _find_all(token, meant)]
    if not options:
        return None
    i, meant, seen, _ = rng.choices(options, weights=[o[3] for o in options])[0]
    return i, meant, seen


def _find_all(text: str, sub: str) -> list[int]:
    return [m.start() for m in regex.finditer(regex.escape(sub), text)]


def _noise_line(line: _Line, rng: random.Random, noise: Noise) -> list[tuple[str, int, str, str]]:
    """The misreads of one body line: (kind, column in the clean line, before, after), left to right."""
    edits = []
    text = line.text
    tokens = [(m.start(), m.group()) for m in regex.finditer(r"\S+", text)]
    end_hyphen = len(text) - 1 if line.hyphen == "inserted" else len(text)
    for k, (col, token) in enumerate(tokens):
        if col + len(token) > end_hyphen:
            token = token[: end_hyphen - col]
        letters = regex.sub(r"\P{L}", "", token)
        if k and rng.random() < noise.glued:  # the space before this token
            previous = tokens[k - 1][1]
            after = rng.choice([".", ",", "", ""]) if previous[-1].isalpha() else ""
            edits.append(("glued", col - 1, " ", after))
        elif k and noise.lost_space and tokens[k - 1][1].isalpha() and token.isalpha() and rng.random() < noise.lost_space:
            if not (edits and edits[-1][1] >= col - 1 - len(tokens[k - 1][1])):  # the word before is untouched
                edits.append(("lost_space", col - 1, " ", ""))
        misread = _REAL_WORDS.get(token)
        if misread and noise.real_word and rng.random() < noise.real_word:
            if not (edits and edits[-1][1] == col - 1):  # its space before is still there
                edits.append(("real_word", col, token, misread))
            continue
        roll = rng.random()
        if roll < noise.confusion and letters:
            found = _confuse(token, rng, noise.confusions)
            if found:
                i, meant, seen = found
                odd = not all(ch.isalpha() and ch != "ı" for ch in seen)
                edits.append(("odd_character" if odd else "confusion", col + i, meant, seen))
        elif roll < noise.confusion + noise.split and len(letters) >= 6 and letters == token:
            i = rng.randint(2, len(token) - 2)
            edits.append(("split", col + i, "", " "))
        for m in regex.finditer(r"[“”]", token):
            if noise.quote and rng.random() < noise.quote:  # no draw at rate 0: the other damage stays as it was
                edits.append(("quote", col + m.start(), m[0], rng.choice(QUOTE_MISREADS[m[0]])))
    if noise.speck_letter and text and regex.search(r"\p{L}[.?!][”’]?$", text) and rng.random() < noise.speck_letter:
        edits.append(("speck_letter", len(text), "", " " + rng.choice(SPECK_LETTERS)))
    if text and rng.random() < noise.speck:
        mark, where = rng.choice(SPECKS)
        if where == "start":
            edits.insert(0, ("speck", 0, "", mark + " "))
        else:
            edits.append(("speck", len(text), "", " " + mark))
    return edits


def _apply(text: str, edits: list[tuple[str, int, str, str]]) -> tuple[str, list[int]]:
    """Apply edits given at clean-line columns (left to right); return the text and each edit's final column."""
    out, columns, shift, last = [], [], 0, 0
    for _, col, before, after in edits:
        out.append(text[last:col])
        columns.append(col + shift)
        out.append(after)
        last = col + len(before)
        shift += len(after) - len(before)
    out.append(text[last:])
    return "".join(out), columns


def degrade(
    paragraphs: Sequence[str],
    *,
    seed: int,
    book_title: str | None = None,
    noise: Noise = Noise(),
    width: int | None = None,
    lines_per_page: int | None = None,
    first_page: int | None = None,
    shuffle_chapters: bool = False,
) -> DegradedBook:
    """Typeset ``paragraphs`` as a scanned book and damage it, all from ``seed``; see the module docstring.

    Unset layout options are drawn from the seed: a title from
    :data:`BOOK_TITLES`, width 56-66, 32-40 lines a page, first page 1-200.
    """
    rng = random.Random(seed)
    paragraphs = tuple(" ".join(p.split()) for p in paragraphs)
    book_title = book_title or rng.choice(BOOK_TITLES)
    width = width or rng.randint(56, 66)
    lines_per_page = lines_per_page or rng.randint(32, 40)
    first_page = first_page or rng.randint(1, 200)
    parts = chapters(paragraphs, rng)
    if shuffle_chapters:  # the truth is the paragraphs in their new reading order
        rng.shuffle(parts)
        paragraphs = tuple(paragraphs[i] for indexes, _ in parts for i in indexes)
        sizes = [len(indexes) for indexes, _ in parts]
        starts = [sum(sizes[:k]) for k in range(len(sizes))]
        parts = [(list(range(start, start + size)), title) for start, size, (_, title) in zip(starts, sizes, parts)]
    body: list[_Line] = []
    pending_breaks: list[tuple[int, int, int, str, bool]] = []  # (body index, paragraph, offset, word, compound)
    layout = []
    for indexes, title in parts:
        lines: list[_Line] = []
        for n in indexes:
            if lines:
                lines.append(_Line(""))
            wrapped, breaks = wrap(paragraphs[n], n, width, rng, noise.hyphenate)
            pending_breaks += [(len(body) + len(lines) + i, n, offset, word, compound) for i, offset, word, compound in breaks]
            lines.extend(wrapped)
        body.extend(lines)
        layout.append(([line.text for line in lines], title))
    slots = paginate(layout, book_title=book_title, first_page=first_page, lines_per_page=lines_per_page)
    slots = _add_junk(slots, rng, noise.junk)
    where = {s.body: n for n, s in enumerate(slots, start=1) if s.kind == "body"}
    texts: list[str] = []
    edits: list[Edit] = []
    for n, slot in enumerate(slots, start=1):
        text = slot.text
        if slot.kind == "body" and text:
            line = body[slot.body]
            planned = _noise_line(line, rng, noise)
            text, columns = _apply(text, planned)
            edits += [
                Edit(kind, n, column, before, after, line.paragraph,
                     line.offset + col if kind not in ("speck", "speck_letter") else None)
                for (kind, col, before, after), column in zip(planned, columns)
            ]
        elif slot.kind in ("running_head", "folio") and rng.random() < noise.misread_folio:
            number = str(slot.page)
            at = text.rfind(number) if slot.kind == "folio" or slot.page % 2 else text.find(number)
            digits = [at + i for i, d in enumerate(number) if d in FOLIO_MISREADS]
            if digits:
                col = rng.choice(digits)
                edits.append(Edit("misread_folio", n, col, text[col], FOLIO_MISREADS[text[col]], None, None))
                text = text[:col] + FOLIO_MISREADS[text[col]] + text[col + 1 :]
        texts.append(text + " " if text else "")
    paragraph_lines: list[list[int]] = [[] for _ in paragraphs]
    for index, line in enumerate(body):
        if line.paragraph is not None:
            paragraph_lines[line.paragraph].append(where[index])
    return DegradedBook(
        text="\n".join(texts) + "\n",
        paragraphs=paragraphs,
        paragraph_lines=tuple(tuple(lines) for lines in paragraph_lines),
        furniture={n: s.page for n, s in enumerate(slots, start=1) if s.kind in ("running_head", "folio")},
        junk=tuple(n for n, s in enumerate(slots, start=1) if s.kind == "junk"),
        breaks=tuple(Break(where[i], p, offset, word, compound) for i, p, offset, word, compound in pending_breaks),
        edits=tuple(edits),
        book_title=book_title,
        section_titles=tuple(dict.fromkeys(title for _, title in parts)),
        seed=seed,
        noise=noise,
    )


def _add_junk(slots: list[Slot], rng: random.Random, rate: float) -> list[Slot]:
    """Junk lines at the foot of some pages, set apart by two blank lines on each side."""
    out: list[Slot] = []
    for slot in slots:
        if slot.kind == "running_head" and rng.random() < rate:
            blank = Slot("blank", "", slot.page - 1)
            out.extend(Slot("junk", text, slot.page - 1) for text in rng.sample(JUNK, rng.randint(1, 3)))
            out.extend([blank, blank])
        out.append(slot)
    return out


def restore(book: DegradedBook) -> tuple[str, ...]:
    """Undo every recorded damage: the truth paragraphs again (a check that the record is complete).

    Misreads are put back, furniture and junk lines are left out (they belong
    to no paragraph), each paragraph's lines are joined with a space, or
    without one after a line-end hyphen, which goes unless it is the word's own.
    """
    lines = book.text.split("\n")
    by_line: dict[int, list[Edit]] = {}
    for edit in book.edits:
        by_line.setdefault(edit.line, []).append(edit)
    for number, edits in by_line.items():
        text = lines[number - 1]
        for edit in sorted(edits, key=lambda e: e.column, reverse=True):
            assert text[edit.column : edit.column + len(edit.after)] == edit.after, (edit, text)
            text = text[: edit.column] + edit.before + text[edit.column + len(edit.after) :]
        lines[number - 1] = text
    breaks = {b.line: b for b in book.breaks}
    out = []
    for numbers in book.paragraph_lines:
        text = ""
        for k, number in enumerate(numbers):
            line = lines[number - 1].rstrip()
            previous = breaks.get(numbers[k - 1]) if k else None
            if previous is not None:
                text = (text if previous.compound else text[:-1]) + line
            else:
                text += (" " if text else "") + line
        out.append(text)
    return tuple(out)
