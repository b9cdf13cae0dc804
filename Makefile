# Two commands do everything on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
export UV_COMPILE_BYTECODE := 1
export PMON_DATA_DIR ?= $(CURDIR)/data
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
	$(RUN) pmon ui

lint: bootstrap
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports

bench: bootstrap
	$(RUN) pmon bench --scale beijing
