# The two commands a new machine needs: `make run` (set up, clean raw/ into clean/)
# and `make test` (set up, run the tests). Set-up is a project-local .venv with
# the pinned versions of constraints.txt; it is redone when either file changes.

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m pipeline run

test: $(STAMP)
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not prefect"

bench: $(STAMP)
	$(PY) bench/bench_stages.py
