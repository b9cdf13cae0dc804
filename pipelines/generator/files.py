"""Writing a week's rows the way each district delivers them: CSV, GB18030 CSV or XLSX.

Output is byte-identical for a seed: CSV is plain text, and XLSX gets fixed document
properties (xlsxwriter already fixes the zip entries' timestamps).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from assets.contract import Source

FIXED_CREATED = dt.datetime(2024, 10, 24, 9, 0, 0)
EXTENSION = {"csv": "csv", "csv-gb18030": "csv", "xlsx": "xlsx"}


@dataclass(frozen=True)
class Style:
    """How one district delivers: file format and header language, the same every week."""

    fmt: str  # csv | csv-gb18030 | xlsx
    chinese: bool

    @property
    def extension(self) -> str:
        return EXTENSION[self.fmt]


def as_text(frame: pl.DataFrame, source: Source, chinese: bool) -> pl.DataFrame:
    """Contract columns in contract order, every value as the text a clerk would type."""
    yes, no = ("是", "否") if chinese else ("true", "false")
    exprs = []
    for name, column in source.columns.items():
        if name not in frame.columns:
            continue
        value = pl.col(name)
        if column.type == "bool":
            value = pl.when(value).then(pl.lit(yes)).otherwise(pl.lit(no))
        elif column.type == "float":
            value = value.round(1)
        text = value.cast(pl.Utf8)
        exprs.append(pl.when(text != "").then(text).alias(name))  # empty cells, not ""
    return frame.select(exprs)


def headers(frame: pl.DataFrame, source: Source, chinese: bool) -> list[str]:
    if not chinese:
        return list(frame.columns)
    return [
        source.columns[name].zh[0] if source.columns[name].zh else name for name in frame.columns
    ]


def encode(frame: pl.DataFrame, source: Source, style: Style) -> bytes:
    """The file's bytes (CSV formats only)."""
    renamed = frame.rename(
        dict(zip(frame.columns, headers(frame, source, style.chinese), strict=True))
    )
    text = renamed.write_csv(line_terminator="\r\n" if style.fmt == "csv-gb18030" else "\n")
    return text.encode("gb18030" if style.fmt == "csv-gb18030" else "utf-8")


def write_xlsx(path: Path, frame: pl.DataFrame, source: Source, chinese: bool) -> None:
    """One sheet named after the source, every cell as text, fixed document properties."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_urls": False}
    )
    workbook.set_properties({"created": FIXED_CREATED, "author": "pmon generate"})
    sheet = workbook.add_worksheet(source.name)
    sheet.write_row(0, 0, headers(frame, source, chinese))
    for col, name in enumerate(frame.columns):
        sheet.write_column(1, col, frame[name].to_list())
    workbook.close()


def write_table(path: Path, frame: pl.DataFrame, source: Source, style: Style) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if style.fmt == "xlsx":
        write_xlsx(path, frame, source, style.chinese)
    else:
        path.write_bytes(encode(frame, source, style))
