"""Checking one file against the contract without a warehouse: the submitter's pre-check.

`check_file(path, source, week, pii_key) -> FileCheck` runs exactly the reading and rule code
ingestion runs (`reading.read_table`, `rules.conform`), plus the duplicate-key check within
the file (duplicates against the warehouse need the warehouse, so only ingestion sees those).
Personal data in the result is hashed (`good`, `quarantined`) or masked (`problems.value`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from assets.ingest.load import NAMING_HINT, district_from_name, needs_named_district
from assets.ingest.reading import ROW_NUMBER, Rejected, read_table
from assets.ingest.rules import conform
from core.contract import load_contract
from core.partitions import week_monday
from core.settings import TIMEZONE

_ISO_WEEK_FOLDER = re.compile(r"^\d{4}-W\d{2}$")
PROBLEM_SCHEMA = {ROW_NUMBER: pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "rule": pl.Utf8}


@dataclass(frozen=True)
class FileCheck:
    """What ingestion would do with one file."""

    path: Path
    source: str
    week: dt.date
    district_code: str | None
    rejection: str | None  # the whole file is refused: this message, no rows
    rows_read: int
    good: pl.DataFrame  # conformed staging columns (PII hashed) of the rows that would load
    quarantined: pl.DataFrame  # raw columns (PII hashed) + row_number + reasons
    problems: pl.DataFrame  # row_number, column, value (PII masked), rule: one row per reason
    headers: dict[str, str] = field(default_factory=dict)  # contract column -> clerk's header

    @property
    def ok(self) -> bool:
        return self.rejection is None and self.quarantined.height == 0


def reporting_week(path: Path, week: str | dt.date | None) -> dt.date:
    """The given week, else the ISO week folder the file sits in, else the current week."""
    if week is not None:
        return week_monday(week)
    if _ISO_WEEK_FOLDER.match(path.parent.name):
        return week_monday(path.parent.name)
    return week_monday(dt.datetime.now(ZoneInfo(TIMEZONE)).date())


def check_file(path: Path, source: str, week: str | dt.date | None, pii_key: bytes) -> FileCheck:
    """Check a file as ingestion would; never raises for a bad file, returns its rejection."""
    spec = load_contract().sources[source]
    monday = reporting_week(path, week)
    district = district_from_name(path.name)
    empty = pl.DataFrame(schema=PROBLEM_SCHEMA)
    try:
        table = read_table(path, spec)
    except Rejected as exc:
        return FileCheck(
            path,
            source,
            monday,
            district,
            f"{path.name}: {exc}",
            0,
            pl.DataFrame(),
            pl.DataFrame(),
            empty,
        )
    if district is None and needs_named_district(spec):  # ingestion would reject it the same way
        return FileCheck(
            path, source, monday, None, f"{path.name}: {NAMING_HINT}", 0,
            pl.DataFrame(), pl.DataFrame(), empty,
        )  # fmt: skip
    conformed = conform(table.frame, spec, monday, district, pii_key, with_masked=True)
    keys = list(spec.key)
    has_key = pl.all_horizontal(pl.col(keys).is_not_null())
    dup = conformed.typed.select(
        has_key & ~pl.struct(keys).is_first_distinct().over(has_key)
    ).to_series()
    conformed = conformed.with_reason(dup, f"{'+'.join(keys)}: duplicate key")
    clean = conformed.is_clean
    quarantined = conformed.raw.with_columns(conformed.reasons.alias("reasons")).filter(~clean)
    shown = table.frame.drop(spec.pii_columns)
    if conformed.masked is not None:
        shown = shown.join(conformed.masked, on=ROW_NUMBER, how="left")
    values = shown.unpivot(index=ROW_NUMBER, variable_name="column", value_name="value")
    problems = (
        quarantined.select(ROW_NUMBER, pl.col("reasons").alias("reason"))
        .explode("reason")
        .with_columns(
            pl.col("reason").str.split_exact(": ", 1).struct.rename_fields(["column", "rule"])
        )
        .unnest("reason")
        .join(values, on=[ROW_NUMBER, "column"], how="left")
        .select(list(PROBLEM_SCHEMA))
    )

    good = conformed.typed.filter(clean)
    return FileCheck(
        path, source, monday, district, None, conformed.raw.height, good, quarantined, problems,
        table.headers,
    )  # fmt: skip
