# The two commands a new machine needs: `make run` (set up, clean raw/ into clean/)
# and `make test` (set up, run the tests). Set-up is a project-local .venv with
# the pinned versions of constraints.txt; it is redone when either file changes.

PYTHON ?= python3  # any of 3.11, 3.12, 3.13: make run PYTHON=python3.13
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench server-start server-stop serve

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m pipeline run

test: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not prefect"

bench: $(STAMP)
	$(PY) bench/whole_job.py
	$(PY) bench/bench_stages.py

# The dashboard: a local Prefect server on http://127.0.0.1:4200 (SQLite under .prefect/);
# while it runs, `make run` reports to it. `make serve` reprocesses raw/ nightly (needs the server).
server-start: $(STAMP)
	$(PY) -m pipeline server start

server-stop: $(STAMP)
	$(PY) -m pipeline server stop

serve: $(STAMP)
	$(PY) -m pipeline serve --cron "0 3 * * *"
