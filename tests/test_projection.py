"""Projection and distance to schedule: hand-computed on small series."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from assets.indicators.projection import Z80, project, projections
from assets.indicators.rating import weeks_elapsed, weeks_in_year, year_share_elapsed

W47 = dt.date(2026, 11, 16)  # ISO week 47: the 47th reporting week of 2026 (week 1 ends 01-04)


def test_a_constant_series_projects_ytd_plus_rate_times_remaining_weeks():
    remaining = weeks_in_year(W47) - weeks_elapsed(W47)
    assert (weeks_in_year(W47), remaining) == (52, 5)
    result = project(470.0, [10.0] * 8, remaining)
    assert result.point == pytest.approx(470 + 10 * 5)
    assert result.low == result.high == pytest.approx(520)  # no spread, no band


def test_the_band_is_80_percent_and_narrows_as_the_year_goes_on():
    recent = [8.0, 12.0, 8.0, 12.0]  # mean 10, sample sd 2.309
    sd = 2.3094010767585
    wide, narrow = project(100.0, recent, 20), project(100.0, recent, 5)
    assert wide.point == pytest.approx(300) and narrow.point == pytest.approx(150)
    assert wide.high - wide.point == pytest.approx(Z80 * sd * (20 + 20**2 / 4) ** 0.5)
    assert (narrow.high - narrow.low) < (wide.high - wide.low)
    assert wide.low <= wide.point <= wide.high


def test_last_years_profile_joins_the_run_rate():
    # this year 4 weeks of 10 (40 so far); last year the same 4 weeks made 20 and the rest 100:
    # the profile says 40 + 100 x 40/20 = 240, the run rate 40 + 10 x 6 = 100; the point is their mean
    result = project(40.0, [10.0] * 4, 6, last_year=(20.0, 100.0))
    assert result.point == pytest.approx((240 + 100) / 2)
    assert result.low == pytest.approx(100) and result.high == pytest.approx(240)


def test_projections_read_the_loaded_weeks_of_the_window():
    weeks = [W47 - dt.timedelta(weeks=k) for k in range(3)]
    history = pl.DataFrame({"indicator_id": ["X.f"] * 3, "week": weeks, "value": [5.0, 5.0, 5.0]})
    rows = pl.DataFrame({"indicator_id": ["X.f"], "week": [W47], "base": [15.0]})
    got = projections(rows, history, {"X.f": weeks[-1]}).row(0, named=True)
    assert got["projected_year_end"] == pytest.approx(15 + 5 * 5)  # 5 weeks remain after W47


def test_the_schedule_share_counts_from_the_data_window():
    # 8 loaded weeks (W40..W47) of a 52-week year: 8/52 elapsed, not the 47/52 of the whole year
    assert year_share_elapsed(W47) == pytest.approx(47 / 52)
    assert year_share_elapsed(W47, dt.date(2026, 9, 28)) == pytest.approx(8 / 52)
