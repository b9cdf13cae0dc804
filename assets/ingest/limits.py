"""What a delivered file must be before any reader allocates for it.

A delivery is a regular file inside the inbox, of bounded size; an XLSX is a zip whose members
decompress to a bounded size and whose sheets span a bounded number of cells. calamine (behind
Polars' XLSX reader) builds a dense grid from a sheet's extreme cells, so a 2 KB sheet with
cells A1 and XFD1048576 asks for 512 GiB and aborts the process, with no Python exception: the
sheet's declared dimension and every cell reference are checked here, streaming, first.
The scan also finds what a reader would hide: formula cells whose cached value cannot be trusted
and long numbers that were identity numbers before Excel turned them into floats.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 256 * 2**20
MAX_UNZIPPED_BYTES = 512 * 2**20
MAX_CELLS = 5_000_000  # rows x columns of a sheet's used range
MAX_COLUMNS = 512
CHUNK = 1 << 20
_CELL_ROW = re.compile(rb'<c\b[^>]*?\br="[A-Z]{1,3}([0-9]{1,7})"')
_CELL_COL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})[0-9]')
_DIMENSION = re.compile(
    rb'<dimension\b[^>]*?\bref="([A-Z]{1,3})?([0-9]{1,7})?(?::([A-Z]{1,3})([0-9]{1,7}))?"'
)
_FORMULA_CELL = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(<v>)?'
)
_LONG_NUMBER = re.compile(
    rb'<c\b(?![^>]*\bt="(?:s|str|inlineStr|b|e)")[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*>'
    rb"\s*(?:<f\b[^>]*?(?:/>|>[^<]*</f>)\s*)?<v>(?:[0-9]{15,}|[0-9]\.[0-9]+E\+(?:1[4-9]|[2-9][0-9]))</v>"
)
_FULL_CALC = re.compile(rb'<calcPr\b[^>]*\bfullCalcOnLoad="(?:1|true)"')


class Refused(Exception):
    """The file breaks a limit; the message names the limit, never the file's content."""


@dataclass
class SheetFacts:
    """What the streaming scan of one worksheet found (1-based rows, 1-based columns)."""

    min_row: int = 0
    max_row: int = 0
    min_col: int = 0
    max_col: int = 0
    formula_cells: list[tuple[int, int]] = field(default_factory=list)
    number_cells: list[tuple[int, int]] = field(default_factory=list)


def column_number(letters: bytes | str) -> int:
    """`A` -> 1, `XFD` -> 16384."""
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(char) - 64
    return number


def check_regular_file(path: Path, inbox: Path | None = None) -> int:
    """The file's size; refuse links, devices, anything outside the inbox, and huge files."""
    try:
        info = os.lstat(path)
    except OSError:
        raise Refused("无法读取该文件 / cannot be read (missing or no permission)") from None
    if stat.S_ISLNK(info.st_mode):
        raise Refused(
            "是链接而不是文件，未读取 / is a link, not a file: not read; deliver the file itself"
        )
    if not stat.S_ISREG(info.st_mode):
        raise Refused("不是普通文件，未读取 / is not a regular file: not read")
    if inbox is not None and not path.resolve().is_relative_to(inbox.resolve()):
        raise Refused("位于收件箱之外，未读取 / resolves outside the inbox: not read")
    if info.st_size > MAX_FILE_BYTES:
        raise Refused(
            f"文件过大（超过 {MAX_FILE_BYTES // 2**20} MB）/ is larger than "
            f"{MAX_FILE_BYTES // 2**20} MB: split it into smaller files"
        )
    return info.st_size


def _bounded_chunks(book: zipfile.ZipFile, info: zipfile.ZipInfo):
    """A member's bytes in chunks; the zip's own size and CRC checks stop a lying member."""
    with book.open(info) as handle:
        while block := handle.read(CHUNK):
            yield block


def _scan_sheet(book: zipfile.ZipFile, info: zipfile.ZipInfo, untrusted_cache: bool) -> SheetFacts:
    facts = SheetFacts()
    rows: list[int] = []
    cols: set[bytes] = set()
    tail = b""
    for block in _bounded_chunks(book, info):
        text = tail + block
        cut = text.rfind(b"<c ")  # a cell split between chunks is scanned with the next chunk
        cut = cut if cut > 0 and len(text) - cut < 4096 else len(text)
        head, tail = text[:cut], text[cut:]
        for match in _DIMENSION.finditer(head):
            _check_dimension(match)
        _extent(head, rows, cols)
        for m in _FORMULA_CELL.finditer(head):
            if untrusted_cache or m.group(3) is None:
                facts.formula_cells.append((int(m.group(2)), column_number(m.group(1))))
        facts.number_cells += [(int(r), column_number(c)) for c, r in _LONG_NUMBER.findall(head)]
    _extent(tail, rows, cols)
    if rows:
        numbers = [column_number(c) for c in cols]
        facts.min_row, facts.max_row = min(rows), max(rows)
        facts.min_col, facts.max_col = min(numbers), max(numbers)
        _check_extent(facts.max_row - facts.min_row + 1, facts.max_col - facts.min_col + 1)
    return facts


def _extent(text: bytes, rows: list[int], cols: set[bytes]) -> None:
    """Fold a chunk's cell references into the sheet's extent (every cell counts: calamine
    sizes its grid from the extreme ones, whatever `<row>` says)."""
    numbers = list(map(int, _CELL_ROW.findall(text)))
    if numbers:
        rows += [min(numbers), max(numbers)]
    cols.update(_CELL_COL.findall(text))


def _check_dimension(match: re.Match[bytes]) -> None:
    first_col, first_row, last_col, last_row = match.groups()
    if last_col is None:
        return
    _check_extent(
        int(last_row) - int(first_row or b"1") + 1,
        column_number(last_col) - column_number(first_col or b"A") + 1,
    )


def _check_extent(rows: int, cols: int) -> None:
    if cols > MAX_COLUMNS or rows * cols > MAX_CELLS:
        raise Refused(
            f"工作表范围过大（{rows} 行 × {cols} 列）/ a sheet spans {rows} rows x {cols} "
            "columns, far more than a delivery holds: delete the stray cells far from the table "
            "(Ctrl+End shows the last one) and save again"
        )


def inspect_xlsx(path: Path) -> dict[str, SheetFacts]:
    """Every worksheet's facts by zip member name; `Refused` when a limit is broken."""
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refused(
            "不是有效的XLSX文件 / is not a valid XLSX file: save it again from Excel or WPS"
        ) from None
    with book:
        members = book.infolist()
        if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES or len(members) > 10_000:
            raise Refused(
                f"解压后超过 {MAX_UNZIPPED_BYTES // 2**20} MB / decompresses to more than "
                f"{MAX_UNZIPPED_BYTES // 2**20} MB: not read; split it into smaller files"
            )
        try:
            workbook = b"".join(_bounded_chunks(book, book.getinfo("xl/workbook.xml")))
            untrusted = bool(_FULL_CALC.search(workbook))
            sheets = {
                m.filename: _scan_sheet(book, m, untrusted)
                for m in members
                if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")
            }
            for member in members:  # every other part decompresses within its declared size
                if member.filename not in sheets:
                    for _ in _bounded_chunks(book, member):
                        pass
        except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError, RuntimeError):
            raise Refused(
                "XLSX文件已损坏 / is a damaged XLSX file: save it again from Excel or WPS"
            ) from None
    return sheets


def sheet_member(path: Path, sheet_name: str | None) -> str | None:
    """The zip member of a sheet by its name (the first sheet when None), from the workbook."""
    with zipfile.ZipFile(path) as book:
        workbook = book.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = book.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    sheets = re.findall(r'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]+)"', workbook)
    targets = dict(re.findall(r'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"', rels))
    targets |= {
        i: t
        for t, i in re.findall(r'<Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"', rels)
    }
    for name, rel in sheets:
        if sheet_name is None or name == sheet_name:
            target = targets.get(rel, "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None
