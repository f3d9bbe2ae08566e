# bulletin-gen: `make build` sets up .venv and builds the demo site; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint typecheck golden clean bench bench-pdf

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/bulletin build .

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bulletin_gen tests

typecheck: $(STAMP)
	$(BIN)/mypy

golden: $(STAMP)
	BULLETIN_REFRESH_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

bench: bench-pdf

bench-pdf: $(STAMP)
	$(BIN)/python bench/pdf.py

clean:
	rm -rf output .bulletin-cache
