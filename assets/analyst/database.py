"""The analyst databases: separate DuckDB files holding only analyst views' rows, as tables.

Two editions, like the report's. `internal` (`analyst.duckdb`, bureau staff, the default of
`pmon sql`): every view of the warehouse's `analyst` schema, every district figure. `public`
(`analyst_public.duckdb`, safe to hand outside): only the `analyst_public` schema, i.e. the
disclosure-controlled indicators, measure status, name tables and the delivery matrix without
row counts; no detail view that could count a suppressed cell again.

`pmon sql` opens one of them, not the warehouse, so no query can reach raw, staging,
quarantine, meta or a hashed identifier: they are not in it. It attaches either file under the
catalog name `analyst`, so `analyst.indicator_weekly` reads the same in both. This module
imports no Dagster and no Polars: the CLI uses it to find the files.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

EDITIONS = ("internal", "public")
FILE_NAMES = {"internal": "analyst.duckdb", "public": "analyst_public.duckdb"}
FILE_NAME = FILE_NAMES["internal"]
CATALOG = "analyst"  # the name both files are attached under by `pmon sql`
SCHEMAS = {"internal": "analyst", "public": "analyst_public"}  # the warehouse schema of each
HERE = Path(__file__).parent
PUBLIC_SQL_DIR = HERE / "sql" / "public"
DICTIONARY = HERE / "views.yaml"
PUBLIC_DICTIONARY = HERE / "views_public.yaml"


def analyst_path(warehouse: Path, edition: str = "internal") -> Path:
    """The edition's analyst database beside the warehouse file."""
    if edition not in FILE_NAMES:
        raise ValueError(f"unknown edition {edition!r}: one of {', '.join(EDITIONS)}")
    return Path(warehouse).with_name(FILE_NAMES[edition])


def public_objects() -> list[str]:
    """The tables of the public edition: one SQL file each under sql/public/ (an allowlist: a
    view added to the internal edition is not public until a file here says so)."""
    return sorted(p.stem for p in PUBLIC_SQL_DIR.glob("*.sql") if not p.stem.startswith("00_"))


def dictionary(edition: str = "internal") -> dict[str, dict]:
    """The data dictionary of an edition: views.yaml, and for the public edition the entries of
    views_public.yaml in place of those it differs in."""
    entries = yaml.safe_load(DICTIONARY.read_text(encoding="utf-8"))
    if edition == "public":
        entries = {**entries, **yaml.safe_load(PUBLIC_DICTIONARY.read_text(encoding="utf-8"))}
        entries = {name: entries[name] for name in public_objects()}
    return entries


def _quote(text: str) -> str:
    """A SQL string literal (COMMENT takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _objects(conn, schema: str) -> list[tuple[str, str | None]]:
    """A schema's tables and views with their comments."""
    return conn.execute(
        "select table_name, comment from duckdb_tables() where schema_name = ? "
        "union all select view_name, comment from duckdb_views() where schema_name = ? "
        "order by 1",
        [schema, schema],
    ).fetchall()


def _copy(conn, out, schema: str, name: str, comment: str | None) -> int:
    """One object into `out` as a table, handed over as Arrow, with its comments."""
    rows = conn.sql(f"select * from {schema}.{name}").to_arrow_table()
    out.register("__rows", rows)
    out.execute(f"create table main.{name} as select * from __rows")
    out.unregister("__rows")
    if comment:
        out.execute(f"comment on table main.{name} is {_quote(comment)}")
    columns = conn.execute(
        "select column_name, comment from duckdb_columns() "
        "where schema_name = ? and table_name = ? and comment is not null",
        [schema, name],
    ).fetchall()
    for column, text in columns:
        out.execute(f'comment on column main.{name}."{column}" is {_quote(text)}')
    return rows.num_rows


def export(conn, target: Path, schema: str = "analyst") -> dict[str, int]:
    """Write every object of `schema` into a fresh file in one transaction, then move it over
    `target` atomically: a reader has the old file or the new one, never half."""
    import duckdb

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    staging.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        with duckdb.connect(str(staging)) as out:
            out.execute("begin transaction")
            for name, comment in _objects(conn, schema):
                counts[name] = _copy(conn, out, schema, name, comment)
            out.execute("commit")
            out.execute("checkpoint")
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
        Path(f"{staging}.wal").unlink(missing_ok=True)
    return counts


def export_editions(conn, warehouse: Path) -> dict[str, dict[str, int]]:
    """Both analyst databases from the warehouse's `analyst` and `analyst_public` schemas."""
    return {
        edition: export(conn, analyst_path(warehouse, edition), SCHEMAS[edition])
        for edition in EDITIONS
    }
