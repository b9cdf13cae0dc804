"""The reporting week: Monday 00:00 to Sunday 24:00, Asia/Shanghai.

Dagster names a weekly partition by its Monday (`2026-11-16`); the inbox names it by ISO week
(`2026-W47`). Both spellings are accepted everywhere a user types a week.
"""

from __future__ import annotations

import datetime as dt
import re

import dagster as dg

from core.settings import TIMEZONE

FIRST_WEEK = "2024-10-21"  # the Monday of the week the measures took effect (2024-10-24)

weekly_partitions = dg.WeeklyPartitionsDefinition(
    start_date=FIRST_WEEK, day_offset=1, timezone=TIMEZONE, end_offset=0
)

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_monday(week: str | dt.date) -> dt.date:
    """The Monday of a week given as `2026-W47`, `2026-11-16`, any date in it, or a date."""
    if isinstance(week, dt.date):
        return week - dt.timedelta(days=week.weekday())
    match = _ISO_WEEK.match(week.strip())
    if match:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    day = dt.date.fromisoformat(week.strip())
    return day - dt.timedelta(days=day.weekday())


def iso_week(monday: dt.date | str) -> str:
    """`2026-W47` for the week holding a date."""
    day = week_monday(monday)
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def partition_key(week: str | dt.date) -> str:
    """The Dagster partition key (the Monday, ISO date) for a week in any accepted spelling."""
    return week_monday(week).isoformat()


def year_start(week: dt.date) -> dt.date:
    """1 January of the calendar year the week ends in: where year-to-date sums begin.

    Year-to-date counts every event dated in the calendar year up to the week's end, so an ISO
    week that straddles the new year (Mon 29 Dec 2025 - Sun 4 Jan 2026) is split by date: its
    1-4 January events open 2026's year-to-date, its December events stay in 2025's.
    """
    sunday = week_monday(week) + dt.timedelta(days=6)
    return dt.date(sunday.year, 1, 1)
