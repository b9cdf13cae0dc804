"""The `analyst` schema: documented, PII-free views over staging and the disclosure-controlled
marts, and name tables from the catalog; copied after each run into the analyst database
(`analyst.duckdb`), the only file `pmon sql` opens."""

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


def document_views(conn, views: list[str], tables: tuple[str, ...] = ()) -> None:
    """COMMENT every analyst view, name table and column from the dictionary; an undocumented
    one is a build error, so `pmon sql --schema` never shows a blank."""
    entries = dictionary()
    for view in views:
        entry = entries.get(view)
        if entry is None:
            raise ValueError(f"analyst.{view} has no entry in {DICTIONARY.name}")
        kind = "table" if view in tables else "view"
        conn.execute(f"comment on {kind} analyst.{view} is {_quote(entry['comment'])}")
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


def create_name_tables(conn) -> tuple[str, ...]:
    """Replace the name tables (districts, measures, indicators, statuses) from the catalog."""
    from assets.analyst.names import name_tables
    from core.catalog import load_catalog

    tables = name_tables(load_catalog())
    for name, frame in tables.items():
        conn.register("__names", frame.to_arrow())
        conn.execute(f"create or replace table analyst.{name} as select * from __names")
        conn.unregister("__names")
    return tuple(tables)


def create_views(conn) -> list[str]:
    """Create or replace every analyst view and name table with its comments; returns the names."""
    from assets.ingest.warehouse import ensure_warehouse

    # the views need their tables even on a warehouse no week has been loaded into yet
    ensure_warehouse(conn)
    conn.execute(MARTS_SCHEMA.read_text(encoding="utf-8"))
    for path in view_files():
        conn.execute(path.read_text(encoding="utf-8"))
    tables = create_name_tables(conn)
    rows = conn.execute(
        "select view_name from duckdb_views() where schema_name = 'analyst' order by 1"
    ).fetchall()
    views = sorted([name for (name,) in rows] + list(tables))
    document_views(conn, views, tables)
    return views


@dg.asset(
    key=["marts", "indicator_public"],
    description="公开数据 / the public rows of marts.indicator_weekly: primary and complementary "
    "suppression, derived figures withheld where they would reveal a suppressed cell.",
    group_name="indicators",
    kinds={"duckdb", "polars"},
    pool="duckdb",
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=[dg.AssetKey(["marts", "indicator_weekly"])],
)
def indicator_public(warehouse: DuckDBResource) -> dg.MaterializeResult:
    """Every published output reads this table, so the disclosure rule runs once, here."""
    from assets.indicators.disclosure import refresh_public
    from core.catalog import load_catalog

    with warehouse.get_connection() as conn:
        public = refresh_public(conn, load_catalog())
    counts = public["disclosure"].value_counts().rows() if public.height else []
    return dg.MaterializeResult(
        metadata={"rows": public.height, **{f"cells_{k}": int(n) for k, n in counts}}
    )


@dg.asset(
    key=["analyst", "views"],
    description="分析视图 / the analyst schema: documented views without identity numbers or phones.",
    group_name="analyst",
    kinds={"duckdb", "sql"},
    pool="duckdb",
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=[
        dg.AssetKey(["marts", "indicator_public"]),
        dg.AssetKey(["marts", "measure_status"]),
        *(dg.AssetKey(["staging", source]) for source in source_names()),
    ],
)
def analyst_views(warehouse: DuckDBResource) -> dg.MaterializeResult:
    """Views are cheap: recreating them every week keeps them in step with the tables; the
    analyst database is then rewritten whole from them (a few MB at Beijing scale)."""
    from assets.analyst.database import analyst_path, export

    with warehouse.get_connection() as conn:
        views = create_views(conn)
        target = analyst_path(Path(warehouse.database))
        counts = export(conn, target)
    return dg.MaterializeResult(
        metadata={
            "views": len(views),
            "names": dg.MetadataValue.md(", ".join(views)),
            "analyst_database": dg.MetadataValue.path(str(target)),
            "rows": sum(counts.values()),
        }
    )
