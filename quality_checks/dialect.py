"""A SQLAlchemy dialect that lets Great Expectations validate inside a live DuckDB connection.

duckdb-engine hands every SQLAlchemy cursor the one DuckDB connection, so the rollback GX's
`with engine.connect()` issues on exit discards results GX fetches afterwards ('list index out
of range', duckdb_engine issue #1087). Here each cursor is a real DuckDB child cursor
(`conn.cursor()`), whose results survive the parent's rollback.

The connection is *lent*, never opened: DuckDB allows one read-write process per file and, in
one process, refuses a second connection with a different config (a read-only one next to the
asset's read-write one), so GX shares the caller's connection. `lend(conn)` gives a URL
`pmon+duckdb:///<token>`; closing the engine never closes the caller's connection.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
from duckdb_engine import ConnectionWrapper, CursorWrapper
from duckdb_engine import Dialect as DuckDBEngineDialect
from sqlalchemy import pool
from sqlalchemy.dialects import registry

_LENT: dict[str, duckdb.DuckDBPyConnection] = {}


class _ChildCursorConnection(ConnectionWrapper):
    """The lent connection; each `cursor()` is a fresh DuckDB child cursor."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        super().__init__(conn)
        self._parent = conn

    def cursor(self) -> CursorWrapper:
        return CursorWrapper(self._parent.cursor(), self)

    def rollback(self) -> None:
        pass  # GX only reads; the parent's own transaction is the caller's business

    def commit(self) -> None:
        pass

    def close(self) -> None:
        pass  # lent, not owned


class LentDuckDBDialect(DuckDBEngineDialect):
    name = "pmon"
    driver = "duckdb"

    def create_connect_args(self, url) -> tuple[tuple, dict]:
        return ((url.database or "").lstrip("/"),), {}

    def connect(self, *cargs: Any, **cparams: Any) -> _ChildCursorConnection:
        return _ChildCursorConnection(_LENT[cargs[0]])

    def do_begin(self, dbapi_connection) -> None:
        pass  # each child cursor runs in autocommit; never touch the lent connection's transaction

    def do_rollback(self, dbapi_connection) -> None:
        pass

    def do_commit(self, dbapi_connection) -> None:
        pass

    @classmethod
    def get_pool_class(cls, url) -> type[pool.Pool]:
        return pool.NullPool


registry.register("pmon.duckdb", __name__, "LentDuckDBDialect")


@contextmanager
def lend(conn: duckdb.DuckDBPyConnection) -> Iterator[str]:
    """A connection string GX can use for `conn` while the block runs."""
    token = secrets.token_hex(8)
    _LENT[token] = conn
    try:
        yield f"pmon+duckdb:///{token}"
    finally:
        del _LENT[token]
