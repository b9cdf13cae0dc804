"""The ledger rows the indicators refuse: a row routed by its action to an indicator whose unit it
does not carry (`unit 人 ≠ 场`) is summed nowhere and listed in `marts.ledger_quarantine` with the
reason, for the agency to correct."""

from __future__ import annotations

import datetime as dt

import polars as pl

from assets.indicators.rendering import render
from assets.indicators.statements import run_sql, to_frame
from core.catalog import Catalog, MilestoneSum

QUARANTINE_COLUMNS = (
    "week", "indicator_id", "measure_id", "agency", "reported_on", "action", "quantity", "unit",
    "task_id", "source_file", "reason", "computed_at",
)  # fmt: skip


def routes(catalog: Catalog) -> list[dict]:
    """Each ledger indicator's measure, action keywords and unit, from the catalog."""
    return [
        {"indicator_id": i.id} | i.query.model_dump(include={"measure", "actions", "unit"})
        for i in catalog.indicators
        if isinstance(i.query, MilestoneSum)
    ]


def ledger_quarantine(
    conn, catalog: Catalog, weeks: list[dt.date], computed_at: dt.datetime
) -> pl.DataFrame:
    """The quarantined ledger rows loaded in each of the weeks."""
    paths = routes(catalog)
    empty = pl.DataFrame(schema=dict.fromkeys(QUARANTINE_COLUMNS, pl.Utf8)).clear()
    if not paths:
        return empty
    text = render("marts/ledger_quarantine.sql", {"routes": paths})
    frames = [
        to_frame(run_sql(conn, text, {"week_start": w})).with_columns(pl.lit(w).alias("week"))
        for w in weeks
    ]
    rows = pl.concat(frames, how="diagonal_relaxed")
    return rows.with_columns(pl.lit(computed_at).alias("computed_at")).select(QUARANTINE_COLUMNS)
