"""Where a project keeps its folders: the one place that knows the default layout.

The defaults are the folders beside this package (``raw/``, ``clean/``,
``rules/``, ``raw/archive/``), so ``python -m pipeline run`` works from any
working directory; every command takes options to point elsewhere.
"""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
RAW_DIR = PROJECT / "raw"
RAW_GLOB = str(RAW_DIR / "*.txt")
CLEAN_DIR = PROJECT / "clean"
RULES_DIR = PROJECT / "rules"
ARCHIVE_DIR = RAW_DIR / "archive"
CACHE_DIR = PROJECT / ".cache"
"""Built indexes (the SymSpell dictionary); gitignored, rebuilt when missing."""
PREFECT_HOME = PROJECT / ".prefect"
"""Prefect's database, our server's pid, state and log files, unless ``$PREFECT_HOME`` says otherwise."""
