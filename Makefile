# The two commands of the README:
#   make run   – set up .venv and produce the reports of the latest delår from data/raw
#   make test  – set up .venv and run the tests
# Both are idempotent: the virtualenv is (re)installed only when pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ARGS   ?=

.PHONY: setup run test lint lab check export sample bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@bash scripts/system-deps.sh
	@touch $(STAMP)

setup: $(STAMP)

run: setup
	$(PY) -m analysis run $(ARGS)

test: setup
	$(PY) -m pytest $(ARGS)

# Lint and format (ruff, ruff.toml) the whole tree; mypy --strict on core/ and io/ (mypy.ini).
lint: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

check: setup
	$(PY) -m analysis check

export: setup
	$(PY) -m analysis export --out reports/export.xlsx $(ARGS)

lab: setup
	$(PY) -m analysis lab $(ARGS)

sample: setup
	$(PY) -m analysis sample --force

clean:
	rm -rf data/processed/*.parquet data/processed/manifest.json reports/*/
