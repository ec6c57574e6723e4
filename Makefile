# Lectern's tasks. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: install run serve migrate demo test suite lint format bench lock clean

install: $(VENV)/.installed

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV). On Debian: apt install python3-venv" >&2; exit 1; }

$(VENV)/.installed: requirements.lock $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	@touch $@

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo

run: demo
	@echo "Lectern: http://127.0.0.1:8000  (admin: http://127.0.0.1:8000/admin/)"
	DJANGO_DEBUG=true $(MANAGE) runserver 127.0.0.1:8000

# Production: gunicorn on LECTERN_BIND (default 127.0.0.1:8000, behind a proxy) with
# LECTERN_WORKERS processes (default cores + 1, at most 9), after collecting the static
# files whitenoise serves. Run `make migrate` first on a new release; docs/deployment.md.
serve: install
	$(MANAGE) collectstatic --noinput
	exec $(BIN)/gunicorn config.wsgi \
		--workers "$${LECTERN_WORKERS:-$$($(BIN)/python -c 'import os; print(min((os.cpu_count() or 1) + 1, 9))')}" \
		--bind "$${LECTERN_BIND:-127.0.0.1:8000}" \
		--access-logfile - \
		--access-logformat '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The test suite alone (CI runs it again against PostgreSQL). Browser tests (tests/browser/)
# drive Debian's chromium (apt-get install chromium) and are skipped without it, except in CI.
suite: install
	$(BIN)/python -m pytest

test: lint
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/python -m pytest

# Each benchmark prints its figures and targets, and fails if it misses one. The load
# bench (gunicorn, 8 and 32 users, SQLite and PostgreSQL) comes last: BENCHMARKS.md.
# Every benchmark runs, whatever the one before said; the ones that missed a target are
# named at the end, and then make fails.
BENCHES := import_markdown generation student_pages sync_load sync_api class_report \
	item_statistics export load

bench: install
	@missed=""; for name in $(BENCHES); do \
		echo "== bench/$$name.py"; \
		$(BIN)/python bench/$$name.py || missed="$$missed $$name"; \
	done; \
	if [ -n "$$missed" ]; then echo "== targets missed by:$$missed"; exit 1; fi; \
	echo "== every target met"

# Re-pin every dependency, with hashes, from pyproject.toml.
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra dev \
		--output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
