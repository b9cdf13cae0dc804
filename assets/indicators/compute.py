"""Every indicator's figures for a set of periods at once: each catalog indicator's query runs once
over the run's grid (its periods x the districts and all Beijing), masked to no value where its
sources delivered nothing (a figure is `no_data`, never 0, without a delivery).

A period is a date range [start, end): the run's reporting weeks, or any one range (a calendar
month, a quarter: `range_values`). The grid (sql/grid/segments.sql) gives every query `periods`
(the period's dates: the named parameters of queries.py as columns), `period_grid` (periods x
districts) and `segments` (the periods and their years-to-date cut into disjoint ranges): flows
are aggregated once per period and per segment, their year-to-date a running sum over the
segments of the year (a window); states come from interval joins of the registers' record
versions with the periods (a record counts for a period if its validity covers the period's
end); rolling windows (4 weeks, 52 weeks) from range joins on each period's window start.
Meta indicators run after the others, with their results in `indicator_results`.

The state context holds a row per active worker and period, so a long run over a large register
computes the queries that read it in passes of periods (`periods_per_pass`); every other query
runs once over all the periods of the run.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable

import polars as pl

from assets.indicators.queries import RUN_TABLES, indicator_sql
from assets.indicators.statements import SQL_DIR, run_sql, sql_text, temp_table, to_frame
from core.catalog import Catalog, Indicator
from core.contract import load_reference

CITY = "110000"
FIGURES = ("value", "ytd_value", "numerator", "denominator", "base_count")
# periods computed in one pass: the state context (every active worker of every period) grows with
# the periods, so a long run is cut into passes of at most this many periods to bound its memory
PERIODS_PER_PASS = 13
# ... and of at most this many active workers' rows: a national register (3 million people) takes
# 2 periods a pass within DuckDB's 2 GB budget, Beijing's (300,000) the full 13
CONTEXT_ROWS_PER_PASS = 6_000_000


def period_params(start: dt.date, end: dt.date, measure_count: int) -> dict:
    """The named parameters of the query contract (queries.py) for the period [start, end): its
    last day, the 4- and 52-week windows ending with it, the year start of its last day, and the
    reporting week of its last day (whose register files give the state at period end)."""
    last = end - dt.timedelta(days=1)
    return {
        "week_start": start,
        "week_end": end,
        "week_last": last,
        "weeks4_start": end - dt.timedelta(weeks=4),
        "weeks52_start": end - dt.timedelta(weeks=52),
        # the year of the last day itself: for a month or quarter ending on 31 December, the
        # Sunday of that day's ISO week is already in the next year
        "year_start": dt.date(last.year, 1, 1),
        "register_week": last - dt.timedelta(days=last.weekday()),
        "measure_count": measure_count,
    }


def week_params(week: dt.date, measure_count: int) -> dict:
    """The named parameters of the query contract (queries.py), for the week starting on `week`."""
    return period_params(week, week + dt.timedelta(days=7), measure_count)


def prepare_reference(conn) -> None:
    """grid, districts and subdistricts from the reference data."""
    reference = load_reference()
    codes = reference.district_codes
    pairs = [(d, s) for d, subs in reference.subdistricts.items() for s in subs]
    temp_table(
        conn, "districts", pl.DataFrame({"district_code": codes}, schema={"district_code": pl.Utf8})
    )
    temp_table(conn, "grid", pl.DataFrame({"district_code": [*codes, CITY]}))
    temp_table(
        conn,
        "subdistricts",
        pl.DataFrame(
            pairs, schema={"district_code": pl.Utf8, "subdistrict": pl.Utf8}, orient="row"
        ),
    )


PERIOD_COLUMNS = (
    "week_start",
    "week_end",
    "week_last",
    "weeks4_start",
    "weeks52_start",
    "year_start",
    "register_week",
)


def prepare_grid(conn, periods: list[tuple[dt.date, dt.date]], context: bool = True) -> None:
    """The grid tables (`periods`, `period_grid`, `segments`) for the periods [start, end), and
    with `context` the state context tables a state or ratio query reads (sql/context/*.sql)."""
    rows = [period_params(start, end, 0) for start, end in periods]
    frame = pl.DataFrame(
        {c: [r[c] for r in rows] for c in PERIOD_COLUMNS},
        schema=dict.fromkeys(PERIOD_COLUMNS, pl.Date),
    )
    prepare_reference(conn)
    temp_table(conn, "periods", frame)
    run_sql(conn, sql_text("grid/segments.sql"), {})
    if context:
        for name in CONTEXT_FILES:
            run_sql(conn, name.read_text(encoding="utf-8"), {})


def _created(path) -> frozenset[str]:
    """The temp tables and views a SQL file of the layer creates."""
    return frozenset(
        re.findall(
            r"create\s+or\s+replace\s+temp\s+(?:table|view)\s+(\w+)",
            path.read_text(encoding="utf-8"),
            flags=re.IGNORECASE,
        )
    )


CONTEXT_FILES = sorted((SQL_DIR / "context").glob("*.sql"))
# the tables and views the context files create: a query that names none of them reads no state
# context, and its cost does not grow with the periods of a pass
CONTEXT_TABLES = frozenset().union(*(_created(name) for name in CONTEXT_FILES))
# the grid: `periods` (prepare_grid) and what sql/grid/segments.sql derives from it
GRID_TABLES = frozenset({"periods"}) | _created(SQL_DIR / "grid" / "segments.sql")


def _names(sql: str) -> set[str]:
    return set(re.findall(r"\w+", sql))


def reads_context(indicator: Indicator) -> bool:
    """Whether the indicator's query reads a state context table (active workers, enterprises at
    period end): such a query is computed in passes of periods, any other once for the run."""
    return not CONTEXT_TABLES.isdisjoint(_names(indicator_sql(indicator, standalone=False)))


def prepare_run_tables(conn, indicator: Indicator) -> None:
    """Run the statements before the indicator's query proper: the tables it prepares once a
    run (queries.py). They must not read the grid, which holds only the first pass's periods."""
    *preparing, _ = conn.extract_statements(indicator_sql(indicator, standalone=False))
    for statement in preparing:
        grid = _names(statement.query) & (CONTEXT_TABLES | GRID_TABLES)
        if grid:
            raise ValueError(
                f"{indicator.id}: a statement before the query reads {sorted(grid)}, "
                "which hold one pass's periods; only the query proper may"
            )
        conn.execute(statement)


def drop_run_tables(conn) -> None:
    """Drop the tables the queries prepared for this run."""
    prepared = conn.execute(
        "select table_name from duckdb_tables() where temporary and starts_with(table_name, $p)",
        {"p": RUN_TABLES},
    ).fetchall()
    for (name,) in prepared:
        conn.execute(f'drop table temp."{name}"')


def deliveries(conn) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per period of the grid: the (source, district) pairs that delivered a readable file
    (district NULL: city-wide), and the periods for which any file was loaded."""
    rows = to_frame(run_sql(conn, sql_text("grid/deliveries.sql"), {}))
    pairs = rows.filter(~pl.col("loaded_only")).select("week_start", "source", "district_code")
    loaded = rows.filter(pl.col("loaded_only")).select("week_start")
    return pairs, loaded


def availability(
    indicator: Indicator, pairs: pl.DataFrame, loaded: pl.DataFrame, grid: pl.DataFrame
) -> pl.DataFrame:
    """(week_start, district_code) of the grid where the indicator's sources delivered: every
    source from the district or city-wide (all Beijing: from anywhere); a meta indicator wherever
    anything was loaded. Set-based: the pairs x the grid, never a loop over rows."""
    if "meta" in indicator.sources:
        return grid.join(loaded, on="week_start", how="semi")
    needed = len(set(indicator.sources))
    own = pairs.filter(pl.col("source").is_in(indicator.sources))
    districts = grid.filter(pl.col("district_code") != CITY)
    by_district = pl.concat(
        [
            own.filter(pl.col("district_code").is_not_null()),
            own.filter(pl.col("district_code").is_null())
            .drop("district_code")
            .join(districts, on="week_start"),  # a city-wide file covers every district
        ],
        how="diagonal",
    )
    district_ok = (
        by_district.group_by("week_start", "district_code")
        .agg(pl.col("source").n_unique().alias("n"))
        .filter(pl.col("n") == needed)
        .select("week_start", "district_code")
    )
    city_ok = (
        own.group_by("week_start")
        .agg(pl.col("source").n_unique().alias("n"))
        .filter(pl.col("n") == needed)
        .select("week_start", pl.lit(CITY).alias("district_code"))
    )
    return pl.concat([district_ok, city_ok]).join(
        grid, on=["week_start", "district_code"], how="semi"
    )


def _shape(frame: pl.DataFrame) -> pl.DataFrame:
    ytd = pl.col("ytd_value") if "ytd_value" in frame.columns else pl.lit(None)
    return frame.select(
        pl.col("week_start").cast(pl.Date),
        pl.col("district_code").cast(pl.Utf8),
        *(pl.col(c).cast(pl.Float64) for c in ("value", "numerator", "denominator")),
        ytd.cast(pl.Float64).alias("ytd_value"),
        pl.col("base_count").cast(pl.Int64),
    )


def indicator_frame(
    conn, indicator: Indicator, city_rows: pl.DataFrame, available: pl.DataFrame
) -> pl.DataFrame:
    """One indicator's rows for every period of the grid: its query's figures (year-to-date for
    flows), masked to no value where the sources delivered nothing."""
    query = conn.extract_statements(indicator_sql(indicator, standalone=False))[-1]
    frame = _shape(to_frame(conn.sql(query)))
    missing = city_rows.join(frame, on=["week_start", "district_code"], how="anti")
    frame = pl.concat([frame, missing], how="diagonal")  # all Beijing is always reported
    if indicator.kind != "flow":
        frame = frame.with_columns(pl.lit(None, pl.Float64).alias("ytd_value"))
    frame = frame.join(
        available.with_columns(pl.lit(True).alias("available")),
        on=["week_start", "district_code"],
        how="left",
    )
    return frame.sort("week_start", "district_code").select(
        "week_start",
        pl.lit(indicator.measure_id).alias("measure_id"),
        pl.lit(indicator.id).alias("indicator_id"),
        "district_code",
        *(pl.when(pl.col("available")).then(pl.col(c)).alias(c) for c in FIGURES),
    )


class _Grid:
    """The run's grid as frames (every period x district, the all-Beijing rows) and the cells
    where each set of sources delivered: computed once for the whole run, whatever its passes."""

    def __init__(self, conn) -> None:
        self.cells = to_frame(conn.sql("select week_start, district_code from period_grid"))
        self.city_rows = self.cells.filter(pl.col("district_code") == CITY)
        self.pairs, self.loaded = deliveries(conn)
        self._available: dict[tuple[str, ...], pl.DataFrame] = {}
        self._prepared: set[str] = set()

    def frame(self, conn, indicator: Indicator) -> pl.DataFrame:
        """The indicator's rows over the grid tables in place (the whole run's or one pass's)."""
        key = indicator.sources
        if key not in self._available:
            self._available[key] = availability(indicator, self.pairs, self.loaded, self.cells)
        if indicator.id not in self._prepared:
            prepare_run_tables(conn, indicator)
            self._prepared.add(indicator.id)
        in_place = to_frame(conn.sql("select week_start from periods"))
        city_rows = self.city_rows.join(in_place, on="week_start", how="semi")
        return indicator_frame(conn, indicator, city_rows, self._available[key])


def periods_values(
    conn, catalog: Catalog, periods: Iterable[tuple[dt.date, dt.date]]
) -> pl.DataFrame:
    """Every indicator's figures for every period [start, end) (periods must not overlap), one
    query per indicator for the run; the column `week_start` names each row's period by its start.

    A query that reads the state context (one row per active worker and period) runs in passes
    of `periods_per_pass` periods, to bound that context's size; every other query runs once over
    all the periods, so a long run does not scan the flows' year-to-date again every pass."""
    periods = sorted(set(periods))
    if not periods:
        return pl.DataFrame(
            schema={"week_start": pl.Date, "measure_id": pl.Utf8, "indicator_id": pl.Utf8,
                    "district_code": pl.Utf8} | dict.fromkeys(FIGURES, pl.Float64)
        )  # fmt: skip
    for (_, end), (start, _) in itertools.pairwise(periods):
        if start < end:
            raise ValueError(f"periods overlap: one ends {end}, the next starts {start}")
    size = periods_per_pass(conn)
    passes = [periods[i : i + size] for i in range(0, len(periods), size)]
    try:
        return _run(conn, catalog, periods, passes)
    finally:
        drop_run_tables(conn)


def _run(conn, catalog: Catalog, periods: list, passes: list[list]) -> pl.DataFrame:
    computed = [i for i in catalog.indicators if i.kind != "meta"]
    stateful = [i for i in computed if len(passes) > 1 and reads_context(i)]
    in_passes = {i.id for i in stateful}
    prepare_grid(conn, periods, context=not stateful)
    grid = _Grid(conn)
    frames = [grid.frame(conn, i) for i in computed if i.id not in in_passes]
    for one_pass in passes if stateful else []:
        prepare_grid(conn, one_pass)
        frames += [grid.frame(conn, i) for i in stateful]
    if stateful:
        prepare_grid(conn, periods, context=False)
    for indicator in (i for i in catalog.indicators if i.kind == "meta"):
        temp_table(conn, "indicator_results", pl.concat(frames))
        frames.append(grid.frame(conn, indicator))
    return pl.concat(frames).sort("week_start", "indicator_id", "district_code")


def periods_per_pass(conn) -> int:
    """How many periods one pass computes: PERIODS_PER_PASS, fewer when the worker register is so
    large that its state context would outgrow CONTEXT_ROWS_PER_PASS rows. Figures do not
    depend on it (a period's figures are its own)."""
    (people,) = conn.execute(
        "select count(distinct worker_id_hash) from staging.worker_history"
    ).fetchall()[0]
    return max(1, min(PERIODS_PER_PASS, CONTEXT_ROWS_PER_PASS // max(people or 0, 1)))


def weeks_values(conn, catalog: Catalog, weeks: Iterable[dt.date]) -> pl.DataFrame:
    """Every indicator's figures for each of the weeks (Mondays), with their `week`."""
    periods = [(w, w + dt.timedelta(days=7)) for w in weeks]
    return periods_values(conn, catalog, periods).rename({"week_start": "week"})


def week_values(conn, catalog: Catalog, week: dt.date) -> pl.DataFrame:
    """Every indicator's figures for one week (the set-based engine on a one-week grid)."""
    return range_values(conn, catalog, week, week + dt.timedelta(days=7))


def range_values(conn, catalog: Catalog, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Every indicator's figures for one date range [start, end) (a calendar month, a quarter),
    with the same columns as `week_values`: a flow counts its events dated in the range, its
    year-to-date from 1 January of the year of the range's last day; a state is read at the
    range's end; the rolling windows are the 4 and 52 weeks ending with the range; a source
    counts as delivered for a district if it delivered for any week starting in the range."""
    if end <= start:
        raise ValueError(f"empty range [{start}, {end})")
    return periods_values(conn, catalog, [(start, end)]).drop("week_start")
