"""The implementation-monitoring model over a set of rated weeks: the task ledger's status, the
monitoring window (progress against the schedule of the weeks the data covers), insufficient
history, "no cases" as a finding, projections and the distance to schedule, and the measure
statuses that follow. The marts call `monitor` once per build."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from assets.indicators.compute import CITY
from assets.indicators.ledger import ledger_quarantine
from assets.indicators.projection import projections
from assets.indicators.rating import (
    INSUFFICIENT_HISTORY,
    NO_CASES,
    measure_status,
    status_expr,
    year_share_elapsed,
)
from assets.indicators.tasks import task_ratings, task_status
from core.catalog import Catalog, Indicator

MONITORING_COLUMNS = ("projected_year_end", "projection_low", "projection_high", "schedule_gap_pp")


@dataclass(frozen=True)
class Monitored:
    indicator_weekly: pl.DataFrame
    measure_status: pl.DataFrame
    task_status: pl.DataFrame
    ledger_quarantine: pl.DataFrame


def _exists(conn, schema: str, table: str) -> bool:
    return bool(
        conn.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = $s and table_name = $t",
            {"s": schema, "t": table},
        ).fetchall()[0][0]
    )


def first_loaded_week(conn) -> dt.date | None:
    """Where the monitoring's data begins: the first week any file was loaded for."""
    if not _exists(conn, "meta", "load_log"):
        return None
    return conn.execute("select min(week) from meta.load_log").fetchall()[0][0]


def window_start(indicator: Indicator, first_week: dt.date | None) -> dt.date | None:
    """Where a flow's schedule starts counting: the year's start when an opening balance carries
    what came before, else the catalog's monitoring start, else the first loaded week."""
    if indicator.opening_balance is not None:
        return None
    return indicator.monitoring_start or first_week


def schedule_frame(catalog: Catalog, weeks: list[dt.date], first_week: dt.date | None):
    """Per indicator and week: the window's share of the year, the whole year's share, the weeks
    of history loaded, and the catalog's monitoring fields (catalog entries × weeks, not data)."""
    task_measures = {m.id for m in catalog.measures if m.status_from == "tasks"}
    rows = []
    for indicator in catalog.indicators:
        since = window_start(indicator, first_week)
        for week in weeks:
            rows.append(
                {
                    "indicator_id": indicator.id, "week": week,
                    "share_window": year_share_elapsed(week, since),
                    "share_year": year_share_elapsed(week),
                    "history_weeks": _loaded_weeks_since(first_week, week),
                    "lookback_weeks": indicator.lookback_weeks,
                    "opening_balance": indicator.opening_balance or 0.0,
                    "baseline": indicator.baseline,
                    "has_empty_label": indicator.empty_label is not None,
                    "task_flow": indicator.kind == "flow" and indicator.measure_id in task_measures,
                }
            )  # fmt: skip
    return pl.DataFrame(
        rows,
        schema_overrides={
            "baseline": pl.Float64,
            "lookback_weeks": pl.Int64,
            "history_weeks": pl.Int64,
        },
    )


def _loaded_weeks_since(first_week: dt.date | None, week: dt.date) -> int | None:
    return None if first_week is None else (week - first_week).days // 7 + 1


def rerate(weekly: pl.DataFrame, catalog: Catalog, first_week: dt.date | None) -> pl.DataFrame:
    """Flows rated against the schedule of their data window (opening balance added); statuses for
    insufficient history, no cases, and task measures' flows (not rated: their tasks rate them);
    the distance to schedule in percentage points."""
    from assets.indicators.rating import catalog_frame

    weeks = sorted(set(weekly["week"].to_list()))
    schedule = schedule_frame(catalog, weeks, first_week)
    flow = (pl.col("kind") == "flow") & (pl.col("district_code") == CITY)
    done = pl.col("opening_balance") + pl.col("ytd_value")
    target = pl.col("target")
    rated_flow = flow & target.is_not_null() & (target > 0)
    frame = (
        weekly.join(catalog_frame(catalog), on="indicator_id", how="left")
        .join(schedule, on=["indicator_id", "week"], how="left")
        .with_columns(
            pl.when(rated_flow)
            .then(done / (target * pl.col("share_window")))
            .otherwise(pl.col("progress"))
            .alias("progress")
        )
        .with_columns(
            pl.when(rated_flow).then(status_expr()).otherwise(pl.col("status")).alias("status")
        )
    )
    has_value = pl.col("value").is_not_null()
    short = pl.col("lookback_weeks").is_not_null() & (
        pl.col("history_weeks").is_null() | (pl.col("lookback_weeks") > pl.col("history_weeks"))
    )
    status = (
        pl.when(has_value & short & pl.col("status").is_not_null())
        .then(pl.lit(INSUFFICIENT_HISTORY))
        .when(has_value & pl.col("task_flow"))
        .then(None)
        .when(
            ~has_value
            & pl.col("has_empty_label")
            & (pl.col("denominator") == 0)
            & (pl.col("status") == "no_data")
        )
        .then(pl.lit(NO_CASES))
        .otherwise(pl.col("status"))
    )
    state_gap = (
        (pl.col("value") - pl.col("baseline")) / (target - pl.col("baseline"))
        - pl.col("share_year")
    ) * 100
    gap = (
        pl.when(rated_flow & pl.col("ytd_value").is_not_null())
        .then((done / target - pl.col("share_window")) * 100)
        .when(
            (pl.col("district_code") == CITY)
            & pl.col("kind").is_in(["state", "ratio"])
            & pl.col("baseline").is_not_null()
            & target.is_not_null()
            & (target != pl.col("baseline"))
        )
        .then(state_gap)
    )
    return frame.with_columns(status.alias("status"), gap.alias("schedule_gap_pp"))


def _history(conn, weekly: pl.DataFrame, flows: set[str]) -> pl.DataFrame:
    """All-Beijing weekly values of the flows: the weeks being built, and earlier weeks (this year
    and last) from the mart, for run rates and last year's profile."""
    current = weekly.filter(
        (pl.col("district_code") == CITY) & pl.col("indicator_id").is_in(list(flows))
    ).select("indicator_id", "week", "value")
    if not _exists(conn, "marts", "indicator_weekly"):
        return current
    earliest = min(current["week"]) if current.height else None
    if earliest is None:
        return current
    stored = pl.from_arrow(
        conn.execute(
            "select indicator_id, week, value from marts.indicator_weekly "
            "where district_code = '110000' and week < $first and week >= $since",
            {"first": earliest, "since": earliest - dt.timedelta(weeks=110)},
        ).to_arrow_table()
    )
    stored = stored.filter(pl.col("indicator_id").is_in(list(flows)))
    return pl.concat([current, stored.cast(current.schema)]).unique(
        ["indicator_id", "week"], keep="first"
    )


def add_projections(
    conn, weekly: pl.DataFrame, catalog: Catalog, first_week: dt.date | None
) -> pl.DataFrame:
    """Year-end projection and 80 % band on every all-Beijing flow row with data."""
    flows = {i.id: i for i in catalog.indicators if i.kind == "flow"}
    rows = weekly.filter(
        (pl.col("district_code") == CITY)
        & pl.col("indicator_id").is_in(list(flows))
        & pl.col("value").is_not_null()
    ).select(
        "indicator_id",
        "week",
        (
            pl.col("ytd_value")
            + pl.col("indicator_id").replace_strict(
                {k: i.opening_balance or 0.0 for k, i in flows.items()}, return_dtype=pl.Float64
            )
        ).alias("base"),
    )
    since = {k: window_start(i, first_week) for k, i in flows.items()}
    projected = projections(rows, _history(conn, weekly, set(flows)), since).with_columns(
        pl.lit(CITY).alias("district_code")
    )
    return weekly.join(projected, on=["indicator_id", "week", "district_code"], how="left")


def monitor(conn, weekly: pl.DataFrame, catalog: Catalog, computed_at: dt.datetime) -> Monitored:
    """The monitoring model over the rated weeks: every mart that depends on it."""
    from assets.indicators.rating import WEEKLY_COLUMNS

    weeks = sorted(set(weekly["week"].to_list()))
    first_week = first_loaded_week(conn)
    rated = rerate(weekly, catalog, first_week).select(*WEEKLY_COLUMNS, "schedule_gap_pp")
    projected = add_projections(conn, rated, catalog, first_week)
    indicator_weekly = projected.select(*WEEKLY_COLUMNS, *MONITORING_COLUMNS)
    tasks = task_status(conn, catalog, weeks, computed_at)
    return Monitored(
        indicator_weekly=indicator_weekly,
        measure_status=measure_status(
            indicator_weekly, catalog, computed_at, task_ratings(tasks, catalog)
        ),
        task_status=tasks,
        ledger_quarantine=ledger_quarantine(conn, catalog, weeks, computed_at),
    )
