"""`pmon sql` output for spreadsheet users and scripts: BOM, formulas, numbers, formats, paths."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import openpyxl
import pytest

from assets.analyst.database import analyst_path, export
from pmon.cli import main

RESULT = "select * from analyst.deliveries order by district"


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real warehouse file with one analyst view: Chinese text, sums DuckDB types as
    DECIMAL(38,0), a date, and delivered names that look like spreadsheet formulas."""
    base = tmp_path / "data"
    (base / "inbox").mkdir(parents=True)
    path = base / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema analyst")
        conn.execute(
            "create table rows_in as select * from (values "
            "('海淀区', '=HYPERLINK(\"http://x\")', 40), ('海淀区', 'ok', 56), "
            "('西城区', '+cmd|calc', 3), ('朝阳区', '-2+3', 1)) t(district, note, n)"
        )
        conn.execute(
            "create view analyst.deliveries as select district, min(note) as note, "
            "sum(n) as rows_loaded, avg(n) as mean_rows, date '2026-11-16' as week "
            "from rows_in group by district"
        )
        export(conn, analyst_path(path))  # pmon sql reads the analyst database the run writes
    monkeypatch.setenv("PMON_DATA_DIR", str(base))
    monkeypatch.delenv("PMON_WAREHOUSE", raising=False)
    return path


def test_csv_has_a_bom_and_no_live_formulas(warehouse, capsys):
    assert main(["sql", RESULT, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    by_district = {r["district"]: r for r in rows}
    assert by_district["海淀区"]["note"] == '\'=HYPERLINK("http://x")'
    assert by_district["西城区"]["note"] == "'+cmd|calc"
    assert by_district["朝阳区"]["note"] == "'-2+3"
    assert by_district["海淀区"]["rows_loaded"] == "96"  # a number, not 96.0 or "decimal"
    assert main(["sql", RESULT, "--format", "csv", "--no-bom"]) == 0
    assert capsys.readouterr().out.startswith("district,")


def test_csv_file_reads_back_in_excel_encoding(warehouse, tmp_path, capsys):
    out = tmp_path / "deliveries.csv"
    assert main(["sql", RESULT, "--format", "csv", "-o", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle)) == ["district", "note", "rows_loaded", "mean_rows", "week"]


def test_json_numbers_are_numbers_and_dates_iso(warehouse, capsys):
    assert main(["sql", RESULT, "--format", "json"]) == 0
    rows = {r["district"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["海淀区"]["rows_loaded"] == 96 and isinstance(rows["海淀区"]["rows_loaded"], int)
    assert rows["海淀区"]["mean_rows"] == 48.0
    assert rows["海淀区"]["week"] == "2026-11-16"
    assert rows["海淀区"]["note"] == '=HYPERLINK("http://x")'  # JSON is data, not a sheet


def test_xlsx_has_a_named_sheet_header_style_and_number_formats(warehouse, tmp_path, capsys):
    out = tmp_path / "deliveries.xlsx"
    assert main(["sql", RESULT, "--format", "xlsx", "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet.title != "Sheet1" and "result" in sheet.title
    assert sheet["A1"].value == "district" and sheet["A1"].font.b
    assert sheet["C2"].number_format == "#,##0" and isinstance(sheet["C2"].value, int | float)
    assert sheet["D2"].number_format == "#,##0.00"
    assert sheet["E2"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2"
    assert (sheet.column_dimensions["B"].width or 0) > 8


def test_table_names_types_plainly_and_counts_rows_left_out(warehouse, capsys):
    assert main(["sql", RESULT, "--max-rows", "2"]) == 0
    out = capsys.readouterr().out
    assert "shape:" not in out and "decimal[" not in out
    assert out.splitlines()[1].split() == ["text", "text", "integer", "number", "date"]
    assert "(3 rows, 1 not shown" in out


@pytest.mark.parametrize(
    "target",
    ["warehouse.duckdb", "analyst.duckdb", "analyst_public.duckdb", "inbox/x.csv", "dagster/x.csv",
     ".pii_key"],
)  # fmt: skip
def test_output_never_overwrites_managed_files(warehouse, capsys, target):
    before = {p: p.read_bytes() for p in (warehouse, analyst_path(warehouse))}
    path = warehouse.parent / target
    assert main(["sql", "select 1", "--format", "csv", "-o", str(path)]) == 2
    assert "managed by the pipeline" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in before} == before
    assert not (path.exists() and path not in before)


def test_output_to_a_folder_or_missing_folder_is_a_clear_message(warehouse, tmp_path, capsys):
    assert main(["sql", "select 1", "--format", "csv", "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert main(["sql", "select 1", "-o", str(tmp_path / "nowhere" / "x.csv")]) == 2
    assert "no such folder" in capsys.readouterr().err
