"""Reading one delivered file into text columns named by the contract, or one rejection message.

Everything is read as text first (the `raw` layer keeps values as delivered); typing happens in
`assets.ingest.rules`. Before a reader allocates, `limits` checks the file (a regular file in the
inbox, bounded size; an XLSX's decompressed size and sheet extent). Rejection messages are in
Chinese and English, say what to do, and never quote delivered content beyond a short masked
excerpt: a header row may be a data row holding an identity number, and messages end up in
`meta.load_log`, Dagster metadata and `pmon check` output.

What a reader would hide becomes a row problem (`READ_PROBLEMS`, reasons joined by newlines):
a ragged row, a formula cell whose value was never computed, an identifier Excel stored as a
number. `rules.conform` adds them to the row's reasons, so the row is quarantined, not mangled.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from assets.ingest.limits import (
    MAX_COLUMNS,
    Refused,
    check_regular_file,
    inspect_xlsx,
    sheet_member,
)
from assets.ingest.text import NOT_A_TABLE, Unreadable, decode, records, sniff_separator
from core.contract import Source
from core.masking import excerpt

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
ROW_NUMBER = "row_number"
READ_PROBLEMS = "__read_problems"
REASON_SEPARATOR = "\n"  # between a row's reasons while they are one string
SHOWN_NAMES = 5
_EXCEL_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2}) 00:00:00(\.0+)?$")
_IDENTIFIER_TYPES = ("resident_id", "phone", "uscc")
FORMULA = "formula without a computed value (open the file in Excel or WPS, let it calculate, save)"
NUMBER = "stored as a number, precision lost (format the column as text and type it again)"


class Rejected(Exception):
    """The whole file is refused; the message names the problem and quotes no value."""


@dataclass(frozen=True)
class RawTable:
    """A file's rows as text, one column per contract column (absent optional ones null)."""

    frame: pl.DataFrame  # contract columns (Utf8) + row_number (header is row 1) + READ_PROBLEMS
    encoding: str
    headers: dict[str, str] = field(default_factory=dict)  # contract column -> the clerk's header


@dataclass(frozen=True)
class _Grid:
    """Cells by position: the header, the body and the reader's row problems by position."""

    headers: list[str | None]
    body: pl.DataFrame  # c0..cN (Utf8), __pos (0 = first body row), __ragged (Utf8 or null)
    cells: pl.DataFrame  # __pos, __col, kind: cells the reader flags (formula, number)
    encoding: str


def is_delivery(path: Path) -> bool:
    """Files the loader reads: regular files (never links), not hidden, not Excel lock files.

    Anything else in a week folder is listed, with its reason, by `assets.ingest.inbox`.
    """
    return path.is_file() and not path.is_symlink() and not path.name.startswith((".", "~$"))


def _cells_frame(rows: list[tuple[int, int, str]]) -> pl.DataFrame:
    schema = {"__pos": pl.Int64, "__col": pl.Int64, "kind": pl.Utf8}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _read_csv(data: bytes) -> _Grid:
    try:
        text, encoding = decode(data)
        fields = records(text, sniff_separator(text)) if text.strip() else None
    except Unreadable as exc:
        raise Rejected(str(exc)) from None
    if fields is None or fields.len() == 0:
        return _Grid([], pl.DataFrame(), _cells_frame([]), encoding)
    headers = fields[0].to_list()
    width = len(headers)
    if width > MAX_COLUMNS:
        raise Rejected(_too_wide(width))
    frame = pl.DataFrame({"f": fields.slice(1)}).with_row_index("__pos")
    body = frame.select(
        pl.col("__pos").cast(pl.Int64),
        *[pl.col("f").list.get(i, null_on_oob=True).alias(f"c{i}") for i in range(width)],
        _ragged(frame, width).alias("__ragged"),
    )
    return _Grid(headers, body, _cells_frame([]), encoding)


def _ragged(frame: pl.DataFrame, width: int) -> pl.Expr:
    """Why each record of `frame["f"]` is ragged, null when it is not: a field more or fewer
    shifts or truncates every later value; a record of blanks only is a blank line, not ragged.
    When every record has the header's width (nearly every file) nothing is checked per record."""
    n = pl.col("f").list.len()
    if (frame["f"].list.len() == width).all():
        return pl.lit(None, pl.Utf8)
    blank = pl.col("f").list.eval(pl.element().str.strip_chars() == "").list.all()
    return pl.when((n != width) & ~blank).then(
        pl.format("row: {} fields where the header has {} (ragged row; check separators and quotes)", n, pl.lit(width))
    )  # fmt: skip


def _too_wide(width: int) -> str:
    return (
        f"有 {width} 列，远超合同 / has {width} columns, far more than the contract's: "
        "check the separator and the header row"
    )


def _read_xlsx(path: Path, source: str) -> _Grid:
    try:
        facts = inspect_xlsx(path)
        member = sheet_member(path, source)
        named = member is not None
        member = member or sheet_member(path, None)
    except Refused as exc:
        raise Rejected(str(exc)) from None
    except Exception:
        raise Rejected(
            "XLSX文件已损坏 / is a damaged XLSX file: save it again from Excel or WPS"
        ) from None
    sheet = facts.get(member or "")
    if sheet is None:
        raise Rejected("XLSX文件没有工作表 / the XLSX file has no worksheet: save it again")
    try:
        frame = pl.read_excel(
            path,
            engine="calamine",
            sheet_name=source if named else None,
            sheet_id=None if named else 1,
            has_header=False,
            infer_schema_length=0,
            drop_empty_rows=False,
            drop_empty_cols=False,
        )
    except Exception:
        raise Rejected(
            "XLSX文件无法读取 / the XLSX file cannot be read: save it again from Excel or WPS"
        ) from None
    if frame.width > MAX_COLUMNS:
        raise Rejected(_too_wide(frame.width))
    frame = frame.with_columns(pl.all().cast(pl.Utf8).str.replace(_EXCEL_DATETIME.pattern, "$1"))
    if frame.height == 0:
        return _Grid([], pl.DataFrame(), _cells_frame([]), "xlsx")
    offset_row, offset_col = sheet.min_row + 1, sheet.min_col  # body position 0 = sheet row min+1
    flagged = [(r - offset_row, c - offset_col, "formula") for r, c in sheet.formula_cells]
    flagged += [(r - offset_row, c - offset_col, "number") for r, c in sheet.number_cells]
    body = frame.slice(1).rename({c: f"c{i}" for i, c in enumerate(frame.columns)})
    body = body.with_row_index("__pos").with_columns(
        pl.col("__pos").cast(pl.Int64), pl.lit(None, pl.Utf8).alias("__ragged")
    )
    headers = [None if v is None else str(v) for v in frame.row(0)]
    return _Grid(headers, body, _cells_frame([f for f in flagged if f[0] >= 0]), "xlsx")


def normalize_header(header: str | None) -> str:
    """NFKC (full-width brackets to ASCII), no BOM, no surrounding space, English lower-cased."""
    text = unicodedata.normalize("NFKC", header or "").replace("\ufeff", "").strip()
    return text.lower() if text.isascii() else text


def _listed(names: list[str]) -> str:
    """Up to five short, masked excerpts of delivered header names."""
    shown = ", ".join(repr(excerpt(n)) for n in names[:SHOWN_NAMES])
    return shown + (f" (+{len(names) - SHOWN_NAMES} more)" if len(names) > SHOWN_NAMES else "")


def _clerk_name(source: Source, column: str, chinese: bool) -> str:
    """A contract column as the clerk's header language names it."""
    zh = source.columns[column].zh
    return f"{zh[0]} ({column})" if chinese and zh else column


def _map_headers(headers: list[str | None], source: Source) -> list[str]:
    aliases = {normalize_header(alias): name for alias, name in source.header_aliases().items()}
    names = [normalize_header(h) for h in headers]
    mapped = [aliases.get(h) for h in names]
    present = [m for m in mapped if m]
    if not present:
        raise Rejected(
            "第一行不是表头（没有可识别的列名）/ the first row is not a header row (no column "
            "name of the contract): put the contract's header row first"
        )
    unknown = [h for h, m in zip(names, mapped, strict=True) if h and not m]
    chinese = sum(not h.isascii() for h in names if h) * 2 > sum(1 for h in names if h)
    problems = []
    if unknown:
        problems.append(
            f"无法识别的列 / unknown column(s) {_listed(unknown)}: rename to a contract "
            "column or delete"
        )
    repeated = sorted({m for m in present if present.count(m) > 1})
    if repeated:
        shown = ", ".join(_clerk_name(source, m, chinese) for m in repeated)
        problems.append(f"列重复 / column(s) given twice {shown}: keep one")
    missing = [c for c in source.required_columns if c not in present]
    if missing:
        shown = ", ".join(_clerk_name(source, c, chinese) for c in missing)
        problems.append(f"缺少必填列 / missing required column(s) {shown}: add the column")
    if problems:
        raise Rejected("; ".join(problems))
    return [m or f"__blank_{i}" for i, m in enumerate(mapped)]


def _row_problems(grid: _Grid, names: list[str], source: Source) -> pl.DataFrame | None:
    """__pos -> READ_PROBLEMS: ragged rows and flagged cells of contract columns, as reasons;
    None when the reader flagged nothing, as in most files (no join to pay for then)."""
    if grid.cells.height == 0 and grid.body["__ragged"].null_count() == grid.body.height:
        return None
    columns = pl.DataFrame(
        {"__col": range(len(names)), "name": names}, schema_overrides={"__col": pl.Int64}
    )
    identifiers = [n for n, c in source.columns.items() if c.type in _IDENTIFIER_TYPES]
    cells = grid.cells.join(columns, on="__col").filter(
        ~pl.col("name").str.starts_with("__blank_")
        & ((pl.col("kind") == "formula") | pl.col("name").is_in(identifiers))
    )
    reasons = cells.select(
        "__pos",
        pl.concat_str(
            "name",
            pl.lit(": "),
            pl.when(pl.col("kind") == "formula").then(pl.lit(FORMULA)).otherwise(pl.lit(NUMBER)),
        ).alias("reason"),
    )
    ragged = grid.body.select("__pos", pl.col("__ragged").alias("reason")).drop_nulls()
    return (
        pl.concat([ragged, reasons])
        .group_by("__pos")
        .agg(pl.col("reason").unique().sort().str.join(REASON_SEPARATOR).alias(READ_PROBLEMS))
    )


def read_problem_text(frame: pl.DataFrame) -> list[pl.Expr]:
    """The reader's row problems, newline-joined (null when none), for `rules.conform`."""
    return [pl.col(READ_PROBLEMS)] if READ_PROBLEMS in frame.columns else []


def _empty(columns: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        schema={c: pl.Utf8 for c in columns} | {ROW_NUMBER: pl.Int64, READ_PROBLEMS: pl.Utf8}
    )


def read_table(
    path: Path, source: Source, data: bytes | None = None, inbox: Path | None = None
) -> RawTable:
    """Read a CSV or XLSX delivery as text; raise `Rejected` when the file is unusable."""
    try:
        check_regular_file(path, inbox)
    except Refused as exc:
        raise Rejected(str(exc)) from None
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        grid = _read_csv(data if data is not None else path.read_bytes())
    elif suffix in EXCEL_SUFFIXES:
        grid = _read_xlsx(path, source.name)
    else:
        raise Rejected(NOT_A_TABLE)
    columns = list(source.columns)
    if not grid.headers:  # an empty file: nothing delivered this week, not a broken file
        return RawTable(_empty(columns), grid.encoding)
    names = _map_headers(grid.headers, source)
    body = grid.body.rename({f"c{i}": n for i, n in enumerate(names)})
    problems = _row_problems(grid, names, source)
    if problems is None:
        body = body.with_columns(pl.lit(None, pl.Utf8).alias(READ_PROBLEMS))
    else:
        body = body.join(problems, on="__pos", how="left", maintain_order="left")
    body = body.with_columns((pl.col("__pos") + 2).alias(ROW_NUMBER))
    cells = [n for n in names if not n.startswith("__blank_")]
    # every cell empty or whitespace <=> so is their concatenation: one strip a row, not a cell
    blank = pl.concat_str(pl.col(cells), ignore_nulls=True).str.strip_chars() == ""
    body = body.filter(~blank | pl.col(READ_PROBLEMS).is_not_null())  # blank lines deliver nothing
    body = body.with_columns([pl.lit(None, pl.Utf8).alias(c) for c in columns if c not in cells])
    written = {
        name: excerpt(header, 40)
        for header, name in zip(grid.headers, names, strict=True)
        if header and not name.startswith("__")
    }
    return RawTable(body.select([*columns, ROW_NUMBER, READ_PROBLEMS]), grid.encoding, written)
