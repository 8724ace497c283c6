"""Fault injection: every case of tests/data/fault_cases.tsv through the real CLI, and what must hold after it.

Each case runs ``python -m pipeline run --no-prefect`` in a forked child of
the test process (the CLI's own code, with the imports and the loaded
dictionaries shared, so 80 runs take seconds, not minutes). A child can be
killed with SIGKILL at a chosen checkpoint of the write phase (every write,
rename, exchange and deletion in :mod:`pipeline.run.publish`), given a file
size limit (a full disk), or paused at a checkpoint while a second run
starts. After each case: the exit code and message of the table, the book's
folder holding its earlier output or a complete new one, nothing outside
the book's folder changed, and the next run repairing or saying "cached"
truthfully.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import resource
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import PROJECT, read_table
from pipeline.reader import book_name
from pipeline.run.names import output_folder

CASES = {row["case"]: row for row in read_table("fault_cases.tsv")}
TEXT = "A Letter\n\nDear comrades, this text was typed, not scanned.\nIt has no page numbers and no running heads.\n"
TEXT_V2 = TEXT + "\nA second paragraph, added later, so the output changes.\n"


@dataclass
class Run:
    code: int
    out: str
    err: str
    checkpoints: int

    @property
    def text(self) -> str:
        return self.out + self.err


def cli(tmp: Path, *args: str, kill_at: int | None = None, fsize: int | None = None,
        pause_at: int | None = None, release: Path | None = None, wait: bool = True):
    """``run --no-prefect ARGS`` in a forked child; returns a Run, or the child's pid when ``wait`` is False."""
    tag = f"{time.monotonic_ns()}"
    out_path, err_path, count_path = (tmp / f".run-{tag}.{n}" for n in ("out", "err", "count"))
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 70
        try:
            sys.stdout = open(out_path, "w", encoding="utf-8")
            sys.stderr = open(err_path, "w", encoding="utf-8")
            os.dup2(sys.stderr.fileno(), 2)
            if fsize is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
            count = _instrument(kill_at, pause_at, release, count_path)
            from pipeline.cli import app

            try:
                returned = app(["run", "--no-prefect", *args], standalone_mode=False)
                code = returned if isinstance(returned, int) else 0  # click returns the code of its Exit
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except Exception as exc:  # click's own exceptions carry an exit code
                code = getattr(exc, "exit_code", 1)
                print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
            count_path.write_text(str(count()))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    if not wait:
        return pid, out_path, err_path, count_path
    return collect(pid, out_path, err_path, count_path)


def collect(pid, out_path, err_path, count_path) -> Run:
    _, status = os.waitpid(pid, 0)
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    texts = [p.read_text(encoding="utf-8", errors="replace") if p.exists() else "" for p in (out_path, err_path)]
    checkpoints = int(count_path.read_text()) if count_path.exists() else -1
    for p in (out_path, err_path, count_path):
        p.unlink(missing_ok=True)
    return Run(code, *texts, checkpoints)


def _instrument(kill_at, pause_at, release, count_path):
    """Count the write phase's checkpoints; SIGKILL at ``kill_at``, wait for ``release`` at ``pause_at``."""
    from pipeline.edition import as_text
    from pipeline.run import publish

    seen = [0]

    def checkpoint() -> None:
        seen[0] += 1
        count_path.write_text(str(seen[0]))
        if seen[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if seen[0] == pause_at:
            while not release.exists():
                time.sleep(0.05)

    write, rename, exchange, rmtree = publish._write, os.rename, publish._exchange, shutil.rmtree

    def half_then_whole(path, render):
        text = as_text(render)
        checkpoint()
        write(path, lambda put: put(text[: len(text) // 2]))
        checkpoint()
        write(path, render)

    def counted(function):
        def wrapper(*args, **kwargs):
            checkpoint()
            return function(*args, **kwargs)
        return wrapper

    publish._write = half_then_whole
    os.rename = counted(rename)
    publish._exchange = counted(exchange)
    shutil.rmtree = counted(rmtree)
    return lambda: seen[0]


def tree(root: Path, leave_out: tuple[Path, ...] = ()) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> bytes), except the run's scratch files and ``leave_out``."""
    files = {}
    for path in sorted(root.rglob("*")):
        if path.name.startswith(".run-") or any(path == p or p in path.parents for p in leave_out):
            continue
        if path.is_file() and not path.is_symlink():
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


@pytest.fixture(scope="module", autouse=True)
def warm(config):
    """Load the dictionaries and the CLI once here, so every forked run starts warm (as a second run would)."""
    import pipeline.cli  # noqa: F401
    from pipeline.model import Book, Line
    from pipeline.stages import run_stages

    run_stages(Book("warm", tuple(Line(n, t) for n, t in enumerate(TEXT.splitlines(), 1))), config)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The book's complete output for TEXT ("old") and for TEXT_V2 ("new"), made once and copied into each test."""
    base = tmp_path_factory.mktemp("made")
    (base / "raw").mkdir()
    shutil.copytree(PROJECT / "rules", base / "rules")
    folders = {}
    for version, text in (("old", TEXT), ("new", TEXT_V2)):
        good(base, text=text)
        run = cli(base, str(base / "raw" / "book.txt"), "--out", str(base / version), "--rules", str(base / "rules"))
        assert run.code == 0, run.text
        folders[version] = (base / version / "book", run.checkpoints)
    return folders


@pytest.fixture
def place(tmp_path, made):
    """A temporary project: raw/, an output folder clean/, a copy of the rules, and ``install``."""
    (tmp_path / "raw").mkdir()
    shutil.copytree(PROJECT / "rules", tmp_path / "rules")
    return tmp_path


def install(place: Path, made, version: str) -> Path:
    """Put the book's raw file and its complete output of ``version`` in place, as a run would have left them."""
    raw = good(place, text=TEXT if version == "old" else TEXT_V2)
    shutil.copytree(made[version][0], place / "clean" / "book")
    return raw


def good(place: Path, name: str = "book.txt", text: str = TEXT) -> Path:
    path = place / "raw" / name
    path.write_text(text, encoding="utf-8")
    return path


def run_case(place: Path, *paths: str | Path, extra: tuple[str, ...] = (), **options) -> Run:
    return cli(place, *(str(p) for p in paths), "--out", str(place / "clean"), "--rules", str(place / "rules"),
               *extra, **options)


# --- setups: each prepares the case and returns the raw paths to give the CLI -------------------------------


def raw_bytes(data: bytes):
    def setup(place):
        path = place / "raw" / "book.txt"
        path.write_bytes(data)
        return [path]
    return setup


def named(name: str):
    def setup(place):
        return [good(place, name)]
    return setup


def _folder_setup(place):
    path = place / "raw" / "book.txt.d"
    path.mkdir()
    return [path]


def _broken_link(place):
    link = place / "raw" / "book.txt"
    link.symlink_to(place / "nowhere.txt")
    return [link]


def _fifo(place):
    path = place / "raw" / "book.txt"
    os.mkfifo(path)
    return [path]


def _symlink(place):
    elsewhere = place / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "source.txt"
    target.write_text(TEXT, encoding="utf-8")
    (place / "raw" / "book.txt").symlink_to(target)
    return [place / "raw" / "book.txt"]


def _huge(place):
    path = place / "raw" / "book.txt"
    with open(path, "wb") as handle:
        handle.truncate(100_000_000)
    return [path]


def _same_stem(place):
    for folder in ("x", "y"):
        (place / "raw" / folder).mkdir()
        good(place, f"{folder}/book.txt")
    return [place / "raw" / "x" / "book.txt", place / "raw" / "y" / "book.txt"]


def _case_only(place):
    return [good(place, "book.txt"), good(place, "Book.txt", TEXT_V2)]


def _dots_pair(place):
    return [good(place, "...txt"), good(place, "..txt", TEXT_V2)]


def _same_twice(place):
    path = good(place)
    return [path, place / "raw" / "." / "book.txt"]


def _via_link(place):
    path = good(place)
    (place / "raw" / "link.txt").symlink_to(path)
    return [path, place / "raw" / "link.txt"]


RAW_SETUPS = {
    "empty": raw_bytes(b""),
    "blank": raw_bytes(b"  \n\n \n"),
    "nul_bytes": raw_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)),
    "nul_after_64k": raw_bytes(b"x" * 69_999 + b"\n" + b"\x00tail"),
    "binary_no_nul": raw_bytes(random.Random(7).randbytes(20_000).replace(b"\x00", b"\x01")),
    "gzip": raw_bytes(gzip.compress(TEXT.encode() * 50)),
    "control_heavy": raw_bytes(("word\x1b[0m\x07 " * 400).encode()),
    "utf16_le_bom": raw_bytes(b"\xff\xfe" + TEXT.encode("utf-16-le")),
    "utf16_be_bom": raw_bytes(b"\xfe\xff" + TEXT.encode("utf-16-be")),
    "utf32_bom": raw_bytes(TEXT.encode("utf-32")),
    "utf16_bad": raw_bytes(b"\xff\xfe" + b"\x00\xd8" * 3 + b"A"),
    "utf8_bom": raw_bytes(b"\xef\xbb\xbf" + TEXT.encode()),
    "cp1252": raw_bytes("Lenin’s “testament” — 1922\n".encode("cp1252") + TEXT.encode()),
    "latin1": raw_bytes(b"caf\xe9 \x81 " + TEXT.encode()),
    "form_feeds": raw_bytes(TEXT.replace("\n\n", "\n\x0c\n").encode()),
    "crlf": raw_bytes(TEXT.replace("\n", "\r\n").encode()),
    "one_long_line": raw_bytes(("word " * 40_000).encode()),
    "folder": _folder_setup,
    "missing": lambda place: [place / "raw" / "book.txt"],
    "broken_symlink": _broken_link,
    "fifo": _fifo,
    "symlink": _symlink,
    "huge": _huge,
    "dots3": named("...txt"),
    "dots2": named("..txt"),
    "dot_txt": named(".txt"),
    "dash": named("-rf.txt"),
    "double_dash": named("--force.txt"),
    "newline": named("a\nb.txt"),
    "backslash": named("a\\b.txt"),
    "long": named("ж" * 120 + ".txt"),
    "unicode": named("Ленин письма.txt"),
    "spaces": named("book   of  letters.txt"),
    "hidden": named(".notes.txt"),
    "workdir": named(".pipeline.txt"),
    "double_ext": named("book.txt.txt"),
    "same_stem": _same_stem,
    "case_only": _case_only,
    "dots_pair": _dots_pair,
    "same_twice": _same_twice,
    "via_link": _via_link,
}


def expect(run: Run, row: dict) -> None:
    assert run.code == int(row["exit"]), run.text[-2000:]
    assert row["message"] in run.text, run.text[-2000:]
    assert "Traceback" not in run.text, run.text[-3000:]


@pytest.mark.parametrize("case", [c for c, r in CASES.items() if r["group"] in ("raw", "name", "collide")])
def test_faults_bad_input(place, made, case):
    """Bad raw files, dangerous names and collisions: message and exit as the table says, nothing lost."""
    row = CASES[case]
    earlier = None
    if row["after"] == "kept":  # an earlier good output of the same book must survive the bad run
        install(place, made, "old")
        earlier = tree(place / "clean" / "book")
        (place / "raw" / "book.txt").unlink()
    paths = RAW_SETUPS[case](place)
    outside = tree(place, (place / "clean",))
    if case == "double_dash":  # a file named like an option, given after `--`
        run = cli(place, "--out", str(place / "clean"), "--rules", str(place / "rules"), "--", *map(str, paths))
    else:
        run = run_case(place, *paths)
    expect(run, row)
    assert tree(place, (place / "clean",)) == outside, "something outside the output folder changed"
    books = [p for p in (place / "clean").iterdir() if not p.name.startswith(".")] if (place / "clean").exists() else []
    if row["after"] == "kept":
        assert tree(place / "clean" / "book") == earlier
    elif row["after"] == "none":
        assert books == []
    else:
        names = {book_name(p) for p in {Path(p).resolve(): p for p in reversed(paths)}.values()}  # one book per file
        assert {p.name for p in books} == names
        for name in names:
            assert name not in ("", ".", "..") and not name.startswith((".", "-"))
            assert (place / "clean" / name / "book.md").is_file()


# --- the book's folder as users find it ----------------------------------------------------------------------


def test_faults_folder_own_notes_survive_a_rewrite(place, made):
    raw = install(place, made, "old")
    notes = place / "clean" / "book" / "my-notes.txt"
    notes.write_text("check page 12\n")
    raw.write_text(TEXT_V2, encoding="utf-8")
    run = run_case(place, raw)
    expect(run, CASES["own_notes"])
    assert notes.read_text() == "check page 12\n"
    assert "second paragraph" in (place / "clean" / "book" / "book.md").read_text()


def test_faults_folder_foreign_folder_is_left_alone(place):
    folder = place / "clean" / "book"
    folder.mkdir(parents=True)
    (folder / "book.md").write_text("someone else's file\n")
    before = tree(place)
    run = run_case(place, good(place))
    expect(run, CASES["foreign_folder"])
    assert tree(place, (place / "clean" / ".pipeline",)) == before | {"raw/book.txt": TEXT.encode()}


def test_faults_folder_legacy_output_loses_only_its_stale_files(place, made):
    raw = install(place, made, "old")
    folder = place / "clean" / "book"
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["outputs"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / ".cache-key").unlink()
    (folder / "07-a-renamed-document.md").write_text("stale\n")
    (folder / "reader.txt").write_text("mine\n")
    run = run_case(place, raw)
    expect(run, CASES["legacy_folder"])
    assert not (folder / "07-a-renamed-document.md").exists() and (folder / "reader.txt").exists()


@pytest.mark.parametrize("case", ["out_is_file", "out_below_file"])
def test_faults_folder_output_that_cannot_be_made(place, case):
    target = place / "not-a-folder"
    target.write_text("x")
    out = target if case == "out_is_file" else target / "clean"
    run = cli(place, str(good(place)), "--out", str(out), "--rules", str(place / "rules"))
    expect(run, CASES[case])
    assert target.read_text() == "x"


def test_faults_folder_leftovers_of_a_killed_run_are_cleaned_up(place, made):
    raw = install(place, made, "old")
    staging = place / "clean" / ".pipeline" / "staging" / "book"
    (staging / "new-deadbeef").mkdir(parents=True)
    (staging / "new-deadbeef" / "book.md").write_text("half")
    run = run_case(place, raw, extra=("--force",))
    expect(run, CASES["staging_leftover"])
    assert not any(staging.iterdir())


def test_faults_folder_a_swap_cut_in_half_is_restored(place, made):
    raw = install(place, made, "old")
    folder = place / "clean" / "book"
    old = tree(folder)
    staging = place / "clean" / ".pipeline" / "staging" / "book"
    staging.mkdir(parents=True, exist_ok=True)
    os.rename(folder, staging / "old-0123456789ab")  # the state between the two renames of the fallback swap
    run = run_case(place, raw)
    expect(run, CASES["swap_leftover"])
    assert ": cached" in run.out and tree(folder) == old


def test_faults_folder_a_dead_run_s_lock_does_not_block(place):
    raw = good(place)
    locks = place / "clean" / ".pipeline" / "locks"
    locks.mkdir(parents=True)
    (locks / "book.lock").write_text("")
    (locks / "book.holder.json").write_text(json.dumps({"pid": 999999, "host": "gone", "started": "", "command": ""}))
    run = run_case(place, raw)
    expect(run, CASES["stale_lock"])
    assert "waiting" not in run.err


# --- killed, full disk, two at once ---------------------------------------------------------------------------


@pytest.fixture
def two_versions(place, made):
    """The book's old output (of TEXT) in place, its raw file now TEXT_V2, and the new output it must become."""
    raw = install(place, made, "old")
    raw.write_text(TEXT_V2, encoding="utf-8")
    return raw, tree(made["old"][0]), tree(made["new"][0]), made["new"][1]


KILLS = sorted(c for c, r in CASES.items() if r["group"] == "kill")


def test_faults_kill_points_cover_the_write_phase(two_versions):
    assert two_versions[3] >= len(KILLS), "fewer checkpoints than kill cases: the write phase is not instrumented"


@pytest.mark.parametrize("case", KILLS)
def test_faults_kill_during_the_write_phase_loses_nothing(place, two_versions, case):
    raw, old, new, checkpoints = two_versions
    index = KILLS.index(case)
    kill_at = 1 + round(index * (checkpoints - 1) / (len(KILLS) - 1))
    outside = tree(place, (place / "clean",))
    run = run_case(place, raw, kill_at=kill_at)
    assert run.code == -signal.SIGKILL, run.text
    found = tree(place / "clean" / "book")
    assert found in (old, new), f"killed at checkpoint {kill_at} of {checkpoints}: a mixed folder"
    assert tree(place, (place / "clean",)) == outside
    again = run_case(place, raw)
    assert again.code == 0, again.text
    assert (": cached" in again.out) == (found == new), again.out  # "cached" only when the new output is in place
    assert tree(place / "clean" / "book") == new
    assert not any((place / "clean" / ".pipeline" / "staging" / "book").iterdir())


def test_faults_disk_full_keeps_the_old_output(place, two_versions):
    raw, old, new, _ = two_versions
    run = run_case(place, raw, fsize=2_000)
    expect(run, CASES["disk_full"])
    assert run.err.count("error:") == 1, run.err
    assert tree(place / "clean" / "book") == old
    assert run_case(place, raw).code == 0 and tree(place / "clean" / "book") == new


def test_faults_disk_full_with_no_earlier_output(place):
    run = run_case(place, good(place), fsize=2_000)
    expect(run, CASES["disk_full_new"])
    assert not (place / "clean" / "book").exists()


def test_faults_disk_full_in_a_batch_fails_one_book_and_goes_on(place):
    """One book too large for the file size limit; a small one is written; the summary ends the run."""
    small = good(place, "a-small.txt")
    big = good(place, "b-big.txt", TEXT + ("Another long paragraph of the letter, written out. " * 1500) + "\n")
    run = run_case(place, small, big, fsize=40_000)
    expect(run, CASES["batch_disk"])
    assert "2 books: 1 cleaned, 0 cached, 1 failed" in run.out
    assert (place / "clean" / "a-small" / "book.md").exists() and not (place / "clean" / "b-big").exists()


def test_faults_two_runs_at_once_never_mix(place, two_versions):
    """The first run pauses inside its write phase; a second, with other options, waits for it, then writes."""
    raw, _, _, _ = two_versions
    release = place / "release"
    first = cli(place, str(raw), "--out", str(place / "clean"), "--rules", str(place / "rules"),
                pause_at=3, release=release, wait=False)
    deadline = time.monotonic() + 60
    while not (place / "clean" / ".pipeline" / "staging" / "book").exists() or not any(
            (place / "clean" / ".pipeline" / "staging" / "book").iterdir()):
        assert time.monotonic() < deadline, "the first run never reached its write phase"
        time.sleep(0.05)
    second = cli(place, str(raw), "--out", str(place / "clean"), "--rules", str(place / "rules"),
                 "--skip", "split_documents", wait=False)
    while "another run is writing" not in second[2].read_text(encoding="utf-8", errors="replace") if second[2].exists() else True:
        assert time.monotonic() < deadline, "the second run did not say it waits"
        time.sleep(0.05)
    release.write_text("go")
    assert collect(*first).code == 0
    done = collect(*second)
    expect(done, CASES["concurrent"])
    assert ": cached" in run_case(place, raw, extra=("--skip", "split_documents")).out
    assert "changed: options" in run_case(place, raw).out


# --- rules ---------------------------------------------------------------------------------------------------

RULES_EDITS = {
    "rules_many": {"lines.tsv": "action\tpattern\tnote\ndrop\t(\tx\nremove\tx\ty\n",
                   "folio_digits.tsv": "seen\tdigit\tnote\nTT\t7\tx\n"},
    "rules_duplicate": {"folio_digits.tsv": "seen\tdigit\tnote\nT\t7\tx\nT\t1\ty\n"},
    "rules_unknown_key": {"lenins-fight-against-stalinism.toml": "[split_documents]\nback_matter_lin = 8382\n"},
    "rules_toml_type": {"lenins-fight-against-stalinism.toml": "[split_documents]\nback_matter_line = \"8382\"\n"},
    "rules_binary": {"stray_marks.tsv": b"\x00\x01\x02binary"},
    "rules_missing": {"note_marks.tsv": None},
    "rules_unknown_file": {"scanos.tsv": "name\tpattern\treplacement\tnote\n"},
}


@pytest.mark.parametrize("case", [c for c, r in CASES.items() if r["group"] == "rules"])
def test_faults_rules_every_problem_reported_before_any_work(place, made, case):
    raw = install(place, made, "old")
    earlier = tree(place / "clean")
    if case == "rules_dir_missing":
        shutil.rmtree(place / "rules")
    for name, content in RULES_EDITS.get(case, {}).items():
        path = place / "rules" / name
        if content is None:
            path.unlink()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    run = run_case(place, raw, extra=("--force",))
    expect(run, CASES[case])
    assert tree(place / "clean") == earlier
    if case == "rules_many":
        assert run.err.count("rules/") >= 3 or run.err.count(".tsv:") >= 3, run.err


def test_faults_table_and_tests_agree():
    """Every case of the table has its setup here, so the table cannot list a case nobody runs."""
    covered = set(RAW_SETUPS) | set(RULES_EDITS) | set(KILLS) | {
        "own_notes", "foreign_folder", "legacy_folder", "out_is_file", "out_below_file", "staging_leftover",
        "swap_leftover", "stale_lock", "disk_full", "disk_full_new", "batch_disk", "concurrent", "rules_dir_missing"}
    assert set(CASES) == covered
    assert len(CASES) >= 78


# --- names as a property ---------------------------------------------------------------------------------------


@settings(max_examples=300, derandomize=True)
@given(st.text(min_size=0, max_size=300))
@example("..")
@example(".")
@example("../../etc/passwd")
@example("-")
@example("\x00")
def test_faults_any_file_name_gives_a_folder_inside_out(stem):
    name = book_name(f"raw/{stem}.txt")
    assert name not in ("", ".", "..") and not name.startswith((".", "-")) and "/" not in name and "\x00" not in name
    assert len(name.encode("utf-8", "surrogatepass")) <= 100
    out = Path("/tmp/out")
    assert output_folder(out, name).parent == out
