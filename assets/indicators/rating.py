"""Targets, progress, status and suppression: how a week's figures are rated against the catalog."""

from __future__ import annotations

import datetime as dt

import polars as pl

from assets.indicators.compute import CITY
from core.catalog import Catalog, Measure
from core.partitions import week_monday

STATUS_RANK = {"off_track": 0, "at_risk": 1, "on_track": 2}
# statuses beyond the traffic light: a figure whose look-back is longer than the loaded history
# (历史不足), and a delivered figure with nothing to count that reads as a finding (无投诉)
INSUFFICIENT_HISTORY, NO_CASES = "insufficient_history", "no_cases"
WEEKLY_COLUMNS = (
    "measure_id", "indicator_id", "week", "district_code", "value", "ytd_value", "target",
    "progress", "wow_change", "status", "suppressed", "numerator", "denominator", "base_count",
    "computed_at",
)  # fmt: skip


def year_weeks(week: dt.date) -> list[dt.date]:
    """The Mondays of the reporting weeks of the calendar year that `week` ends in: a week
    belongs to the year of its Sunday (so ISO week N of the year is its N-th week), as the
    calendar-year year-to-date does (core.partitions.year_start)."""
    year = (week_monday(week) + dt.timedelta(days=6)).year
    january_first = dt.date(year, 1, 1)
    monday = january_first - dt.timedelta(days=january_first.weekday())
    weeks = []
    while (monday + dt.timedelta(days=6)).year == year:
        weeks.append(monday)
        monday += dt.timedelta(weeks=1)
    return weeks


def weeks_in_year(week: dt.date) -> int:
    """How many reporting weeks the year of `week` has (52 or 53)."""
    return len(year_weeks(week))


def weeks_elapsed(week: dt.date, since: dt.date | None = None) -> int:
    """Weeks of the year from `since` (default the year's first week) through `week`, inclusive."""
    week = week_monday(week)
    start = week_monday(since) if since else None
    return sum(1 for w in year_weeks(week) if w <= week and (start is None or w >= start))


def year_share_elapsed(week: dt.date, since: dt.date | None = None) -> float:
    """Share of the monitoring year elapsed at week end, counted from `since` when the data's
    window opens later than the year: a schedule measured over the same weeks as the data."""
    return min(1.0, weeks_elapsed(week, since) / weeks_in_year(week))


def catalog_frame(catalog: Catalog) -> pl.DataFrame:
    """Each indicator's kind, direction, target and thresholds, to join onto its figures."""
    return pl.DataFrame(
        [
            {
                "indicator_id": i.id,
                "kind": i.kind,
                "lower_is_better": i.direction == "lower",
                "catalog_target": i.target,
                "on_track": i.thresholds.on_track,
                "at_risk": i.thresholds.at_risk,
            }
            for i in catalog.indicators  # catalog entries, not data rows
        ],
        schema_overrides={"catalog_target": pl.Float64},
    )


def status_expr() -> pl.Expr:
    """The traffic light from `progress` and the catalog thresholds; `no_data` without a value."""
    value, target = pl.col("value"), pl.col("target")
    # a lower-is-better figure at zero is as good as it gets (its inverted progress is undefined)
    best_at_zero = pl.col("lower_is_better") & (value == 0) & target.is_not_null()
    return (
        pl.when(value.is_null())
        .then(pl.lit("no_data"))
        .when(pl.col("progress").is_null())
        .then(pl.when(best_at_zero).then(pl.lit("on_track")))
        .when(pl.col("progress") >= pl.col("on_track"))
        .then(pl.lit("on_track"))
        .when(pl.col("progress") >= pl.col("at_risk"))
        .then(pl.lit("at_risk"))
        .otherwise(pl.lit("off_track"))
    )


def rate(
    current: pl.DataFrame,
    previous: pl.DataFrame,
    catalog: Catalog,
    week: dt.date,
    computed_at: dt.datetime,
) -> pl.DataFrame:
    """Targets, progress, week-over-week change, status and suppression for one week's figures.

    Targets are city-wide: flows and states (counts) are rated on the all-Beijing row only;
    ratios and meta (levels) on every row. A district row of a count has status NULL (not rated).
    """
    value, target = pl.col("value"), pl.col("target")
    prior = previous.select("indicator_id", "district_code", pl.col("value").alias("prior_value"))
    rated = (pl.col("district_code") == CITY) | pl.col("kind").is_in(["ratio", "meta"])
    progress = (
        pl.when(target.is_null() | (target == 0))
        .then(None)
        .when(pl.col("kind") == "flow")
        .then(pl.col("ytd_value") / (target * year_share_elapsed(week)))
        .when(pl.col("lower_is_better"))
        .then(pl.when(value > 0).then(target / value))
        .otherwise(value / target)
    )
    status = status_expr()
    min_count = catalog.suppression_min_count
    return (
        current.join(catalog_frame(catalog), on="indicator_id", how="left")
        .join(prior, on=["indicator_id", "district_code"], how="left")
        .with_columns(
            pl.lit(week).alias("week"),
            pl.when(rated).then(pl.col("catalog_target")).alias("target"),
            (value - pl.col("prior_value")).alias("wow_change"),
        )
        .with_columns(progress.alias("progress"))
        .with_columns(
            status.alias("status"),
            (
                (pl.col("district_code") != CITY)
                & value.is_not_null()
                & (pl.col("base_count").fill_null(min_count) < min_count)
            ).alias("suppressed"),
            pl.lit(computed_at).alias("computed_at"),
        )
        .select(WEEKLY_COLUMNS)
    )


def measure_status(
    weekly: pl.DataFrame,
    catalog: Catalog,
    computed_at: dt.datetime,
    task_ratings: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per measure and week: the worst status among its all-Beijing indicators with data (outcome
    indicators aside: they show the policy's aim, not the measure's work), or, for a measure that
    is a task (`status_from: tasks`), the worst rating of its tasks (`task_ratings`: measure_id,
    week, status); and how many indicators have data and are on track, at risk and off track."""
    outcome = {i.id for i in catalog.indicators if i.outcome}
    city = weekly.filter(pl.col("district_code") == CITY)
    by_task = {
        (r["measure_id"], r["week"]): r["status"]
        for r in (task_ratings.iter_rows(named=True) if task_ratings is not None else [])
    }  # one row per measure and week
    rows = []
    for (week,), frame in city.group_by(["week"], maintain_order=True):
        by_measure = frame.partition_by("measure_id", as_dict=True)
        for measure in catalog.measures:  # one row per catalog measure a week, not per data row
            own = by_measure.get((measure.id,), frame.head(0))
            statuses = [
                (s, i in outcome) for s, i in zip(own["status"], own["indicator_id"], strict=True)
            ]
            row = _measure_row(measure, week, statuses, computed_at)
            if measure.status_from == "tasks" and (measure.id, week) in by_task:
                row["status"] = by_task[(measure.id, week)]
            rows.append(row)
    return pl.DataFrame(rows, schema_overrides={"week": pl.Date, "computed_at": pl.Datetime("us")})


def _measure_row(
    measure: Measure,
    week: dt.date,
    statuses: list[tuple[str | None, bool]],
    computed_at: dt.datetime,
) -> dict:
    rated = [s for s, is_outcome in statuses if s in STATUS_RANK and not is_outcome]
    with_data = sum(s != "no_data" for s, _ in statuses)  # NULL: has data, not rated
    counts = {s: rated.count(s) for s in STATUS_RANK}
    status = min(rated, key=STATUS_RANK.__getitem__) if rated else "no_data"
    return {
        "measure_id": measure.id,
        "week": week,
        "status": status,
        "indicators": len(statuses),
        "indicators_with_data": with_data,
        "indicators_on_track": counts["on_track"],
        "indicators_at_risk": counts["at_risk"],
        "indicators_off_track": counts["off_track"],
        "computed_at": computed_at,
    }
