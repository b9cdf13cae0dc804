# Two commands do everything on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
export UV_COMPILE_BYTECODE := 1
export PMON_DATA_DIR ?= $(CURDIR)/data
export PMON_DAGSTER_STORAGE ?= $(PMON_DATA_DIR)/dagster
export DAGSTER_HOME := $(if $(PMON_POSTGRES_URL),$(CURDIR)/deploy/postgres,$(CURDIR))
RUN := uv run --frozen --no-sync

.PHONY: bootstrap demo test test-fast ui lint bench

bootstrap:
	@scripts/bootstrap.sh

demo: bootstrap
	$(RUN) pmon demo

test: bootstrap
	$(RUN) pytest

test-fast: bootstrap
	$(RUN) pytest -m "not slow"

ui: bootstrap
	@mkdir -p $(PMON_DAGSTER_STORAGE)
	$(RUN) dagster dev -h 127.0.0.1 -p 3000

lint: bootstrap
	$(RUN) ruff check .
	$(RUN) ruff format --check .

bench: bootstrap
	$(RUN) pmon bench --scale beijing
