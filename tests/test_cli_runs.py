"""`pmon run` as an operator meets it: a quiet console, a readable failure, a killed run that
does not block the next one."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from core import settings
from core.partitions import weekly_partitions
from core.resources import DataDirResource
from pipelines import sensors
from pipelines.loggers import LOGGERS, logger_config, run_log_path
from pmon.outcomes import summarise
from sample_data import generate

WEEK = "2026-W46"
START = dt.date(2026, 11, 9)  # the Monday of WEEK
PMON = [sys.executable, "-m", "pmon.cli"]


def _env(base: Path) -> dict[str, str]:
    env = {**os.environ, "PMON_DATA_DIR": str(base), "PMON_PII_KEY": "test-only-pii-key"}
    env.pop("PMON_WAREHOUSE", None)
    return env


def _inbox(base: Path) -> None:
    generate(settings.inbox_dir(base), scale="small", weeks=1, start=START, seed=3)


def _pmon(base: Path, *argv: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PMON, *argv], cwd=settings.PROJECT_ROOT, env=_env(base), capture_output=True,
        text=True, timeout=timeout,
    )  # fmt: skip


def _figures(base: Path) -> pl.DataFrame:
    with duckdb.connect(str(settings.warehouse_path(base)), read_only=True) as conn:
        return pl.from_arrow(
            conn.sql(
                "select * exclude (computed_at) from marts.indicator_weekly "
                "order by indicator_id, week, district_code"
            ).to_arrow_table()
        )


@pytest.mark.slow
def test_console_is_quiet_and_a_killed_run_does_not_block_the_next(tmp_path: Path):
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    for base in (clean, killed):
        _inbox(base)

    done = _pmon(clean, "run", "--week", WEEK, "--select", "not group:reports")
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert "DEBUG" not in done.stdout and len(lines) < 60, done.stdout
    assert any(line.startswith("  ✓ indicator_marts") for line in lines)
    assert not [line for line in done.stderr.splitlines() if "Warning" in line]
    # the inbox sensor's first tick after a CLI run launches nothing: the files are loaded
    first_tick = sensors.inbox_sensor(
        dg.build_sensor_context(resources={"data_dir": DataDirResource(path=str(clean))})
    )
    assert isinstance(first_tick, dg.SkipReason), first_tick
    _explain_matches_the_mart(clean)

    # a second run with nothing new does nothing, and says so; a changed file makes it run
    again = _pmon(clean, "run", "--week", WEEK)
    assert again.returncode == 0 and "nothing new in the inbox" in again.stdout
    assert "succeeded" not in again.stdout  # no Dagster run was launched
    from pmon.commands.run import weeks_with_news

    touched = next((clean / "inbox" / "training" / WEEK).iterdir())
    touched.write_bytes(touched.read_bytes() + b"\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PMON_DATA_DIR", str(clean))
        patch.delenv("PMON_WAREHOUSE", raising=False)
        assert weeks_with_news(["2026-11-09"]) == (["2026-11-09"], [])

    # kill -9 the CLI while the run holds the duckdb pool slot (ingestion under way)
    child = _run_holding_the_slot(killed, start_new_session=True)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()

    again = _pmon(killed, "run", "--week", WEEK, "--select", "not group:reports", timeout=240)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    assert "was abandoned" in again.stdout and "pool slot freed" in again.stdout
    assert _figures(killed).equals(_figures(clean))


@pytest.mark.slow
@pytest.mark.parametrize("signo", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_cancels_the_run_and_frees_its_slot(tmp_path: Path, signo: int):
    _inbox(tmp_path)
    warehouse = settings.warehouse_path(tmp_path)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    # the run's first step holds the pool slot while it waits for this writer's lock, so the
    # signal always finds it mid-step, however fast the week would load
    with duckdb.connect(str(warehouse)):
        child = _run_holding_the_slot(tmp_path)
        child.send_signal(signo)
        out, err = child.communicate(timeout=120)
    assert child.returncode == 130, out[-2000:] + err[-2000:]
    assert "canceled: stopped by the operator" in out and "Traceback" not in err
    previous = dict(os.environ)
    os.environ.update(settings.dagster_env(tmp_path))
    try:
        with dg.DagsterInstance.get() as instance:
            (run,) = instance.get_runs()
            assert run.status == dg.DagsterRunStatus.CANCELED
            assert not instance.event_log_storage.get_concurrency_info("duckdb").claimed_slots
    finally:
        os.environ.clear()
        os.environ.update(previous)


def _explain_matches_the_mart(base: Path) -> None:
    """`pmon explain` shows the SQL, the mart's numerator and the files behind a figure."""
    done = _pmon(
        base, "explain", "M04.training_completions", "--week", WEEK, "--district", "110108"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with duckdb.connect(str(settings.warehouse_path(base)), read_only=True) as conn:
        (numerator,) = conn.execute(
            "select numerator from marts.indicator_weekly where indicator_id = "
            "'M04.training_completions' and week = '2026-11-09' and district_code = '110108'"
        ).fetchone()
        files = conn.execute(
            "select source_file from meta.load_log where source = 'training' "
            "and week = '2026-11-09' and district_code = '110108'"
        ).fetchall()
    out = done.stdout
    assert f"numerator {numerator:g}" in out
    assert "from staging.training" in out and "date '2026-11-09'" in out  # the SQL, filled in
    assert files and all(f"{name}  loaded" in out for (name,) in files)
    assert 'pmon sql "select * from analyst.training_weekly' in out


def _run_holding_the_slot(base: Path, **popen) -> subprocess.Popen:
    """`pmon run` of the week in a child process, returned once its run holds the pool slot."""
    child = subprocess.Popen(
        [*PMON, "run", "--week", WEEK, "--select", "not group:reports"],
        cwd=settings.PROJECT_ROOT, env=_env(base), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, **popen,
    )  # fmt: skip
    _wait_for_claimed_slot(base, child)
    return child


def _wait_for_claimed_slot(base: Path, child: subprocess.Popen, limit: float = 120) -> None:
    env = settings.dagster_env(base)
    previous = dict(os.environ)
    os.environ.update(env)
    try:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            assert child.poll() is None, "the run finished before it could be killed"
            with dg.DagsterInstance.get() as instance:
                if instance.event_log_storage.get_concurrency_info("duckdb").claimed_slots:
                    return
            time.sleep(0.2)
        raise AssertionError("no run claimed the duckdb pool slot in time")
    finally:
        os.environ.clear()
        os.environ.update(previous)


@dg.asset(partitions_def=weekly_partitions)
def broken_figures() -> None:
    raise ValueError("the week's figures could not be computed: division by nothing")


def test_a_failed_cli_run_names_its_failure_and_the_real_log_paths(data_dir, instance, capsys):
    job = dg.Definitions(
        assets=[broken_figures], loggers=LOGGERS
    ).resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(
        run_config=logger_config("ERROR"),
        instance=instance,
        partition_key="2026-11-09",
        raise_on_error=False,
    )
    assert not result.success
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(instance.root_directory))
        written = summarise([result], data_dir)
    out = capsys.readouterr().out
    log = run_log_path(data_dir, result.run_id)
    assert "FAILED" in out and "asset broken_figures failed" in out
    assert "division by nothing" in out
    assert f"failures: {data_dir / 'logs' / 'run-failures.log'}" in out
    assert f"full log: {log}" in out and "<data dir>" not in out
    assert written == [data_dir / "logs" / "run-failures.log"]
    assert "division by nothing" in written[0].read_text(encoding="utf-8")
    assert "STEP_FAILURE" in log.read_text(encoding="utf-8")  # the whole log, DEBUG included
