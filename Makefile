# Two commands run the platform (see README): `make run` and `make test`. Both are idempotent.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python

# The demo runs as users will see it: DEBUG off (no debug pages, static files as in production,
# gunicorn), demo mode on (the seeded pilots and their demo logins). `DEBUG=1 make run` gives
# Django's debug pages and the auto-reloading development server instead.
export DEBUG ?= 0
export DEMO_MODE ?= 1

.PHONY: help setup devenv services stop migrate seed run test bench lint

help:
	@echo "make run    install what is missing, start PostgreSQL+Redis, migrate, seed the pilots, serve"
	@echo "make test   the whole test suite against real services"
	@echo "make bench  the benchmarks"
	@echo "make lint   ruff, import-linter (the layering) and mypy; make test runs it too"
	@echo "make stop   stop the project-local PostgreSQL and Redis"

setup:
	@scripts/bootstrap.sh

services: setup
	@scripts/services.sh start

stop:
	@scripts/services.sh stop

# The settings `make run` serves with, written for this checkout so that `manage.py` typed in
# another terminal sees the same ones (cityplatform/env.py: load_dev_env). Production has no var/.
devenv: setup
	@scripts/dev-env.sh

# Only the schemas that are behind, in lock-bounded batches; then the release's schema template
# new municipalities are restored from (tenants/services/schema_migrations.py, provisioning.py).
migrate: services devenv
	@$(PY) manage.py migrate_municipalities -v 0

# The DOPA gazetteer comes from ../shared where it exists (the project's own machines); elsewhere
# load it yourself from the published files: manage.py load_thai_admin DIR.
THAI_ADMIN := ../shared/data/thai-admin

seed: migrate
	@if [ -f $(THAI_ADMIN)/sub_districts.csv ]; then $(PY) manage.py load_thai_admin $(THAI_ADMIN); \
	else echo "gazetteer files not found at $(THAI_ADMIN); skipping (see README)"; fi
	@$(PY) manage.py seed_demo

run: seed
	@scripts/serve.sh

test:
	@WITH_BROWSER=1 scripts/bootstrap.sh
	@$(MAKE) --no-print-directory lint
	@scripts/services.sh start
	@scripts/services.sh release-test-db
	@DEBUG=0 .venv/bin/pytest

# bench/national_scale provisions BENCH_NATIONAL_N municipalities: a modest number here, the whole
# country on request (make bench BENCH_NATIONAL_N=7850: ~20 GB of disk, well over half an hour).
BENCH_NATIONAL_N ?= 200
bench: services
	@DEBUG=0 BENCH_NATIONAL_N=$(BENCH_NATIONAL_N) $(PY) -m bench

# The guardrails: style and imports (ruff), the layering of the house (import-linter, contracts in
# pyproject.toml), types of the kernel, services and selectors (mypy). `make test` runs them first.
lint: setup
	@echo "lint: ruff, import-linter, mypy"
	@.venv/bin/ruff check --quiet .
	@out=$$(.venv/bin/lint-imports --no-cache 2>&1) || { echo "$$out"; exit 1; }
	@DEBUG=0 .venv/bin/mypy
