"""What several sections share: figures as the reader sees them, status badges, names of places and
sources. Source names and who owes which file come from the input contract, never from code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from core.contract import Source, load_contract, load_reference
from core.settings import TIMEZONE, is_sample_data
from reports.i18n import STATUS_ORDER, Translator

CITY_CODE = "110000"  # all Beijing in the marts' district_code


def beijing_time(value: dt.datetime | None, fmt_: str = "%Y-%m-%d %H:%M") -> str:
    """A warehouse timestamp (naive UTC, as every table stores them) in Beijing time."""
    if value is None:
        return "–"
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(ZoneInfo(TIMEZONE)).strftime(fmt_)


def fmt(value: float | None, display: str) -> str:
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


def fmt_change(value: float | None, display: str, t: Translator) -> str:
    """A week-over-week difference with its sign; percent differences in percentage points."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("±" if value == 0 else "−")
    if display == "percent":
        return f"{sign}{abs(value) * 100:.1f} {t('pp')}"
    return f"{sign}{fmt(abs(value), display)}"


def status_badge(status: str | None, t: Translator) -> dict:
    """`{"key", "label"}` for a status; anything unknown (or NULL) reads as no data."""
    key = status if status in STATUS_ORDER else "no_data"
    return {"key": key, "label": t(f"status.{key}")}


def district_names(lang: str) -> pl.DataFrame:
    """district_code → district_name in the language, all Beijing included."""
    reference = load_reference()
    rows = [(reference.all_beijing["code"], reference.all_beijing[lang])]
    rows += [(d.code, getattr(d, lang)) for d in reference.districts]
    return pl.DataFrame(rows, schema=["district_code", "district_name"], orient="row")


def source_title(name: str, t: Translator, lang: str) -> str:
    """A source's title from the contract; `meta` is the pipeline's own records, not a source."""
    if name == "meta":
        return t("source_meta")
    source = load_contract().sources.get(name)
    return getattr(source.title, lang) if source else name


def sources_expected_from(who: Literal["districts", "city"]) -> list[Source]:
    """The contract's sources owed weekly by every district, or once by the city, in contract order."""
    return [s for s in load_contract().sources.values() if s.expected_from == who]


def is_sample(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse lives in a data dir of sample data (its SAMPLE_DATA marker): the
    warehouse file's folder is the data dir. An in-memory database is no data dir."""
    paths = conn.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    return bool(paths and paths[0][0]) and is_sample_data(Path(paths[0][0]).parent)
