"""Running the indicator layer's SQL: files under `sql/`, split into statements by DuckDB's parser."""

from __future__ import annotations

from pathlib import Path

import polars as pl

SQL_DIR = Path(__file__).parent / "sql"


def sql_text(name: str) -> str:
    """A SQL file of the layer, by its path under `sql/`."""
    return (SQL_DIR / name).read_text(encoding="utf-8")


def run_sql(conn, text: str, params: dict):
    """Run each statement of `text` with only the named parameters it uses; the last one's relation.

    DuckDB's own parser splits the statements, so a `;` or `--` inside a literal or a comment is
    never mistaken for a boundary, and it reports which `$names` each statement uses.
    """
    result = None
    for statement in conn.extract_statements(text):
        used = statement.named_parameters
        result = conn.sql(statement, params={k: v for k, v in params.items() if k in used})
    return result


def to_frame(result) -> pl.DataFrame:
    """A query result as Polars, handed over as Arrow."""
    return pl.from_arrow(result.to_arrow_table())


def temp_table(conn, name: str, frame: pl.DataFrame) -> None:
    """Replace the connection's temp table `name` with the frame's rows."""
    conn.register("__frame", frame.to_arrow())
    conn.execute(f"create or replace temp table {name} as select * from __frame")
    conn.unregister("__frame")
