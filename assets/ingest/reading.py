"""Reading one delivered file into text columns named by the contract, or one rejection message.

Everything is read as text first (the `raw` layer keeps values as delivered); typing happens in
`assets.ingest.rules`. Rejection messages never quote cell values: a cell may hold an identity
number, and messages end up in `meta.load_log` and Dagster metadata.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from core.contract import Source

CSV_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
ROW_NUMBER = "row_number"
_EXCEL_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2}) 00:00:00(\.0+)?$")


class Rejected(Exception):
    """The whole file is refused; the message names the file and the problem, never a value."""


@dataclass(frozen=True)
class RawTable:
    """A file's rows as text, one column per contract column (absent optional ones null)."""

    frame: pl.DataFrame  # contract columns (Utf8) + row_number (header is row 1)
    encoding: str


def is_delivery(path: Path) -> bool:
    """Files the inbox scan considers: not hidden, not Excel lock files."""
    return path.is_file() and not path.name.startswith((".", "~$"))


def utf8_bytes(data: bytes) -> tuple[bytes, str]:
    """The file as UTF-8 without BOM: as is when it is strict UTF-8, else decoded from GB18030.

    GB18030 is a superset of GBK and GB2312, so one fallback covers what Excel on a Chinese
    desktop writes.
    """
    if b"\x00" in data:
        raise Rejected("is not a text table (binary content)")
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        body.decode("utf-8")
        return body, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030").encode("utf-8"), "gb18030"
    except UnicodeDecodeError as exc:
        raise Rejected(f"cannot be decoded as UTF-8 or GB18030 (byte {exc.start})") from None


def _read_csv(data: bytes) -> tuple[pl.DataFrame, str]:
    body, encoding = utf8_bytes(data)
    if not body or body.isspace():
        return pl.DataFrame(), encoding
    try:
        frame = pl.read_csv(
            body,
            has_header=False,
            infer_schema=False,
            truncate_ragged_lines=True,
            empty_string_is_null=False,
        )
    except Exception as exc:  # polars messages can quote cells: name only the kind of failure
        raise Rejected(f"cannot be parsed as CSV ({type(exc).__name__})") from None
    return frame, encoding


def _pick_sheet(path: Path, source: str) -> str | int:
    import fastexcel

    try:
        names = fastexcel.read_excel(path).sheet_names
    except Exception as exc:
        raise Rejected(f"cannot be opened as XLSX ({type(exc).__name__})") from None
    return source if source in names else 0


def _read_xlsx(path: Path, source: str) -> pl.DataFrame:
    sheet = _pick_sheet(path, source)
    try:
        frame = pl.read_excel(
            path,
            engine="calamine",
            sheet_name=sheet if isinstance(sheet, str) else None,
            sheet_id=None if isinstance(sheet, str) else 1,
            has_header=False,
            infer_schema_length=0,
        )
    except Exception as exc:
        raise Rejected(f"cannot be read as XLSX ({type(exc).__name__})") from None
    # date cells arrive as `YYYY-MM-DD 00:00:00`: keep the date
    return frame.with_columns(pl.all().cast(pl.Utf8).str.replace(_EXCEL_DATETIME.pattern, "$1"))


def normalize_header(header: str | None) -> str:
    """NFKC (full-width brackets to ASCII), no BOM, no surrounding space, English lower-cased."""
    text = unicodedata.normalize("NFKC", header or "").replace("\ufeff", "").strip()
    return text.lower() if text.isascii() else text


def _map_headers(headers: list[str | None], source: Source) -> list[str]:
    aliases = {normalize_header(alias): name for alias, name in source.header_aliases().items()}
    names = [normalize_header(h) for h in headers]
    unknown = [h for h in names if h and h not in aliases]
    mapped = [aliases.get(h) for h in names]
    problems = []
    if unknown:
        problems.append("unknown column(s) " + ", ".join(repr(h) for h in unknown))
    present = [m for m in mapped if m]
    repeated = sorted({m for m in present if present.count(m) > 1})
    if repeated:
        problems.append("column(s) given twice " + ", ".join(repeated))
    missing = [c for c in source.required_columns if c not in present]
    if missing:
        problems.append("missing required column(s) " + ", ".join(missing))
    if problems:
        raise Rejected("; ".join(problems))
    return [m or f"__blank_{i}" for i, m in enumerate(mapped)]


def read_table(path: Path, source: Source, data: bytes | None = None) -> RawTable:
    """Read a CSV or XLSX delivery as text; raise `Rejected` when the file is unusable."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        frame, encoding = _read_csv(data if data is not None else path.read_bytes())
    elif suffix in EXCEL_SUFFIXES:
        frame, encoding = _read_xlsx(path, source.name), "xlsx"
    else:
        raise Rejected(f"is not a CSV or XLSX file (suffix {suffix or 'none'!r})")
    columns = list(source.columns)
    if frame.width == 0:  # an empty file: nothing delivered this week, not a broken file
        empty = pl.DataFrame(schema={c: pl.Utf8 for c in columns} | {ROW_NUMBER: pl.Int64})
        return RawTable(empty, encoding)
    headers = [str(v) if v is not None else None for v in frame.row(0)]
    names = _map_headers(headers, source)
    body = frame.slice(1).rename(dict(zip(frame.columns, names, strict=True)))
    body = body.select([c for c in names if not c.startswith("__blank_")])
    body = body.with_columns(pl.int_range(2, body.height + 2, dtype=pl.Int64).alias(ROW_NUMBER))
    cells = [c for c in body.columns if c != ROW_NUMBER]
    if cells:  # blank lines and trailing empty spreadsheet rows are not deliveries
        blank = pl.all_horizontal(pl.col(cells).str.strip_chars().fill_null("") == "")
        body = body.filter(~blank)
    body = body.with_columns(
        [pl.lit(None, pl.Utf8).alias(c) for c in columns if c not in body.columns]
    )
    return RawTable(body.select([*columns, ROW_NUMBER]), encoding)
