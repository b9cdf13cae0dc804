"""Where a flow is heading: a year-end projection with an 80 % band, from the recent run rate and,
when last year is loaded, last year's weekly profile (the Spring Festival dip and the December
push repeat; a run rate alone would miss them).

Run rate: the mean r of the last (up to 8) loaded weeks of the year; projection = year-to-date +
r × the weeks remaining. Band: the sum of the remaining weeks varies with the weekly spread s
(s·√remaining) and r itself is uncertain (s·remaining/√n); the 80 % half-width is z·s·√(remaining
+ remaining²/n), which narrows as fewer weeks remain. With last year's profile, the projection is
the mean of the two estimates and the band spans both.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

import polars as pl

from assets.indicators.rating import weeks_elapsed, weeks_in_year, year_weeks

Z80 = 1.2816  # two-sided 80 %: the 10th and 90th percentiles of a normal distribution
RUN_RATE_WEEKS = 8


@dataclass(frozen=True)
class Projection:
    point: float
    low: float
    high: float


def run_rate_projection(base: float, recent: list[float], remaining: int) -> Projection:
    """base + mean(recent) × remaining, with the 80 % band of the remaining weeks' sum."""
    rate = statistics.fmean(recent)
    spread = statistics.stdev(recent) if len(recent) > 1 else 0.0
    point = base + rate * remaining
    half = Z80 * spread * (remaining + remaining**2 / len(recent)) ** 0.5
    return Projection(point, max(base, point - half), point + half)


def profile_estimate(base: float, done: float, last_done: float, last_rest: float) -> float | None:
    """base + last year's remaining weeks scaled by this year's pace against last year's over the
    same weeks; None when last year had nothing in those weeks to scale by."""
    if last_done <= 0:
        return None
    return base + last_rest * done / last_done


def project(
    base: float,
    this_year: list[float],
    remaining: int,
    last_year: tuple[float, float] | None = None,
) -> Projection:
    """The projection of a flow from its loaded weekly values this year (oldest first) and, when
    available, last year's (sum over the same elapsed weeks, sum over the remaining weeks)."""
    run = run_rate_projection(base, this_year[-RUN_RATE_WEEKS:], remaining)
    profile = profile_estimate(base, sum(this_year), *last_year) if last_year else None
    if profile is None:
        return run
    half = (run.high - run.low) / 2
    return Projection(
        (run.point + profile) / 2,
        max(base, min(run.point, profile) - half),
        max(run.point, profile) + half,
    )


def _last_year(
    series: dict[dt.date, float], week: dt.date, window_start: dt.date
) -> tuple[float, float] | None:
    """Last year's sums over this year's elapsed window and over its remaining weeks, when every
    week of last year from the window's position on is loaded."""
    this_year = year_weeks(week)
    weeks = year_weeks(this_year[0] - dt.timedelta(weeks=1))  # last year's reporting weeks
    first = sum(1 for w in this_year if w < window_start)
    elapsed = weeks_elapsed(week)
    if any(series.get(w) is None for w in weeks[first:]):
        return None
    done = sum(series[w] for w in weeks[first:elapsed])
    rest = sum(series[w] for w in weeks[elapsed:])
    return done, rest


def projections(
    rows: pl.DataFrame, history: pl.DataFrame, since: dict[str, dt.date | None]
) -> pl.DataFrame:
    """(indicator_id, week, projected_year_end, projection_low, projection_high) for each
    all-Beijing flow row with a year-to-date (`rows`: indicator_id, week, base = opening balance
    + year-to-date), from `history` (indicator_id, week, value: every loaded week, all Beijing).
    `since`: where each indicator's data window opens (None: the year's start)."""
    series: dict[str, dict[dt.date, float]] = {}
    for indicator_id, frame in history.partition_by("indicator_id", as_dict=True).items():
        series[indicator_id[0]] = dict(zip(frame["week"], frame["value"], strict=True))
    out = []
    for row in rows.iter_rows(named=True):  # one row per flow indicator and week, not data rows
        values = series.get(row["indicator_id"], {})
        week = row["week"]
        first_week = year_weeks(week)[0]
        window_start = max(first_week, since.get(row["indicator_id"]) or first_week)
        this_year = [
            v for w, v in sorted(values.items()) if window_start <= w <= week and v is not None
        ]
        if row["base"] is None or not this_year:
            continue
        remaining = weeks_in_year(week) - weeks_elapsed(week)
        result = project(row["base"], this_year, remaining, _last_year(values, week, window_start))
        out.append(
            {"indicator_id": row["indicator_id"], "week": week, "projected_year_end": result.point,
             "projection_low": result.low, "projection_high": result.high}
        )  # fmt: skip
    schema = {"indicator_id": pl.Utf8, "week": pl.Date} | dict.fromkeys(
        ("projected_year_end", "projection_low", "projection_high"), pl.Float64
    )
    return pl.DataFrame(out, schema=schema)
