"""The name tables of the analyst schema: districts, measures, indicators and statuses with their
Chinese and English names, so a query can show 西城区 instead of 110102."""

from __future__ import annotations

import polars as pl

from core.catalog import Catalog
from core.contract import load_reference

# the report's wording (reports/i18n.py), repeated here because the asset layer sits below it
STATUS_LABELS = {
    "on_track": ("正常推进", "On track"),
    "at_risk": ("存在风险", "At risk"),
    "off_track": ("进度滞后", "Off track"),
    "no_data": ("无数据", "No data"),
    "suppressed": ("不予公布（小数保护）", "Suppressed (small numbers)"),
}


def districts() -> pl.DataFrame:
    reference = load_reference()
    city = reference.all_beijing
    rows = [(city["code"], city["zh"], city["en"])] + [
        (d.code, d.zh, d.en) for d in reference.districts
    ]
    return pl.DataFrame(rows, schema=["district_code", "name_zh", "name_en"], orient="row")


def measures(catalog: Catalog) -> pl.DataFrame:
    rows = [
        (m.id, m.area, m.title.zh, m.title.en, m.lead_agency.zh, m.lead_agency.en)
        for m in catalog.measures
    ]
    schema = ["measure_id", "area_id", "title_zh", "title_en", "lead_unit_zh", "lead_unit_en"]
    return pl.DataFrame(rows, schema=schema, orient="row")


def indicators(catalog: Catalog) -> pl.DataFrame:
    rows = [
        (i.id, i.measure_id, i.name.zh, i.name.en, i.unit.zh, i.unit.en, i.kind, i.direction,
         i.target, i.target is not None and i.target_illustrative)
        for i in catalog.indicators
    ]  # fmt: skip
    schema = {
        "indicator_id": pl.Utf8, "measure_id": pl.Utf8, "name_zh": pl.Utf8, "name_en": pl.Utf8,
        "unit_zh": pl.Utf8, "unit_en": pl.Utf8, "kind": pl.Utf8, "direction": pl.Utf8,
        "target": pl.Float64, "illustrative": pl.Boolean,
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def statuses() -> pl.DataFrame:
    rows = [(code, zh, en) for code, (zh, en) in STATUS_LABELS.items()]
    return pl.DataFrame(rows, schema=["status", "label_zh", "label_en"], orient="row")


def name_tables(catalog: Catalog) -> dict[str, pl.DataFrame]:
    """Every name table by its name in the analyst schema."""
    return {
        "districts": districts(),
        "measures": measures(catalog),
        "indicators": indicators(catalog),
        "statuses": statuses(),
    }
