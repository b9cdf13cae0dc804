"""The ingestion tables (raw, staging, quarantine, meta.load_log), created from the contract.

`ensure_warehouse(conn)` is idempotent; other layers' tests call it to get empty tables with the
columns `docs/warehouse.md` promises. It also writes the contract into the warehouse, so SQL that
spans sources never lists them: `meta.sources` and `meta.expected_deliveries` (tables, refreshed
when the contract or the reference districts change) and `meta.staged_rows` /
`meta.quarantined_rows` (views over every source's staging and quarantine table).
"""

from __future__ import annotations

from pathlib import Path

from assets.ingest.rules import pii_name
from core.contract import Contract, Source, load_contract, load_reference

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


def _union_view(view: str, selects: list[str], empty: str) -> str:
    """`create or replace view` over one select per source; `empty` keeps the columns typed
    when the contract has no source at all."""
    body = "\nunion all\n".join(selects) or f"{empty} where false"
    return f"create or replace view {view} as\n{body}"


def staged_rows_view(contract: Contract) -> str:
    """meta.staged_rows: every source's staging rows, with what spans sources (lateness, files)."""
    columns = "week, event_week, is_late, source_file, district_code"
    return _union_view(
        "meta.staged_rows",
        [f"select '{name}' as source, {columns} from staging.{name}" for name in contract.names],
        "select null::varchar as source, null::date as week, null::date as event_week, "
        "null::boolean as is_late, null::varchar as source_file, null::varchar as district_code",
    )


def quarantined_rows_view(contract: Contract) -> str:
    """meta.quarantined_rows: every source's quarantined rows, without their (raw) values."""
    columns = "week, source_file, reasons"
    return _union_view(
        "meta.quarantined_rows",
        [f"select '{name}' as source, {columns} from quarantine.{name}" for name in contract.names],
        "select null::varchar as source, null::date as week, null::varchar as source_file, "
        "null::varchar[] as reasons",
    )


def source_rows(contract: Contract) -> list[tuple]:
    """meta.sources: one row per contract source."""
    return [
        (name, s.tag, s.title.zh, s.title.en, s.expected_from)
        for name, s in contract.sources.items()
    ]


def expected_rows(contract: Contract, districts: list[str]) -> list[tuple]:
    """meta.expected_deliveries: (source, district) pairs owed every week; NULL = the city."""
    rows: list[tuple] = []
    for name, source in contract.sources.items():
        owed = districts if source.expected_from == "districts" else [None]
        rows += [(name, district) for district in owed]
    return rows


def _refresh(conn, table: str, rows: list[tuple]) -> None:
    """Replace a small table's rows when they differ: a warehouse in step stays untouched."""
    current = conn.execute(f"select * from {table}").fetchall()
    if sorted(current, key=repr) == sorted(rows, key=repr):
        return
    conn.execute(f"delete from {table}")
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        conn.executemany(f"insert into {table} values ({marks})", rows)


def registry_views(source: Source) -> str:
    """A registry's version history and current views (a contract source with `history_view`)."""
    return (
        sql("registry_views.sql")
        .replace("{source}", source.name)
        .replace("{history_view}", str(source.history_view))
        .replace("{key}", ", ".join(source.key))
    )


def ensure_warehouse(conn) -> None:
    """Create the raw/staging/quarantine/meta schemas, every source's tables and the views."""
    contract = load_contract()
    conn.execute(sql("schemas.sql"))
    for name, source in contract.sources.items():
        conn.execute(_create(f"raw.{name}", raw_columns(source) + LINEAGE))
        conn.execute(_create(f"staging.{name}", staging_columns(source)))
        conn.execute(_create(f"quarantine.{name}", quarantine_columns(source)))
        if source.history_view:
            conn.execute(registry_views(source))
    conn.execute(staged_rows_view(contract))
    conn.execute(quarantined_rows_view(contract))
    _refresh(conn, "meta.sources", source_rows(contract))
    _refresh(
        conn, "meta.expected_deliveries", expected_rows(contract, load_reference().district_codes)
    )
