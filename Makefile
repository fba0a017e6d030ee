# Ionto Screen: `make run` serves the app, `make test` runs every check, `make serve` runs the
# production configuration, `make doctor` says what it still lacks, `make bench` measures it.
# See README.md (tests/docs/ checks that every target it names exists and works as it says).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Local development only: `make run` serves with DEBUG on and a throw-away key.
RUN_ENV := DJANGO_DEBUG=true
# Tests run with DEBUG off, as production does, with keys that are only for tests.
TEST_ENV := DJANGO_DEBUG=false DJANGO_SECRET_KEY=test-only-not-secret \
	FIELD_ENCRYPTION_KEY=dGVzdC1vbmx5LW5vdC1zZWNyZXQtZmllbGQta2V5ISE=
# The browser tests drive Debian's Chromium, never a downloaded one (tests/e2e/conftest.py).
CHROMIUM := /usr/bin/chromium


# Production settings on gunicorn; without DJANGO_SECRET_KEY or FIELD_ENCRYPTION_KEY, keys made
# once for this checkout (.secret-key, .field-key: keep them, the second opens the 2FA keys).
SERVE_ENV = DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret-key)}" \
	FIELD_ENCRYPTION_KEY="$${FIELD_ENCRYPTION_KEY:-$$(cat .field-key)}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-$(HOST),localhost}" \
	GUNICORN_BIND="$${GUNICORN_BIND:-$(HOST):$(PORT)}"

# Runs the background worker (`manage.py db_worker`, the review alerts) beside the server command
# that follows, both with the variables set before it; when the server stops, for whatever reason (Ctrl-C
# included), the shell's EXIT trap stops the worker, so none is left behind. No --reload: the
# reloader's child would outlive a TERM sent to its parent. Unbuffered: its lines show as they come.
WITH_WORKER = sh -c 'PYTHONUNBUFFERED=1 $(BIN)/python manage.py db_worker --no-reload --verbosity 1 & worker=$$!; \
	trap "kill $$worker 2>/dev/null; wait $$worker" EXIT; trap "exit 130" INT; trap "exit 143" TERM; \
	"$$@"' with-worker

.PHONY: run serve doctor demo-therapist therapist bench test pytest lint e2e mutation css messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-installed

# The demo login is printed once: by seed_demo on an empty database, else by create_demo_therapist.
run: $(VENV)/.run-installed
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	@if [ "$$($(RUN_ENV) $(BIN)/python manage.py shell -v 0 -c 'from screening.models import Submission; print(Submission.objects.exists())')" = "False" ]; then \
		$(RUN_ENV) $(BIN)/python manage.py seed_demo --submissions 60; \
	else $(RUN_ENV) $(BIN)/python manage.py create_demo_therapist; fi
	@echo "Serving on http://$(HOST):$(PORT)/  (patients: /intake/, therapists: /accounts/login/)"
	@echo "The background worker (review alerts; e-mail printed here unless EMAIL_URL is set) runs beside it."
	$(RUN_ENV) PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}" \
		$(WITH_WORKER) $(BIN)/python manage.py runserver $(HOST):$(PORT)

.secret-key: | $(BIN)/python
	umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

.field-key: | $(BIN)/python
	umask 077 && $(BIN)/python -c 'import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())' > $@

serve: $(VENV)/.run-installed .secret-key .field-key
	$(SERVE_ENV) $(BIN)/python manage.py migrate --no-input
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	@echo "Serving the production configuration on http://$(HOST):$(PORT)/ (gunicorn.conf.py); it redirects"
	@echo "plain http to https unless DJANGO_SECURE_SSL_REDIRECT=false; make doctor lists what production still needs."
	@echo "The background worker (review alerts) runs beside it: see README, Review alerts."
	$(SERVE_ENV) $(WITH_WORKER) $(BIN)/gunicorn --config gunicorn.conf.py

# What this configuration still lacks for production, one line per item; exits 1 while anything does.
# Run it with the environment the app runs with (here: `make serve`'s).
doctor: $(VENV)/.run-installed .secret-key .field-key
	@$(SERVE_ENV) $(BIN)/python manage.py doctor

# Logins for `make serve`, with its environment (the same database and key): the printed demo
# login, or a therapist of your own (make therapist NAME=tess; prompts for the password).
demo-therapist: $(VENV)/.run-installed .secret-key .field-key
	@$(SERVE_ENV) $(BIN)/python manage.py migrate --no-input --verbosity 0
	@$(SERVE_ENV) $(BIN)/python manage.py create_demo_therapist

therapist: $(VENV)/.run-installed .secret-key .field-key
	@if [ -z "$(NAME)" ]; then echo 'Name the login: make therapist NAME=tess [CREDENTIALS="PT, DPT"]' >&2; exit 2; fi
	@$(SERVE_ENV) $(BIN)/python manage.py migrate --no-input --verbosity 0
	@$(SERVE_ENV) $(BIN)/python manage.py create_therapist "$(NAME)" $(if $(CREDENTIALS),--credentials "$(CREDENTIALS)")

# Seeds its own database, starts gunicorn as `make serve` does, prints a table (bench/run.py).
bench: $(VENV)/.run-installed
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -c pyproject.toml -r clinic screening -q

test: lint
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory pytest

# The pytest suite alone, on whatever DATABASE_URL and REDIS_URL say (.ci/run runs it twice).
# Pages name hashed static files, so the suite needs collectstatic's manifest. It runs in
# PYTEST_WORKERS processes (pytest-xdist; each has its own test database; 0 runs it in one), and
# lists the slowest tests at the end so a slow one is seen. With REDIS_URL it runs in one: the
# tests empty the shared cache (Redis FLUSHDB) between tests, which two workers would do to each other.
PYTEST_WORKERS ?= $(if $(REDIS_URL),0,2)
pytest: $(VENV)/.dev-installed node_modules/.installed
	@if [ -x $(CHROMIUM) ]; then echo "Browser tests: on, with $(CHROMIUM)."; \
	else echo "*** Browser tests: SKIPPED, $(CHROMIUM) not found. Install it with: apt-get install -y chromium ***"; fi
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(TEST_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) --durations=15

# Only the browser tests; screenshots go to test-artifacts/screenshots/ (or E2E_ARTIFACTS).
e2e: $(VENV)/.dev-installed
	$(TEST_ENV) $(BIN)/pytest -m e2e

# Mutation testing of screening/clinical/ against tests/clinical/ ([tool.mutmut] in pyproject.toml).
# Not in CI: it takes a few minutes. Survivors are listed in docs/architecture.md.
MUTMUT_CHILDREN ?= 2
mutation: $(VENV)/.dev-installed
	rm -rf mutants
	env -u DJANGO_SETTINGS_MODULE HYPOTHESIS_PROFILE=mutation $(BIN)/mutmut run --max-children $(MUTMUT_CHILDREN)
	$(BIN)/mutmut results

# The npm packages of package-lock.json: the W3C Nu HTML Checker that the suite runs (with the
# machine's Java), and purgecss for `make css`. No package's install script runs.
# Without npm, or without the npm registry, the HTML test is skipped with a message (CI, which sets
# E2E_REQUIRED, stops instead).
node_modules/.installed: package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
		echo "*** HTML checker: SKIPPED, npm not found. Install it with: apt-get install -y npm ***"; \
		[ -z "$$E2E_REQUIRED" ]; \
	elif npm ci --no-audit --no-fund --ignore-scripts; then touch $@; \
	else echo "*** HTML checker: SKIPPED, npm ci failed (no npm registry?) ***"; [ -z "$$E2E_REQUIRED" ]; fi

# Rebuild static/vendor/bootstrap/bootstrap.trim.css after a template starts using another
# Bootstrap class (needs Node.js and npm; the result is committed, so nothing else needs them).
css: $(VENV)/.dev-installed node_modules/.installed
	@command -v npm >/dev/null || { echo "make css needs Node.js and npm (apt-get install -y npm)"; exit 1; }
	npm run css

# Refresh every locale/<code>/LC_MESSAGES/django.po from the code and compile the .mo files,
# which are committed. A new language: make messages ADD=fr. Needs gettext (apt-get install -y gettext).
messages: $(VENV)/.dev-installed
	$(RUN_ENV) $(BIN)/python manage.py makemessages $(if $(ADD),-l $(ADD),--all) --no-obsolete \
		--ignore=node_modules --ignore=assets --ignore=test-artifacts --ignore=mutants
	$(RUN_ENV) $(BIN)/python manage.py compilemessages --ignore=node_modules --ignore=.venv

clean:
	rm -rf $(VENV) mutants node_modules db.sqlite3 db.sqlite3-wal db.sqlite3-shm .secret-key .field-key staticfiles test-artifacts .pytest_cache .hypothesis .ruff_cache
