"""Prefect's own floor: a flow with one task that does nothing, in a new process.

What any `run` on Prefect pays before the book's work: importing prefect,
creating the flow and task runs on the server, and flushing logs and events
at exit. Without flow-run heartbeats, as `run` does (pipeline.ops.flow.run_batch):
with them the engine waits up to a second at the end for the heartbeat
thread. bench/whole_job.py times it beside the book's run against the same
started server, and beside a bare ``import prefect``, so the book's Prefect
cost can be read against both.

Run (with PREFECT_API_URL set to a started server): .venv/bin/python bench/prefect_floor.py
"""

from prefect import flow, task
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings


@task
def nothing() -> int:
    return 0


@flow(name="prefect-floor")
def floor() -> int:
    return nothing.submit().result()


if __name__ == "__main__":
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        floor()
