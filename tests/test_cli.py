"""The command line as a user meets it: options every command takes, one line per mistake."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pmon import cli


@pytest.fixture(autouse=True)
def _restored_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--data-dir` sets PMON_DATA_DIR for the process: let monkeypatch restore it after."""
    monkeypatch.setenv("PMON_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PMON_WAREHOUSE", raising=False)


def test_version_and_data_dir_option(tmp_path: Path, capsys, monkeypatch):
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("pmon ")
    monkeypatch.delenv("PMON_DATA_DIR", raising=False)
    elsewhere = tmp_path / "elsewhere"
    assert cli.main(["sql", "select 1", "--data-dir", str(elsewhere)]) == 1
    assert f"no analyst database at {elsewhere / 'analyst.duckdb'}" in capsys.readouterr().err


def _warehouse(base: Path, weeks: list[str]) -> None:
    base.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(base / "warehouse.duckdb")) as conn:
        if weeks:
            conn.execute("create schema marts")
            conn.execute("create table marts.indicator_weekly (week date)")
            conn.executemany("insert into marts.indicator_weekly values (?)", [[w] for w in weeks])


@pytest.mark.parametrize(
    ("weeks", "asked", "says"),
    [
        ([], "2026-W47", "weeks with figures: none yet"),
        (["2026-11-09", "2026-11-16"], "2026-W49", "weeks with figures: 2026-W46..2026-W47"),
        (["2026-11-09"], "2024-W01", "run `pmon run --week 2024-W01` first"),
    ],
)
def test_report_refuses_a_week_without_figures(tmp_path, capsys, weeks, asked, says):
    _warehouse(tmp_path, weeks)
    code = cli.main(["report", "--week", asked, "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and says in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "reports").exists()


def test_a_bug_is_one_line_on_the_console_and_a_traceback_in_a_file(tmp_path, capsys, monkeypatch):
    def broken(args):
        raise ZeroDivisionError("a bug, not a user mistake")

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    parser._subparsers._group_actions[0].choices["sql"].set_defaults(handler=broken)
    code = cli.main(["sql", "select 1", "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    log = tmp_path / "logs" / "pmon-errors.log"
    assert code == cli.EXIT_BUG and "internal error" in err and str(log) in err
    assert "Traceback" not in err
    assert "ZeroDivisionError: a bug, not a user mistake" in log.read_text(encoding="utf-8")


def test_a_damaged_warehouse_is_one_line_saying_what_to_do(tmp_path, capsys):
    (tmp_path / "warehouse.duckdb").write_bytes(b"this is not a database" * 200)
    code = cli.main(["report", "--week", "2026-W47", "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and "damaged or not a DuckDB file" in err and "Traceback" not in err


def test_run_all_takes_only_the_weeks_with_deliveries(tmp_path, monkeypatch):
    from pmon.commands import run

    inbox = tmp_path / "inbox"
    for rel in ("training/2026-W40/haidian.csv", "complaints/2026-W43/xicheng.csv"):
        (inbox / rel).parent.mkdir(parents=True, exist_ok=True)
        (inbox / rel).write_text("x\n", encoding="utf-8")
    (inbox / "training" / "2026-W41").mkdir()  # an empty folder delivers nothing
    monkeypatch.setenv("PMON_DATA_DIR", str(tmp_path))
    args = cli.build_parser().parse_args(["run", "--all"])
    assert run._weeks(args) == ["2026-09-28", "2026-10-19"]
    (tmp_path / "inbox").rename(tmp_path / "elsewhere")
    with pytest.raises(ValueError, match="no delivered files"):
        run._weeks(args)


def test_template_round_trips_through_pmon_check(tmp_path, capsys):
    import openpyxl
    from identity_codes import resident_id, uscc

    out = tmp_path / "inbox" / "training" / "2026-W47" / "haidian.xlsx"
    out.parent.mkdir(parents=True)
    assert cli.main(["template", "training", "-o", str(out)]) == 0
    assert "文件名须含区名" in capsys.readouterr().out
    book = openpyxl.load_workbook(out)
    sheet = book["training"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["记录编号", "身份证号", "手机号"]
    assert "说明 notes" in book.sheetnames
    enums = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("housekeeping" in f for f in enums)  # a drop-down of the allowed courses
    row = {
        "记录编号": "T1", "身份证号": resident_id("11010519850312123"), "手机号": "13800138000",
        "企业统一社会信用代码": uscc("91110108MA01ABCDE"), "课程类别": "housekeeping",
        "培训机构类型": "enterprise", "学时": 12, "结业日期": "2026-11-17", "技能等级": 4,
        "双学历": "否", "技能竞赛": "否", "电子证书": "是",
    }  # fmt: skip
    sheet.append([row[h] for h in headers])
    book.save(out)
    code = cli.main(["check", str(out), "--source", "training"])
    report = capsys.readouterr().out
    assert code == 0, report
    assert "13800138000" not in report  # personal data never echoed


def test_template_of_an_unknown_source_is_one_line(tmp_path, capsys):
    assert cli.main(["template", "payroll", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "unknown source 'payroll'" in capsys.readouterr().err


def test_status_shows_who_owes_a_file_and_the_last_runs(tmp_path, capsys):
    import datetime as dt

    from builders import log

    from assets.ingest.warehouse import ensure_warehouse
    from core.contract import load_reference

    week = dt.date(2026, 11, 16)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        ensure_warehouse(conn)
        for code in load_reference().district_codes:
            if code != "110119":  # Yanqing sends no training file
                log(conn, "training", week, code)
        log(conn, "complaints", week, "110108", outcome="rejected")
        conn.execute(
            "create table meta.inbox_anomalies as select 'training/junk' as path, "
            "'不是周文件夹 / not a week folder' as problem, now()::timestamp as seen_at"
        )
    assert cli.main(["status", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "loaded weeks 已加载周: 1 (2026-W47..2026-W47)" in out
    yanqing = next(line for line in out.splitlines() if line.strip().startswith("延庆区"))
    assert "未报送" in yanqing
    haidian = next(line for line in out.splitlines() if line.strip().startswith("海淀区"))
    assert "✓" in haidian and "✗ 退回" in haidian
    assert "no runs yet" in out
    assert "training/junk: 不是周文件夹 / not a week folder" in out


def test_explain_refuses_unknown_indicator_and_district_in_one_line(tmp_path, capsys):
    _warehouse(tmp_path, ["2026-11-16"])
    assert cli.main(["explain", "M99.nothing", "--week", "2026-W47"]) == 2
    assert "unknown indicator 'M99.nothing'" in capsys.readouterr().err
    code = cli.main(
        ["explain", "M04.training_completions", "--week", "2026-W47", "--district", "x"]
    )
    assert code == 2 and "unknown district 'x'" in capsys.readouterr().err


def test_explain_fills_parameters_as_sql_literals():
    import datetime as dt

    from pmon.commands.explain import filled_sql

    text = "where d >= $week_start and d < $week_end and n = $measure_count and $unknown"
    params = {
        "week_start": dt.date(2026, 11, 16),
        "week_end": dt.date(2026, 11, 23),
        "measure_count": 22,
    }
    assert filled_sql(text, params) == (
        "where d >= date '2026-11-16' and d < date '2026-11-23' and n = 22 and $unknown"
    )


def test_doctor_passes_here_and_names_what_to_fix(tmp_path, capsys):
    (tmp_path / ".pii_key").write_text("k" * 64, encoding="ascii")
    (tmp_path / ".pii_key").chmod(0o600)
    assert cli.main(["doctor", "--data-dir", str(tmp_path)]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert out.count("✓ ") == 6 and "all good" in out  # Chromium and CJK fonts installed here
    (tmp_path / ".pii_key").chmod(0o644)
    (tmp_path / "warehouse.duckdb").write_bytes(b"not a database" * 100)
    assert cli.main(["doctor", "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "✗ PII key" in out and "chmod 600" in out
    assert "✗ warehouse" in out and "2 problem(s) to fix" in out
