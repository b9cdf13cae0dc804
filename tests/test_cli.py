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
