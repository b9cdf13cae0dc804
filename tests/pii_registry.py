"""Clear identity numbers and phones the tests deliver, and a scan of stored bytes for them.

A test that delivers personal data registers it (`delivered(...)`); after the whole session,
`tests/conftest.py` scans every stored byte under the test temp dirs (warehouses, Dagster
storage, logs, rendered reports) for any of them: a clear value found anywhere fails the run.
Delivered files themselves (inbox folders, files a test wrote as a delivery) are not stored data.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from deliveries import WORKER_A, WORKER_B

REGISTRY: set[str] = {WORKER_A, WORKER_B, "13800138000", "13912345678"}
STORED_PARTS = {"dagster", "logs", "reports", "dq", "storage", "history"}
STORED_SUFFIXES = {".duckdb", ".wal", ".db", ".sqlite", ".log", ".html", ".pdf", ".json"}


def delivered(*values: str) -> tuple[str, ...]:
    """Register clear values a test puts into a delivery; returns them for convenience."""
    REGISTRY.update(values)
    return values


def _stored(path: Path) -> bool:
    if "inbox" in path.parts or path.name.startswith("delivery"):
        return False
    return bool(STORED_PARTS & set(path.parts)) or path.suffix in STORED_SUFFIXES


def _warehouse_hits(path: Path, secrets: set[str]) -> list[str]:
    """DuckDB compresses strings (FSST): query every text column instead of grepping bytes."""
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return []  # a file a test damaged on purpose, or not a warehouse
    hits = []
    with conn:
        columns = conn.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns "
            "where (data_type = 'VARCHAR' or data_type = 'VARCHAR[]') "
            "and table_schema not in ('information_schema', 'pg_catalog')"
        ).fetchall()
        for schema, table, column, kind in columns:
            text = f'"{column}"' if kind == "VARCHAR" else f"array_to_string(\"{column}\", '|')"
            for secret in secrets:
                found = conn.execute(
                    f'select count(*) from "{schema}"."{table}" where contains({text}, ?)', [secret]
                ).fetchone()[0]
                if found:
                    hits.append(f"{path}: {schema}.{table}.{column}")
    return hits


def scan(root: Path, secrets: set[str] | None = None) -> list[str]:
    """Every stored file under `root` holding a registered clear value (path and where)."""
    secrets = set(secrets or REGISTRY)
    needles = [s.encode() for s in secrets] + [s.encode("utf-16-le") for s in secrets]
    hits = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink() or not _stored(path):
            continue
        if path.suffix == ".duckdb":
            hits += _warehouse_hits(path, secrets)
        data = path.read_bytes()
        hits += [f"{path}: bytes" for needle in needles if needle in data]
    return hits
