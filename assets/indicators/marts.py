"""The marts for a set of weeks: build them, write them idempotently, and restate exactly the
computed weeks that depend on what was loaded since they were computed (recorded in
`marts.restatements`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

from assets.indicators.compute import week_params, weeks_values
from assets.indicators.monitoring import monitor
from assets.indicators.rating import rate
from assets.indicators.statements import run_sql, sql_text, to_frame
from core.catalog import Catalog, load_catalog


@dataclass
class MartWeeks:
    """The four marts' rows for a set of weeks."""

    weeks: list[dt.date]
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    restatements: pl.DataFrame | None = None  # appended to marts.restatements, never replaced


def _per_week(conn, name: str, params: list[dict]) -> pl.DataFrame:
    """A mart query run for each week, its rows concatenated."""
    return pl.concat(
        [to_frame(run_sql(conn, sql_text(name), p)) for p in params], how="diagonal_relaxed"
    )


def build_weeks(conn, weeks: Iterable[dt.date], catalog: Catalog | None = None) -> MartWeeks:
    """Compute the marts for the given weeks (Mondays); each week needs only its own and the
    previous week's figures, which are computed from staging, never read from earlier partitions:
    every indicator once over the grid of those weeks (compute.py), then rated week by week."""
    catalog = catalog or load_catalog()
    weeks = sorted(set(weeks))
    computed_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    grid_weeks = sorted({*weeks, *(w - dt.timedelta(weeks=1) for w in weeks)})
    values = weeks_values(conn, catalog, grid_weeks).partition_by(
        "week", as_dict=True, include_key=False
    )
    weekly = pl.concat(
        [
            rate(values[(w,)], values[(w - dt.timedelta(weeks=1),)], catalog, w, computed_at)
            for w in weeks
        ]
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
    """Replace the weeks' rows in every mart: delete, then insert, in one transaction; append
    the restatement record in the same transaction."""
    run_sql(conn, sql_text("marts/schema.sql"), {})
    conn.execute("begin transaction")
    try:
        for table, frame in marts.tables.items():
            conn.execute(
                f"delete from marts.{table} where week = any($weeks)", {"weeks": marts.weeks}
            )
            _append(conn, table, frame)
        if marts.restatements is not None:
            _append(conn, "restatements", marts.restatements)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


def _append(conn, table: str, frame: pl.DataFrame) -> None:
    if frame.height:
        conn.register("__rows", frame.to_arrow())
        columns = ", ".join(frame.columns)
        conn.execute(f"insert into marts.{table} ({columns}) select {columns} from __rows")
        conn.unregister("__rows")


def stale_weeks(conn) -> pl.DataFrame:
    """Computed weeks whose figures depend on a change loaded after they were computed, with the
    files and reasons (`meta.week_changes`, written by the loader whatever run it was)."""
    run_sql(conn, sql_text("marts/schema.sql"), {})
    return to_frame(run_sql(conn, sql_text("marts/restated_weeks.sql"), {}))


def restated_weeks(conn, weeks: Iterable[dt.date]) -> list[dt.date]:
    """Weeks other than `weeks` to recompute with them: every already-computed week that depends
    on a change loaded since (its own event weeks and every later week: state, year-to-date,
    week-over-week and rolling figures all read earlier weeks)."""
    stale = stale_weeks(conn)
    return sorted(set(stale["week"].to_list()) - set(weeks))


FIGURES = ("value", "ytd_value", "wow_change", "status")


def _old_figures(conn, weeks: list[dt.date]) -> pl.DataFrame:
    keys = "week, indicator_id, district_code"
    return to_frame(
        conn.execute(
            f"select {keys}, {', '.join(FIGURES)} from marts.indicator_weekly where week = any($w)",
            {"w": weeks},
        )
    )


def restatement_rows(
    stale: pl.DataFrame, old: pl.DataFrame, new: pl.DataFrame, run: dict, at: dt.datetime
) -> pl.DataFrame:
    """One row per restated week: what triggered it (run, partitions, files, reasons) and every
    figure that changed, old -> new."""
    keys = ["week", "indicator_id", "district_code"]
    joined = old.join(
        new.select(*keys, *FIGURES), on=keys, how="full", coalesce=True, suffix="_new"
    )
    differs = pl.any_horizontal([pl.col(f).ne_missing(pl.col(f"{f}_new")) for f in FIGURES])
    change = pl.struct(
        "indicator_id", "district_code",
        *(pl.col(f).cast(pl.Utf8 if f == "status" else pl.Float64).alias(f"old_{f}") for f in FIGURES),
        *(pl.col(f"{f}_new").cast(pl.Utf8 if f == "status" else pl.Float64).alias(f"new_{f}") for f in FIGURES),
    )  # fmt: skip
    changed = (
        joined.filter(differs)
        .sort(keys)
        .group_by("week")
        .agg(change.alias("changes"), pl.len().alias("figures_changed"))
    )
    return (
        stale.join(changed, on="week", how="left")
        .with_columns(
            pl.col("figures_changed").fill_null(0),
            pl.lit(run.get("run_id"), pl.Utf8).alias("run_id"),
            pl.lit(run.get("partitions"), pl.Utf8).alias("run_partitions"),
            pl.lit(at, pl.Datetime("us")).alias("computed_at"),
        )
        .sort("week")
    )


def materialize_weeks(
    conn, weeks: Iterable[dt.date], catalog: Catalog | None = None, run: dict | None = None
) -> tuple[MartWeeks, list[dt.date]]:
    """Build and write the given weeks plus every computed week a change since restates, and
    record each restated week in `marts.restatements`; `run` names the run (run_id, partitions)."""
    weeks = sorted(set(weeks))
    stale = stale_weeks(conn)
    restated = sorted(set(stale["week"].to_list()) - set(weeks))
    old = _old_figures(conn, stale["week"].to_list())
    marts = build_weeks(conn, [*weeks, *restated], catalog)
    at = marts.tables["indicator_weekly"]["computed_at"].max() if marts.weeks else None
    if stale.height:
        marts.restatements = restatement_rows(
            stale, old, marts.tables["indicator_weekly"], run or {}, at
        )
    write_weeks(conn, marts)
    return marts, restated
