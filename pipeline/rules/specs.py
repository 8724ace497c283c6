"""One reader per rules file: what its rows must look like, and what they become in the Config.

Each reader takes the file's path and the :class:`Problems` of the whole
load, records every malformed row at its line, skips it, and returns what
the valid rows say. Keys that repeat are reported (a second row would
silently overwrite the first).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Mapping

import regex

from pipeline.config import Decision, HyphenRule, LineRule, Scanno, Spelling
from pipeline.lexicon import word_counts
from pipeline.rules.tsv import Problems, compile_pattern, read_text, read_tsv, text_line_of, unique


def folio_digits(path: Path, problems: Problems) -> dict[str, str]:
    """rules/folio_digits.tsv: a character OCR reads for a digit in page numbers ("T" for 7)."""
    digits = {}
    rows = unique(read_tsv(path, ("seen", "digit", "note"), problems), lambda r: r["seen"], "character")
    for row in rows:
        seen, digit = row["seen"], row["digit"]
        if len(seen) != 1 or not (len(digit) == 1 and digit.isdigit()):
            row.error(f"'seen' must be one character and 'digit' one digit, found {seen!r} -> {digit!r}")
            continue
        digits[seen] = digit
    return digits


def line_rules(path: Path, problems: Problems) -> tuple[LineRule, ...]:
    """rules/lines.tsv: ``drop`` a matching line, or ``keep`` it safe from junk and furniture detection."""
    rules = []
    rows = unique(read_tsv(path, ("action", "pattern", "note"), problems), lambda r: r["pattern"], "pattern")
    for row in rows:
        pattern = compile_pattern(row)
        if row["action"] not in ("drop", "keep"):
            row.error(f"action must be 'drop' or 'keep', found {row['action']!r}")
        elif pattern is not None:
            rules.append(LineRule(row["action"], pattern, row["note"], row.source))
    return tuple(rules)


def stray_marks(path: Path, problems: Problems) -> frozenset[tuple[str, str]]:
    """rules/stray_marks.tsv: a lone speck removed at a line's start or end."""
    marks = set()
    rows = unique(read_tsv(path, ("mark", "where", "note"), problems), lambda r: (r["mark"], r["where"]), "mark")
    for row in rows:
        if len(row["mark"]) != 1 or row["mark"].isspace():
            row.error(f"mark must be one visible character, found {row['mark']!r}")
        elif row["where"] not in ("start", "end"):
            row.error(f"where must be 'start' or 'end', found {row['where']!r}")
        else:
            marks.add((row["mark"], row["where"]))
    return frozenset(marks)


def note_marks(path: Path, problems: Problems) -> dict[str, str]:
    """rules/note_marks.tsv: a mark OCR reads for a superscript note digit ("!" for 1)."""
    marks = {}
    for row in unique(read_tsv(path, ("mark", "digit", "note"), problems), lambda r: r["mark"], "mark"):
        if len(row["mark"]) != 1 or not (len(row["digit"]) == 1 and row["digit"].isdigit()):
            row.error(f"'mark' must be one character and 'digit' one digit, found {row['mark']!r} -> {row['digit']!r}")
            continue
        marks[row["mark"]] = row["digit"]
    return marks


def hyphen_prefixes(path: Path, problems: Problems) -> tuple[HyphenRule, ...]:
    """rules/hyphen_prefixes.tsv: line-end hyphens that belong to the word (self-, twenty-six)."""
    rules = []
    rows = unique(read_tsv(path, ("left", "right", "note"), problems), lambda r: (r["left"], r["right"]), "rule")
    for row in rows:
        if not row["left"]:
            row.error("'left' must be a pattern for the part before the hyphen, found nothing")
            continue
        left = compile_pattern(row, "left")
        right = compile_pattern(row, "right") if row["right"] else None
        if left is not None and (right is not None or not row["right"]):
            rules.append(HyphenRule(left, right, row["note"], row.source))
    return tuple(rules)


def word_list(path: Path, problems: Problems) -> frozenset[str]:
    """rules/lexicon.txt: one word per line; ``#`` starts a comment; a repeated word is reported."""
    text = read_text(path, problems)
    words: dict[str, int] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        word = raw.split("#", 1)[0].strip()
        if len(word.split()) > 1:
            problems.add(path, number, f"one word per line, found {word!r}")
        elif word in words:
            problems.add(path, number, f"duplicate word {word!r}: already on line {words[word]}")
        elif word:
            words[word] = number
    return frozenset(words)


def ocr_confusions(path: Path, problems: Problems) -> tuple[tuple[str, str], ...]:
    """rules/ocr_confusions.tsv: (seen, meant) character confusions ("rn" read for "m")."""
    pairs = []
    rows = unique(read_tsv(path, ("seen", "meant", "note"), problems), lambda r: (r["seen"], r["meant"]), "confusion")
    for row in rows:
        seen, meant = row["seen"], row["meant"]
        if not seen or not meant or seen == meant or " " in seen + meant:
            row.error(f"seen and meant must be two different strings without spaces, found {seen!r} -> {meant!r}")
            continue
        pairs.append((seen, meant))
    return tuple(pairs)


def scannos(path: Path, problems: Problems) -> tuple[Scanno, ...]:
    """rules/scannos.tsv: context rules for misreads that are real words, and fixed punctuation misreads."""
    rules = []
    rows = unique(read_tsv(path, ("name", "pattern", "replacement", "note"), problems), lambda r: r["pattern"], "pattern")
    for row in rows:
        if not regex.fullmatch(r"[a-z][a-z0-9_]*", row["name"]):
            row.error(f"name must be a lower-case identifier, found {row['name']!r}")
            continue
        pattern = compile_pattern(row)
        if pattern is None:
            continue
        bad = [number or name for number, name in regex.findall(r"\\(\d+)|\\g<(\w+)>", row["replacement"])
               if not (number and int(number) <= pattern.groups or name and name in pattern.groupindex)]
        if bad:
            row.error(f"replacement refers to group {bad[0]!r}, which the pattern lacks")
            continue
        rules.append(Scanno(row["name"], pattern, row["replacement"], row["note"], row.source))
    return tuple(rules)


def editorial_spelling(path: Path, problems: Problems) -> Spelling:
    """rules/editorial_spelling.tsv: British -> American words and suffixes, for the archive check only."""
    words, suffixes, pair_suffixes = {}, [], []
    for row in unique(read_tsv(path, ("british", "american", "note"), problems), lambda r: r["british"].strip(), "spelling"):
        british, american = row["british"].strip(), row["american"].strip()
        kind = british[:1] if british[:1] in "-~" else ""
        if american[:1] != kind and (kind or american[:1] in "-~") or not british.strip("-~") or not american.strip("-~"):
            row.error("both columns must be words, or both suffixes starting with '-' (or '~')")
        elif kind == "-":
            suffixes.append((british[1:], american[1:]))
        elif kind == "~":
            pair_suffixes.append((british[1:], american[1:]))
        else:
            words[british] = american
    longest = lambda rules: tuple(sorted(rules, key=lambda s: -len(s[0])))  # noqa: E731
    return Spelling(words, longest(suffixes), longest(pair_suffixes))


def real_word_confusions(path: Path, problems: Problems) -> frozenset[tuple[str, str]]:
    """rules/real_word_confusions.tsv: (word, misread as) pairs, lower case, for classing archive differences."""
    rows = read_tsv(path, ("word", "misread_as", "note"), problems)
    rows = unique(rows, lambda r: (r["word"].lower(), r["misread_as"].lower()), "pair")
    return frozenset((row["word"].lower(), row["misread_as"].lower()) for row in rows)


DECISIONS = ("accept", "reject", "edit")


def review_decisions(path: Path, problems: Problems) -> tuple[Decision, ...]:
    """rules/review_decisions.tsv: a reviewer's answer to a review.tsv row (book; stage, line, token as there)."""
    decisions = []
    columns = ("book", "stage", "line", "token", "decision", "text", "note")
    key = lambda r: (r["book"], r["stage"], r["line"], r["token"])  # noqa: E731
    for row in unique(read_tsv(path, columns, problems), key, "decision for this row"):
        if not row["book"].strip():
            row.error("book must name the book (its raw file without .txt), found nothing")
        elif not regex.fullmatch(r"[a-z][a-z_]*", row["stage"]):
            row.error(f"stage must be a stage name as review.tsv gives it, found {row['stage']!r}")
        elif not row["line"].isdigit() or int(row["line"]) < 1:
            row.error(f"line must be a raw line number (a positive whole number), found {row['line']!r}")
        elif not row["token"].strip():
            row.error("token must be the token column of the review.tsv row, found nothing")
        elif row["decision"] not in DECISIONS:
            row.error(f"decision must be one of {', '.join(DECISIONS)}, found {row['decision']!r}")
        elif row["decision"] == "edit" and not row["text"].strip():
            row.error("an 'edit' decision needs the right text in the 'text' column")
        elif row["decision"] == "reject" and row["text"].strip():
            row.error("a 'reject' decision keeps the text as printed: leave 'text' empty (or use 'edit')")
        else:
            decisions.append(Decision(row["book"].strip(), row["stage"], int(row["line"]), row["token"], row["decision"], row["text"].strip(), row["note"], row.source))
    return tuple(decisions)


BOOK_RULES: dict[str, dict[str, type]] = {
    "split_documents": {"back_matter_line": int},
    "metadata": {"title": str, "subtitle": str},
}
"""What a rules/<book>.toml may say: section -> key -> type. Anything else is a mistake (a misspelt key would be ignored)."""


def book_rules(path: Path, problems: Problems) -> dict[str, Any]:
    """rules/<book>.toml: refinements for one book, checked against :data:`BOOK_RULES`."""
    text = read_text(path, problems)
    if text is None:
        return {}
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = regex.search(r"line (\d+)", str(exc))
        problems.add(path, int(line[1]) if line else 1, f"not valid TOML: {exc}")
        return {}
    lines = text.splitlines()

    def line_of(key: str) -> int:
        return next((n for n, raw in enumerate(lines, start=1) if regex.match(rf"\s*\[?\s*{regex.escape(key)}\b", raw)), 1)

    for section, values in data.items():
        known = BOOK_RULES.get(section)
        if known is None or not isinstance(values, Mapping):
            problems.add(path, line_of(section), f"unknown section [{section}]; known: {', '.join(f'[{s}]' for s in BOOK_RULES)}")
            continue
        for key, value in values.items():
            if key not in known:
                problems.add(path, line_of(key), f"unknown key {key!r} in [{section}]; known: {', '.join(known)}")
            elif not isinstance(value, known[key]) or isinstance(value, bool):
                problems.add(path, line_of(key), f"{key} must be {known[key].__name__}, found {value!r}")
    return data


def archive_texts(folder: Path, problems: Problems) -> dict[str, str]:
    """raw/archive/*.txt, by file name; no folder means no archive. Files must be UTF-8 text."""
    texts = {}
    for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
        try:
            data = path.read_bytes()
            texts[path.name] = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.add(path, text_line_of(data, exc.start), "not valid UTF-8")
        except OSError as exc:
            problems.add(path, 1, f"cannot be read: {exc.strerror or exc}")
    return texts


def archive_words(texts: Mapping[str, str]) -> frozenset[str]:
    """Every word form of the archive transcriptions."""
    return frozenset(word_counts(texts.values()))
