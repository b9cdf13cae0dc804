"""The marts for a set of weeks: build them, write them idempotently, find the weeks late rows
restate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

from assets.indicators.compute import week_params, week_values
from assets.indicators.monitoring import monitor
from assets.indicators.rating import rate
from assets.indicators.statements import run_sql, sql_text, to_frame
from core.catalog import Catalog, load_catalog


@dataclass
class MartWeeks:
    """The four marts' rows for a set of weeks."""

    weeks: list[dt.date]
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)


def _per_week(conn, name: str, params: list[dict]) -> pl.DataFrame:
    """A mart query run for each week, its rows concatenated."""
    return pl.concat(
        [to_frame(run_sql(conn, sql_text(name), p)) for p in params], how="diagonal_relaxed"
    )


def build_weeks(conn, weeks: Iterable[dt.date], catalog: Catalog | None = None) -> MartWeeks:
    """Compute the marts for the given weeks (Mondays); each week needs only its own and the
    previous week's figures, which are computed from staging, never read from earlier partitions."""
    catalog = catalog or load_catalog()
    weeks = sorted(set(weeks))
    computed_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    cache: dict[dt.date, pl.DataFrame] = {}

    def values(week: dt.date) -> pl.DataFrame:
        if week not in cache:
            cache[week] = week_values(conn, catalog, week)
        return cache[week]

    weekly = pl.concat(
        [rate(values(w), values(w - dt.timedelta(weeks=1)), catalog, w, computed_at) for w in weeks]
    )
    monitored = monitor(conn, weekly, catalog, computed_at)  # tasks, schedule, projections
    params = [week_params(w, len(catalog.measures)) for w in weeks]
    stamp = pl.lit(computed_at).alias("computed_at")
    return MartWeeks(
        weeks,
        {
            "indicator_weekly": monitored.indicator_weekly,
            "measure_status": monitored.measure_status,
            "task_status": monitored.task_status,
            "ledger_quarantine": monitored.ledger_quarantine,
            "data_delivery": _per_week(conn, "marts/data_delivery.sql", params).with_columns(stamp),
            "milestone_notes": _per_week(conn, "marts/milestone_notes.sql", params).with_columns(
                stamp
            ),
        },
    )


def write_weeks(conn, marts: MartWeeks) -> None:
    """Replace the weeks' rows in every mart: delete, then insert, in one transaction."""
    run_sql(conn, sql_text("marts/schema.sql"), {})
    conn.execute("begin transaction")
    try:
        for table, frame in marts.tables.items():
            conn.execute(
                f"delete from marts.{table} where week = any($weeks)", {"weeks": marts.weeks}
            )
            if frame.height:
                conn.register("__rows", frame.to_arrow())
                columns = ", ".join(frame.columns)
                conn.execute(f"insert into marts.{table} ({columns}) select {columns} from __rows")
                conn.unregister("__rows")
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


def restated_weeks(conn, weeks: Iterable[dt.date]) -> list[dt.date]:
    """Earlier weeks to recompute because late rows for them arrived in these weeks' loads.

    From the earliest week that received a late row up to the loaded week, every week already in
    the mart is recomputed: year-to-date and week-over-week figures after it depend on it too.
    """
    weeks = sorted(set(weeks))
    late: set[dt.date] = set()
    for week in weeks:
        rows = run_sql(conn, sql_text("marts/restated_weeks.sql"), {"week_start": week}).fetchall()
        late.update(w for (w,) in rows if w < week)
    if not late:
        return []
    run_sql(conn, sql_text("marts/schema.sql"), {})
    existing = {
        w
        for (w,) in conn.execute(
            "select distinct week from marts.indicator_weekly where week >= $first and week < $last",
            {"first": min(late), "last": max(weeks)},
        ).fetchall()
    }
    return sorted(existing - set(weeks))


def materialize_weeks(
    conn, weeks: Iterable[dt.date], catalog: Catalog | None = None
) -> tuple[MartWeeks, list[dt.date]]:
    """Build and write the given weeks plus the earlier weeks their late rows restate."""
    weeks = sorted(set(weeks))
    restated = restated_weeks(conn, weeks)
    marts = build_weeks(conn, [*weeks, *restated], catalog)
    write_weeks(conn, marts)
    return marts, restated
