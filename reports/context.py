"""The report's content for one week and language, built from the marts and the catalog.

Every renderer (HTML, PDF through HTML, XLSX) reads this one model, so the three formats agree.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import polars as pl

from core.catalog import Catalog, Indicator, load_catalog
from core.contract import load_reference
from core.partitions import iso_week
from reports import charts, queries
from reports.i18n import KIND_NAMES, SOURCE_NAMES, STATUS, STATUS_ORDER, translator

EXPECTED_SOURCES = ("enterprises", "training", "insurance", "complaints", "placements")


def fmt(value: float | None, display: str, lang: str) -> str:
    """A figure as the reader sees it; percent figures are stored as fractions."""
    if value is None:
        return "–"
    if display == "percent":
        return f"{value * 100:.1f}%"
    if display in ("decimal", "score"):
        return f"{value:,.2f}"
    if display == "days":
        return f"{value:,.1f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def fmt_change(value: float | None, display: str, lang: str) -> str:
    """A week-over-week difference with its sign; percent differences in percentage points."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("±" if value == 0 else "−")
    if display == "percent":
        return f"{sign}{abs(value) * 100:.1f} {'个百分点' if lang == 'zh' else 'pp'}"
    return f"{sign}{fmt(abs(value), display, lang)}"


def measure_headline(measure, counts: dict, lang: str) -> str:
    """One sentence on a measure's week, worded from marts.measure_status's counts."""
    total, with_data = counts["indicators"], counts["indicators_with_data"]
    on, risk, off = (counts[f"indicators_{s}"] for s in ("on_track", "at_risk", "off_track"))
    title = getattr(measure.title, lang)
    if counts["status"] == "no_data":
        if lang == "zh":
            return f"{measure.id} {title}：本周{total}项指标均无数据。"
        return f"{measure.id} {title}: none of its {total} indicator(s) has data this week."
    if lang == "zh":
        return (
            f"{measure.id} {title}：{with_data}/{total}项指标本周有数据，"
            f"{on}项进度正常，{risk}项存在风险，{off}项滞后。"
        )
    return (
        f"{measure.id} {title}: {with_data} of {total} indicator(s) have data this week; "
        f"{on} on track, {risk} at risk, {off} off track."
    )


def district_names(lang: str) -> pl.DataFrame:
    reference = load_reference()
    rows = [(reference.all_beijing["code"], reference.all_beijing[lang])]
    rows += [(d.code, getattr(d, lang)) for d in reference.districts]
    return pl.DataFrame(rows, schema=["district_code", "district_name"], orient="row")


def _status(status: str | None, lang: str) -> dict:
    key = status if status in STATUS else "no_data"
    return {"key": key, "label": STATUS[key][lang]}


def _indicator_row(indicator: Indicator, city: dict | None, lang: str, t) -> dict:
    """One line of a measure's table: never a number when the indicator has no data."""
    raw = city.get("status") if city else None
    no_data = city is None or raw == "no_data" or city.get("value") is None
    # NULL status with a value: the figure is shown but not rated (no target applies)
    status = (
        _status("no_data", lang) if no_data else (_status(raw, lang) if raw in STATUS else None)
    )
    display = indicator.display
    blank = t("no_data")
    return {
        "id": indicator.id,
        "name": getattr(indicator.name, lang),
        "unit": getattr(indicator.unit, lang),
        "no_data": no_data,
        "value": blank if no_data else fmt(city["value"], display, lang),
        "ytd": "–"
        if no_data or indicator.kind != "flow"
        else fmt(city["ytd_value"], display, lang),
        "target": fmt(indicator.target, display, lang) if indicator.target is not None else "–",
        "illustrative": indicator.target is not None and indicator.target_illustrative,
        "progress": "–"
        if no_data or city.get("progress") is None
        else f"{city['progress'] * 100:.0f}%",
        "wow": "–" if no_data else fmt_change(city.get("wow_change"), display, lang),
        "status": status,
    }


def _measure_sources(indicators: list[Indicator], delivery: pl.DataFrame, lang: str) -> list[dict]:
    sources = dict.fromkeys(s for i in indicators for s in i.sources)
    totals = delivery.group_by("source").agg(pl.sum("rows_loaded"), pl.sum("rows_quarantined"))
    by_source = {r["source"]: r for r in totals.to_dicts()}
    return [
        {
            "name": SOURCE_NAMES.get(s, {}).get(lang, s),
            "meta": s == "meta",
            "rows_loaded": by_source.get(s, {}).get("rows_loaded", 0),
            "rows_quarantined": by_source.get(s, {}).get("rows_quarantined", 0),
        }
        for s in sources
    ]


def _summary(catalog: Catalog, status: pl.DataFrame, lagging: pl.DataFrame, lang: str) -> dict:
    by_measure = {r["measure_id"]: r for r in status.to_dicts()}
    counts = dict.fromkeys(STATUS_ORDER, 0)
    moved = []
    for measure in catalog.measures:
        row = by_measure.get(measure.id, {})
        now = _status(row.get("status"), lang)
        counts[now["key"]] += 1
        before = row.get("previous_status")
        if before and before != now["key"]:
            moved.append(
                {
                    "id": measure.id,
                    "title": getattr(measure.title, lang),
                    "now": now,
                    "before": _status(before, lang),
                }
            )
    return {
        "counts": [{"status": _status(k, lang), "count": v} for k, v in counts.items()],
        "moved": moved,
        "lagging": lagging.to_dicts(),
    }


def _data_quality(delivery: pl.DataFrame, failed: pl.DataFrame | None, lang: str) -> dict:
    reference = load_reference()
    by_source = (
        delivery.group_by("source")
        .agg(pl.exclude("district_code").sum())
        .sort("source")
        .with_columns(
            pl.col("source")
            .replace_strict({k: v[lang] for k, v in SOURCE_NAMES.items()}, default=pl.col("source"))
            .alias("source_name")
        )
    )
    files = {(r["district_code"], r["source"]): r["files"] for r in delivery.to_dicts()}
    district_list = [(d.code, getattr(d, lang)) for d in reference.districts]
    matrix = [
        {"name": name, "cells": [files.get((code, s), 0) for s in EXPECTED_SOURCES]}
        for code, name in district_list
    ]
    missing = [
        {"district": name, "source": SOURCE_NAMES[s][lang]}
        for code, name in district_list
        for s in EXPECTED_SOURCES
        if not files.get((code, s))
    ]
    expected = len(district_list) * len(EXPECTED_SOURCES)
    return {
        "by_source": by_source.to_dicts(),
        "sources": [SOURCE_NAMES[s][lang] for s in EXPECTED_SOURCES],
        "matrix": matrix,
        "missing": missing,
        "completeness": f"{(expected - len(missing)) / expected * 100:.0f}%",
        "validated": failed is not None,
        "failed": [] if failed is None else failed.to_dicts(),
    }


def _methodology(catalog: Catalog, lang: str) -> list[dict]:
    return [
        {
            "id": i.id,
            "name": getattr(i.name, lang),
            "definition": getattr(i.definition, lang),
            "sources": "、".join(SOURCE_NAMES.get(s, {}).get(lang, s) for s in i.sources)
            if lang == "zh"
            else ", ".join(SOURCE_NAMES.get(s, {}).get(lang, s) for s in i.sources),
            "kind": KIND_NAMES[i.kind][lang],
            "unit": getattr(i.unit, lang),
            "target": fmt(i.target, i.display, lang) if i.target is not None else "–",
            "illustrative": i.target is not None and i.target_illustrative,
        }
        for i in catalog.indicators
    ]


def build_context(conn: duckdb.DuckDBPyConnection, week: dt.date, lang: str) -> dict:
    """Everything the templates need for the week, in the report's order."""
    t = translator(lang)
    catalog = load_catalog()
    names = district_names(lang)
    week_rows = queries.query(conn, "indicators_week", week).join(
        names, on="district_code", how="left"
    )
    trend = queries.query(conn, "trend", week).with_columns(
        pl.col("week").map_elements(iso_week, return_dtype=pl.Utf8).alias("week_label")
    )
    status = queries.query(conn, "measure_status", week)
    lagging = queries.query(conn, "lagging_districts", week).join(
        names, on="district_code", how="left"
    )
    delivery = queries.data_delivery(conn, week)
    notes = queries.query(conn, "milestone_notes", week)
    failed = queries.failed_expectations(conn, week)
    headlines = {r["measure_id"]: r for r in status.to_dicts()}
    city = {
        r["indicator_id"]: r
        for r in week_rows.filter(pl.col("district_code") == "110000").to_dicts()
    }
    districts = week_rows.filter(pl.col("district_code") != "110000")

    figures: dict[str, dict] = {}
    areas = []
    for area in catalog.areas:
        measures = []
        for measure in (m for m in catalog.measures if m.area == area.id):
            indicators = list(measure.indicators)
            ids = [i.id for i in indicators]
            figures[f"trend-{measure.id}"] = charts.trend_figure(
                indicators, trend.filter(pl.col("indicator_id").is_in(ids)), lang
            )
            figure, hidden = charts.district_figure(
                indicators, districts.filter(pl.col("indicator_id").is_in(ids)), lang
            )
            if figure is not None:
                figures[f"districts-{measure.id}"] = figure
            head = headlines.get(measure.id, {})
            measures.append(
                {
                    "id": measure.id,
                    "title": getattr(measure.title, lang),
                    "lead_agency": getattr(measure.lead_agency, lang),
                    "status": _status(head.get("status"), lang),
                    "headline": measure_headline(measure, head, lang) if head else None,
                    "indicators": [_indicator_row(i, city.get(i.id), lang, t) for i in indicators],
                    "suppressed": hidden,
                    "has_districts": figure is not None,
                    "notes": notes.filter(pl.col("measure_id") == measure.id).to_dicts(),
                    "sources": _measure_sources(indicators, delivery, lang),
                }
            )
        areas.append({"id": area.id, "title": getattr(area.title, lang), "measures": measures})

    as_of = queries.data_as_of(conn, week)
    thresholds = catalog.defaults.thresholds
    return {
        "lang": lang,
        "t": t,
        "week": iso_week(week),
        "week_start": week.isoformat(),
        "week_end": (week + dt.timedelta(days=6)).isoformat(),
        "data_as_of": as_of.strftime("%Y-%m-%d %H:%M") if as_of else t("no_data"),
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "policy": catalog.policy,
        "summary": _summary(catalog, status, lagging, lang),
        "areas": areas,
        "dq": _data_quality(delivery, failed, lang),
        "methodology": _methodology(catalog, lang),
        "method_intro": t(
            "method_intro",
            on=f"{thresholds.on_track:.0%}",
            risk=f"{thresholds.at_risk:.0%}",
        ),
        "suppression_min": catalog.suppression_min_count,
        "figures_json": json.dumps(figures, ensure_ascii=False, default=str).replace(
            "<", "\\u003c"
        ),
        "chart_ids": list(figures),
    }
