"""The Excel workbook: every indicator × district for the week, all areas and one sheet per area."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import polars as pl

from core.catalog import load_catalog
from core.partitions import iso_week
from reports import queries
from reports.context import district_names
from reports.i18n import STATUS, STATUS_COLOURS, translator

NUMBER_FORMATS = {
    "percent": "0.0%",
    "decimal": "#,##0.00",
    "score": "#,##0.00",
    "days": "#,##0.0",
    "amount": "#,##0.##",
    "count": "#,##0.##",
}
HEADER = (
    "measure",
    "indicator_id",
    "indicator",
    "district_code",
    "district",
    "this_week",
    "ytd",
    "target",
    "progress",
    "wow",
    "status",
    "suppressed",
)


def _sheet_name(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31]


def _rows(conn: duckdb.DuckDBPyConnection, week: dt.date, lang: str) -> pl.DataFrame:
    """The week's indicator rows in catalog order, Beijing first, with names and display."""
    catalog = load_catalog()
    meta = pl.DataFrame(
        [
            (
                i.id,
                index,
                m.area,
                f"{m.id} {getattr(m.title, lang)}",
                getattr(i.name, lang),
                i.display,
                i.target_illustrative,
            )
            for index, (m, i) in enumerate((m, i) for m in catalog.measures for i in m.indicators)
        ],
        schema=["indicator_id", "order", "area", "measure", "indicator", "display", "illustrative"],
        orient="row",
    )
    rows = queries.query(conn, "indicators_week", week)
    return (
        rows.join(meta, on="indicator_id", how="inner")
        .join(district_names(lang), on="district_code", how="left")
        .with_columns((pl.col("district_code") != "110000").alias("is_district"))
        .sort("order", "is_district", "district_code")
    )


def _write_sheet(book, sheet, rows: pl.DataFrame, formats: dict, lang: str, title: str) -> None:
    t = translator(lang)
    labels = {
        "measure": t("measure"),
        "indicator_id": "ID",
        "indicator": t("indicator"),
        "district_code": t("district") + " code" if lang == "en" else "区划代码",
        "district": t("district"),
        "this_week": t("this_week"),
        "ytd": t("ytd"),
        "target": t("target"),
        "progress": t("progress"),
        "wow": t("wow"),
        "status": t("status"),
        "suppressed": t("suppressed_mark"),
    }
    sheet.write(0, 0, title, formats["title"])
    for col, key in enumerate(HEADER):
        sheet.write(2, col, labels[key], formats["header"])
    for offset, row in enumerate(rows.iter_rows(named=True)):
        r = offset + 3
        number = formats[row["display"]]
        no_data = row["status"] == "no_data" or row["value"] is None
        sheet.write_string(r, 0, row["measure"])
        sheet.write_string(r, 1, row["indicator_id"])
        sheet.write_string(r, 2, row["indicator"])
        sheet.write_string(r, 3, row["district_code"])
        sheet.write_string(r, 4, row["district_name"] or row["district_code"])
        for col, key in ((5, "value"), (6, "ytd_value"), (9, "wow_change")):
            if row[key] is not None and not no_data:
                sheet.write_number(r, col, row[key], number)
        if row["target"] is not None:
            sheet.write_number(r, 7, row["target"], number)
        if row["progress"] is not None and not no_data:
            sheet.write_number(r, 8, row["progress"], formats["percent"])
        status = "no_data" if no_data and not row["suppressed"] else row["status"]
        if status in STATUS:  # NULL: a figure not rated against a target, left blank
            sheet.write_string(r, 10, STATUS[status][lang], formats[f"status_{status}"])
        if row["suppressed"]:
            sheet.write_string(r, 11, t("suppressed_mark"))
    last = len(rows) + 4
    sheet.write_string(last, 0, t("suppressed_note", n=load_catalog().suppression_min_count))
    sheet.write_string(last + 1, 0, t("illustrative_note"))
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 2, 36)
    sheet.set_column(3, 4, 14)
    sheet.set_column(5, 10, 12)
    sheet.freeze_panes(3, 3)
    sheet.autofilter(2, 0, max(len(rows) + 2, 3), len(HEADER) - 1)


def write_xlsx(conn: duckdb.DuckDBPyConnection, week: dt.date, lang: str, path: Path) -> int:
    """Write the workbook; returns the number of indicator rows on the all-indicators sheet."""
    import xlsxwriter

    catalog = load_catalog()
    rows = _rows(conn, week, lang)
    t = translator(lang)
    book = xlsxwriter.Workbook(str(path))
    try:
        formats = {d: book.add_format({"num_format": f}) for d, f in NUMBER_FORMATS.items()}
        formats["title"] = book.add_format({"bold": True, "font_size": 13})
        formats["header"] = book.add_format({"bold": True, "bg_color": "#F3F4F6", "bottom": 1})
        for status, colour in STATUS_COLOURS.items():
            formats[f"status_{status}"] = book.add_format(
                {"bg_color": colour, "font_color": "#FFFFFF"}
            )
        title = f"{t('title')} · {iso_week(week)}"
        _write_sheet(
            book, book.add_worksheet(_sheet_name(t("sheet_all"))), rows, formats, lang, title
        )
        for area in catalog.areas:
            name = _sheet_name(f"{area.id} {getattr(area.title, lang)}")
            area_rows = rows.filter(pl.col("area") == area.id)
            _write_sheet(
                book,
                book.add_worksheet(name),
                area_rows,
                formats,
                lang,
                f"{area.id} {getattr(area.title, lang)}",
            )
    finally:
        book.close()
    return len(rows)
