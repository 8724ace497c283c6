"""Runs as users watch them: a real Prefect server, the CLI reporting to it, its REST API and its dashboard.

One server (fresh database, temporary PREFECT_HOME, free loopback port) is
shared by the whole module: starting it costs 10-30 s. Tests are skipped
only when that server cannot start, with the server's own words as reason.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import BOOK, PROJECT
from pipeline.ops import server
from pipeline.stages import STAGES

pytestmark = pytest.mark.prefect

SCREENSHOTS = PROJECT / "test-output"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1400,1000", "--virtual-time-budget=15000",
)


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-home")
    fast_scheduler = {"PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5"}  # the default, 60 s, only slows the test
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in fast_scheduler.items():
                patch.setenv(name, value)
            info, _ = server.start(home, server.free_port(), timeout=90)
    except server.ServerError as exc:
        pytest.skip(f"the Prefect server could not start here: {exc}")
    yield info
    assert server.stop(home) is not None
    assert server.status(home) is None


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory) -> Path:
    """Two small books: pages 5-12 of the real one, twice under different names."""
    raw = tmp_path_factory.mktemp("raw")
    cut = "\n".join(BOOK.read_text(encoding="utf-8").split("\n")[182:580]) + "\n"
    for name in ("cut", "cut-two"):
        (raw / f"{name}.txt").write_text(cut, encoding="utf-8")
    return raw


def cli(info: server.ServerInfo, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m pipeline ARGS`` with the server's PREFECT_HOME and no PREFECT_API_URL: it must find the server itself."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = info.home
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def api(info: server.ServerInfo, path: str, body: dict | None = None):
    response = httpx.post(f"{info.api_url}{path}", json=body or {}, timeout=10) if body is not None else \
        httpx.get(f"{info.api_url}{path}", timeout=10)
    response.raise_for_status()
    return response.json()


def wait_for(check, seconds: float = 30.0):
    """Poll until ``check()`` returns something truthy: task-run states reach the server as events, a little later."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


def book_runs(info, name: str) -> list[dict]:
    """The clean-book flow runs of a book (a Dask worker's), newest first: they are named after the book and the time."""
    runs = api(info, "/flow_runs/filter", {"flow_runs": {"name": {"like_": f"{name} "}}, "sort": "START_TIME_DESC"})
    return [r for r in runs if r["name"].startswith(f"{name} 20")]


def book_tasks(info, name: str) -> list[dict]:
    """The task runs of a book in the batch (``clean <book>``), newest first."""
    return api(info, "/task_runs/filter", {"task_runs": {"name": {"any_": [f"clean {name}"]}}, "sort": "EXPECTED_START_TIME_DESC"})


def stage_lines(info, run: dict) -> list[str] | None:
    """The log messages of a book's task run once every stage has its line there ("correct_ocr_words: 12 change(s), ...")."""
    said = [log["message"] for log in api(info, "/logs/filter", {"logs": {"task_run_id": {"any_": [run["id"]]}}})]
    return said if all(any(m.startswith(f"{stage}: ") and "change(s)" in m for m in said) for stage in STAGES) else None


@pytest.fixture(scope="module")
def cleaned(prefect_server, raw_dir, tmp_path_factory):
    """One CLI run of the batch over the cut book, reporting to the server: (CLI result, the book's task run, out dir)."""
    out = tmp_path_factory.mktemp("clean")
    done = cli(prefect_server, "run", str(raw_dir / "cut.txt"), "--out", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    runs = wait_for(lambda: [r for r in book_tasks(prefect_server, "cut") if r["state_type"] == "COMPLETED"])
    assert len(runs) == 1
    return done, runs[0], out


def test_server_status_command_sees_the_server(prefect_server):
    done = cli(prefect_server, "server", "status")
    assert done.returncode == 0 and "healthy" in done.stdout and prefect_server.url in done.stdout


def test_server_start_again_reuses_the_running_server(prefect_server):
    done = cli(prefect_server, "server", "start", "--port", str(prefect_server.port))
    assert done.returncode == 0 and "already running" in done.stdout


def test_server_run_reports_to_it_with_a_task_run_per_book_a_log_line_per_stage_and_artifacts(prefect_server, cleaned):
    done, run, out = cleaned
    assert f"reporting to the Prefect server at {prefect_server.api_url}" in done.stderr
    assert "ephemeral" not in done.stderr
    assert run["state_type"] == "COMPLETED"
    assert not book_runs(prefect_server, "cut")  # no flow run of its own, no task run per step: one task

    said = wait_for(lambda: stage_lines(prefect_server, run))
    assert said, "not every stage has its log line in the book's task run"
    early = [m for m in said if m.startswith("the book started ")]  # sent to its worker before Prefect was imported
    assert len(early) == 1 and float(early[0].split()[3]) > 0 and early[0].endswith("sent to its worker ahead of it")
    artifacts = api(prefect_server, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [run["flow_run_id"]]}}})
    by_key = {a["key"]: a for a in artifacts}
    assert by_key["stats-cut"]["type"] == "markdown" and "paragraphs" in by_key["stats-cut"]["data"]
    assert by_key["clean-raw-summary"]["type"] == "table"
    assert by_key["review-cut"]["type"] == "table"  # the open review rows
    assert by_key["clean-raw-progress"]["type"] == "progress" and by_key["clean-raw-progress"]["data"] == 100.0
    batch_run = api(prefect_server, f"/flow_runs/{run['flow_run_id']}")
    assert batch_run["state_type"] == "COMPLETED" and batch_run["name"].startswith("clean-raw ")
    assert (out / "cut" / "book.md").exists()


def test_server_dashboard_renders_the_flow_run(prefect_server, cleaned, tmp_path):
    """Headless Chromium opens the batch run's dashboard page: the DOM names the run and the book's task; a screenshot is kept."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium); .ci/run installs it when it can")
    _, run, _ = cleaned
    url = f"{prefect_server.url}/runs/flow-run/{run['flow_run_id']}"
    base = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium'}"]
    dom = subprocess.run([*base, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Completed" in dom.stdout and "clean-raw" in dom.stdout and "clean cut" in dom.stdout
    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / "dashboard-flow-run.png"
    shot.unlink(missing_ok=True)
    done = subprocess.run([*base, f"--screenshot={shot}", url], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and shot.stat().st_size > 20_000, done.stderr[-2000:]


def test_server_failed_run_keeps_the_previous_output(prefect_server, cleaned, tmp_path):
    """The same book, now an empty file: the flow run fails, naming the file, and the old output stays."""
    _, _, out = cleaned
    before = {p.name: p.read_bytes() for p in (out / "cut").iterdir()}
    broken = tmp_path / "cut.txt"
    broken.write_bytes(b"")
    done = cli(prefect_server, "run", str(broken), "--out", str(out))
    assert done.returncode == 1
    assert f"error: {broken}: the file is empty" in done.stderr
    assert {p.name: p.read_bytes() for p in (out / "cut").iterdir()} == before
    assert wait_for(lambda: book_tasks(prefect_server, "cut")[0]["state_type"] == "FAILED")


def test_server_rerun_is_cached(prefect_server, cleaned, raw_dir):
    _, _, out = cleaned
    done = cli(prefect_server, "run", str(raw_dir / "cut.txt"), "--out", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    assert ": cached, " in done.stdout


@pytest.fixture
def dask_cluster(prefect_server):
    """A real Dask cluster as on several machines: a `dask scheduler` and two `dask worker` processes (one thread each).

    The workers get what a worker machine needs: this project importable and PREFECT_API_URL naming the server.
    """
    from distributed import Client

    port = server.free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PREFECT_HOME": prefect_server.home, "PREFECT_API_URL": prefect_server.api_url}
    dask = str(Path(sys.executable).with_name("dask"))
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                  cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for name in ("worker-1", "worker-2"):
            processes.append(subprocess.Popen(
                [dask, "worker", address, "--name", name, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
                cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout=5) as client:
                    client.wait_for_workers(2, timeout=60)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_server_batch_on_a_dask_scheduler_and_two_workers_matches_serial(prefect_server, dask_cluster, tmp_path):
    """Four books cleaned through `--dask tcp://…` by two worker processes: the same outputs as a serial run."""
    raw = tmp_path / "raw"
    raw.mkdir()
    lines = BOOK.read_text(encoding="utf-8").split("\n")
    for n, first in enumerate((182, 580, 980, 1380)):
        (raw / f"part-{n}.txt").write_text("\n".join(lines[first : first + 400]) + "\n", encoding="utf-8")
    done = cli(prefect_server, "run", str(raw / "*.txt"), "--out", str(tmp_path / "dask"), "--dask", dask_cluster)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "4 books: 4 cleaned, 0 cached, 0 failed" in done.stdout
    assert f"note: the books run on the Dask cluster at {dask_cluster}" in done.stderr
    serial = cli(prefect_server, "run", str(raw / "*.txt"), "--out", str(tmp_path / "serial"), "--no-prefect")
    assert serial.returncode == 0, serial.stderr[-3000:]
    for n in range(4):
        for name in ("book.md", "changes.jsonl", "paragraphs.jsonl", "review.tsv"):
            ours, theirs = tmp_path / "dask" / f"part-{n}" / name, tmp_path / "serial" / f"part-{n}" / name
            assert ours.read_bytes() == theirs.read_bytes(), (n, name)
        assert book_runs(prefect_server, f"part-{n}")[0]["state_type"] == "COMPLETED"


def test_server_batch_with_two_workers_runs_each_book_as_one_task(prefect_server, raw_dir, cleaned, tmp_path):
    def completed() -> int:
        return sum(r["state_type"] == "COMPLETED" for r in book_tasks(prefect_server, "cut-two"))

    flows_before, tasks_before = len(book_runs(prefect_server, "cut-two")), completed()
    done = cli(prefect_server, "run", str(raw_dir / "*.txt"), "--out", str(tmp_path / "clean"), "--workers", "2")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 books: 2 cleaned, 0 cached, 0 failed" in done.stdout
    _, _, out = cleaned
    for name in ("cut", "cut-two"):
        assert (tmp_path / "clean" / name / "book.md").read_bytes() == (out / "cut" / "book.md").read_bytes()
    assert len(book_runs(prefect_server, "cut-two")) == flows_before  # no book flow run: the book is one task
    assert wait_for(lambda: completed() > tasks_before), "no completed task run 'clean cut-two' of this batch"
    run = book_tasks(prefect_server, "cut-two")[0]  # the book was cleaned in a worker process: its task still has
    assert wait_for(lambda: stage_lines(prefect_server, run)), "a stage's log line is missing"  # every stage's line
    artifacts = api(prefect_server, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [run["flow_run_id"]]}}})
    assert {"review-cut-two", "stats-cut-two"} <= {a["key"] for a in artifacts}  # and the book's artifacts
    refused = cli(prefect_server, "run", str(raw_dir / "*.txt"), "--workers", "2", "--no-prefect")
    assert refused.returncode == 2 and "--workers runs the books in worker processes under Prefect" in refused.stderr


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads child processes from /proc")
def test_server_ctrl_c_stops_a_batch_with_two_workers_and_its_workers(prefect_server, raw_dir, tmp_path):
    """Ctrl-C (SIGINT to the terminal's process group) ends the command and its worker processes within
    seconds, and leaves no half-written book folder (with Prefect's ProcessPoolTaskRunner it hung, workers left)."""
    books = tmp_path / "raw"
    books.mkdir()
    for i in range(6):
        shutil.copy(BOOK, books / f"book{i}.txt")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"PREFECT_HOME": prefect_server.home}
    command = [sys.executable, "-c", "import signal, runpy, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
               "sys.argv = ['pipeline', *sys.argv[1:]]; runpy.run_module('pipeline', run_name='__main__')",
               "run", str(books / "*.txt"), "--out", str(tmp_path / "clean"), "--workers", "2", "--force"]
    process = subprocess.Popen(command, cwd=PROJECT, env=env, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers = wait_for(lambda: (kids := _children(process.pid)) and len(kids) >= 2 and kids, 60)
    assert workers, "the two worker processes never started"
    time.sleep(2)  # the books are being cleaned
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("the command did not end within 30 s of Ctrl-C")
    assert process.returncode != 0
    assert wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), 10), "a worker outlived the command"
    assert not list((tmp_path / "clean").glob("book*/*.tmp")) and not list((tmp_path / "clean").glob(".pipeline/staging/*/new-*"))


LOG_RECORD = re.compile(r"^\d\d:\d\d:\d\d\.\d+ \| ", re.M)


def server_errors(info: server.ServerInfo) -> list[str]:
    """ERROR records of the server's own log (the scheduler fails there, not in any command's output), each
    with its traceback. SQLite's "database is locked" is left out: in WAL mode a read transaction that turns
    into a write fails at once when another writer got in first, and Prefect's services retry it on their
    next loop ("1 to retry, 0 dropped"); on a loaded 2-core CI machine that happens now and then."""
    text = Path(info.log).read_text(errors="replace")
    starts = [m.start() for m in LOG_RECORD.finditer(text)] + [len(text)]
    records = [text[a:b] for a, b in zip(starts, starts[1:])]
    return [record.strip() for record in records
            if "| ERROR" in record.splitlines()[0] and "database is locked" not in record]


def test_server_errors_keeps_real_errors_and_drops_lock_retries(tmp_path):
    """The filter above must still see the scheduler's real failure (SQLAlchemy 2.1's bulk DML error)."""
    log = tmp_path / "server.log"
    log.write_text(
        "13:28:19.089 | ERROR   | prefect.server.events.triggers - Error running periodic evaluation\n"
        "Traceback (most recent call last):\n"
        "sqlite3.OperationalError: database is locked\n"
        "13:28:20.001 | INFO    | prefect.server - fine\n"
        "13:28:21.500 | ERROR   | prefect.server.services.scheduler - Unexpected error\n"
        "Traceback (most recent call last):\n"
        "sqlalchemy.exc.InvalidRequestError: Can't evaluate bulk DML statement\n")
    info = server.ServerInfo(1, 1, str(tmp_path), str(log), 0.0)
    errors = server_errors(info)
    assert len(errors) == 1 and "bulk DML" in errors[0] and "scheduler" in errors[0]


def test_server_schedule_really_runs_trigger_works_and_serve_stops_cleanly(prefect_server, raw_dir, tmp_path):
    """Scheduled reprocessing end to end: a cron deployment gets scheduled runs from the server's scheduler,
    `trigger` runs it now to Completed, a bad parameter is refused when the run is created, and SIGTERM
    stops `serve` without a traceback and pauses the schedule."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = prefect_server.home
    log_path = tmp_path / "serve.log"
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "serve", str(raw_dir / "cut.txt"), "--cron", "* * * * *",
         "--name", "test-cron", "--out", str(tmp_path / "clean")],
        cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        found = wait_for(lambda: api(prefect_server, "/deployments/filter",
                                     {"deployments": {"name": {"any_": ["test-cron"]}}}), 60)
        assert found, log_path.read_text()[-3000:]
        deployment = found[0]
        assert [s["schedule"]["cron"] for s in deployment["schedules"]] == ["* * * * *"]
        assert deployment["parameters"]["inputs"] == [str(raw_dir / "cut.txt")]
        assert deployment["entrypoint"] == "pipeline.ops.flow.clean_raw"
        schema = deployment["parameter_openapi_schema"]["properties"]
        assert all(field.get("description") for field in schema.values()), schema
        # serve registers the deployment before it prints how to trigger it: wait for the line, not just the API
        assert wait_for(lambda: "pipeline trigger --name test-cron" in log_path.read_text(), 30), log_path.read_text()
        assert "run it now: " in log_path.read_text()

        def runs(state_types=None):
            body = {"deployments": {"id": {"any_": [deployment["id"]]}}}
            if state_types:
                body["flow_runs"] = {"state": {"type": {"any_": state_types}}}
            return api(prefect_server, "/flow_runs/filter", body)

        assert wait_for(runs, 90), "the scheduler created no run: " + "\n".join(server_errors(prefect_server))
        bad = httpx.post(f"{prefect_server.api_url}/deployments/{deployment['id']}/create_flow_run",
                         json={"parameters": {"skip": ["nope"]}}, timeout=10)
        assert bad.status_code >= 400 and "nope" in bad.text

        done = cli(prefect_server, "trigger", "--name", "test-cron")
        assert done.returncode == 0, done.stderr
        assert "created flow run clean-raw 20" in done.stdout, done.stdout  # named as the flow names runs
        run_id = done.stdout.strip().rsplit("/", 1)[-1]
        finished = wait_for(lambda: api(prefect_server, f"/flow_runs/{run_id}")["state_type"]
                            in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"), 150)
        state = api(prefect_server, f"/flow_runs/{run_id}")["state_type"]
        assert finished and state == "COMPLETED", (state, log_path.read_text()[-3000:])
        assert (tmp_path / "clean" / "cut" / "book.md").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=60)
        log.close()
    output = log_path.read_text()
    assert code == 0 and "Traceback" not in output and "never awaited" not in output, output[-3000:]
    assert "its schedule is paused" in output
    assert api(prefect_server, f"/deployments/{deployment['id']}")["paused"] is True
    assert server_errors(prefect_server) == []


def test_server_trigger_without_a_deployment_says_how_to_make_one(prefect_server):
    done = cli(prefect_server, "trigger", "--name", "no-such-deployment")
    assert done.returncode == 1 and "python -m pipeline serve --name no-such-deployment" in done.stderr


def test_server_start_on_another_port_is_refused_while_one_runs(prefect_server):
    done = cli(prefect_server, "server", "start", "--port", str(prefect_server.port + 1))
    assert done.returncode == 1 and f"already runs on port {prefect_server.port}" in done.stderr
