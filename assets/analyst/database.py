"""The analyst database: a separate DuckDB file holding only the analyst views' rows, as tables.

`pmon sql` opens this file, not the warehouse, so no query can reach raw, staging, quarantine,
meta or a hashed identifier: they are not in it. Its catalog is named `analyst` (the file name),
so `analyst.indicator_weekly` reads as it always did. This module imports no Dagster and no
Polars: the CLI uses it to find the file.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_NAME = "analyst.duckdb"


def analyst_path(warehouse: Path) -> Path:
    """`analyst.duckdb` beside the warehouse file."""
    return Path(warehouse).with_name(FILE_NAME)


def _quote(text: str) -> str:
    """A SQL string literal (COMMENT takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _objects(conn) -> list[tuple[str, str | None]]:
    """The analyst schema's tables and views with their comments."""
    return conn.execute(
        "select table_name, comment from duckdb_tables() where schema_name = 'analyst' "
        "union all select view_name, comment from duckdb_views() where schema_name = 'analyst' "
        "order by 1"
    ).fetchall()


def _copy(conn, out, name: str, comment: str | None) -> int:
    """One analyst object into `out` as a table, handed over as Arrow, with its comments."""
    rows = conn.sql(f"select * from analyst.{name}").to_arrow_table()
    out.register("__rows", rows)
    out.execute(f"create table main.{name} as select * from __rows")
    out.unregister("__rows")
    if comment:
        out.execute(f"comment on table main.{name} is {_quote(comment)}")
    columns = conn.execute(
        "select column_name, comment from duckdb_columns() "
        "where schema_name = 'analyst' and table_name = ? and comment is not null",
        [name],
    ).fetchall()
    for column, text in columns:
        out.execute(f'comment on column main.{name}."{column}" is {_quote(text)}')
    return rows.num_rows


def export(conn, target: Path) -> dict[str, int]:
    """Write every analyst object of the warehouse into a fresh file in one transaction, then
    move it over `target` atomically: a reader has the old file or the new one, never half."""
    import duckdb

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    staging.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        with duckdb.connect(str(staging)) as out:
            out.execute("begin transaction")
            for name, comment in _objects(conn):
                counts[name] = _copy(conn, out, name, comment)
            out.execute("commit")
            out.execute("checkpoint")
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
        Path(f"{staging}.wal").unlink(missing_ok=True)
    return counts
