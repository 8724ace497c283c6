"""What a run was asked to do, in one frozen object the CLI, the batch, the cache and the flow share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.locations import ARCHIVE_DIR, CLEAN_DIR, RULES_DIR
from pipeline.stages import check_skip


@dataclass(frozen=True, slots=True)
class RunOptions:
    """The options of a run, checked and made absolute on creation.

    - ``out``: each book goes to ``out/<book>/``; default clean/.
    - ``rules``: the rules folder; default rules/.
    - ``archive``: the archive transcriptions (evidence and yardstick);
      default raw/archive/; None for none.
    - ``skip``: stages not to run (names of :data:`pipeline.stages.STAGES`).
    - ``force``: clean every book again even if its cache key is unchanged.

    >>> RunOptions(skip=("nope",))
    Traceback (most recent call last):
    ...
    ValueError: unknown stage 'nope'; stages are: repair_unicode, remove_page_furniture, rebuild_paragraphs, join_hyphenated_words, correct_ocr_words, repair_punctuation, split_documents, apply_review_decisions
    """

    out: Path = CLEAN_DIR
    rules: Path = RULES_DIR
    archive: Path | None = ARCHIVE_DIR
    skip: tuple[str, ...] = field(default=())
    force: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "skip", tuple(dict.fromkeys(check_skip(self.skip))))
        object.__setattr__(self, "out", Path(self.out).absolute())
        object.__setattr__(self, "rules", Path(self.rules).absolute())
        if self.archive is not None:
            object.__setattr__(self, "archive", Path(self.archive).absolute())
