"""Delimited text as districts save it: the encoding detected, the separator sniffed, records
split (quoted fields honoured), and each record's field count kept so a ragged row is caught.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM (the "Unicode text" export of Excel and
WPS, tab-separated), GB18030 (a superset of GBK and GB2312, what Excel on a Chinese desktop
writes), and a UTF-8 BOM before a GB18030 body (an editor that added the BOM and kept the
bytes). Anything else binary is "not a CSV or XLSX file", whatever its suffix.
"""

from __future__ import annotations

import codecs
import csv
import io

import polars as pl

MAX_CELL_CHARS = 1 << 20
SEPARATORS = (",", "\t", ";")
NOT_A_TABLE = (
    "不是CSV或XLSX文件 / is not a CSV or XLSX file: export the table from Excel or WPS as "
    "CSV (UTF-8) or XLSX"
)
_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\xd0\xcf\x11\xe0",
          b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf", b"BM", b"II*\x00", b"MM\x00*")  # fmt: skip


class Unreadable(Exception):
    """The bytes are not a delimited text table; the message quotes nothing from them."""


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was found in."""
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom) and not data.startswith(codecs.BOM_UTF32_LE):
            try:
                return _text_only(data[len(bom) :].decode(name)), "utf-16"
            except UnicodeDecodeError:
                raise Unreadable(NOT_A_TABLE) from None
    if data.startswith(_MAGIC) or b"\x00" in data:
        raise Unreadable(NOT_A_TABLE)
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise Unreadable(
            f"无法识别文字编码（第 {exc.start} 字节）/ cannot be decoded as UTF-8 or GB18030 "
            f"(byte {exc.start}): save it again as CSV (UTF-8)"
        ) from None


def _text_only(text: str) -> str:
    if "\x00" in text:
        raise Unreadable(NOT_A_TABLE)
    return text


def sniff_separator(text: str) -> str:
    """Comma, tab or semicolon: whichever the first line holds most of (comma on a tie)."""
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


def records(text: str, separator: str) -> pl.Series:
    """Every record as a list of fields (List[Utf8]), field counts as delivered.

    Without a quote character a record is a line and Polars splits it; with quotes, the
    standard library's C parser honours quoted separators and line breaks.
    """
    if '"' not in text:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return pl.Series("fields", lines, dtype=pl.Utf8).str.split(separator)
    csv.field_size_limit(MAX_CELL_CHARS)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error:
        raise Unreadable(
            "引号不成对或单元格过长 / has an unbalanced quote or a cell longer than "
            f"{MAX_CELL_CHARS} characters: check the quotes and save it again"
        ) from None
    return pl.Series("fields", rows, dtype=pl.List(pl.Utf8))
