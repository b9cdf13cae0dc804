"""Calendar periods (a month, a quarter) and their figures in `marts.indicator_period`.

A month's flow is computed from the rows dated in that month, never as a sum of ISO weeks (a week
that straddles the month's end is split by date); a state is its value at the period's last day
(the registry snapshot of the week holding that day); a ratio is its numerator and denominator
over the period. 环比 compares with the previous period, 同比 with the same period a year
earlier, when that period is loaded. The public rows (`marts.indicator_period_public`) follow the
weekly disclosure rule (disclosure.disclose), not a second copy of it.

The indicator engine computes a period as it computes a week (`compute.periods_values` over the
periods' dates, all the months of a run in one call); this module rates, compares and publishes
the result.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import polars as pl

from assets.indicators.compute import periods_values
from assets.indicators.disclosure import catalog_kinds, disclose
from assets.indicators.rating import rate
from assets.indicators.statements import run_sql, sql_text, to_frame
from core.catalog import Catalog
from core.partitions import iso_week, week_monday

KINDS = ("week", "month", "quarter")
CLOSED_KINDS = ("month", "quarter")  # what the mart holds: weeks live in indicator_weekly
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: [start, end) in dates; `label` is how files and the mart name it."""

    start: dt.date
    end: dt.date
    kind: str
    label: str

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def closing_week(self) -> dt.date:
        """The Monday of the week holding the period's last day: the run that closes it."""
        return week_monday(self.last_day)

    @property
    def issued_on(self) -> dt.date:
        """The Monday after the closing week: when the weekly run renders the period's reports."""
        return self.closing_week + dt.timedelta(days=7)

    def previous(self) -> Period:
        return containing(self.kind, self.start - dt.timedelta(days=1))

    def year_ago(self) -> Period:
        """The same period a year earlier (a week: the same ISO week number, when it exists)."""
        if self.kind == "week":
            year, number, _ = self.start.isocalendar()
            try:
                return week(dt.date.fromisocalendar(year - 1, number, 1))
            except ValueError:  # week 53 has no twin: the last week of the year before
                return week(dt.date.fromisocalendar(year - 1, 52, 1))
        return containing(self.kind, self.start.replace(year=self.start.year - 1))


def week(day: dt.date) -> Period:
    monday = week_monday(day)
    return Period(monday, monday + dt.timedelta(days=7), "week", iso_week(monday))


def month(year: int, number: int) -> Period:
    start = dt.date(year, number, 1)
    end = dt.date(year + number // 12, number % 12 + 1, 1)
    return Period(start, end, "month", f"{year}-{number:02d}")


def quarter(year: int, number: int) -> Period:
    start = dt.date(year, 3 * number - 2, 1)
    end = dt.date(year + number // 4, (3 * number) % 12 + 1, 1)
    return Period(start, end, "quarter", f"{year}-Q{number}")


def containing(kind: str, day: dt.date) -> Period:
    """The period of `kind` that holds `day`."""
    if kind == "week":
        return week(day)
    if kind == "month":
        return month(day.year, day.month)
    if kind == "quarter":
        return quarter(day.year, (day.month - 1) // 3 + 1)
    raise ValueError(f"unknown period kind {kind!r}; use one of {KINDS}")


def parse(kind: str, text: str) -> Period:
    """`2026-W47` (or any date in the week), `2026-10`, `2026-Q3`; ValueError naming the form."""
    text = text.strip()
    if kind == "week":
        return week(week_monday(text))
    pattern, form = (_MONTH, "2026-10") if kind == "month" else (_QUARTER, "2026-Q3")
    match = pattern.match(text) if kind in CLOSED_KINDS else None
    if match is None:
        raise ValueError(f"{text!r} is not a {kind} like {form}")
    year, number = int(match[1]), int(match[2])
    if kind == "month":
        if not 1 <= number <= 12:
            raise ValueError(f"{text!r}: the month must be 01 to 12")
        return month(year, number)
    return quarter(year, number)


def closed_periods(first_week: dt.date, last_week: dt.date) -> list[Period]:
    """Every month and quarter wholly inside the weeks loaded: starting on or after the first
    loaded week's Monday and ending by the last computed week's Sunday."""
    covered_end = last_week + dt.timedelta(days=7)
    out = []
    for kind in CLOSED_KINDS:
        period = containing(kind, first_week)
        if period.start < first_week:
            period = containing(kind, period.end)
        while period.end <= covered_end:
            out.append(period)
            period = containing(kind, period.end)
    return sorted(out, key=lambda p: (p.kind, p.start))


# ---- the mart


PERIOD_COLUMNS = (
    "period", "period_kind", "period_start", "period_end", "measure_id", "indicator_id",
    "district_code", "value", "ytd_value", "target", "progress", "status", "suppressed",
    "numerator", "denominator", "base_count", "previous_value", "mom_change", "mom_rate",
    "year_ago_value", "yoy_change", "yoy_rate", "computed_at",
)  # fmt: skip
CHANGES = ("previous_value", "mom_change", "mom_rate", "year_ago_value", "yoy_change", "yoy_rate")
BASE = tuple(c for c in PERIOD_COLUMNS if c not in CHANGES)


def period_values(conn, catalog: Catalog, periods: list[Period]) -> dict[str, pl.DataFrame]:
    """Each period's figures, by label: the periods of a kind never overlap, so the engine
    computes all of a kind in one call (a pass per 13 periods, not one per period)."""
    values: dict[str, pl.DataFrame] = {}
    for kind in sorted({p.kind for p in periods}):
        same = [p for p in periods if p.kind == kind]
        frame = periods_values(conn, catalog, [(p.start, p.end) for p in same])
        parts = frame.partition_by("week_start", as_dict=True, include_key=False)
        empty = frame.head(0).drop("week_start")
        values |= {p.label: parts.get((p.start,), empty) for p in same}
    return values


def rated_period(
    values: pl.DataFrame, catalog: Catalog, period: Period, computed_at: dt.datetime
) -> pl.DataFrame:
    """One period's figures with target, progress, status and the primary suppression flag
    (rating.rate, as for a week; a flow's progress is its year-to-date against the schedule at
    the period's closing week)."""
    rated = rate(values, values.head(0), catalog, period.closing_week, computed_at)
    return rated.drop("week", "wow_change").with_columns(
        pl.lit(period.label).alias("period"),
        pl.lit(period.kind).alias("period_kind"),
        pl.lit(period.start).alias("period_start"),
        pl.lit(period.end).alias("period_end"),
    )


def _comparators(frame: pl.DataFrame) -> pl.DataFrame:
    """Per period of the frame: where its previous period and its year-ago twin start."""
    labels = frame.select("period_kind", "period_start").unique()
    return pl.DataFrame(
        [
            {
                "period_kind": kind,
                "period_start": start,
                "previous_start": containing(kind, start).previous().start,
                "year_ago_start": containing(kind, start).year_ago().start,
            }
            for kind, start in labels.iter_rows()  # a handful of periods, not data rows
        ],
        schema={
            "period_kind": pl.Utf8,
            "period_start": pl.Date,
            "previous_start": pl.Date,
            "year_ago_start": pl.Date,
        },
    )


def _changes(frame: pl.DataFrame) -> pl.DataFrame:
    """环比 and 同比 of every row against the rows of the frame for the previous period and the
    same period a year earlier (absent comparators: null)."""
    comparators = _comparators(frame)
    cell = ["period_kind", "indicator_id", "district_code"]

    def side(start: str, name: str) -> pl.DataFrame:
        return frame.select(*cell, pl.col("period_start").alias(start), pl.col("value").alias(name))

    joined = (
        frame.join(comparators, on=["period_kind", "period_start"], how="left")
        .join(side("previous_start", "previous_value"), on=[*cell, "previous_start"], how="left")
        .join(side("year_ago_start", "year_ago_value"), on=[*cell, "year_ago_start"], how="left")
    )
    value = pl.col("value")

    def rate_of(base: str) -> pl.Expr:
        return pl.when(pl.col(base) != 0).then((value - pl.col(base)) / pl.col(base))

    return joined.with_columns(
        (value - pl.col("previous_value")).alias("mom_change"),
        rate_of("previous_value").alias("mom_rate"),
        (value - pl.col("year_ago_value")).alias("yoy_change"),
        rate_of("year_ago_value").alias("yoy_rate"),
    ).select(PERIOD_COLUMNS)


def stored_periods(conn) -> pl.DataFrame:
    run_sql(conn, sql_text("marts/period_schema.sql"), {})
    return to_frame(conn.sql("select * from marts.indicator_period"))


def build_periods(
    conn, catalog: Catalog, periods: list[Period], computed_at: dt.datetime | None = None
) -> pl.DataFrame:
    """The whole mart with `periods` (re)computed and every other stored period kept; 环比 and
    同比 recomputed throughout (a restated month changes the next month's 环比)."""
    computed_at = computed_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    stored = stored_periods(conn)
    labels = [p.label for p in periods]
    values = period_values(conn, catalog, periods)
    frames = [rated_period(values[p.label], catalog, p, computed_at).select(BASE) for p in periods]
    frames.append(stored.filter(~pl.col("period").is_in(labels)).select(BASE))
    return _changes(pl.concat(frames, how="vertical_relaxed"))


def public_periods(
    frame: pl.DataFrame, catalog: Catalog, weekly_hidden: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The public rows: disclosure.disclose per period kind (a period standing for its week), and
    环比/同比 withheld where the cell or the period compared with is hidden.

    `weekly_hidden` (indicator_id, district_code, week): the district cells the public weekly
    rows hide. A period cell holding a hidden week is hidden too (as a primary cell, so its
    complements follow): else the period minus the published weeks could give the week back.
    """
    if weekly_hidden is not None and weekly_hidden.height and frame.height:
        cell = ["indicator_id", "district_code"]
        spans = frame.select(*cell, "period", "period_start", "period_end").join(
            weekly_hidden.select(*cell, "week"), on=cell, how="inner"
        )
        holding = (
            spans.filter(
                (pl.col("week") < pl.col("period_end"))
                & (pl.col("week") + pl.duration(days=7) > pl.col("period_start"))
            )
            .select(*cell, "period")
            .unique()
            .with_columns(pl.lit(True).alias("holds_hidden_week"))
        )
        frame = (
            frame.join(holding, on=[*cell, "period"], how="left")
            .with_columns(
                (pl.col("suppressed") | pl.col("holds_hidden_week").fill_null(False)).alias(
                    "suppressed"
                )
            )
            .drop("holds_hidden_week")
        )
    if frame.is_empty():
        return frame.with_columns(
            pl.lit(None, pl.Utf8).alias("disclosure"), pl.lit(None, pl.Utf8).alias("withheld")
        )
    kinds = catalog_kinds(catalog)
    parts = []
    for rows in frame.partition_by("period_kind"):
        as_weeks = rows.with_columns(
            pl.col("period_start").alias("week"), pl.lit(None, pl.Float64).alias("wow_change")
        )
        parts.append(disclose(as_weeks, kinds).drop("week", "wow_change"))
    public = pl.concat(parts)
    cell = ["period_kind", "indicator_id", "district_code"]
    hidden = public.select(*cell, "period_start", pl.col("suppressed").alias("hidden"))
    comparators = public.select(*cell, "period_start").join(
        _comparators(public), on=["period_kind", "period_start"], how="left"
    )
    flags = (
        comparators.join(
            hidden.rename({"period_start": "previous_start", "hidden": "previous_hidden"}),
            on=[*cell, "previous_start"],
            how="left",
        )
        .join(
            hidden.rename({"period_start": "year_ago_start", "hidden": "year_ago_hidden"}),
            on=[*cell, "year_ago_start"],
            how="left",
        )
        .select(*cell, "period_start", "previous_hidden", "year_ago_hidden")
    )
    joined = public.join(flags, on=[*cell, "period_start"], how="left")
    prev_out = pl.col("suppressed") | pl.col("previous_hidden").fill_null(False)
    ago_out = pl.col("suppressed") | pl.col("year_ago_hidden").fill_null(False)
    return joined.with_columns(
        *(pl.when(~prev_out).then(pl.col(c)).alias(c) for c in ("previous_value", "mom_change", "mom_rate")),
        *(pl.when(~ago_out).then(pl.col(c)).alias(c) for c in ("year_ago_value", "yoy_change", "yoy_rate")),
    ).select(*PERIOD_COLUMNS, "disclosure", "withheld")  # fmt: skip


def write_periods(conn, frame: pl.DataFrame, public: pl.DataFrame) -> None:
    """Replace both period marts in one transaction."""
    run_sql(conn, sql_text("marts/period_schema.sql"), {})
    conn.execute("begin transaction")
    try:
        for table, rows in (("indicator_period", frame), ("indicator_period_public", public)):
            conn.execute(f"delete from marts.{table}")
            if rows.height:
                conn.register("__rows", rows.to_arrow())
                columns = ", ".join(rows.columns)
                conn.execute(f"insert into marts.{table} ({columns}) select {columns} from __rows")
                conn.unregister("__rows")
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


def due_periods(conn) -> list[Period]:
    """The closed months and quarters to (re)compute: every one the mart does not hold, and every
    one holding a week computed since the period was (the run's weeks, and any week a late row
    restated)."""
    from assets.indicators.monitoring import first_loaded_week

    first = first_loaded_week(conn)
    weeks = dict(
        conn.execute(
            "select week, max(computed_at) from marts.indicator_weekly group by week"
        ).fetchall()
    )
    if first is None or not weeks:
        return []
    stored = stored_periods(conn)
    held = dict(stored.group_by("period").agg(pl.col("computed_at").min()).iter_rows())
    due = []
    for period in closed_periods(first, max(weeks)):
        at = held.get(period.label)
        stale = at is None or any(
            w < period.end and w + dt.timedelta(days=7) > period.start and computed > at
            for w, computed in weeks.items()  # one entry per computed week
        )
        if stale:
            due.append(period)
    return due


def weekly_hidden(conn) -> pl.DataFrame | None:
    """The district cells marts.indicator_public hides; None before it was ever written."""
    found = conn.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'indicator_public'"
    ).fetchall()[0][0]
    if not found:
        return None
    return to_frame(
        conn.sql(
            "select indicator_id, district_code, week from marts.indicator_public "
            "where suppressed and district_code <> '110000'"
        )
    )


def materialize_periods(conn, catalog: Catalog) -> tuple[list[Period], pl.DataFrame]:
    """Compute the periods due and rewrite both period marts."""
    periods = due_periods(conn)
    frame = build_periods(conn, catalog, periods)
    public = public_periods(frame, catalog, weekly_hidden(conn))
    write_periods(conn, frame, public)
    return periods, frame
