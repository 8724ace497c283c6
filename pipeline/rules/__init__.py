"""Rules are data: the files of rules/ (and the archive transcriptions) read into one :class:`Config`.

:func:`load_config` reads every file before the first stage runs and
reports every problem of the folder in one :class:`RulesError`, one
``rules/FILE:LINE: what is wrong`` line each: malformed rows, bad patterns,
repeated keys, unknown keys in a ``<book>.toml``, missing, binary or
non-UTF-8 files, and files nobody reads (a misspelt file name).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.locations import ARCHIVE_DIR, RULES_DIR
from pipeline.rules.tsv import Problems, RulesError, read_tsv

if TYPE_CHECKING:
    from pipeline.config import Config

FILES = {
    "folio_digits.tsv": ("folio_digits", "folio_digits"),
    "lines.tsv": ("line_rules", "line_rules"),
    "stray_marks.tsv": ("stray_marks", "stray_marks"),
    "note_marks.tsv": ("note_marks", "note_marks"),
    "hyphen_prefixes.tsv": ("hyphen_prefixes", "hyphen_prefixes"),
    "lexicon.txt": ("lexicon_words", "word_list"),
    "ocr_confusions.tsv": ("ocr_confusions", "ocr_confusions"),
    "scannos.tsv": ("scannos", "scannos"),
    "editorial_spelling.tsv": ("spelling", "editorial_spelling"),
    "real_word_confusions.tsv": ("real_word_confusions", "real_word_confusions"),
    "review_decisions.tsv": ("review_decisions", "review_decisions"),
}
"""Each rules file, the Config field it fills, and its reader in :mod:`pipeline.rules.specs`. ``<book>.toml``
files come on top. Names, not functions: importing this package (for :class:`RulesError`, as a cached
rerun does) does not import the readers, the patterns they compile or :class:`~pipeline.config.Config`."""


def load_config(rules_dir: Path = RULES_DIR, archive_dir: Path | None = ARCHIVE_DIR) -> Config:
    """Read rules/ and the archive into a Config; raise one RulesError naming every problem.

    ``archive_dir=None`` means no archive (no check, no archive words).
    """
    from pipeline.config import Config
    from pipeline.rules import specs

    rules_dir = Path(rules_dir)
    problems = Problems()
    if not rules_dir.is_dir():
        problems.add(rules_dir, 1, "the rules folder does not exist" if not rules_dir.exists() else "is not a folder")
        problems.raise_any()
    fields = {field: getattr(specs, read)(rules_dir / name, problems) for name, (field, read) in FILES.items()}
    for path in sorted(rules_dir.iterdir()):
        if path.name in FILES or path.name.startswith(".") or path.suffix == ".toml" or path.name.lower().startswith("readme"):
            continue
        problems.add(path, 1, f"not a rules file this pipeline reads (it reads {', '.join(FILES)} and <book>.toml)")
    book_rules = {path.stem: specs.book_rules(path, problems) for path in sorted(rules_dir.glob("*.toml"))}
    archive = specs.archive_texts(Path(archive_dir), problems) if archive_dir is not None else {}
    problems.raise_any()
    return Config(**fields, book_rules=book_rules, archive=archive, archive_words=specs.archive_words(archive))


__all__ = ["FILES", "RulesError", "load_config", "read_tsv"]
