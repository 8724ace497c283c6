"""Read a book's table of contents and find where each entry starts in the body.

The contents page is plain OCR too: entries wrapped over two lines, titles
followed by "by V.I. Lenin" and a page number, part headers ("PART II: On
Lenin’s Testament"), noise ("‘PART I: Introduction 5", a page read as
"eel"). The body sets titles differently ("Letter to the congress", a
heading wrapped over three lines, a heading without its "by ..."), so an
entry is found by its printed page (paragraph provenance) and a fuzzy title
match, in book order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import regex
from rapidfuzz import fuzz

from pipeline.model import Paragraph

_CONTENTS = regex.compile(r"^(?:table of )?contents$", regex.IGNORECASE)
_PART = regex.compile(r"^\W*part\s+(?P<roman>[IVXL]+)\s*[:.]\s*(?P<title>.*?)(?:\s+(?P<page>\d+))?$", regex.IGNORECASE)
_PAGE = regex.compile(r"\s+(?P<page>\S{1,4})$")
_AUTHOR = regex.compile(r"\s+by\s+(?P<author>\p{Lu}[\p{L}.’' ]*?)$")
_BACK = regex.compile(r"^(?:index|biographical notes|bibliography|glossary|chronology)$", regex.IGNORECASE)
_NOTES = regex.compile(r"^notes to part\b", regex.IGNORECASE)

MATCH_THRESHOLD = 70
"""A heading that scores below this against an entry's title is not its start."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One table-of-contents entry: title, author, part, printed page (None if garbled), kind."""

    title: str
    author: str | None
    part: str | None
    page: int | None
    kind: str  # intro, document, notes, bio, index, back
    part_title: str | None = None
    printed_page: str | None = None
    """The page as the contents line prints it, when it is no number ("eel")."""


def paragraph_lines(p: Paragraph) -> list[str]:
    """The printed lines a paragraph was joined from."""
    ends = list(p.starts[1:]) + [len(p.text) + 1]
    return [p.text[s : e - 1] for s, e in zip(p.starts, ends)]


def find_contents(paragraphs: Sequence[Paragraph]) -> tuple[int, int] | None:
    """Paragraph index range of the contents page: after its heading, up to the first numbered page."""
    for i, p in enumerate(paragraphs):
        if p.pages:
            return None
        if _CONTENTS.match(p.text.strip()):
            end = next((j for j in range(i + 1, len(paragraphs)) if paragraphs[j].pages), len(paragraphs))
            return i + 1, end
    return None


def _kind(title: str) -> str:
    if _NOTES.match(title):
        return "notes"
    if title.lower() == "introduction":
        return "intro"
    if title.lower() == "index":
        return "index"
    if title.lower() == "biographical notes":
        return "bio"
    return "document"


def parse_contents(paragraphs: Sequence[Paragraph]) -> list[Entry]:
    """The entries of a contents page, in order.

    A line that ends in a page number ends an entry; otherwise the entry
    goes on in the next line of the same paragraph (a wrapped title).

    >>> from pipeline.model import Paragraph
    >>> ps = [Paragraph("‘PART I: Introduction 5", (1,), (0,), (None,)),
    ...       Paragraph("PART IV: The Bureaucracy", (2,), (0,), (None,)),
    ...       Paragraph("Political Report to the Eleventh Party Congress by V.I. Lenin 74", (3, 4), (0, 48), (None, None)),
    ...       Paragraph("Notes to Part IV eel", (5,), (0,), (None,)), Paragraph("Index 156", (6,), (0,), (None,))]
    >>> [(e.title, e.author, e.part, e.page, e.kind) for e in parse_contents(ps)]
    [('Introduction', None, 'I', 5, 'intro'), ('Political Report to the Eleventh Party Congress', 'V.I. Lenin', 'IV', 74, 'document'), ('Notes to Part IV', None, 'IV', None, 'notes'), ('Index', None, None, 156, 'index')]
    """
    raw_entries: list[str] = []
    for p in paragraphs:
        pending = ""
        for line in paragraph_lines(p):
            pending = f"{pending} {line.strip()}".strip()
            if regex.search(r"\d$", pending) or _PART.match(pending):
                raw_entries.append(pending)
                pending = ""
        if pending:
            raw_entries.append(pending)
    entries: list[Entry] = []
    part: str | None = None
    part_title: str | None = None
    for text in raw_entries:
        head = _PART.match(text)
        if head:
            part, part_title = head["roman"].upper(), head["title"].strip() or None
            if head["page"]:
                entries.append(Entry(part_title or "Introduction", None, part, int(head["page"]), "intro", part_title))
            continue
        page, printed = None, None
        tail = _PAGE.search(text)
        if tail and (tail["page"].isdigit() or not regex.search(r"\p{Lu}", tail["page"])):
            page = int(tail["page"]) if tail["page"].isdigit() else None
            printed = None if page is not None else tail["page"]
            text = text[: tail.start()]
        author_match = _AUTHOR.search(text)
        author = author_match["author"].strip() if author_match else None
        title = text[: author_match.start()] if author_match else text
        kind = _kind(title.strip())
        in_part = None if _BACK.match(title.strip()) else part
        if kind == "notes":
            title = f"Notes to Part {part}" if part else title  # the printed part number may be a misprint
        entries.append(Entry(title.strip(), author, in_part, page, kind, part_title if in_part else None, printed))
    return entries


def title_key(text: str) -> str:
    """Lower case, letters and digits only: how titles and headings are compared."""
    return " ".join(regex.findall(r"[\p{L}\p{N}]+", text.lower()))


def title_score(title: str, heading: str) -> float:
    """How well a body heading matches an entry title (0-100), tolerant of extra words.

    >>> title_score("Letter to J.V. Stalin re the Foreign Trade Monopoly",
    ...             "Letter to J.V. Stalin for Members of the CC, RCP(B) re the Foreign Trade Monopoly") >= 80
    True
    >>> title_score("To L.D. Trotsky", "Comrade Trotsky Copy to Frumkin and Stomonyakov") < 70
    True
    """
    t, h = title_key(title), title_key(heading)
    if not t or not h:
        return 0.0
    # Shared words count most, but a heading much longer or shorter than the title is a worse match.
    length_ratio = min(len(t), len(h)) / max(len(t), len(h))
    # A title the body heading merely extends ("Letter to L.B. Kamenev for the Members of…") matches its start.
    prefix = fuzz.ratio(t, h[: len(t)]) - 5
    return max(fuzz.token_set_ratio(t, h) - 50 * (1 - length_ratio), fuzz.ratio(t, h), prefix)


def _on_page(p: Paragraph, page: int | None, slack: int = 1) -> bool:
    return page is None or any(abs(q - page) <= slack for q in p.pages)


def _heading_scores(title: str, paragraphs: Sequence[Paragraph], k: int):
    """Scores of the title against the heading starting at paragraph k, one to four short paragraphs long."""
    heading = ""
    for j in range(k, min(k + 4, len(paragraphs))):
        if len(paragraphs[j].text) > 160:
            break
        heading = f"{heading} {paragraphs[j].text}"
        yield title_score(title, heading)


def heading_length(title: str, paragraphs: Sequence[Paragraph], k: int) -> int:
    """How many short paragraphs from k print the title: a heading wrapped over lines is one heading.

    >>> ps = [Paragraph(t, (1,), (0,), (79,)) for t in ("Comments on Lenin’s Proposal", "Concerning the Work of Deputies", "1) The problems")]
    >>> heading_length("Comments on Lenin’s Proposal Concerning the Work of Deputies", ps, 0)
    2
    """
    scores = list(_heading_scores(title, paragraphs, k)) if k < len(paragraphs) else []
    best = max(scores, default=0.0)
    return scores.index(best) + 1 if best >= MATCH_THRESHOLD else 0


def locate(entries: Sequence[Entry], paragraphs: Sequence[Paragraph], first: int) -> list[tuple[int | None, float]]:
    """For each entry, the paragraph index where it starts and the match score (None if not found).

    Entries are looked for in order, each after the previous one's start,
    among short paragraphs on (or next to) its printed page; a heading may
    span up to four short paragraphs.
    """
    found: list[tuple[int | None, float]] = []
    after = first
    for entry in entries:
        best: tuple[float, int] | None = None
        resume = None  # where the next entry's search starts, past a part heading group
        for k in range(after, len(paragraphs)):
            p = paragraphs[k]
            if entry.page is not None and p.pages and min(p.pages) > entry.page + 1:
                break
            if not _on_page(p, entry.page) or len(p.text) > 160:
                continue
            if entry.kind == "intro" and entry.part and regex.match(rf"^part\s+{entry.part}$", p.text.strip(), regex.I):
                best, resume = (100.0, k), k + 1
                # The part's title set under "Part II" belongs to its introduction, not to a document.
                while entry.part_title and resume < len(paragraphs) and title_score(entry.part_title, paragraphs[resume].text) >= 90:
                    resume += 1
                break
            score = max(_heading_scores(entry.title, paragraphs, k))
            if best is None or score > best[0]:
                best = (score, k)
            if score == 100:
                break
        if best and best[0] >= MATCH_THRESHOLD:
            found.append((best[1], best[0]))
            after = resume if resume is not None else best[1] + 1
        else:
            found.append((None, best[0] if best else 0.0))
    return found
