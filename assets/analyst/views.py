"""The `analyst` schema: documented, PII-free views over staging and marts for ad-hoc SQL."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from core.contract import source_names
from core.partitions import weekly_partitions

SQL_DIR = Path(__file__).parent / "sql"
MARTS_SCHEMA = Path(__file__).parents[1] / "indicators" / "sql" / "marts" / "schema.sql"


def view_files() -> list[Path]:
    """The schema first, then one file per view (a view and the comments that document it)."""
    return sorted(SQL_DIR.glob("*.sql"))


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
    return [name for (name,) in rows]


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
