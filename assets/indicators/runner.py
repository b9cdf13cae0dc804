"""Every catalog indicator for a week, each computed by the SQL file the catalog names.

Adding an indicator is a catalog entry plus `sql/<indicator id>.sql`; nothing here changes.

Parameter contract of an indicator query (DuckDB named parameters; a query uses any subset):
  $week_start     DATE    Monday of the week; a flow is run a second time with the first Monday of
                          the year here, which gives its year-to-date value
  $week_end       DATE    the next Monday (exclusive)
  $week_last      DATE    the Sunday: "at week end" means the end of this day
  $weeks4_start   DATE    Monday 3 weeks earlier: "the last 4 weeks" = [weeks4_start, week_end)
  $weeks52_start  DATE    Monday 51 weeks earlier: "the last 52 weeks" = [weeks52_start, week_end)
  $year_start     DATE    first Monday of the week's calendar year (where year-to-date begins)
  $measure_count  BIGINT  measures in the catalog

Temp tables prepared for the week (sql/context/*.sql and the reference data):
  grid(district_code)                      the reference districts plus '110000' (all Beijing)
  districts(district_code)                 the reference districts
  subdistricts(district_code, subdistrict) reference subdistricts (may be empty)
  enterprises_at_week_end, active_enterprises   registry records valid at week end (active: status)
  covering_enrollments, active_workers(worker_id_hash, district_code, enterprise_uscc)
  indicator_results                        meta queries only: the week's results computed so far

A query returns one row per district it can show, and the '110000' row, with columns
district_code, value, numerator, denominator, base_count (the people, enterprises or complaints
the figure rests on; NULL where there are none to protect). Rows a source cannot place in a
district (milestones) are simply absent for districts.

A figure exists only where every source the indicator needs delivered a readable file for the
week (for a district: from that district, or a city-wide file); otherwise it is `no_data`, never 0.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from core.catalog import Catalog, Indicator, load_catalog
from core.contract import load_reference
from core.partitions import year_start

SQL_DIR = Path(__file__).parent / "sql"
CITY = "110000"
STATUS_RANK = {"off_track": 0, "at_risk": 1, "on_track": 2}
FIGURES = ("value", "ytd_value", "numerator", "denominator", "base_count")
WEEKLY_COLUMNS = (
    "measure_id", "indicator_id", "week", "district_code", "value", "ytd_value", "target",
    "progress", "wow_change", "status", "suppressed", "numerator", "denominator", "base_count",
    "computed_at",
)  # fmt: skip
_PARAM = re.compile(r"\$([a-z_0-9]+)")


def sql_text(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def week_params(week: dt.date, measure_count: int) -> dict:
    """The named parameters of the contract above, for the week starting on Monday `week`."""
    return {
        "week_start": week,
        "week_end": week + dt.timedelta(days=7),
        "week_last": week + dt.timedelta(days=6),
        "weeks4_start": week - dt.timedelta(weeks=3),
        "weeks52_start": week - dt.timedelta(weeks=51),
        "year_start": year_start(week),
        "measure_count": measure_count,
    }


def run_sql(conn, text: str, params: dict):
    """Run each statement of `text` with only the parameters it names; the last one's relation."""
    result = None
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    for statement in (s for s in code.split(";") if s.strip()):
        used = set(_PARAM.findall(statement))
        result = conn.sql(statement, params={k: v for k, v in params.items() if k in used})
    return result


def _frame(result) -> pl.DataFrame:
    """A query result as Polars, handed over as Arrow."""
    return pl.from_arrow(result.to_arrow_table())


def _temp_table(conn, name: str, frame: pl.DataFrame) -> None:
    conn.register("__frame", frame.to_arrow())
    conn.execute(f"create or replace temp table {name} as select * from __frame")
    conn.unregister("__frame")


def prepare_reference(conn) -> None:
    """grid, districts and subdistricts from the reference data."""
    reference = load_reference()
    codes = reference.district_codes
    pairs = [(d, s) for d, subs in reference.subdistricts.items() for s in subs]
    _temp_table(
        conn, "districts", pl.DataFrame({"district_code": codes}, schema={"district_code": pl.Utf8})
    )
    _temp_table(conn, "grid", pl.DataFrame({"district_code": [*codes, CITY]}))
    _temp_table(
        conn,
        "subdistricts",
        pl.DataFrame(
            pairs, schema={"district_code": pl.Utf8, "subdistrict": pl.Utf8}, orient="row"
        ),
    )


def prepare_week(conn, params: dict) -> None:
    """The week-end state tables every state or ratio query reads."""
    for name in sorted((SQL_DIR / "context").glob("*.sql")):
        run_sql(conn, name.read_text(encoding="utf-8"), params)


@dataclass(frozen=True)
class Deliveries:
    """Which (source, district) pairs delivered a readable file for the week (district None: city-wide)."""

    pairs: frozenset[tuple[str, str | None]]
    any_load: bool

    @classmethod
    def read(cls, conn, params: dict) -> Deliveries:
        rows = run_sql(conn, sql_text("marts/deliveries.sql"), params).fetchall()
        any_load = run_sql(
            conn, "select count(*) from meta.load_log where week = $week_start", params
        ).fetchall()[0][0]
        return cls(frozenset((s, d) for s, d in rows), any_load > 0)

    def available(self, indicator: Indicator, district_code: str) -> bool:
        if "meta" in indicator.sources:
            return self.any_load
        delivered = {s for s, _ in self.pairs}
        if district_code == CITY:
            return all(s in delivered for s in indicator.sources)
        return all(
            (s, district_code) in self.pairs or (s, None) in self.pairs for s in indicator.sources
        )


def _shape(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("district_code").cast(pl.Utf8),
        *(pl.col(c).cast(pl.Float64) for c in ("value", "numerator", "denominator")),
        pl.col("base_count").cast(pl.Int64),
    )


def indicator_frame(
    conn, indicator: Indicator, params: dict, deliveries: Deliveries
) -> pl.DataFrame:
    """One indicator's rows for the week: its query's figures, year-to-date for flows, masked to
    no value where the sources delivered nothing."""
    text = sql_text(indicator.query)
    frame = _shape(_frame(run_sql(conn, text, params)))
    if CITY not in frame["district_code"].to_list():  # all Beijing is always reported
        frame = pl.concat([frame, pl.DataFrame({"district_code": [CITY]})], how="diagonal")
    if indicator.kind == "flow":
        ytd_params = params | {"week_start": year_start(params["week_start"])}
        ytd = _shape(_frame(run_sql(conn, text, ytd_params))).select(
            "district_code", pl.col("value").alias("ytd_value")
        )
        frame = frame.join(ytd, on="district_code", how="left")
    else:
        frame = frame.with_columns(pl.lit(None, pl.Float64).alias("ytd_value"))
    available = pl.DataFrame(
        {
            "district_code": frame["district_code"],
            "available": [deliveries.available(indicator, d) for d in frame["district_code"]],
        }
    )  # one flag per district (at most 18), not per data row
    frame = frame.join(available, on="district_code", how="left")
    return frame.select(
        pl.lit(indicator.measure_id).alias("measure_id"),
        pl.lit(indicator.id).alias("indicator_id"),
        "district_code",
        *(pl.when(pl.col("available")).then(pl.col(c)).alias(c) for c in FIGURES),
    )


def week_values(conn, catalog: Catalog, week: dt.date) -> pl.DataFrame:
    """Every indicator's figures for one week; meta indicators last, reading the others' results."""
    params = week_params(week, len(catalog.measures))
    prepare_reference(conn)
    prepare_week(conn, params)
    deliveries = Deliveries.read(conn, params)
    frames = [
        indicator_frame(conn, i, params, deliveries) for i in catalog.indicators if i.kind != "meta"
    ]
    for indicator in (i for i in catalog.indicators if i.kind == "meta"):
        _temp_table(conn, "indicator_results", pl.concat(frames))
        frames.append(indicator_frame(conn, indicator, params, deliveries))
    return pl.concat(frames)


def year_share_elapsed(week: dt.date) -> float:
    """Share of the monitoring year (first Monday to next year's first Monday) elapsed at week end."""
    start = year_start(week)
    next_start = year_start(dt.date(start.year + 1, 1, 7))
    weeks_in_year = (next_start - start).days // 7
    return min(1.0, ((week - start).days // 7 + 1) / weeks_in_year)


def catalog_frame(catalog: Catalog) -> pl.DataFrame:
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
    # a lower-is-better figure at zero is as good as it gets (its inverted progress is undefined)
    best_at_zero = pl.col("lower_is_better") & (value == 0) & target.is_not_null()
    status = (
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
    weekly: pl.DataFrame, catalog: Catalog, computed_at: dt.datetime
) -> pl.DataFrame:
    """Per measure and week: the worst status among its all-Beijing indicators with data, and how
    many indicators have data and are on track, at risk and off track (the report words them)."""
    city = weekly.filter(pl.col("district_code") == CITY)
    rows = []
    for (week,), frame in city.group_by(["week"], maintain_order=True):
        by_measure = frame.partition_by("measure_id", as_dict=True)
        for measure in catalog.measures:  # 22 measures a week, not data rows
            statuses = (
                by_measure[(measure.id,)]["status"].to_list() if (measure.id,) in by_measure else []
            )
            rows.append(_measure_row(measure, week, statuses, computed_at))
    return pl.DataFrame(rows, schema_overrides={"week": pl.Date, "computed_at": pl.Datetime("us")})


def _measure_row(measure, week: dt.date, statuses: list[str | None], computed_at) -> dict:
    rated = [s for s in statuses if s in STATUS_RANK]
    with_data = sum(s != "no_data" for s in statuses)  # NULL: has data, not rated
    counts = {s: rated.count(s) for s in STATUS_RANK}
    status = min(rated, key=STATUS_RANK.__getitem__) if rated else "no_data"
    total = len(statuses)
    return {
        "measure_id": measure.id,
        "week": week,
        "status": status,
        "indicators": total,
        "indicators_with_data": with_data,
        "indicators_on_track": counts["on_track"],
        "indicators_at_risk": counts["at_risk"],
        "indicators_off_track": counts["off_track"],
        "computed_at": computed_at,
    }


@dataclass
class MartWeeks:
    """The four marts' rows for a set of weeks."""

    weeks: list[dt.date]
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)


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
    params = [week_params(w, len(catalog.measures)) for w in weeks]
    stamp = pl.lit(computed_at).alias("computed_at")
    return MartWeeks(
        weeks,
        {
            "indicator_weekly": weekly,
            "measure_status": measure_status(weekly, catalog, computed_at),
            "data_delivery": pl.concat(
                [_frame(run_sql(conn, sql_text("marts/data_delivery.sql"), p)) for p in params],
                how="diagonal_relaxed",
            ).with_columns(stamp),
            "milestone_notes": pl.concat(
                [_frame(run_sql(conn, sql_text("marts/milestone_notes.sql"), p)) for p in params],
                how="diagonal_relaxed",
            ).with_columns(stamp),
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
