# Two entry points, both self-installing into .venv: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint format openapi bench bench-quick soak clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

## Run the service on the embedded SQLite database with the demo corpus (http://127.0.0.1:8000).
run: $(STAMP)
	$(BIN)/crosscheck serve --demo

## Lint, then the whole test suite (PostgreSQL too when CROSSCHECK_TEST_POSTGRES_URL is set).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## The benchmark at 1k, 10k and 100k articles (12-30 minutes on 2 cores); writes bench/results/.
## On another Python build (it matters, see the README): make bench PYTHON=/usr/bin/python3.11 VENV=.venv-system
bench: $(STAMP)
	$(BIN)/python -m bench.run

## The benchmark at 1k articles only (about a minute and a half).
bench-quick: $(STAMP)
	$(BIN)/python -m bench.run --quick

## Soak: `crosscheck serve` with 2 workers at 50 requests/s for 10 minutes; writes bench/results/.
## Shorter or different: make soak SOAK_ARGS="--duration 60 --rate 20 --mix score=50,ingest=50"
soak: $(STAMP)
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

## Regenerate the committed OpenAPI document after an API change.
openapi: $(STAMP)
	$(BIN)/crosscheck openapi --output openapi.yaml

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis data
