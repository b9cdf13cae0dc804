"""One server in production: the systemd units are valid and a backup restores every table."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import duckdb
import polars as pl

from core import settings
from pmon import cli

UNITS = settings.PROJECT_ROOT / "deploy" / "systemd"


def test_systemd_units_verify(tmp_path: Path):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: apt-get install systemd (make test installs it)"
    venv = Path(shutil.which("pmon") or "").parent
    assert (venv / "dagster-webserver").exists() and (venv / "dagster-daemon").exists()
    for unit in [*UNITS.glob("*.service"), *UNITS.glob("*.timer")]:
        text = unit.read_text(encoding="utf-8")
        text = text.replace("/opt/pmon/.venv/bin", str(venv)).replace("/opt/pmon", str(tmp_path))
        text = text.replace("/etc/pmon/pmon.env", str(UNITS / "pmon.env.example"))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    units = sorted(str(p) for p in tmp_path.iterdir())
    done = subprocess.run([analyze, "verify", *units], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(units) == 4  # webserver, daemon, backup service and its timer


def test_ui_services_run_the_webserver_and_the_daemon_on_the_code_location():
    from pmon.commands.ui import command

    parser = cli.build_parser()
    webserver = parser.parse_args(["ui", "--only", "webserver", "--port", "3100"])
    assert command(webserver) == [
        "dagster-webserver", "-h", "127.0.0.1", "-p", "3100", "-m", "pipelines.definitions"
    ]  # fmt: skip
    assert command(parser.parse_args(["ui", "--only", "daemon"])) == [
        "dagster-daemon", "run", "-m", "pipelines.definitions"
    ]  # fmt: skip
    env_names = {
        line.split("=", 1)[0]
        for line in (UNITS / "pmon.env.example").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    }
    documented = settings.__doc__ or ""
    assert env_names and all(name in documented for name in env_names)  # every switch is real


def _warehouse(base: Path) -> None:
    from builders import log, stage

    from assets.analyst.views import create_views
    from assets.ingest.warehouse import ensure_warehouse

    week = dt.date(2026, 11, 16)
    with duckdb.connect(str(base / "warehouse.duckdb")) as conn:
        ensure_warehouse(conn)
        create_views(conn)
        log(conn, "complaints", week, "110108", rows=2)
        stage(conn, "complaints", [
            {"complaint_id": "C1", "received_on": dt.date(2026, 11, 16), "channel": "12345",
             "district_code": "110108", "category": "price", "status": "open"},
            {"complaint_id": "C2", "received_on": dt.date(2026, 11, 17), "channel": "app",
             "district_code": "110108", "category": "price", "status": "resolved",
             "resolved_on": dt.date(2026, 11, 18), "satisfaction": 4},
        ], week)  # fmt: skip
    (base / "inbox" / "complaints" / "2026-W47").mkdir(parents=True)
    (base / "inbox" / "complaints" / "2026-W47" / "haidian.csv").write_text("x\n", "utf-8")


def _tables(path: Path) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as conn:
        names = conn.execute(
            "select schema_name || '.' || table_name from duckdb_tables() order by 1"
        ).fetchall()
        return {n: pl.from_arrow(conn.sql(f"select * from {n}").to_arrow_table()) for (n,) in names}


def test_backup_and_restore_give_back_every_table_and_the_inbox(
    tmp_path: Path, capsys, monkeypatch
):
    source, target, backups = tmp_path / "source", tmp_path / "target", tmp_path / "backups"
    source.mkdir()
    _warehouse(source)
    monkeypatch.setenv("PMON_DATA_DIR", str(source))
    monkeypatch.delenv("PMON_WAREHOUSE", raising=False)
    (source / ".pii_key").write_text("secret-not-to-be-copied", encoding="ascii")
    assert cli.main(["backup", str(backups)]) == 0
    (folder,) = backups.iterdir()
    assert "secret-not-to-be-copied" not in "".join(
        p.read_bytes().decode("latin-1") for p in folder.rglob("*") if p.is_file()
    )
    assert cli.main(["backup", str(source / "backups")]) == 2  # not inside the data dir
    assert cli.main(["restore", str(folder), "--data-dir", str(target)]) == 0
    restored, original = _tables(target / "warehouse.duckdb"), _tables(source / "warehouse.duckdb")
    assert restored.keys() == original.keys()
    for name, frame in original.items():
        assert restored[name].equals(frame), name
    assert (target / "inbox" / "complaints" / "2026-W47" / "haidian.csv").exists()
    with duckdb.connect(str(target / "warehouse.duckdb"), read_only=True) as conn:
        assert conn.execute("select count(*) from analyst.complaints").fetchone() == (2,)
    assert "restored" in capsys.readouterr().out


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path: Path, capsys):
    assert cli.main(["restore", str(tmp_path), "--data-dir", str(tmp_path / "d")]) == 2
    assert "is not a pmon backup" in capsys.readouterr().err
