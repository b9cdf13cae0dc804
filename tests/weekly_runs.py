"""Deliveries written into an inbox and the weekly ingest + indicators run on them, as real
Dagster runs over a real DuckDB file: shared by the restatement and intake tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
from deliveries import TRAINING_HEADER, write_csv
from identity_codes import resident_id

from assets.indicators.assets import MARTS, indicator_marts
from assets.ingest.assets import ingest_assets
from core.partitions import iso_week

WORKERS = [resident_id(f"1101051985031212{n}") for n in range(3)]
FIGURE_MARTS = tuple(MARTS)  # the figures; marts.restatements is their history, not a figure


def assets_for(*sources: str) -> list:
    """The ingest assets of the given sources plus the indicator step."""
    wanted = {("staging", s) for s in sources}
    return [a for a in ingest_assets if tuple(a.key.path) in wanted] + [indicator_marts]


def training_row(record_id: str, day: dt.date, worker: int = 0, course: str = "housekeeping"):
    return [record_id, WORKERS[worker], "", "", course, "enterprise", "8", day.isoformat(), "", ""]


def deliver(inbox: Path, source: str, week: dt.date, name: str, rows: list[list[str]]) -> Path:
    """Write (or overwrite: a correction) a training file in the week's folder."""
    return write_csv(inbox / source / iso_week(week) / name, TRAINING_HEADER, rows)


def run(resources, instance, weeks: list[dt.date], sources=("training",), **kwargs):
    """One run of ingest + indicators over one week or a range of weeks (oldest first)."""
    if len(weeks) == 1:
        kwargs["partition_key"] = weeks[0].isoformat()
    else:
        kwargs["tags"] = {
            "dagster/asset_partition_range_start": min(weeks).isoformat(),
            "dagster/asset_partition_range_end": max(weeks).isoformat(),
        }
    return dg.materialize(assets_for(*sources), instance=instance, resources=resources, **kwargs)


def query(db: Path, sql: str, params: dict | None = None) -> pl.DataFrame:
    with duckdb.connect(str(db), read_only=True) as conn:
        return pl.from_arrow(conn.execute(sql, params or {}).to_arrow_table())


def figure_marts(db: Path) -> dict[str, pl.DataFrame]:
    """Every figure mart, without when it was computed, in a stable order."""
    out = {}
    for table in FIGURE_MARTS:
        frame = query(db, f"select * exclude (computed_at) from marts.{table}")
        keys = [c for c in frame.columns if frame[c].dtype != pl.Float64]
        out[table] = frame.sort(keys, nulls_last=True)
    return out


def value(db: Path, indicator: str, week: dt.date, district: str = "110000") -> dict:
    rows = query(
        db,
        "select * from marts.indicator_weekly where indicator_id = $i and week = $w "
        "and district_code = $d",
        {"i": indicator, "w": week, "d": district},
    )
    assert rows.height == 1, (indicator, week, district, rows)
    return rows.row(0, named=True)
