"""Fuzzing intake: random bytes, random CSV shapes and random XLSX parts thrown at the loader
and at `pmon check`. Nothing crashes or prints a traceback; every file is loaded (row by row,
some rows quarantined) or rejected with a message; rows read = rows loaded + rows quarantined."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest
from deliveries import TRAINING_HEADER, TRAINING_ROWS, WEEK, inbox_file, load
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.ingest.check import check_file
from tests.conftest import TEST_PII_KEY

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CELL = st.one_of(
    st.sampled_from(
        [*TRAINING_ROWS[0], "", "1,234", "12,5", '"', "\r\n", "=1+1", "\u200b", "Ｔ１"]
    ),
    st.text(max_size=12),
)
SHEET_PARTS = st.sampled_from([
    b'<row r="2"><c r="A2" t="inlineStr"><is><t>T1</t></is></c></row>',
    b'<row r="3"><c r="B3"><f>1+1</f></c></row>',
    b'<row r="4"><c r="B4"><v>1.10105198503121E+17</v></c></row>',
    b'<row r="9"><c r="XFD9"><v>1</v></c></row>',
    b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
    b"<row><c><v>3</v></c></row>",
    b'<c r="ZZZZ1"/>',
    b"<<<>",
])  # fmt: skip


def check_outcome(tmp: Path, name: str, data: bytes) -> None:
    """Load one file into a fresh warehouse and pre-check it; both must answer, consistently."""
    inbox = tmp / "inbox"
    shutil.rmtree(tmp, ignore_errors=True)
    path = inbox_file(inbox, "training", name)
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    (file,) = load(tmp / "w.duckdb", inbox).files
    assert file.outcome in ("loaded", "rejected")
    assert file.rows_read == file.rows_loaded + file.rows_quarantined
    if file.outcome == "rejected":
        assert file.message and "Traceback" not in file.message and file.rows_read == 0
    with duckdb.connect(str(tmp / "w.duckdb"), read_only=True) as conn:
        staged, quarantined = conn.execute(
            "select (select count(*) from staging.training), (select count(*) from quarantine.training)"
        ).fetchone()
    assert (staged, quarantined) == (file.rows_loaded, file.rows_quarantined)
    checked = check_file(path, "training", WEEK, TEST_PII_KEY.encode())
    assert (checked.rejection is None) == (file.outcome == "loaded")
    assert checked.rows_read == file.rows_read


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    return tmp_path / "case"


@FUZZ
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ".pdf"]))
def test_random_bytes(scratch: Path, data: bytes, suffix: str):
    check_outcome(scratch, f"haidian{suffix}", data)


@FUZZ
@given(
    header=st.lists(st.sampled_from([*TRAINING_HEADER, "x", ""]), min_size=1, max_size=12),
    rows=st.lists(st.lists(CELL, max_size=12), max_size=6),
    separator=st.sampled_from([",", "\t", ";"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
)
def test_random_csv_shapes(scratch: Path, header, rows, separator, encoding):
    text = "\n".join(separator.join(r) for r in [header, *rows])
    check_outcome(scratch, "haidian.csv", text.encode(encoding, errors="replace"))


@FUZZ
@given(parts=st.lists(SHEET_PARTS, max_size=5), calc=st.booleans(), header=st.booleans())
def test_random_xlsx_parts(scratch: Path, parts, calc: bool, header: bool):
    head = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for i, h in enumerate(TRAINING_HEADER)
    )
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + (f'<row r="1">{head}</row>'.encode() if header else b"") + b"".join(parts)
        + b"</sheetData></worksheet>"
    )  # fmt: skip
    check_outcome(scratch, "haidian.xlsx", xlsx_bytes(sheet, calc))


def xlsx_bytes(sheet: bytes, full_calc: bool) -> bytes:
    """A minimal workbook around one sheet."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    calc = '<calcPr fullCalcOnLoad="1"/>' if full_calc else ""
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook {ns} {rel}><sheets><sheet name="training" sheetId="1" r:id="rId1"/></sheets>{calc}</workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in files.items():
            book.writestr(name, text)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def test_the_cli_never_prints_a_traceback(tmp_path: Path, capsys):
    from pmon.cli import main

    cases = {
        "a.csv": b"\xff\xfe\x00",
        "b.xlsx": b"PK\x03\x04",
        "c.csv": b'"a,b\n',
        "d.csv": b"a;b\tc\n1",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert main(["check", str(path), "--source", "training", "--week", "2026-W47"]) in (0, 1)
        captured = capsys.readouterr()
        assert "Traceback" not in captured.out + captured.err
