# Two commands run the platform (see README): `make run` and `make test`. Both are idempotent.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python

# The demo runs in debug/demo mode unless you say otherwise.
export DEBUG ?= 1

.PHONY: help setup services stop migrate seed run test bench lint

help:
	@echo "make run    install what is missing, start PostgreSQL+Redis, migrate, seed the pilots, serve"
	@echo "make test   the whole test suite against real services"
	@echo "make bench  the benchmarks"
	@echo "make stop   stop the project-local PostgreSQL and Redis"

setup:
	@scripts/bootstrap.sh

services: setup
	@scripts/services.sh start

stop:
	@scripts/services.sh stop

migrate: services
	@$(PY) manage.py migrate_schemas --noinput -v 0

seed: migrate
	@$(PY) manage.py seed_demo

run: seed
	@scripts/serve.sh

test:
	@WITH_BROWSER=1 scripts/bootstrap.sh
	@scripts/services.sh start
	@DEBUG=0 .venv/bin/pytest

bench: services
	@DEBUG=0 $(PY) -m bench

lint: setup
	@.venv/bin/ruff check .
