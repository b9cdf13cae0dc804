"""Query results written for the tools analysts use: Excel on Chinese Windows, JSON consumers,
a terminal.

CSV carries a UTF-8 byte-order mark (Excel reads BOM-less UTF-8 in the ANSI code page, which
turns Chinese into mojibake) and neutralises text a spreadsheet would run as a formula (OWASP:
cells starting with `=`, `+`, `-`, `@`, tab or CR get a leading `'`). JSON writes numbers as
numbers and dates as ISO text. XLSX has a named sheet, a styled header, number formats and
column widths. The table view names types plainly and says how many rows it left out.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
SHEET_NAME = "结果 result"


def plain_numbers(frame: pl.DataFrame) -> pl.DataFrame:
    """DuckDB sums come back as DECIMAL(38,0) or HUGEINT: whole numbers become integers, others
    floats, so no output shows them as text or as `decimal[38,0]`."""
    casts = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Decimal):
            casts.append(pl.col(name).cast(pl.Int64 if dtype.scale == 0 else pl.Float64))
        elif dtype == pl.Int128:
            casts.append(pl.col(name).cast(pl.Int64))
    return frame.with_columns(casts) if casts else frame


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells a spreadsheet would evaluate, prefixed with an apostrophe."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
    return frame.with_columns(
        pl.when(pl.any_horizontal(pl.col(name).str.starts_with(p) for p in FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text_columns
    )


def to_csv(frame: pl.DataFrame, *, bom: bool = True) -> str:
    return (BOM if bom else "") + neutralise_formulas(plain_numbers(frame)).write_csv()


def _json_value(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def to_json(frame: pl.DataFrame) -> str:
    """A list of objects; numbers stay numbers (Polars writes decimals as strings)."""
    rows = [_json_value(row) for row in plain_numbers(frame).to_dicts()]
    return json.dumps(rows, ensure_ascii=False, default=str) + "\n"


def plain_type(dtype: pl.DataType) -> str:
    """A column type as an analyst says it."""
    if dtype.is_integer():
        return "integer"
    if dtype.is_numeric():
        return "number"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "date-time"
    if dtype == pl.Boolean:
        return "yes/no"
    if dtype == pl.Utf8:
        return "text"
    return str(dtype).lower()


def to_table(frame: pl.DataFrame, max_rows: int) -> str:
    """Aligned columns with plain types under the names; a last line counts the rows left out."""
    frame = plain_numbers(frame)
    shown = frame.head(max_rows)
    cells = [[_cell(v) for v in row] for row in shown.iter_rows()]
    header = list(frame.columns)
    types = [plain_type(t) for t in frame.dtypes]
    widths = [
        min(60, max(len(h), len(t), *(len(r[i]) for r in cells))) if cells else max(len(h), len(t))
        for i, (h, t) in enumerate(zip(header, types, strict=True))
    ]

    def line(values: list[str]) -> str:
        return "  ".join(v[:60].ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    lines = [line(header), line(types), line(["-" * w for w in widths])]
    lines += [line(r) for r in cells]
    left_out = frame.height - shown.height
    count = f"{frame.height:,} row{'s' if frame.height != 1 else ''}"
    if left_out:
        count += f", {left_out:,} not shown (--max-rows N, or -o FILE for all)"
    return "\n".join([*lines, f"({count})"]) + "\n"


def _cell(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def write_xlsx(frame: pl.DataFrame, out: Path) -> None:
    """One named sheet: bold shaded header, frozen, thousands separators, ISO dates, fitted widths."""
    frame = plain_numbers(frame)
    formats = {}
    for name, dtype in frame.schema.items():
        if dtype.is_integer():
            formats[name] = "#,##0"
        elif dtype.is_float():
            formats[name] = "#,##0.00"
        elif dtype == pl.Date:
            formats[name] = "yyyy-mm-dd"
        elif isinstance(dtype, pl.Datetime):
            formats[name] = "yyyy-mm-dd hh:mm"
    frame.write_excel(
        out,
        worksheet=SHEET_NAME,
        header_format={"bold": True, "bg_color": "#DDE5F0", "border": 1},
        column_formats=formats or None,
        autofit=True,
        freeze_panes=(1, 0),
        autofilter=True,
        include_header=True,
    )


def check_output(out: Path, data_dir: Path, warehouse: Path) -> None:
    """Refuse an output path that would overwrite what the pipeline manages (the warehouse, the
    PII key, the inbox, Dagster's storage), a directory, or a file in a missing folder."""
    target = out.expanduser().resolve()
    managed_files = {warehouse.resolve(), (data_dir / ".pii_key").resolve()}
    managed_files |= {Path(f"{p}.wal") for p in managed_files}
    managed_dirs = [(data_dir / name).resolve() for name in ("inbox", "dagster")]
    if target in managed_files or any(target.is_relative_to(d) for d in managed_dirs):
        raise ValueError(
            f"refused: {out} is managed by the pipeline (warehouse, PII key, inbox or Dagster "
            "storage); write the result somewhere else"
        )
    if target.is_dir():
        raise ValueError(f"{out} is a folder: give a file name, e.g. {out / 'result.csv'}")
    if not target.parent.is_dir():
        raise ValueError(f"no such folder: {target.parent} (create it first)")
