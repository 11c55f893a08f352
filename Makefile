# procure: two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Two workers by default: each gets its own database (see tests/conftest.py).
PYTEST_ARGS ?= -n 2 --dist worksteal
FLASK := $(BIN)/flask --app procure

.PHONY: run serve scheduler worker test system-deps install translations lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d procure/translations

run: install
	$(FLASK) db upgrade
	$(FLASK) demo
	FLASK_RUN_PORT=$(PORT) $(FLASK) run --debug --host 127.0.0.1

# Production server: gunicorn with gunicorn.conf.py (PROCURE_BIND, WEB_CONCURRENCY, ...);
# run `make scheduler` and `make worker` next to it (README, Production).
serve: install
	$(FLASK) db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py procure.wsgi:app

scheduler: install
	$(FLASK) scheduler

worker: install
	$(FLASK) jobs worker

# Debian packages the suite needs (Chromium, fonts, Pango): installed when root, else
# one line saying what to run.
system-deps:
	@sh scripts/system-deps

# The whole suite on SQLite, then again on PostgreSQL when PROCURE_TEST_DATABASE_URL is set.
test: system-deps install
	env -u PROCURE_TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)
	@if [ -n "$$PROCURE_TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$PROCURE_TEST_DATABASE_URL"; \
		$(BIN)/pytest $(PYTEST_ARGS); \
	fi

lint: install
	$(BIN)/ruff check procure tests benchmarks gunicorn.conf.py
	$(BIN)/ruff format --check procure tests benchmarks gunicorn.conf.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
