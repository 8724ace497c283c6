"""Malformed rules files are reported as rules/FILE:LINE: problem."""

from __future__ import annotations

import shutil

import pytest

from pipeline.rules import load_config
from pipeline.locations import RULES_DIR
from pipeline.rules import RulesError


@pytest.fixture
def rules_copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


@pytest.mark.parametrize(
    "file, text, line, message",
    [
        ("lines.tsv", "action\tpattern\tnote\ndrop\t^(unclosed\tbad\n", 2, "bad regular expression"),
        ("lines.tsv", "action\tpattern\tnote\nremove\tx\tnote\n", 2, "action must be 'drop' or 'keep'"),
        ("lines.tsv", "# c\naction\tpattern\tnote\ndrop\tx\n", 3, "expected 3 tab-separated columns"),
        ("folio_digits.tsv", "seen\tdigit\tnote\nTT\t7\tx\n", 2, "'seen' must be one character"),
        ("folio_digits.tsv", "seen digit note\n", 1, "header must be"),
        ("stray_marks.tsv", "mark\twhere\tnote\n_\tmiddle\tx\n", 2, "where must be 'start' or 'end'"),
        ("stray_marks.tsv", "", 1, "no header row"),
    ],
)
def test_rules_errors_name_file_and_line(rules_copy, file, text, line, message):
    (rules_copy / file).write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as error:
        load_config(rules_copy)
    assert error.value.line == line
    assert f"{file}:{line}: " in str(error.value)
    assert message in str(error.value)


def test_rules_not_utf8_is_reported_with_its_line(rules_copy):
    (rules_copy / "lines.tsv").write_bytes(b"action\tpattern\tnote\ndrop\tcaf\xe9\tx\n")
    with pytest.raises(RulesError, match=r"lines.tsv:2: not valid UTF-8"):
        load_config(rules_copy)


def test_rules_shipped_files_load(config):
    assert config.folio_digits["T"] == "7"
    assert ("_", "start") in config.stray_marks
