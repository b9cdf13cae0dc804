"""The week-by-week indicator engine the set-based one replaced, kept ONLY as the property test's
oracle (tests/test_engine_property.py): every indicator re-queried for one week at a time, its
flows re-queried from 1 January for their year-to-date, with the SQL as it was
(tests/reference_sql/). Nothing in the product imports it."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import jinja2
import polars as pl

from assets.indicators.compute import CITY, FIGURES, prepare_reference, week_params
from assets.indicators.statements import run_sql, to_frame
from core.catalog import Catalog, Indicator
from core.contract import load_contract
from core.partitions import year_start

REFERENCE_SQL = Path(__file__).parent / "reference_sql"
VIEWS = ("covering_enrollments", "workers_at_week_end")  # tables here, views in the new engine


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _event_date(source: str) -> str:
    return load_contract().sources[source].event_date or "week"


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([REFERENCE_SQL / "templates", REFERENCE_SQL / "indicators"]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["literal"] = _literal
    environment.globals["event_date"] = _event_date
    return environment


def reference_sql(indicator: Indicator) -> str:
    query = indicator.query
    if isinstance(query, str):
        return _environment().get_template(query).render()
    return _environment().get_template(f"{query.template}.sql").render(query.parameters())


def _available(indicator: Indicator, district: str, pairs: set, any_load: bool) -> bool:
    if "meta" in indicator.sources:
        return any_load
    delivered = {s for s, _ in pairs}
    if district == CITY:
        return all(s in delivered for s in indicator.sources)
    return all((s, district) in pairs or (s, None) in pairs for s in indicator.sources)


def _shape(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("district_code").cast(pl.Utf8),
        *(pl.col(c).cast(pl.Float64) for c in ("value", "numerator", "denominator")),
        pl.col("base_count").cast(pl.Int64),
    )


def _indicator_frame(conn, indicator: Indicator, params: dict, pairs, any_load) -> pl.DataFrame:
    text = reference_sql(indicator)
    frame = _shape(to_frame(run_sql(conn, text, params)))
    if CITY not in frame["district_code"].to_list():
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
            "available": [
                _available(indicator, d, pairs, any_load) for d in frame["district_code"]
            ],
        }
    )
    frame = frame.join(available, on="district_code", how="left")
    return frame.select(
        pl.lit(indicator.measure_id).alias("measure_id"),
        pl.lit(indicator.id).alias("indicator_id"),
        "district_code",
        *(pl.when(pl.col("available")).then(pl.col(c)).alias(c) for c in FIGURES),
    )


def reference_week_values(conn, catalog: Catalog, week: dt.date) -> pl.DataFrame:
    """Every indicator's figures for one week, the old way (one week's context, then each query)."""
    params = week_params(week, len(catalog.measures))
    prepare_reference(conn)
    for view in VIEWS:  # the set-based engine's views of the same names
        conn.execute(f"drop view if exists {view}")
    for name in sorted((REFERENCE_SQL / "context").glob("*.sql")):
        run_sql(conn, name.read_text(encoding="utf-8"), params)
    rows = run_sql(conn, (REFERENCE_SQL / "deliveries.sql").read_text("utf-8"), params).fetchall()
    any_load = run_sql(
        conn, "select count(*) from meta.load_log where week = $week_start", params
    ).fetchall()[0][0]
    pairs = {(s, d) for s, d in rows}
    frames = [
        _indicator_frame(conn, i, params, pairs, any_load > 0)
        for i in catalog.indicators
        if i.kind != "meta"
    ]
    for indicator in (i for i in catalog.indicators if i.kind == "meta"):
        frames.append(_indicator_frame(conn, indicator, params, pairs, any_load > 0))
    for view in VIEWS:
        conn.execute(f"drop table if exists {view}")
    return pl.concat(frames)
