"""The book's index read as entries: heading, page references, cross-references, sub-entries.

The index is set in two narrow columns, so the OCR gives it as short lines
that the paragraph stage cannot group: an entry wraps over several lines
("Central Committee of Communist" / "Party, 19, 26, …"), a range breaks at
its hyphen ("75-" / "76"), a column break puts a line out of place, and
page numbers are misread ("11ln" for 111n). Here:

- :func:`repair_page_digits` reads a misread page reference with the
  look-alike digits of rules/folio_digits.tsv, only where the token stands
  as a reference (between commas or semicolons) and the page it gives is a
  page of the book; each repair is a logged change (rule ``index_page_digits``);
- :func:`read_index` splits the printed lines into entries. A line starts a
  new entry when it opens with a capital and the line before ended one (a
  page reference, or a word after the entry's references); of those, the
  starts kept are the largest set in alphabetical order (an index is sorted;
  a wrapped sub-entry like "Commission of, 81" breaks the order), found as a
  weighted longest non-decreasing subsequence. References are checked
  against the pages the book has.
"""

from __future__ import annotations

from typing import Collection, Mapping, Sequence

import regex

from pipeline.model import Change, IndexEntry, PageRef, Paragraph, change_in
from pipeline.stages.split_documents.matter import is_unreadable

STAGE = "split_documents"
_REF = regex.compile(r"^(?P<first>\d{1,3})(?:-(?P<last>\d{1,3}))?(?P<kind>n|b|ff)?$")
_MISREAD = regex.compile(r"(?<=^\s*|[,;] )(?P<token>[\dlIi|]{2,3})(?P<kind>n|b)?(?=[,;]|$)")
_STARTS_ENTRY = regex.compile(r"^[“\"‘(]?\p{Lu}")
_OPEN_END = regex.compile(r"(?:[,;(\-]|\b(?:see|See|also|of|and|the|in|on|to|for|with))$")
_SEE = regex.compile(r"(?:\.\s*|,\s+|^)[Ss]ee(?: also)?\s+(?P<target>[^;]+)")
# After a line ending in a comma, only a quoted title or a "Name, X." entry is taken to start an entry
# (the comma's continuation is in the other column).
_AFTER_COMMA = regex.compile(r"^(?:[“\"]\p{Lu}|\p{Lu}[\p{L}’'-]+(?:,\s+\p{Lu}\.)+,?\s+\d)")
_SEPARATOR = regex.compile(r",\s*|(?<=\d)\.\s+(?=\d)")  # "121. 122": a comma read as a full stop
_ARTICLE = regex.compile(r"^(?:the|a|an)\s+", regex.IGNORECASE)
_OPENING_QUOTE = regex.compile(r"^[“\"‘]")
_LETTER = regex.compile(r"\p{L}")
_ENDS_ON_REF = regex.compile(r"\d(?:n|b|ff)?\)?$")
_HAS_REF = regex.compile(r"(?:^|[,;] ?)\d|\b[Ss]ee\b")
_LETTER_HYPHEN_END = regex.compile(r"\p{L}-$")
_PAGES_ONLY = regex.compile(r"[\d, -]+")
_DIGIT_HYPHEN_END = regex.compile(r"\d-$")
_LOWER_HYPHEN_END = regex.compile(r"\p{Ll}-$")
_ENDS_ON_PAGE = regex.compile(r"\d(?:n|b|ff)?$")
_CLOSING_QUOTE_FIRST = regex.compile(r"^([”’])\s*(.*)$")
"""(The patterns of the loops below, compiled once: the regex module's per-call lookup costs more than the match.)"""


def repair_page_digits(
    paragraphs: list[Paragraph], indexes: Sequence[int], digits: Mapping[str, str], pages: Collection[int]
) -> list[Change]:
    """Rewrite misread page references ("11ln" -> "111n") in place; return the logged changes.

    >>> ps = [Paragraph("Econburo of, 81, 11ln; Economics", (7724,), (0,), (156,))]
    >>> [(c.before, c.after) for c in repair_page_digits(ps, [0], {"l": "1", "I": "1", "i": "1"}, range(5, 161))], ps[0].text
    ([('11ln;', '111n;')], 'Econburo of, 81, 111n; Economics')
    """
    changes = []
    for i in indexes:
        p = paragraphs[i]
        ends = list(p.starts[1:]) + [len(p.text)]
        edits = []
        for start, end in zip(p.starts, ends):
            line = p.text[start:end].rstrip()
            for m in _MISREAD.finditer(line):
                token = m["token"]
                if token.isdigit() or not all(c.isdigit() or c in digits for c in token):
                    continue
                number = int("".join(c if c.isdigit() else digits[c] for c in token))
                if number in pages:
                    # The change spans the printed token with its comma or semicolon ("11ln;"), as the scan shows it.
                    tail = line[m.end() : m.end() + 1]
                    edits.append((start + m.start(), start + m.end() + len(tail), f"{number}{m['kind'] or ''}{tail}", m[0]))
        for at, stop, new, seen in reversed(edits):  # right to left: earlier offsets stay valid
            evidence = f"index reference {seen!r} read with look-alike digits as page {new.rstrip('nb')}, a page of the book"
            changes.append(change_in(p, STAGE, "index_page_digits", at, stop, new, evidence))
            p = p.edit(at, stop, new)
        paragraphs[i] = p
    return changes


def _lines(p: Paragraph) -> list[str]:
    """The printed lines of a paragraph (its text cut at the line starts)."""
    ends = list(p.starts[1:]) + [len(p.text)]
    return [p.text[s:e].strip() for s, e in zip(p.starts, ends)]


def _key(line: str) -> str:
    """What the index sorts a line by: the letters before its first comma."""
    head = _OPENING_QUOTE.sub("", line.split(",")[0])
    return "".join(_LETTER.findall(_ARTICLE.sub("", head).lower()))


def _starts(lines: Sequence[str]) -> list[int]:
    """Which lines start an entry: candidates in alphabetical order, the best-supported set."""
    candidates: list[tuple[int, int]] = []  # (line index, weight)
    refs_seen = False
    for k, line in enumerate(lines):
        previous = lines[k - 1] if k else ""
        if k == 0:
            candidates.append((k, 2))
        elif _STARTS_ENTRY.match(line) and not _OPEN_END.search(previous):
            ended_on_ref = bool(_ENDS_ON_REF.search(previous))
            if ended_on_ref or refs_seen:
                candidates.append((k, 2 if ended_on_ref else 1))
                refs_seen = refs_seen and not ended_on_ref  # a weak start may be a wrapped line: keep the state
        elif previous.endswith(",") and _AFTER_COMMA.match(line):
            candidates.append((k, 1))
        # An entry is complete once it has a reference, a cross-reference or an unreadable line of references.
        if _HAS_REF.search(line) or is_unreadable(line):
            refs_seen = True
    # A strong start (the line before ended on a page) is an entry; a weak one only where it sorts
    # between the entry before it and the next strong start ("Commission of, 81" does not).
    chosen: list[int] = []
    for n, (k, weight) in enumerate(candidates):
        following = next((c for c, w in candidates[n + 1 :] if w > 1), None)
        if weight > 1 or (
            (not chosen or _key(lines[chosen[-1]]) < _key(lines[k]))
            and (following is None or _key(lines[k]) <= _key(lines[following]))
        ):
            chosen.append(k)
    return chosen


def _join(pieces: Sequence[str]) -> tuple[str, list[str]]:
    """An entry's lines as one text: ranges and words broken at a hyphen joined; stray reference lines set apart."""
    text, stray = "", []
    for k, piece in enumerate(pieces):
        if _LETTER_HYPHEN_END.search(text) and _PAGES_ONLY.fullmatch(piece) and k + 1 < len(pieces):
            stray.append(piece)  # "Thirteenth Con-" / "13-14," / "gress of": a line from the other column
            continue
        if _DIGIT_HYPHEN_END.search(text) and piece[:1].isdigit() or _LOWER_HYPHEN_END.search(text) and piece[:1].islower():
            text = text[:-1] + ("-" if text[-2].isdigit() else "") + piece
        elif _ENDS_ON_PAGE.search(text) and piece[:1].isdigit():
            text = f"{text}, {piece}"  # "149n" / "141, 142,": lines of one list of pages, its comma lost
        else:
            text = f"{text} {piece}".strip()
    return text, stray


def _refs(tokens: Sequence[str]) -> tuple[list[str], list[PageRef], list[str]]:
    """(heading tokens, references, unreadable tokens) of one comma-separated segment."""
    heading, refs, junk = [], [], []
    for token in tokens:
        quote = _CLOSING_QUOTE_FIRST.match(token.strip())
        if quote and heading and not refs:  # "“Platform of the Forty-Six,” 27": the comma was inside the quotes
            heading[-1] += f",{quote[1]}"
            token = quote[2]
            if not token:
                continue
        m = _REF.match(token.strip().rstrip("."))
        if m:
            first = int(m["first"])
            last = int(m["last"]) if m["last"] else first
            if last < first:  # "102-3": the range's end printed short
                last = int(str(first)[: len(str(first)) - len(m["last"])] + m["last"])
            refs.append(PageRef(first, last, m["kind"] or ""))
        elif refs:
            junk.append(token.strip())
        else:
            heading.append(token.strip())
    return heading, refs, junk


def _heading(tokens: Sequence[str]) -> str:
    """Heading tokens joined as printed: "“Better Fewer, But Better,” Lenin"."""
    text = ""
    for token in tokens:
        text = f"{text}{' ' if text.endswith(',”') or not text else ', '}{token}" if text else token
    return text


def _entry(text: str, lines: tuple[int, ...], pages: Collection[int]) -> IndexEntry:
    targets = [m["target"].strip().rstrip(".") for m in _SEE.finditer(text)]
    see = [t for t in targets if not regex.search(r"\d", t)]
    text = _SEE.sub("", text)
    segments = [s.strip() for s in text.split(";") if s.strip()]
    heading, refs, junk = _refs(_SEPARATOR.split(segments[0])) if segments else ([], [], [])
    subentries, problems = [], [f"unreadable reference {j!r}" for j in junk if j]
    problems += [f"cross-reference {t!r} runs into page numbers (a column break)" for t in targets if t not in see]
    for segment in segments[1:]:
        sub_heading, sub_refs, sub_junk = _refs(_SEPARATOR.split(segment))
        subentries.append(IndexEntry(_heading(sub_heading), tuple(sub_refs)))
        problems += [f"unreadable reference {j!r} in {_heading(sub_heading)!r}" for j in sub_junk if j]
    all_refs = refs + [r for s in subentries for r in s.refs]
    if not all_refs and not see:
        problems.append("no page reference could be read")
    problems += [f"page {r} is not a page of the book" for r in all_refs if r.first not in pages or r.last not in pages]
    return IndexEntry(_heading(heading), tuple(refs), tuple(see), tuple(subentries), lines, tuple(problems))


def is_preface(text: str) -> bool:
    """A sentence set above the entries ("Only the main entries … are included in this index.").

    >>> is_preface("Only the main entries in the Biographical Notes are included in this index."), is_preface("Aristotle, 30, 31")
    (True, False)
    """
    return len(text.split()) >= 8 and text.rstrip().endswith(".") and not regex.search(r"\d", text)


def read_index(paragraphs: Sequence[Paragraph], indexes: Sequence[int], pages: Collection[int]) -> tuple[IndexEntry, ...]:
    """The entries of an index whose printed lines are in the given paragraphs (its heading left out).

    >>> texts = ["Aristotle, 30, 31", "Bureaucracy, 5, 49, 112n; defined,", "11; Lenin on, 15, 75-", "76",
    ...          "Central Committee of Communist", "Party, 19, 26; Budget", "Commission of, 81", "Civil war, 8"]
    >>> ps = [Paragraph(t, (n,), (0,), (156,)) for n, t in enumerate(texts, start=1)]
    >>> [(e.heading, [str(r) for r in e.refs], [s.heading for s in e.subentries]) for e in read_index(ps, range(8), range(5, 161))]
    [('Aristotle', ['30', '31'], []), ('Bureaucracy', ['5', '49', '112n'], ['defined', 'Lenin on']), ('Central Committee of Communist Party', ['19', '26'], ['Budget Commission of']), ('Civil war', ['8'], [])]
    """
    printed: list[tuple[str, int]] = []
    for i in indexes:
        p = paragraphs[i]
        for number, text in zip(p.lines, _lines(p)):
            if text:
                printed.append((text, number))
    texts = [t for t, _ in printed]
    starts = _starts(texts) + [len(texts)]
    entries = []
    for a, b in zip(starts, starts[1:]):
        text, stray = _join(texts[a:b])
        entry = _entry(text, tuple(n for _, n in printed[a:b]), pages)
        if stray:
            entry = IndexEntry(entry.heading, entry.refs, entry.see, entry.subentries, entry.lines,
                               entry.problems + tuple(f"line {s!r} stands out of place (a column break)" for s in stray))
        entries.append(entry)
    return tuple(entries)
