"""The `analyst` schema: documented, PII-free views over staging and the disclosure-controlled
marts, and name tables from the catalog; and `analyst_public`, the part of it that is safe to hand
outside. Copied after each run into the two analyst databases (`analyst.duckdb`, internal;
`analyst_public.duckdb`, public), the only files `pmon sql` opens."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.analyst.database import DICTIONARY, PUBLIC_DICTIONARY, PUBLIC_SQL_DIR, SCHEMAS
from assets.analyst.database import dictionary as edition_dictionary
from core.contract import source_names
from core.partitions import weekly_partitions

SQL_DIR = Path(__file__).parent / "sql"
MARTS_SCHEMA = Path(__file__).parents[1] / "indicators" / "sql" / "marts" / "schema.sql"


def view_files() -> list[Path]:
    """The schema first, then one file per view (its comments are in views.yaml)."""
    return sorted(SQL_DIR.glob("*.sql"))


def public_files() -> list[Path]:
    """The public schema first, then one view per public table, each over an analyst object."""
    return sorted(PUBLIC_SQL_DIR.glob("*.sql"))


def dictionary(edition: str = "internal") -> dict[str, dict]:
    """An edition's data dictionary: comment and column comments per view."""
    return edition_dictionary(edition)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def document_views(
    conn, views: list[str], tables: tuple[str, ...] = (), edition: str = "internal"
) -> None:
    """COMMENT every view, name table and column of an edition's schema from its dictionary; an
    undocumented one is a build error, so `pmon sql --schema` never shows a blank."""
    entries = dictionary(edition)
    schema = SCHEMAS[edition]
    source = DICTIONARY.name
    if edition == "public":
        source = f"{PUBLIC_DICTIONARY.name} or {DICTIONARY.name}"
    for view in views:
        entry = entries.get(view)
        if entry is None:
            raise ValueError(f"{schema}.{view} has no entry in {source}")
        kind = "table" if view in tables else "view"
        conn.execute(f"comment on {kind} {schema}.{view} is {_quote(entry['comment'])}")
        columns = [
            name
            for (name,) in conn.execute(
                "select column_name from duckdb_columns() "
                "where schema_name = ? and table_name = ? order by column_index",
                [schema, view],
            ).fetchall()
        ]
        missing = [c for c in columns if c not in entry["columns"]]
        if missing:
            raise ValueError(f"{schema}.{view}: columns {missing} have no comment in {source}")
        for column in columns:
            text = _quote(entry["columns"][column])
            conn.execute(f"comment on column {schema}.{view}.{column} is {text}")


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


def _schema_views(conn, schema: str) -> list[str]:
    rows = conn.execute(
        "select view_name from duckdb_views() where schema_name = ? order by 1", [schema]
    ).fetchall()
    return [name for (name,) in rows]


def create_public_views(conn) -> list[str]:
    """The public edition's schema, rebuilt whole: only the views of sql/public/, each naming
    its columns, so nothing reaches it that no file there says is safe."""
    conn.execute("drop schema if exists analyst_public cascade")
    for path in public_files():
        conn.execute(path.read_text(encoding="utf-8"))
    views = _schema_views(conn, "analyst_public")
    document_views(conn, views, edition="public")
    return views


def create_views(conn) -> list[str]:
    """Create or replace every analyst view and name table with its comments, then the public
    edition's views over them; returns the internal edition's names."""
    from assets.ingest.warehouse import ensure_warehouse

    # the views need their tables even on a warehouse no week has been loaded into yet
    ensure_warehouse(conn)
    conn.execute(MARTS_SCHEMA.read_text(encoding="utf-8"))
    for path in view_files():
        conn.execute(path.read_text(encoding="utf-8"))
    tables = create_name_tables(conn)
    views = sorted(_schema_views(conn, "analyst") + list(tables))
    document_views(conn, views, tables)
    create_public_views(conn)
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
    description="分析视图 / the analyst schema: documented views without identity numbers or "
    "phones, in an internal and a public (disclosure-safe) analyst database.",
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
    """Views are cheap: recreating them every week keeps them in step with the tables; both
    analyst databases are then rewritten whole from them (a few MB at Beijing scale)."""
    from assets.analyst.database import analyst_path, export_editions

    with warehouse.get_connection() as conn:
        views = create_views(conn)
        counts = export_editions(conn, Path(warehouse.database))
    path = lambda edition: str(analyst_path(Path(warehouse.database), edition))  # noqa: E731
    return dg.MaterializeResult(
        metadata={
            "views": len(views),
            "names": dg.MetadataValue.md(", ".join(views)),
            "analyst_database": dg.MetadataValue.path(path("internal")),
            "rows": sum(counts["internal"].values()),
            "public_database": dg.MetadataValue.path(path("public")),
            "public_tables": dg.MetadataValue.md(", ".join(sorted(counts["public"]))),
            "public_rows": sum(counts["public"].values()),
        }
    )
