"""`pmon check`: a clerk's pre-check lists every problem, masks personal data, exits 0/1/2 and
never opens the warehouse."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from identity_codes import other_last, resident_id, uscc

from core.settings import PROJECT_ROOT
from pmon.cli import main

WORKER = resident_id("11010519850312123")
BAD_WORKER = other_last(resident_id("11010819900101456"))
ENT = uscc("91110108MA01ABCDE")
TRAINING = "record_id,worker_id,enterprise_uscc,course,provider_type,hours,completed_on"
MILESTONES = "measure_id,agency,reported_on,action,quantity,unit,note"


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.fixture
def inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Files outside any data dir; PMON_DATA_DIR points at a folder that must stay absent."""
    monkeypatch.setenv("PMON_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "clerk"


def check(capsys, *argv: str) -> tuple[int, str]:
    code = main(["check", *map(str, argv)])
    return code, capsys.readouterr().out


def problem_lines(out: str, row: int) -> list[str]:
    return [line for line in out.splitlines() if line.split()[1:2] == [str(row)]]


def test_a_clean_file_exits_0_and_touches_no_warehouse(inbox, tmp_path, capsys):
    path = write(inbox / "training" / "2026-W47" / "haidian.csv", [TRAINING,
                 f"T1,{WORKER},{ENT},housekeeping,enterprise,12.5,2026-11-17",
                 f"T2,{WORKER},,nursing,university,40,2026-11-09"])  # fmt: skip
    code, out = check(capsys, path, "--source", "training")
    assert code == 0, out
    assert "would load clean" in out and "rows read: 2" in out
    assert not (tmp_path / "data").exists()
    assert not list(tmp_path.rglob("*.duckdb"))


def test_a_dirty_training_file_lists_each_problem_masked_and_exits_1(inbox, tmp_path, capsys):
    path = write(inbox / "haidian.csv", [TRAINING,
        f"T1,{WORKER},{ENT},housekeeping,enterprise,12.5,2026-11-17",
        f"T2,{BAD_WORKER},{ENT},housekeeping,enterprise,8,2026-11-17",  # resident_id_check_digit
        f"T3,{WORKER},{other_last(ENT)},nursing,enterprise,8,2026-11-17",  # uscc_check_char
        f"T4,{WORKER},,nursing,enterprise,-2,2026-11-17",  # negative_hours
        f"T5,{WORKER},,nursing,enterprise,8,2026-11-30",  # future_date
        f"T6,{WORKER},,nursing,enterprise,8,2026-02-30",  # impossible_date
        f"T1,{WORKER},,cooking,enterprise,8,2026-11-18",  # duplicate_key
    ])  # fmt: skip
    code, out = check(capsys, path, "--source", "training", "--week", "2026-W47")
    assert code == 1
    assert "has problems" in out and "rows with problems: 6" in out
    expected = {
        3: ("worker_id_check_digit", "校验位"),
        4: ("enterprise_uscc_check_character", "校验位错误"),
        5: ("hours_in_range", "低于最小值"),
        6: ("completed_on_not_after_week", "日期晚于报送周"),
        7: ("completed_on_not_null", "impossible date"),
        8: ("record_id_unique", "主键重复"),
    }
    for row, (expectation, message) in expected.items():
        text = "\n".join(problem_lines(out, row))
        assert f"[{expectation}]" in text, (row, out)
        assert message in text, (row, out)
        assert len(problem_lines(out, row)) == 1, (row, out)  # each problem once
    assert BAD_WORKER not in out and WORKER not in out  # identity numbers only masked
    assert BAD_WORKER[:3] + "*" in out
    assert not (tmp_path / "data").exists()


def test_an_enterprise_file_with_unknown_district_and_markup(inbox, capsys):
    path = write(inbox / "registry.csv", [
        "uscc,name,district_code,registered_on,status,business_model",
        f"{ENT},家政一号,haidian,2019-05-01,active,mixed",
        f"{uscc('92110105MA0XYW123')},<b>家政二号</b>,999999,2019-05-01,active,mixed",
    ])  # fmt: skip
    code, out = check(capsys, path, "--source", "enterprises", "--week", "2026-11-18")
    assert code == 1
    row3 = "\n".join(problem_lines(out, 3))
    assert "[district_code_in_set]" in row3 and "999999" in row3  # unknown_district
    assert "[name_no_markup]" in row3  # html_in_name: a warning, the district is the error
    assert "warning: 含有网页标记 / contains HTML markup (1 of 2 rows)" in out
    assert not problem_lines(out, 2)


def test_milestone_rules_in_both_languages(inbox, capsys):
    path = write(inbox / "agency.csv", [MILESTONES,
        "M01,市商务局,2026-11-17,发布标准,1,项,",
        "M99,市商务局,2026-11-17,举办竞赛,-1,场,",
        "M01,市商务局,2026-11-17,发布标准,2,项,"])  # fmt: skip
    code, out = check(capsys, path, "--source", "milestones", "--week", "2026-W47")
    assert code == 1
    row3 = "\n".join(problem_lines(out, 3))
    assert "未知措施编号 / unknown measure" in row3 and "[measure_id_in_set]" in row3
    assert "低于最小值 / below minimum 0" in row3 and "[quantity_in_range]" in row3
    assert "主键重复 / duplicate key" in "\n".join(problem_lines(out, 4))


def test_a_gb18030_file_loads_clean(inbox, capsys):
    path = write(inbox / "agency.csv", ["措施编号,报送单位,报送日期,工作事项,数量",
                 "M05,市人社局,2026-11-18,技能竞赛,3"], encoding="gb18030")  # fmt: skip
    code, out = check(capsys, path, "--source", "milestones", "--week", "2026-W47")
    assert code == 0, out


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        (
            "no_worker.csv",
            b"record_id,course\nT1,other\n",
            "missing required column",
        ),  # missing_required_column
        ("report.pdf", b"%PDF-1.4 not a table", "not a CSV or XLSX"),  # not_a_table
    ],
)
def test_an_unreadable_file_is_rejected_whole(inbox, capsys, name, content, says):
    path = inbox / name
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    code, out = check(capsys, path, "--source", "training", "--week", "2026-W47")
    assert code == 1
    assert "file rejected" in out and says in out


def test_an_empty_file_is_reported(inbox, capsys):
    path = write(inbox / "agency.csv", [MILESTONES])
    code, out = check(capsys, path, "--source", "milestones", "--week", "2026-W47")
    assert "rows read: 0" in out and "no data rows" in out
    assert code == 0  # loads nothing; the warehouse's volume check warns about the empty week


def test_usage_errors_exit_2(inbox, capsys):
    assert check(capsys, inbox / "missing.csv", "--source", "training")[0] == 2
    path = write(inbox / "agency.csv", [MILESTONES])
    assert check(capsys, path, "--source", "milestones", "--week", "week 47")[0] == 2
    assert main(["check", str(path), "--source", "nonsense"]) == 2
    assert "unknown source 'nonsense'" in capsys.readouterr().err


@pytest.mark.slow
def test_ten_thousand_rows_check_clean_and_write_nothing(tmp_path):
    """A clerk's large file checks in one pass (its time is the benchmark's business, not a test's)."""
    rows = [
        f"T{i},{resident_id(f'110105198503{i % 28 + 1:02d}{i % 1000:03d}')},{ENT},"
        f"housekeeping,enterprise,8,2026-11-17"
        for i in range(10_000)
    ]  # fmt: skip
    path = write(tmp_path / "haidian.csv", [TRAINING, *rows])
    env = {**os.environ, "PMON_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run(
        [sys.executable, "-m", "pmon.cli", "check", str(path), "--source", "training",
         "--week", "2026-W47"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "10,000" in out.stdout or "10000" in out.stdout, out.stdout
    assert not (tmp_path / "data").exists()


def test_week_folder_sets_the_reporting_week(inbox, capsys):
    late = (dt.date(2026, 11, 16) + dt.timedelta(days=8)).isoformat()  # in W48, after W47
    path = write(inbox / "2026-W47" / "agency.csv", [MILESTONES, f"M01,局,{late},事项,1,,"])
    code, out = check(capsys, path, "--source", "milestones")
    assert code == 1 and "[reported_on_not_after_week]" in out


def test_problems_name_the_column_by_the_clerk_s_own_header(inbox, capsys):
    worker = resident_id("11010519850312123")
    path = write(inbox / "海淀区.csv", ["记录编号,身份证号,课程类别,培训机构类型,学时,结业日期",
                                       f"T1,{worker},cooking,enterprise,-3,2026-11-17"])  # fmt: skip
    code, out = check(capsys, path, "--source", "training", "--week", "2026-W47")
    (line,) = problem_lines(out, 2)
    assert code == 1 and "学时 (hours)" in line and "below minimum 0" in line
