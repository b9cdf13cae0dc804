"""The `analyst` schema: documented, PII-free views over staging and marts for ad-hoc SQL."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import dagster as dg
import yaml
from dagster_duckdb import DuckDBResource

from core.contract import source_names
from core.partitions import weekly_partitions

SQL_DIR = Path(__file__).parent / "sql"
DICTIONARY = Path(__file__).parent / "views.yaml"
MARTS_SCHEMA = Path(__file__).parents[1] / "indicators" / "sql" / "marts" / "schema.sql"


def view_files() -> list[Path]:
    """The schema first, then one file per view (its comments are in views.yaml)."""
    return sorted(SQL_DIR.glob("*.sql"))


@cache
def dictionary() -> dict[str, dict]:
    """The analyst views' data dictionary (views.yaml): comment and column comments per view."""
    return yaml.safe_load(DICTIONARY.read_text(encoding="utf-8"))


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def document_views(conn, views: list[str]) -> None:
    """COMMENT every analyst view and column from the dictionary; an undocumented view or
    column is a build error, so `pmon sql --schema` never shows a blank."""
    entries = dictionary()
    for view in views:
        entry = entries.get(view)
        if entry is None:
            raise ValueError(f"analyst.{view} has no entry in {DICTIONARY.name}")
        conn.execute(f"comment on view analyst.{view} is {_quote(entry['comment'])}")
        columns = [
            name
            for (name,) in conn.execute(
                "select column_name from duckdb_columns() "
                "where schema_name = 'analyst' and table_name = ? order by column_index",
                [view],
            ).fetchall()
        ]
        missing = [c for c in columns if c not in entry["columns"]]
        if missing:
            raise ValueError(
                f"analyst.{view}: columns {missing} have no comment in {DICTIONARY.name}"
            )
        for column in columns:
            text = _quote(entry["columns"][column])
            conn.execute(f"comment on column analyst.{view}.{column} is {text}")


def create_views(conn) -> list[str]:
    """Create or replace every analyst view with its comments; returns the view names."""
    from assets.ingest.warehouse import ensure_warehouse

    # the views need their tables even on a warehouse no week has been loaded into yet
    ensure_warehouse(conn)
    conn.execute(MARTS_SCHEMA.read_text(encoding="utf-8"))
    for path in view_files():
        conn.execute(path.read_text(encoding="utf-8"))
    rows = conn.execute(
        "select view_name from duckdb_views() where schema_name = 'analyst' order by 1"
    ).fetchall()
    views = [name for (name,) in rows]
    document_views(conn, views)
    return views


@dg.asset(
    key=["analyst", "views"],
    description="分析视图 / the analyst schema: documented views without identity numbers or phones.",
    group_name="analyst",
    kinds={"duckdb", "sql"},
    pool="duckdb",
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=[
        dg.AssetKey(["marts", "indicator_weekly"]),
        dg.AssetKey(["marts", "measure_status"]),
        *(dg.AssetKey(["staging", source]) for source in source_names()),
    ],
)
def analyst_views(warehouse: DuckDBResource) -> dg.MaterializeResult:
    """Views are cheap: recreating them every week keeps them in step with the tables."""
    with warehouse.get_connection() as conn:
        views = create_views(conn)
    return dg.MaterializeResult(
        metadata={"views": len(views), "names": dg.MetadataValue.md(", ".join(views))}
    )
