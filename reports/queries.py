"""Reads the marts for one week; reports select only from marts and dq (never staging)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

SQL_DIR = Path(__file__).parent / "sql"

# marts.data_delivery columns by the names this module uses, with the spellings tolerated
DELIVERY_COLUMNS = {
    "district_code": ("district_code", "district"),
    "source": ("source",),
    "files": ("files", "files_received", "file_count"),
    "rows_read": ("rows_read",),
    "rows_loaded": ("rows_loaded",),
    "rows_quarantined": ("rows_quarantined",),
    "rows_late": ("rows_late", "late_rows"),
    "files_rejected": ("files_rejected", "rejected_files"),
}


@cache
def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query(conn: duckdb.DuckDBPyConnection, name: str, week: dt.date) -> pl.DataFrame:
    """Run `sql/<name>.sql` for the week's Monday."""
    return conn.sql(sql(name), params={"week": week}).pl()


def data_delivery(conn: duckdb.DuckDBPyConnection, week: dt.date) -> pl.DataFrame:
    """The week's deliveries under this module's column names; counts missing from the mart are 0."""
    raw = query(conn, "data_delivery", week)
    columns = []
    for name, spellings in DELIVERY_COLUMNS.items():
        found = next((s for s in spellings if s in raw.columns), None)
        if found is None:
            columns.append(
                pl.lit(0 if name not in ("district_code", "source") else None).alias(name)
            )
        elif name in ("district_code", "source"):
            columns.append(pl.col(found).cast(pl.Utf8).alias(name))
        else:
            columns.append(pl.col(found).cast(pl.Int64).fill_null(0).alias(name))
    return raw.select(columns)


def failed_expectations(conn: duckdb.DuckDBPyConnection, week: dt.date) -> pl.DataFrame | None:
    """The week's failed expectations; None when validation has never run (no dq.results)."""
    found = conn.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = 'dq' and table_name = 'results'"
    ).fetchall()[0][0]
    return query(conn, "dq_failed", week) if found else None


def data_as_of(conn: duckdb.DuckDBPyConnection, week: dt.date) -> dt.datetime | None:
    return conn.execute(sql("data_as_of"), {"week": week}).fetchall()[0][0]
