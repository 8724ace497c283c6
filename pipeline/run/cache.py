"""Skip a book whose inputs have not changed since its output was written: the cache key.

A book's output is a function of five things: the raw file, the rules, the
archive transcriptions (evidence for OCR correction, the yardstick of the
check), the pipeline (its code and the versions of the packages it runs on)
and the run options (``--skip``). The key is a content hash of each, kept with the
output in ``clean/<book>/.cache-key`` (written into the folder before it is
swapped into place, see :mod:`pipeline.run.publish`, so it can only ever
vouch for a complete output; gitignored: it is local state, and the
committed output must not change when only the code's hash does). A rerun
compares the new key with the stored one, component by component, so it can
say *why* it redoes a book ("changed: rules") or that it skips it ("cached").

Why not Prefect's own task caching: its results live in
``$PREFECT_HOME/storage`` and are never purged, it would cache the book
object rather than the files users read, and it would work only with Prefect;
this key works the same with ``--no-prefect``. Everything here is content
hashes, never modification times, so a ``git checkout`` that rewrites a file
with the same bytes keeps the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from pipeline import __version__
from pipeline.reader import MAX_BYTES
from pipeline.run.names import Job
from pipeline.run.options import RunOptions
from pipeline.run.publish import RECORD
from pipeline.rules import load_config

if TYPE_CHECKING:
    from pipeline.config import Config

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DISTRIBUTION = "ocr-cleanup-pipeline"
NOT_OUTPUT_SHAPING = ("cli/", "__main__.py", "ops/", "changelog/", "run/artifacts.py", "run/batch.py", "run/cache.py",
                      "run/publish.py", "run/workers.py")
"""Code that decides how a run is driven or shown, not what it writes: editing it keeps the cache."""
COMPONENTS = ("raw", "rules", "archive", "pipeline", "options")


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in 1 MB blocks so a large file is never held in memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tree_digest(root: Path, pattern: str = "**/*", leave_out: tuple[str, ...] = ()) -> str:
    """One hash over every file under ``root`` matching ``pattern``: names and contents.

    Names are part of it so a renamed or removed rules file changes the key
    too; ``__pycache__`` and hidden files are left out because they are
    by-products, not inputs, and so is every path starting with one of
    ``leave_out``.
    """
    digest = hashlib.sha256()
    for path in sorted(root.glob(pattern)):
        relative = path.relative_to(root)
        if not path.is_file() or "__pycache__" in relative.parts or any(p.startswith(".") for p in relative.parts):
            continue
        if relative.as_posix().startswith(leave_out):
            continue
        digest.update(relative.as_posix().encode() + b"\0" + file_digest(path).encode() + b"\n")
    return digest.hexdigest()


def dependency_versions() -> str:
    """The installed versions of the packages the pipeline depends on, one ``name==version`` a line.

    An upgraded ftfy or symspellpy can change the output as surely as a code
    change; reading the list from the installed distribution means a
    dependency added later is covered without editing this module.

    Read from the ``NAME-VERSION.dist-info`` folders on ``sys.path``, where
    importlib.metadata finds them too (the first on the path wins), without
    importing it: its e-mail parser and zip support were a tenth of a cached
    rerun. A distribution without such a folder (an ``.egg-info``) is looked
    up through importlib.metadata.
    """
    installed = _dist_info_folders()
    own = installed.get(_normal(DISTRIBUTION))
    if own is not None:
        requirements = _headers(own[1], "Requires-Dist")
    else:
        from importlib import metadata

        try:
            requirements = metadata.requires(DISTRIBUTION) or []
        except metadata.PackageNotFoundError:  # running from a source tree that is not installed
            return ""
    names = sorted({r.split(";")[0].split("[")[0].split("=")[0].split("<")[0].split(">")[0].strip()
                    for r in requirements if "extra ==" not in r})
    return "\n".join(f"{name}=={installed[_normal(name)][0] if _normal(name) in installed else _version(name)}"
                     for name in names)


def _normal(name: str) -> str:
    """A distribution's name as its dist-info folder spells it, lower case: ``prefect-dask`` -> ``prefect_dask``."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _dist_info_folders() -> dict[str, tuple[str, Path]]:
    """Each distribution with a ``NAME-VERSION.dist-info`` folder on ``sys.path``: (version, folder), by normal name."""
    found: dict[str, tuple[str, Path]] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip file, a folder that is gone
            continue
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                dist, version = name.removesuffix(".dist-info").split("-", 1)
                found.setdefault(_normal(dist), (version, Path(entry or ".") / name))
    return found


def _headers(folder: Path, header: str) -> list[str]:
    """The values of one header of a dist-info folder's METADATA (the core metadata puts every header before
    the first blank line)."""
    text = (folder / "METADATA").read_text(encoding="utf-8")
    prefix = header + ":"
    return [line[len(prefix):].strip() for line in text.split("\n\n", 1)[0].splitlines() if line.startswith(prefix)]


def _version(name: str) -> str:
    """``importlib.metadata.version(name)``, or ``missing``: for a distribution no dist-info folder names."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"


def pipeline_digest() -> str:
    """The pipeline's version, a hash of the code that shapes outputs, and the dependency versions.

    The version alone is not enough: it is bumped by hand and a stage edited
    without a bump would otherwise keep serving stale output. The command
    line, the Prefect layer and the run machinery
    (:data:`NOT_OUTPUT_SHAPING`) are left out: editing them changes no output.
    """
    digest = hashlib.sha256()
    digest.update(__version__.encode() + b"\n")
    digest.update(tree_digest(PACKAGE_DIR, "**/*.py", NOT_OUTPUT_SHAPING).encode() + b"\n")
    digest.update(dependency_versions().encode())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def options_digest(skip: Iterable[str]) -> str:
    """The run options that change the output, in a stable form (skipped stages, sorted)."""
    return "skip=" + ",".join(sorted(skip))


@dataclass(frozen=True, slots=True)
class CacheKey:
    """The hash of each input of a book's output, by component (``COMPONENTS``)."""

    raw: str
    rules: str
    archive: str
    pipeline: str
    options: str

    def to_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in COMPONENTS}

    def changed(self, other: CacheKey) -> list[str]:
        """The components whose hash differs from ``other``'s, in ``COMPONENTS`` order."""
        return [name for name in COMPONENTS if getattr(self, name) != getattr(other, name)]


def compute_key(raw_path: Path, options: RunOptions) -> CacheKey:
    """The cache key of cleaning ``raw_path`` with these options; raises OSError if the raw file is unreadable."""
    archive = options.archive
    return CacheKey(
        raw=file_digest(raw_path),
        rules=tree_digest(options.rules),
        archive=tree_digest(archive) if archive is not None and archive.is_dir() else "none",
        pipeline=pipeline_digest(),
        options=options_digest(options.skip),
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a book can be skipped, and the reason to show: ``cached``, ``new``, ``forced``, ``changed: rules``."""

    cached: bool
    reason: str
    key: CacheKey | None
    warnings: tuple[str, ...] = ()


def stored(folder: Path) -> dict | None:
    """The cache record kept in ``folder``, or None if there is none or it is unreadable."""
    try:
        record = json.loads((Path(folder) / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("key"), dict) else None


def record(key: CacheKey | None, files: Iterable[str], warnings: Iterable[str] = ()) -> dict:
    """What is kept with an output: its key, the files the run wrote, and the book's warnings (shown again when cached)."""
    return {"key": key.to_dict() if key else None, "files": sorted(files), "warnings": list(warnings)}


def decide(job: Job, options: RunOptions) -> Verdict:
    """Compare the key of this run with the one stored with the book's output.

    The book is cached only if every component matches and every file the
    last run wrote is still there (someone may have deleted ``book.md``).
    A raw file that cannot be read or is over the reader's size limit gets
    no key: the reader then refuses it with its own message.

    >>> import tempfile; d = Path(tempfile.mkdtemp()); (d / "b.txt").write_text("x"); (d / "rules").mkdir()
    1
    >>> job, options = Job(d / "b.txt", "b", d / "out" / "b"), RunOptions(out=d / "out", rules=d / "rules", archive=None)
    >>> decide(job, options).reason
    'new'
    >>> job.folder.mkdir(parents=True); _ = (job.folder / RECORD).write_text(json.dumps(record(decide(job, options).key, ["book.md"])))
    >>> (job.folder / "book.md").write_text("x") and decide(job, options).reason
    'cached'
    >>> (d / "rules" / "lines.tsv").write_text("action") and decide(job, options).reason
    'changed: rules'
    """
    try:
        if not Path(job.path).is_file():  # a folder, a pipe (reading it would hang): the reader refuses it
            return Verdict(False, "not a file", None)
        if Path(job.path).stat().st_size > MAX_BYTES:  # the reader refuses it; hashing it first would only cost time
            return Verdict(False, "too large", None)
        key = compute_key(Path(job.path), options)
    except OSError:
        return Verdict(False, "unreadable", None)
    if options.force:
        return Verdict(False, "forced", key)
    kept = stored(job.folder)
    if kept is None:
        return Verdict(False, "new", key)
    old = CacheKey(**{name: str(kept["key"].get(name, "")) for name in COMPONENTS})
    changed = key.changed(old)
    if changed:
        return Verdict(False, "changed: " + ", ".join(changed), key)
    missing = [name for name in kept.get("files", []) if not (Path(job.folder) / name).is_file()]
    if missing:
        return Verdict(False, "changed: output missing (" + ", ".join(missing) + ")", key)
    return Verdict(True, "cached", key, tuple(kept.get("warnings", ())))


@lru_cache(maxsize=4)
def _config(rules: str, archive: str | None, digest: tuple[str, str]) -> Config:
    return load_config(Path(rules), Path(archive) if archive else None)


def config_for(options: RunOptions) -> Config:
    """The Config of these options, read once per process while rules/ and the archive hash the same:
    the books of a flow run, or of a worker process, share it."""
    archive = options.archive
    digest = (tree_digest(options.rules),
              tree_digest(archive) if archive is not None and archive.is_dir() else "none")
    return _config(str(options.rules), str(archive) if archive else None, digest)
