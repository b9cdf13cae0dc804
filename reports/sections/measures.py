"""The measure pages, one area after another: each measure's indicators, headline, trend and
district charts, milestone ledger and the data behind it; and the workbook's indicator sheets
(every indicator × district, all areas, then one sheet per area)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import polars as pl

from core.catalog import Indicator, Measure
from core.partitions import iso_week
from reports import charts
from reports.common import CITY_CODE, district_names, fmt, fmt_change, source_title, status_badge
from reports.i18n import STATUS_ORDER
from reports.model import Cell, Frame, Part, Section, Sheet, TocEntry

QUERIES = (
    "indicators_week", "trend", "measure_status", "data_delivery", "milestone_notes",
    "task_status", "projection",
)  # fmt: skip
TASK_BADGES = {  # a task's status as a badge colour of the measures' traffic light
    "done": "on_track",
    "on_schedule": "on_track",
    "due_soon": "at_risk",
    "not_reported": "at_risk",
    "overdue": "off_track",
}


def measure_headline(measure: Measure, counts: Mapping[str, Any], frame: Frame) -> str:
    """One sentence on a measure's week, worded from marts.measure_status's counts."""
    fields = {
        "id": measure.id,
        "title": frame.text(measure.title),
        "total": counts["indicators"],
        "with_data": counts["indicators_with_data"],
        "on": counts["indicators_on_track"],
        "risk": counts["indicators_at_risk"],
        "off": counts["indicators_off_track"],
    }
    key = "headline_no_data" if counts["status"] == "no_data" else "headline"
    return frame.t(key, **fields)


def _indicator_row(indicator: Indicator, city: dict | None, frame: Frame) -> dict:
    """One line of a measure's table: never a number when the indicator has no data."""
    raw = city.get("status") if city else None
    if city is not None and city.get("suppressed"):  # public edition: a withheld Beijing figure
        return _withheld_row(indicator, frame)
    no_data = city is None or raw == "no_data" or city.get("value") is None
    # NULL status with a value: the figure is shown but not rated (no target applies)
    rated = raw in STATUS_ORDER
    status = status_badge("no_data" if no_data else raw, frame.t) if no_data or rated else None
    display = indicator.display
    return {
        "id": indicator.id,
        "name": frame.text(indicator.name),
        "unit": frame.text(indicator.unit),
        "no_data": no_data,
        "value": frame.t("no_data") if no_data else fmt(city["value"], display),
        "ytd": "–" if no_data or indicator.kind != "flow" else fmt(city["ytd_value"], display),
        "target": fmt(indicator.target, display),
        "illustrative": indicator.target is not None and indicator.target_illustrative,
        "progress": "–"
        if no_data or city.get("progress") is None
        else f"{city['progress'] * 100:.0f}%",
        "wow": "–" if no_data else fmt_change(city.get("wow_change"), display, frame.t),
        "status": status,
    }


def _withheld_row(indicator: Indicator, frame: Frame) -> dict:
    """A line whose all-Beijing figure the public edition withholds (its total is too small)."""
    mark = frame.t("suppressed_mark")
    return {
        "id": indicator.id,
        "name": frame.text(indicator.name),
        "unit": frame.text(indicator.unit),
        "no_data": False,
        "value": mark,
        "ytd": mark if indicator.kind == "flow" else "–",
        "target": fmt(indicator.target, indicator.display),
        "illustrative": indicator.target is not None and indicator.target_illustrative,
        "progress": "–",
        "wow": "–",
        "status": None,
    }


def _measure_sources(indicators: list[Indicator], delivery: pl.DataFrame, frame: Frame) -> list:
    """The sources behind a measure's indicators with the week's loaded and quarantined rows (the
    internal edition only: a source's row count can sit beside a withheld all-Beijing figure)."""
    totals = delivery.group_by("source").agg(pl.sum("rows_loaded"), pl.sum("rows_quarantined"))
    by_source = {r["source"]: r for r in totals.to_dicts()}
    return [
        {
            "name": source_title(s, frame.t, frame.lang),
            "show_rows": s != "meta" and frame.internal,
            "rows_loaded": by_source.get(s, {}).get("rows_loaded", 0),
            "rows_quarantined": by_source.get(s, {}).get("rows_quarantined", 0),
        }
        for s in dict.fromkeys(s for i in indicators for s in i.sources)
    ]


def _tasks(measure: Measure, data: dict[str, Any], frame: Frame) -> list[dict]:
    """The measure's tasks (任务台账): text, units, the due date of the next stage, status."""
    sep = frame.t("list_sep")
    rows = []
    for task in measure.tasks:
        mart = data["tasks"].get(task.id)
        status = mart["status"] if mart else None
        due = mart["due_on"] if mart and mart["due_on"] else task.due[-1]
        rows.append(
            {
                "id": task.id,
                "text": frame.text(task.text),
                "units": sep.join(dict.fromkeys((task.lead_unit, *task.responsible_units))),
                "due": due.isoformat(),
                "illustrative": task.dates_illustrative,
                "status": {
                    "key": TASK_BADGES.get(status, "no_data"),
                    "label": frame.t(f"task_status.{status}") if status else frame.t("no_data"),
                },
                "missing": sep.join(mart["missing_reporters"] or []) if mart else "",
            }
        )
    return rows


def _projection_labels(frame: Frame) -> dict:
    keys = ("ytd", "target", "schedule", "projection", "band")
    return {k: frame.t(f"projection_{k}") for k in keys}


def _measure(measure: Measure, data: dict[str, Any], frame: Frame) -> tuple[dict, dict]:
    """A measure's block and its figures (the trend always, the district bars when any)."""
    indicators = list(measure.indicators)
    ids = [i.id for i in indicators]
    figures = {
        f"trend-{measure.id}": charts.trend_figure(
            indicators, data["trend"].filter(pl.col("indicator_id").is_in(ids)), frame.lang
        )
    }
    figure, hidden = charts.district_figure(
        indicators, data["districts"].filter(pl.col("indicator_id").is_in(ids)), frame.lang
    )
    if figure is not None:
        figures[f"districts-{measure.id}"] = figure
    projection = charts.projection_figure(
        indicators,
        data["projection"].filter(pl.col("indicator_id").is_in(ids)),
        frame.week,
        frame.lang,
        _projection_labels(frame),
    )
    if projection is not None:
        figures[f"projection-{measure.id}"] = projection
    head = data["headlines"].get(measure.id)
    block = {
        "id": measure.id,
        "title": frame.text(measure.title),
        "lead_agency": frame.text(measure.lead_agency),
        "status": status_badge(head and head["status"], frame.t),
        "headline": measure_headline(measure, head, frame) if head else None,
        "indicators": [_indicator_row(i, data["city"].get(i.id), frame) for i in indicators],
        "suppressed": hidden,
        "has_districts": figure is not None,
        "has_projection": projection is not None,
        "tasks": _tasks(measure, data, frame),
        "notes": data["notes"].filter(pl.col("measure_id") == measure.id).to_dicts(),
        "sources": _measure_sources(indicators, data["delivery"], frame),
    }
    return block, figures


def _prepared(frame: Frame, results: Mapping[str, Any]) -> dict[str, Any]:
    """The query results shaped the way the measure blocks read them."""
    week_rows = results["indicators_week"].join(
        district_names(frame.lang), on="district_code", how="left"
    )
    return {
        "week_rows": week_rows,
        "city": {
            r["indicator_id"]: r
            for r in week_rows.filter(pl.col("district_code") == CITY_CODE).to_dicts()
        },
        "districts": week_rows.filter(pl.col("district_code") != CITY_CODE),
        "trend": results["trend"].with_columns(
            pl.col("week").map_elements(iso_week, return_dtype=pl.Utf8).alias("week_label")
        ),
        "headlines": {r["measure_id"]: r for r in results["measure_status"].to_dicts()},
        "notes": results["milestone_notes"],
        "delivery": results["data_delivery"],
        "tasks": {r["task_id"]: r for r in results["task_status"].to_dicts()},
        "projection": results["projection"],
    }


def _table(frame: Frame, week_rows: pl.DataFrame) -> list[dict]:
    """Every indicator × district of the week in catalog order, Beijing first: the workbook rows."""
    order = pl.DataFrame(
        [
            (i.id, index, m.area, f"{m.id} {frame.text(m.title)}", frame.text(i.name), i.display)
            for index, (m, i) in enumerate(
                (m, i) for m in frame.catalog.measures for i in m.indicators
            )
        ],
        schema=["indicator_id", "order", "area", "measure", "indicator", "display"],
        orient="row",
    )
    return (
        week_rows.join(order, on="indicator_id", how="inner")
        .with_columns((pl.col("district_code") != CITY_CODE).alias("is_district"))
        .sort("order", "is_district", "district_code")
        .to_dicts()
    )


def build(frame: Frame, results: Mapping[str, Any]) -> Part:
    data = _prepared(frame, results)
    figures: dict[str, dict] = {}
    areas, toc = [], []
    for area in frame.catalog.areas:
        blocks = []
        for measure in (m for m in frame.catalog.measures if m.area == area.id):
            block, measure_figures = _measure(measure, data, frame)
            blocks.append(block)
            figures |= measure_figures
        title = f"{area.id} {frame.text(area.title)}"
        areas.append({"id": area.id, "title": title, "measures": blocks})
        children = tuple(TocEntry(b["id"], f"{b['id']} {b['title']}", b["status"]) for b in blocks)
        toc.append(TocEntry(area.id, title, children=children))
    content = {
        "intro": frame.t(
            "measures_intro", n=len(frame.catalog.measures), areas=len(frame.catalog.areas)
        ),
        "areas": areas,
        "suppression_min": frame.catalog.suppression_min_count,
        "table": _table(frame, data["week_rows"]),
    }
    return Part(content, figures=figures, toc=tuple(toc))


def _cells(row: dict, frame: Frame) -> tuple[Cell, ...]:
    """A workbook row: no figure where there is no data or the cell is suppressed."""
    no_data = row["status"] == "no_data" or row["value"] is None
    shown = None if no_data else row["display"]

    def number(key: str, style: str | None) -> Cell:
        return Cell(row[key] if style and row[key] is not None else None, style)

    status = "no_data" if no_data and not row["suppressed"] else row["status"]
    # NULL status: a figure not rated against a target, left blank
    rated = status in STATUS_ORDER
    return (
        Cell(row["measure"]),
        Cell(row["indicator_id"]),
        Cell(row["indicator"]),
        Cell(row["district_code"]),
        Cell(row["district_name"] or row["district_code"]),
        number("value", shown),
        number("ytd_value", shown),
        number("target", row["display"]),
        number("progress", None if no_data else "percent"),
        _change(row["wow_change"], shown),
        Cell(frame.t(f"status.{status}"), f"status_{status}") if rated else Cell(None),
        Cell(frame.t("suppressed_mark") if row["suppressed"] else None),
    )


def _change(value: float | None, display: str | None) -> Cell:
    """Week over week: a share's change in percentage points (the cell holds points), else as
    the figure itself."""
    if value is None or display is None:
        return Cell(None)
    if display == "percent":
        return Cell(round(value * 100, 10), "pp")
    return Cell(value, display)


def _sheet(name: str, title: str, rows: list[dict], frame: Frame) -> Sheet:
    t = frame.t
    header = (
        t("measure"), "ID", t("indicator"), t("district_code"), t("district"), t("this_week"),
        t("ytd"), t("target"), t("progress"), t("wow"), t("status"), t("suppressed_mark"),
    )  # fmt: skip
    return Sheet(
        name=re.sub(r"[\[\]:*?/\\]", " ", name)[:31],  # characters Excel refuses in a sheet name
        title=title,
        header=header,
        rows=[_cells(row, frame) for row in rows],
        notes=(
            t("suppressed_note", n=frame.catalog.suppression_min_count),
            *(() if frame.internal else (t("complementary_note"),)),
            t("illustrative_note"),
        ),
        widths=(30, 34, 36, 14, 14, 12, 12, 12, 12, 12, 12),
        frozen_columns=3,
    )


def sheets(frame: Frame, content: Mapping[str, Any]) -> list[Sheet]:
    """All indicators first, then one sheet per area, as analysts filter them."""
    table = content["table"]
    result = [
        _sheet(frame.t("sheet_all"), f"{frame.t('title')} · {frame.week_label}", table, frame)
    ]
    for area in content["areas"]:
        rows = [r for r in table if r["area"] == area["id"]]
        result.append(_sheet(area["title"], area["title"], rows, frame))
    return result


SECTION = Section.titled("measures", queries=QUERIES, build=build, sheets=sheets)
