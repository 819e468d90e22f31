# Grant Panel: two commands for a newcomer.
#   make run   - set up .venv, migrate, add the demo on first run, serve http://127.0.0.1:5000
#                with the task queue's worker beside it (mail, background exports, reminders)
#   make test  - lint, type-check the scoring engine and the app, and run every test
#   make test-fast - the same lint and checks, then every test but the browser and slow ones
# TEST_DATABASE_URL=postgresql+psycopg://... make test  runs the same suite on PostgreSQL.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app panel

.PHONY: run test test-fast lint serve clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict criteria/
	$(BIN)/mypy panel/
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

test-fast: lint
	$(BIN)/pytest -m "not slow and not browser"

clean-venv:
	rm -rf $(VENV)
