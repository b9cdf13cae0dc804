"""Reads the marts for one week; reports select only from marts and dq (never staging).

Each section names the SQL files it needs (`reports/sql/<name>.sql`); a query shared by two
sections runs once per report. Most results are data frames; the few that need more than a
`select` (a scalar, a table that may not exist yet) have a loader here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

SQL_DIR = Path(__file__).parent / "sql"
# a schema-qualified table after from/join; CTE names are never qualified, so they do not match
TABLE_READ = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)", re.I)


@cache
def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query(
    conn: duckdb.DuckDBPyConnection, name: str, week: dt.date, edition: str = "internal"
) -> pl.DataFrame:
    """Run `sql/<name>.sql` for the week's Monday; `$public` picks the edition's table."""
    params = {"week": week, "public": edition == "public"}
    text = sql(name)
    return conn.sql(text, params={k: v for k, v in params.items() if f"${k}" in text}).pl()


def _failed_expectations(conn: duckdb.DuckDBPyConnection, week: dt.date) -> pl.DataFrame | None:
    """The week's failed expectations; None when validation has never run (no dq.results)."""
    found = conn.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = 'dq' and table_name = 'results'"
    ).fetchall()[0][0]
    return query(conn, "dq_failed", week) if found else None


def _has_table(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        conn.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
    )


def _data_as_of(conn: duckdb.DuckDBPyConnection, week: dt.date) -> dt.datetime | None:
    """When the week's figures were computed (naive UTC)."""
    return conn.execute(sql("data_as_of"), {"week": week}).fetchall()[0][0]


def _last_delivery(conn: duckdb.DuckDBPyConnection, week: dt.date) -> dt.datetime | None:
    """When the last file behind the week's figures arrived (meta.load_log, naive UTC); None
    for a warehouse without a load log."""
    if not _has_table(conn, "meta", "load_log"):
        return None
    return conn.execute(
        "select max(loaded_at) from meta.load_log"
        " where week <= $week and outcome in ('loaded', 'corrected')",
        {"week": week},
    ).fetchall()[0][0]


def _rejected_files(conn: duckdb.DuckDBPyConnection, week: dt.date) -> pl.DataFrame:
    """The week's refused files with the loader's reason (meta.load_log); empty before any load."""
    if not _has_table(conn, "meta", "load_log"):
        return pl.DataFrame(
            schema={"source": pl.Utf8, "district_code": pl.Utf8, "source_file": pl.Utf8,
                    "message": pl.Utf8}
        )  # fmt: skip
    return conn.sql(
        "select source, district_code, source_file, message from meta.load_log"
        " where week = $week and outcome = 'rejected' order by source, source_file",
        params={"week": week},
    ).pl()


def _inbox_anomalies(conn: duckdb.DuckDBPyConnection, week: dt.date) -> pl.DataFrame:
    """What the inbox holds that the loader will not read (misfiled folders and files, links),
    as the last run found it; empty before any run recorded it."""
    del week  # the inbox's state now, not a week's
    found = conn.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = 'meta' and table_name = 'inbox_anomalies'"
    ).fetchall()[0][0]
    if not found:
        return pl.DataFrame(schema={"path": pl.Utf8, "problem": pl.Utf8})
    return conn.sql("select path, problem from meta.inbox_anomalies order by path").pl()


LOADERS: dict[str, Callable[[duckdb.DuckDBPyConnection, dt.date], Any]] = {
    "inbox_anomalies": _inbox_anomalies,
    "dq_failed": _failed_expectations,
    "data_as_of": _data_as_of,
    "rejected_files": _rejected_files,
    "last_delivery": _last_delivery,
}


def run(
    conn: duckdb.DuckDBPyConnection, names: Iterable[str], week: dt.date, edition: str = "internal"
) -> dict[str, Any]:
    """Every named query's result for the week and edition, each run once."""
    return {
        name: LOADERS[name](conn, week) if name in LOADERS else query(conn, name, week, edition)
        for name in dict.fromkeys(names)
    }


def tables_read(names: Iterable[str]) -> list[str]:
    """The `schema.table`s the named queries select from, in first-seen order (the asset's deps)."""
    found: dict[str, None] = {}
    for name in names:
        if not (SQL_DIR / f"{name}.sql").exists():
            continue  # a loader of its own (inbox_anomalies): reads the ingest's meta, not marts
        text = re.sub(r"--[^\n]*", "", sql(name))
        found.update(dict.fromkeys(t.lower() for t in TABLE_READ.findall(text)))
    return list(found)
