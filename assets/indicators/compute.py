"""One week's figures: every catalog indicator's query on the week's context, masked to no value
where its sources delivered nothing (a figure is `no_data`, never 0, without a delivery)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from assets.indicators.queries import indicator_sql
from assets.indicators.statements import SQL_DIR, run_sql, sql_text, temp_table, to_frame
from core.catalog import Catalog, Indicator
from core.contract import load_reference
from core.partitions import year_start

CITY = "110000"
FIGURES = ("value", "ytd_value", "numerator", "denominator", "base_count")


def week_params(week: dt.date, measure_count: int) -> dict:
    """The named parameters of the query contract (queries.py), for the week starting on `week`."""
    return {
        "week_start": week,
        "week_end": week + dt.timedelta(days=7),
        "week_last": week + dt.timedelta(days=6),
        "weeks4_start": week - dt.timedelta(weeks=3),
        "weeks52_start": week - dt.timedelta(weeks=51),
        "year_start": year_start(week),
        "measure_count": measure_count,
    }


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
    text = indicator_sql(indicator)
    frame = _shape(to_frame(run_sql(conn, text, params)))
    if CITY not in frame["district_code"].to_list():  # all Beijing is always reported
        frame = pl.concat([frame, pl.DataFrame({"district_code": [CITY]})], how="diagonal")
    if indicator.kind == "flow":
        ytd_params = params | {"week_start": year_start(params["week_start"])}
        ytd = _shape(to_frame(run_sql(conn, text, ytd_params))).select(
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
        temp_table(conn, "indicator_results", pl.concat(frames))
        frames.append(indicator_frame(conn, indicator, params, deliveries))
    return pl.concat(frames)
