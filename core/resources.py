"""The resource types assets ask for; the code location (`pipelines/resources.py`) binds them."""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from core import settings


class DataDirResource(dg.ConfigurableResource):
    """The runtime data directory: inbox, reports and the PII key live under it."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)

    @property
    def inbox(self) -> Path:
        return settings.inbox_dir(self.root)

    @property
    def warehouse(self) -> Path:
        """The warehouse file of this data dir (where `pmon` points `PMON_WAREHOUSE` too)."""
        return settings.warehouse_path(self.root)

    @property
    def reports(self) -> Path:
        return settings.reports_dir(self.root)

    def pii_key(self) -> bytes:
        return settings.pii_key(self.root)


class WarehouseResource(DuckDBResource):
    """The DuckDB warehouse. DuckDB lets one process write a file at a time: a step that finds
    it locked (a long `pmon sql`, another run) waits a bounded time, saying so in the run's log,
    instead of failing at once or retrying for half an hour; any other error (a damaged file)
    fails at once."""

    lock_wait_seconds: float = 300.0

    @contextmanager
    def get_connection(self):
        conn = connect_waiting(
            self.database,
            settings.duckdb_config() | dict(self.connection_config),
            self.lock_wait_seconds,
            dg.get_dagster_logger(),
        )
        try:
            yield conn
        finally:
            conn.close()


def is_lock_error(error: BaseException) -> bool:
    text = str(error).lower()
    return "lock" in text and ("could not set" in text or "conflicting" in text)


def connect_waiting(
    database: str,
    config: dict | None = None,
    wait_seconds: float = 60.0,
    log: logging.Logger | None = None,
    *,
    read_only: bool = False,
) -> duckdb.DuckDBPyConnection:
    """A connection, waiting up to `wait_seconds` for another process's lock (DuckDB lets one
    process write a file); any other error, such as a damaged file, is raised at once."""
    deadline = time.monotonic() + wait_seconds
    said = False
    while True:
        try:
            return duckdb.connect(database, read_only=read_only, config=dict(config or {}))
        except duckdb.IOException as error:
            if not is_lock_error(error) or time.monotonic() >= deadline:
                raise
            if not said and log is not None:
                log.warning(
                    f"the warehouse {database} is locked by another process; waiting up to "
                    f"{wait_seconds:.0f} s for it"
                )
                said = True
            time.sleep(1.0)
