# The two commands: `make run` and `make test`. Everything else is a helper of theirs.
SHELL := /bin/bash
VENV ?= .venv
# The newest python >= 3.12 on PATH (pyenv shims answer only for versions in .python-version).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& echo $$p && break; done)
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The address printed in QR codes, links and e-mails: the server's own unless the environment
# sets SITE_URL; on HOST=0.0.0.0 (every interface), this machine's first address, not 0.0.0.0.
SITE_HOST = $(if $(filter 0.0.0.0,$(HOST)),$(or $(firstword $(shell hostname -I 2>/dev/null)),127.0.0.1),$(HOST))
SITE_URL ?= http://$(SITE_HOST):$(PORT)

.PHONY: run test venv migrate demo worker lint messages check-python

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "e-Surat needs Python 3.12 or newer; none was found on PATH (tried python3.14, python3.13, python3.12, python3)."; \
		echo "Install one (for example with pyenv) and run make again."; exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"

$(BIN)/.installed: requirements.txt requirements-dev.txt | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

migrate: venv
	$(BIN)/python manage.py migrate --noinput

# The demo is a development server: debug on (seed_demo refuses without it; cookies over HTTP).
demo run: export DEBUG ?= 1
demo run: export SITE_URL := $(SITE_URL)
demo: migrate
	$(BIN)/python manage.py seed_demo

# Serves the demo city on http://$(HOST):$(PORT) with the background worker and the scheduler
# (digest, reminders: esurat/reminders) beside it.
run: demo
	@echo "e-Surat: http://$(HOST):$(PORT)/, links and QR codes to $(SITE_URL)/  (accounts and password in README.md; Ctrl-C stops server, worker and scheduler)"
	@$(BIN)/python manage.py db_worker & worker=$$!; \
	$(BIN)/python manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

worker: venv
	$(BIN)/python manage.py db_worker

test: venv
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check esurat bench e2e
	$(BIN)/ruff format --check esurat bench e2e

messages: venv
	$(BIN)/python manage.py makemessages -l id --no-obsolete --no-location -i '.venv/*' -i 'static/*' -i 'e2e/*' -i 'bench/*'
	$(BIN)/python manage.py compilemessages -l id
