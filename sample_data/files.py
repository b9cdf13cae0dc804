"""Writing a week's rows the way each district delivers them: CSV, GB18030 CSV or XLSX.

Output is byte-identical for a seed: CSV is plain text, and XLSX is a minimal workbook
(inline-string cells) zipped with fixed timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from core.contract import Source

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


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
}


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _escape(value: pl.Expr) -> pl.Expr:
    return (
        value.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )


def sheet_xml(frame: pl.DataFrame, header: list[str]) -> bytes:
    """The worksheet as inline-string cells, built column-wise by Polars rather than per cell."""
    table = pl.concat([pl.DataFrame([header], schema=frame.columns, orient="row"), frame])
    row = pl.int_range(1, pl.len() + 1).cast(pl.Utf8)
    cells = [
        pl.when(pl.col(name).is_not_null()).then(
            pl.concat_str(
                [pl.lit(f'<c r="{_column_letter(i)}'), row, pl.lit('" t="inlineStr"><is><t>'),
                 _escape(pl.col(name)), pl.lit("</t></is></c>")]
            )
        ).otherwise(pl.lit(""))
        for i, name in enumerate(frame.columns)
    ]  # fmt: skip
    rows = table.select(
        pl.concat_str([pl.lit('<row r="'), row, pl.lit('">'), *cells, pl.lit("</row>")])
        .str.join("")
        .alias("xml")
    )["xml"][0]
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def write_xlsx(path: Path, frame: pl.DataFrame, source: Source, chinese: bool) -> None:
    """One sheet named after the source, every cell as text; fixed zip timestamps, so the
    bytes depend on the data only. Written directly (not cell by cell through xlsxwriter):
    national-scale weeks hold millions of cells."""
    import zipfile

    parts = {
        name: text.replace("{sheet}", source.name).encode("utf-8")
        for name, text in _XLSX_PARTS.items()
    }
    parts["xl/worksheets/sheet1.xml"] = sheet_xml(frame, headers(frame, source, chinese))
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=1)


def write_table(path: Path, frame: pl.DataFrame, source: Source, style: Style) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if style.fmt == "xlsx":
        write_xlsx(path, frame, source, style.chinese)
    else:
        path.write_bytes(encode(frame, source, style))
