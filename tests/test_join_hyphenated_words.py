"""join_hyphenated_words: the hand-checked hyphen table of the whole book, small cut texts, properties."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import through, BOOK, read_table, stages_after
from pipeline.config import Config, HyphenRule
from pipeline.rules import load_config
from pipeline.locations import RULES_DIR
from pipeline.model import Book, Paragraph
from pipeline.stages import run_stages
from pipeline.changelog.replay import replay
from pipeline.rules import RulesError
from pipeline.stages.join_hyphenated_words import MARKS, STAGE, join_hyphenated_words, split_at

TRUTH = read_table("hyphens.tsv")
RULES = {"book_joined", "book_hyphenated", "capitalised", "rules", "dictionary_joined", "book_prefix",
         "dictionary_parts", "default_join"}


@pytest.fixture(scope="module")
def joined(cleaned):
    """The book after ``join_hyphenated_words``."""
    return through(cleaned, STAGE)


def paragraph(*lines: str) -> Paragraph:
    """A paragraph of printed lines joined by a space, as rebuild_paragraphs makes it."""
    starts = [sum(len(line) + 1 for line in lines[:i]) for i in range(len(lines))]
    return Paragraph(" ".join(lines), tuple(range(1, len(lines) + 1)), tuple(starts), (1,) * len(lines))


def run(*lines: str, config: Config = Config()) -> tuple[str, list, Book]:
    book, changes = join_hyphenated_words(Book("cut", (), paragraphs=(paragraph(*lines),)), config)
    return book.paragraphs[0].text, changes, book


def outcomes(before: str) -> set[str]:
    """What a change may make of "left<mark> right": the word closed up or with a plain hyphen."""
    return {regex.sub(f"[{MARKS}] ", "", before), regex.sub(f"[{MARKS}] ", "-", before)}


def fragments_left(book: Book) -> list[tuple[int, str]]:
    """(raw line, text) of every line start still preceded by a hyphen mark and a space."""
    return [
        (p.lines[i], p.text[max(0, start - 20) : start + 10])
        for p in book.paragraphs
        for i, start in enumerate(p.starts)
        if i and start >= 3 and p.text[start - 2] in MARKS and p.text[start - 1] == " " and p.text[start - 3].isalnum()
    ]


# --- the whole book ---------------------------------------------------------------------------------


@pytest.mark.parametrize("row", TRUTH, ids=lambda row: f"{row['raw_line']}-{row['expected']}")
def test_join_hyphenated_words_matches_the_hand_checked_table(row, joined):
    line = int(row["raw_line"])
    change = next(c for c in joined.changes if c.stage == STAGE and c.line == line)
    assert (change.before, change.after) == (f"{row['left']} {row['right']}", row["expected"])
    p = next(p for p in joined.book.paragraphs if line in p.lines)
    offset = p.starts[p.lines.index(line)] + change.column
    assert p.text[offset:].startswith(row["expected"]), (change, p.text[offset : offset + 40])


def test_join_hyphenated_words_leaves_only_reviewed_fragments(joined):
    reviewed = {(r.line, r.token) for r in joined.book.review if r.stage == STAGE}
    assert reviewed >= {(7788, "Con- 13-14,")}
    left = fragments_left(joined.book)
    # an index line "13-14," set between "Con-" and "gress" (the speck in "secre- ' tary." is a stray mark now)
    assert [line for line, _ in left] == [7791]


def test_join_hyphenated_words_logs_the_evidence_of_every_decision(joined, through_paragraphs):
    changes = [c for c in joined.changes if c.stage == STAGE]
    splits = [s for p in through_paragraphs.book.paragraphs for at in p.starts[1:] if (s := split_at(p.text, at))]
    assert len(changes) == len(splits) - 1 == 875  # all but "Con- 13-14, gress", where no word follows
    assert {c.rule for c in changes} <= RULES
    assert all(c.evidence and c.after in outcomes(c.before) for c in changes)


def test_join_hyphenated_words_change_log_replays_to_the_text(joined):
    raw = BOOK.read_text(encoding="utf-8").split("\n")
    groups = [p.lines for p in joined.book.paragraphs]
    assert replay(raw, joined.changes, groups) == [p.text for p in joined.book.paragraphs]


# --- cut texts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines, text, rule",
    [
        (("the first anticapi-", "talist revolution"), "the first anticapitalist revolution", "dictionary_joined"),
        (("the Work-", "ers’ state"), "the Workers’ state", "dictionary_joined"),
        (("the East¬", "ern front"), "the Eastern front", "dictionary_joined"),
        (("the East\u00ad", "ern front"), "the Eastern front", "dictionary_joined"),
        (("the Russo-", "Polish war"), "the Russo-Polish war", "capitalised"),
        (("a well-", "defined task"), "a well-defined task", "dictionary_parts"),
        (("the neigh-", "boring republics"), "the neighboring republics", "dictionary_joined"),
        (("a hold-", "over from tsarism"), "a holdover from tsarism", "dictionary_joined"),
    ],
)
def test_join_hyphenated_words_decides_without_the_book(lines, text, rule):
    out, changes, _ = run(*lines)
    assert out == text
    assert [c.rule for c in changes] == [rule]


@pytest.mark.parametrize(
    "lines, text, rule",
    [
        (("the foreign-", "trade monopoly; the foreign-trade monopoly"),
         "the foreign-trade monopoly; the foreign-trade monopoly", "book_hyphenated"),
        (("a Path-", "finder book from Pathfinder"), "a Pathfinder book from Pathfinder", "book_joined"),
        (("semi-", "harmful, semihumorous and semiconscious"), "semiharmful, semihumorous and semiconscious", "book_prefix"),
        (("strike-", "breakers and strike-busters and strike-leaders"),
         "strike-breakers and strike-busters and strike-leaders", "book_prefix"),
        (("hold-", "over, hold-over and holdover and holdover"), "holdover, hold-over and holdover and holdover", "book_joined"),
    ],
)
def test_join_hyphenated_words_follows_the_books_usage(lines, text, rule):
    out, changes, _ = run(*lines)
    assert out == text
    assert changes[0].rule == rule


def test_join_hyphenated_words_does_not_count_other_line_end_splits():
    out, changes, _ = run("the strike-", "breakers and the strike-", "breakers again")
    assert out == "the strike-breakers and the strike-breakers again"
    assert {c.rule for c in changes} == {"dictionary_parts"}


def test_join_hyphenated_words_leaves_mid_line_hyphens():
    out, changes, _ = run("East- and West-European", "states and the East-", "ern front")
    assert out == "East- and West-European states and the Eastern front"
    assert len(changes) == 1


@pytest.mark.parametrize(
    "lines, text",
    [
        (("forty-", "six delegates"), "forty-six delegates"),
        (("one-", "fourteenth of it"), "one-fourteenth of it"),
        (("pp. 712-", "18)."), "pp. 712-18)."),
        (("self-", "education and self-"), "self-education and self-"),
        (("self-", "lessly"), "selflessly"),
    ],
)
def test_join_hyphenated_words_applies_the_rules_file(lines, text):
    assert run(*lines, config=load_config())[0] == text


def test_join_hyphenated_words_rule_row_is_named_in_the_evidence():
    rule = HyphenRule(regex.compile("twenty"), regex.compile("six"), "compound numbers", "rules/hyphen_prefixes.tsv:9")
    _, changes, _ = run("twenty-", "six", config=Config(hyphen_prefixes=(rule,)))
    assert (changes[0].rule, changes[0].evidence) == ("rules", "rules/hyphen_prefixes.tsv:9: compound numbers")


def test_join_hyphenated_words_reviews_an_undecided_join():
    out, changes, book = run("it is hardly men-", "tionable here")
    assert out == "it is hardly mentionable here"
    (item,) = book.review
    assert (item.stage, item.line, item.token, item.candidates) == (STAGE, 1, "men- tionable", ("mentionable", "men-tionable"))
    assert item.context == "it is hardly mentionable here"  # the text as it ends up
    assert changes[0].rule == "default_join"


@pytest.mark.parametrize("lines", [("Thirteenth Con-", "13-14, gress of"), ("general secre-", "' tary.")])
def test_join_hyphenated_words_leaves_a_continuation_that_is_not_a_word(lines):
    out, changes, book = run(*lines)
    assert out == " ".join(lines) and changes == []
    assert len(book.review) == 1 and book.review[0].candidates == ()
    again, _ = join_hyphenated_words(book, Config())
    assert again.review == book.review


def test_join_hyphenated_words_locates_each_change_in_the_text_it_edits():
    _, changes, _ = run("a self-", "criticism of anticapi-", "talist rule")
    assert [(c.line, c.column, c.before, c.after) for c in changes] == [
        (1, 2, "self- criticism", "self-criticism"),
        (2, 4, "anticapi- talist", "anticapitalist"),  # line 2 now starts after "self-criticism"
    ]


def test_join_hyphenated_words_rules_file_errors_name_file_and_line(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / "hyphen_prefixes.tsv").write_text("left\tright\tnote\n\tsix\tno left part\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"hyphen_prefixes.tsv:2: 'left' must be a pattern"):
        load_config(rules)


# --- properties -------------------------------------------------------------------------------------

WORDS = ["the", "Eastern", "self-criticism", "Workers’", "anticapitalist", "Ordzhonikidze", "foreign-trade",
         "well-defined", "twenty-six", "Russo-Polish", "mentionable", "neighboring", "semihumorous", "1922", "pp."]


@st.composite
def split_paragraph(draw) -> Paragraph:
    """Words set in lines, some line ends splitting a word with one of the hyphen marks."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=30))
    lines: list[str] = [words[0]]
    for word in words[1:]:
        how = draw(st.sampled_from(["same", "new", "split"]))
        if how == "split" and len(word) > 3:
            cut = draw(st.integers(1, len(word) - 1))
            lines[-1] += f" {word[:cut]}{draw(st.sampled_from(MARKS))}"
            lines.append(word[cut:])
        elif how == "new":
            lines.append(word)
        else:
            lines[-1] += f" {word}"
    return paragraph(*lines)


def letters(text: str) -> Counter[str]:
    return Counter(ch for ch in text if ch not in MARKS and not ch.isspace())


@settings(max_examples=200, deadline=None)
@given(st.lists(split_paragraph(), min_size=1, max_size=4))
def test_join_hyphenated_words_is_idempotent_and_loses_no_letter(paragraphs):
    book = Book("generated", (), paragraphs=tuple(paragraphs))
    once, changes = join_hyphenated_words(book, Config())
    for before, after in zip(book.paragraphs, once.paragraphs):
        assert letters(after.text) == letters(before.text)
    again, more = join_hyphenated_words(once, Config())
    assert more == [] and again == once
    assert all(c.after in outcomes(c.before) for c in changes)
