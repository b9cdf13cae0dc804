"""Builders shared by the indicator tests: staging rows as ingestion leaves them, load-log rows."""

from __future__ import annotations

import datetime as dt

import polars as pl

from core.contract import load_contract
from core.partitions import week_monday


def insert(conn, table: str, rows: list[dict]) -> None:
    """Append rows (dicts, any subset of the table's columns) to a warehouse table by name."""
    conn.register("__rows", pl.DataFrame(rows, infer_schema_length=None).to_arrow())
    conn.execute(f"insert into {table} by name select * from __rows")
    conn.unregister("__rows")


def stage(conn, source: str, rows: list[dict], week: dt.date | None = None) -> None:
    """Rows as ingestion leaves them: lineage, event week (from the contract's event date), reporting
    week (`week`, else the event week: not late), late flag."""
    event_date = load_contract().sources[source].event_date
    staged = []
    for n, row in enumerate(rows, start=2):
        event_week = week_monday(row[event_date]) if event_date else week
        reported = week or event_week
        district = row.get("district_code") or "agency"
        staged.append(
            row
            | {
                "event_week": event_week,
                "week": reported,
                "is_late": event_week < reported,
                "source_file": f"{source}/{reported.isoformat()}/{district}_loaded.csv",
                "file_sha256": "0" * 64,
                "row_number": n,
                "loaded_at": dt.datetime(2026, 11, 20),
            }
        )
    insert(conn, f"staging.{source}", staged)


def log(conn, source, week, district, outcome="loaded", rows=1) -> None:
    """One file's load attempt in `meta.load_log` (district None: a city-wide file)."""
    insert(
        conn,
        "meta.load_log",
        [
            {
                "source": source, "week": week,
                "source_file": f"{source}/{week.isoformat()}/{district or 'agency'}_{outcome}.csv",
                "file_sha256": "0" * 64, "district_code": district, "rows_read": rows,
                "rows_loaded": 0 if outcome == "rejected" else rows,
                "rows_quarantined": 0, "outcome": outcome, "message": "",
                "loaded_at": dt.datetime(2026, 11, 20),
            }
        ],
    )  # fmt: skip


def changed(
    conn, source: str, week, affected_week, kind: str = "rows", reason: str = "late rows arrived"
) -> None:
    """What the loader records with a load (`meta.week_changes`): the week whose figures it touches."""
    insert(
        conn,
        "meta.week_changes",
        [
            {
                "source": source, "week": week, "source_file": f"{source}/{week.isoformat()}/agency_loaded.csv",
                "file_sha256": "0" * 64, "affected_week": affected_week, "kind": kind,
                "reason": reason, "run_id": None, "changed_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            }
        ],
    )  # fmt: skip
