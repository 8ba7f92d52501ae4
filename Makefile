# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test venv lint messages clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "boothwise needs Python 3.11 ($(PYTHON) not found); set PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

run: venv
	$(BIN)/boothwise migrate --no-input
	$(BIN)/boothwise seed-demo --if-empty
	$(BIN)/boothwise demo-logins --url http://$(HOST)/
	$(BIN)/boothwise runserver $(HOST)

test: venv
	$(BIN)/pytest -n auto

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy boothwise
	$(BIN)/boothwise makemigrations --check --dry-run
	$(BIN)/python scripts/check_translations.py

messages: venv
	$(BIN)/boothwise makemessages --locale hi --no-obsolete --no-location --ignore '.venv/*' --ignore 'var/*'
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) build *.egg-info
