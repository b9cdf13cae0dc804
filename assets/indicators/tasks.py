"""The task ledger (任务台账) week by week: each catalog task's status in `marts.task_status`, and
the rating of measures that are agency tasks (`status_from: tasks`), which the pro-rated sums of
whatever happens to be reported cannot give: "nothing reported" and "nothing done" differ."""

from __future__ import annotations

import datetime as dt

import polars as pl

from assets.indicators.compute import week_params
from assets.indicators.rendering import render
from assets.indicators.statements import run_sql, to_frame
from core.catalog import Catalog

TASK_COLUMNS = (
    "task_id", "measure_id", "week", "status", "due_on", "final_due_on", "done_on",
    "done_on_time", "reported_quantity", "quantity", "unit", "last_reported_on",
    "missing_reporters", "reports_owed", "reports_received", "computed_at",
)  # fmt: skip


def task_status_sql(catalog: Catalog) -> str:
    """The task-status query rendered with the catalog's whole ledger."""
    return render(
        "marts/task_status.sql",
        {
            "tasks": [t.row() for t in catalog.tasks],
            "due_soon_days": catalog.defaults.due_soon_days,
        },
    )


def task_status(
    conn, catalog: Catalog, weeks: list[dt.date], computed_at: dt.datetime
) -> pl.DataFrame:
    """Every task's status at the end of each of the weeks (Mondays)."""
    if not catalog.tasks:
        return pl.DataFrame(schema={c: pl.Utf8 for c in TASK_COLUMNS}).clear()
    text = task_status_sql(catalog)
    frames = [
        to_frame(run_sql(conn, text, week_params(w, len(catalog.measures)))).with_columns(
            pl.lit(w).alias("week")
        )
        for w in weeks
    ]
    return (
        pl.concat(frames, how="diagonal_relaxed")
        .with_columns(pl.lit(computed_at).alias("computed_at"))
        .select(TASK_COLUMNS)
    )


def task_ratings(tasks: pl.DataFrame, catalog: Catalog) -> pl.DataFrame:
    """(measure_id, week, status): the worst rating of a measure's tasks (defaults.task_rating)."""
    rank = {"off_track": 0, "at_risk": 1, "on_track": 2}
    rating = catalog.defaults.task_rating
    return (
        tasks.with_columns(
            pl.col("status").replace_strict(rating, return_dtype=pl.Utf8).alias("rating")
        )
        .with_columns(pl.col("rating").replace_strict(rank, return_dtype=pl.Int64).alias("rank"))
        .group_by("measure_id", "week")
        .agg(pl.col("rating").sort_by("rank").first().alias("status"))
    )
