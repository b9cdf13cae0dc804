"""The ingestion tables (raw, staging, quarantine, meta.load_log), created from the contract.

`ensure_warehouse(conn)` is idempotent; other layers' tests call it to get empty tables with the
columns `docs/warehouse.md` promises.
"""

from __future__ import annotations

from pathlib import Path

from assets.ingest.rules import pii_name
from core.contract import Source, load_contract

SQL_DIR = Path(__file__).parent / "sql"
LINEAGE = [
    ("source_file", "varchar"),
    ("file_sha256", "varchar"),
    ("row_number", "bigint"),
    ("loaded_at", "timestamp"),
    ("week", "date"),
]
DUCKDB_TYPES = {"int": "bigint", "float": "double", "date": "date", "bool": "boolean"}


def sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def raw_columns(source: Source) -> list[tuple[str, str]]:
    """Contract columns as delivered text; PII columns as their hash."""
    return [(pii_name(n, c), "varchar") for n, c in source.columns.items()]


def staging_columns(source: Source) -> list[tuple[str, str]]:
    typed = [
        (pii_name(n, c), "varchar" if c.pii else DUCKDB_TYPES.get(c.type, "varchar"))
        for n, c in source.columns.items()
    ]
    if "district_code" not in source.columns:
        typed.append(("district_code", "varchar"))
    return [*typed, ("event_week", "date"), ("is_late", "boolean"), *LINEAGE]


def quarantine_columns(source: Source) -> list[tuple[str, str]]:
    return raw_columns(source) + LINEAGE + [("reasons", "varchar[]")]


def _create(table: str, columns: list[tuple[str, str]]) -> str:
    body = ",\n    ".join(f"{name} {kind}" for name, kind in columns)
    return f"create table if not exists {table} (\n    {body}\n)"


def ensure_warehouse(conn) -> None:
    """Create the raw/staging/quarantine/meta schemas, every source's tables and the views."""
    conn.execute(sql("schemas.sql"))
    for name, source in load_contract().sources.items():
        conn.execute(_create(f"raw.{name}", raw_columns(source) + LINEAGE))
        conn.execute(_create(f"staging.{name}", staging_columns(source)))
        conn.execute(_create(f"quarantine.{name}", quarantine_columns(source)))
    if "enterprises" in load_contract().sources:
        conn.execute(sql("enterprise_views.sql"))
