"""Operations: the weekly schedule, the inbox sensor, the run-failure log and `pmon run`'s weeks."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from dagster._utils.schedules import cron_string_iterator

from core.catalog import load_catalog
from core.resources import DataDirResource
from pipelines import failures, sensors
from pipelines import launch as runner
from pipelines.definitions import defs
from pmon.commands import run as run_command

SHANGHAI = ZoneInfo("Asia/Shanghai")


# ---------------------------------------------------------------- schedule
def tick(when: dt.datetime) -> list[dg.RunRequest]:
    schedule = defs.get_schedule_def("weekly_schedule")
    return list(
        schedule.evaluate_tick(
            dg.build_schedule_context(scheduled_execution_time=when)
        ).run_requests
    )


def test_schedule_runs_mondays_at_six_in_shanghai():
    schedule = defs.get_schedule_def("weekly_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 6 * * 1", "Asia/Shanghai")
    assert schedule.job_name == "weekly_job"
    # the first tick after Sunday 2026-11-22 23:00 UTC (Monday 07:00 Shanghai) is the next Monday
    after = dt.datetime(2026, 11, 22, 23, 0, tzinfo=dt.UTC).timestamp()
    first = next(cron_string_iterator(after, schedule.cron_schedule, schedule.execution_timezone))
    assert first == dt.datetime(2026, 11, 30, 6, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "when,week",
    [
        # Monday 06:00 Shanghai is Sunday 22:00 UTC: the UTC date is still in the week being run
        (dt.datetime(2026, 11, 23, 6, 0, tzinfo=SHANGHAI), "2026-11-16"),
        (dt.datetime(2026, 11, 22, 22, 0, tzinfo=dt.UTC), "2026-11-16"),
        (dt.datetime(2027, 1, 4, 6, 0, tzinfo=SHANGHAI), "2026-12-28"),  # across the year end
    ],
)
def test_tick_targets_the_past_week(when: dt.datetime, week: str):
    (request,) = tick(when)
    assert request.partition_key == week
    assert request.tags["dagster/partition"] == week


# ---------------------------------------------------------------- inbox sensor
def deliver(inbox: Path, rel: str, text: str) -> Path:
    path = inbox / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def evaluate(base: Path, cursor: str | None):
    context = dg.build_sensor_context(
        cursor=cursor, resources={"data_dir": DataDirResource(path=str(base))}
    )
    result = sensors.inbox_sensor(context)
    if isinstance(result, dg.SkipReason):
        return [], cursor
    return result.run_requests, result.cursor


def test_sensor_without_cursor_starts_from_what_the_warehouse_loaded(tmp_path: Path):
    import duckdb

    loaded = deliver(tmp_path / "inbox", "training/2026-W45/haidian.csv", "record_id\nT1\n")
    deliver(tmp_path / "inbox", "training/2026-W45/xicheng.csv", "record_id\nT2\n")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        conn.execute("create schema meta")
        conn.execute(
            "create table meta.load_log as select 'training/2026-W45/haidian.csv' as source_file, "
            "? as file_sha256, now()::timestamp as loaded_at",
            [sensors._sha256(loaded)],
        )
    requests, _ = evaluate(tmp_path, None)
    assert [r.tags["pmon/files"] for r in requests] == ["1"]  # only the file never loaded


def test_sensor_fires_once_for_new_files_and_again_for_a_correction(tmp_path: Path):
    inbox = tmp_path / "inbox"
    deliver(inbox, "complaints/2026-W46/haidian.csv", "a,b\n1,2\n")
    deliver(inbox, "training/2026-W46/haidian.csv", "a,b\n1,2\n")
    deliver(inbox, "training/2026-W45/chaoyang.csv", "a,b\n3,4\n")
    deliver(inbox, "training/2030-W01/future.csv", "x\n")  # not a finished week yet
    deliver(inbox, "training/notes/readme.txt", "not a week folder\n")
    deliver(inbox, "training/2026-W46/.~lock.haidian.csv#", "editor lock\n")

    requests, cursor = evaluate(tmp_path, None)
    assert [r.partition_key for r in requests] == ["2026-11-02", "2026-11-09"]
    assert requests[1].tags["pmon/files"] == "2"
    assert "training/2030-W01/future.csv" not in json.loads(cursor)

    # nothing changed: no run, however often the sensor looks
    assert evaluate(tmp_path, cursor)[0] == []
    # touched but identical content: re-hashed, still no run
    touched = inbox / "training/2026-W46/haidian.csv"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    again, cursor_after_touch = evaluate(tmp_path, cursor)
    assert again == []
    assert evaluate(tmp_path, cursor_after_touch)[0] == []

    # a corrected file: one run for its week only, with a new run key
    deliver(inbox, "training/2026-W46/haidian.csv", "a,b\n1,5\n")
    (corrected,), cursor2 = evaluate(tmp_path, cursor)
    assert corrected.partition_key == "2026-11-09"
    assert corrected.run_key != requests[1].run_key
    assert evaluate(tmp_path, cursor2)[0] == []

    # the same content delivered again (e.g. the correction reverted) is a change again
    deliver(inbox, "training/2026-W46/haidian.csv", "a,b\n1,2\n")
    (reverted,), _ = evaluate(tmp_path, cursor2)
    assert reverted.partition_key == "2026-11-09"


def test_run_key_depends_on_week_and_content_only():
    prints = {"a/2026-W46/x.csv": [1, 2, "aa"], "b/2026-W46/y.csv": [1, 2, "bb"]}
    key = sensors.run_key("2026-11-09", ["a/2026-W46/x.csv", "b/2026-W46/y.csv"], prints)
    assert key == sensors.run_key("2026-11-09", ["b/2026-W46/y.csv", "a/2026-W46/x.csv"], prints)
    moved = {k: [9, 9, v[2]] for k, v in prints.items()}  # same content, other size/mtime
    assert key == sensors.run_key("2026-11-09", list(prints), moved)
    assert key != sensors.run_key("2026-11-16", list(prints), prints)
    assert key.startswith("2026-11-09:")


def test_automation_is_registered():
    names = {s.name for s in defs.sensors}
    assert {"inbox_sensor", "run_failure_log"} <= names
    assert defs.get_sensor_def("inbox_sensor").job_name == "weekly_job"
    job = defs.resolve_job_def("weekly_job")
    assert job.partitions_def is not None and job.executor_def.name == "in_process"
    assert job.op_retry_policy is None  # an interrupted step must not be retried


def test_a_locked_warehouse_is_waited_for_then_fails_clearly(tmp_path: Path):
    import duckdb

    from core.resources import WarehouseResource

    path = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('held', flush=True); "
         "time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        resource = WarehouseResource(database=str(path), lock_wait_seconds=2)
        started = time.monotonic()
        with pytest.raises(duckdb.IOException, match="lock"), resource.get_connection():
            pass
        assert 2 <= time.monotonic() - started < 10  # waited, bounded
    finally:
        holder.kill()
        holder.wait()
    with WarehouseResource(database=str(path)).get_connection() as conn:  # free again
        assert conn.execute("select 42").fetchone() == (42,)


# ---------------------------------------------------------------- failure log
@dg.asset(key=["staging", "broken"], partitions_def=sensors.weekly_partitions)
def broken() -> None:
    raise RuntimeError("IO Error: Could not set lock on file warehouse.duckdb")


def test_failed_run_names_asset_week_and_cause(data_dir: Path, instance):
    result = dg.materialize(
        [broken], instance=instance, partition_key="2026-11-09", raise_on_error=False
    )
    assert not result.success
    run = instance.get_run_by_id(result.run_id)
    (failure,) = instance.get_records_for_run(
        result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE
    ).records
    context = dg.build_run_status_sensor_context(
        sensor_name="run_failure_log",
        dagster_event=failure.event_log_entry.dagster_event,
        dagster_instance=instance,
        dagster_run=run,
        resources={"data_dir": DataDirResource(path=str(data_dir))},
    ).for_run_failure()
    sensors.run_failure_log(context)
    log = failures.failure_log_path(data_dir).read_text(encoding="utf-8").splitlines()
    assert len(log) == 1
    assert (
        f"run {result.run_id[:8]} job __ephemeral_asset_job__ week 2026-11-09 asset staging/broken failed:"
        in log[0]
    )
    assert log[0].endswith(
        "failed: RuntimeError: IO Error: Could not set lock on file warehouse.duckdb"
    )


# ---------------------------------------------------------------- pmon run's weeks
def weeks(*argv: str) -> list[str]:
    import argparse

    parser = argparse.ArgumentParser()
    run_command.configure(parser)
    return run_command._weeks(parser.parse_args(list(argv)))


def test_run_weeks_from_the_command_line():
    assert weeks("--week", "2026-W47") == ["2026-11-16"]
    assert weeks("--week", "2026-11-19") == ["2026-11-16"]
    assert weeks("--from", "2026-W45", "--to", "2026-W47") == [
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
    ]
    with pytest.raises(ValueError, match="not a reporting week yet"):
        weeks("--week", "2030-W01")
    with pytest.raises(ValueError):
        weeks("--week", "last tuesday")


def test_postgres_url_switches_the_instance(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("PMON_POSTGRES_URL", raising=False)
    root = runner.settings.PROJECT_ROOT
    env = runner.settings.dagster_env(tmp_path)
    home = Path(env["DAGSTER_HOME"])
    assert home.is_relative_to(tmp_path)  # Dagster's own files stay out of the working tree
    assert (home / "dagster.yaml").read_text() == (root / "dagster.yaml").read_text()
    monkeypatch.setenv("PMON_POSTGRES_URL", "postgresql://dagster@127.0.0.1:5432/dagster")
    env = runner.settings.dagster_env(tmp_path)
    postgres_yaml = (root / "deploy" / "postgres" / "dagster.yaml").read_text()
    assert (Path(env["DAGSTER_HOME"]) / "dagster.yaml").read_text() == postgres_yaml
    assert env["PMON_DAGSTER_STORAGE"] == str(tmp_path / "dagster")
    assert env["PMON_WAREHOUSE"] == str(tmp_path / "warehouse.duckdb")


@pytest.mark.slow
def test_pmon_run_range_is_one_run_in_the_project_instance(data_dir: Path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "pmon.cli", "run", "--from", "2026-W45", "--to", "2026-W47",
         "--select", "group:analyst"],
        cwd=runner.settings.PROJECT_ROOT, env={**os.environ, "PYTHONWARNINGS": "ignore"},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "week 2026-11-02..2026-11-16: succeeded" in done.stdout
    # the run is in the instance the UI reads: DAGSTER_HOME and storage under the data dir
    env = runner.settings.dagster_env(data_dir)
    assert Path(env["DAGSTER_HOME"]).is_relative_to(data_dir)
    with _project_instance(env) as instance:
        (run,) = instance.get_runs()
        assert run.status == dg.DagsterRunStatus.SUCCESS
        assert run.tags[runner.RANGE_START] == "2026-11-02"
        assert run.tags[runner.RANGE_END] == "2026-11-16"
        keys = instance.get_materialized_partitions(dg.AssetKey(["analyst", "views"]))
        assert keys == {"2026-11-02", "2026-11-09", "2026-11-16"}


def _project_instance(env: dict[str, str]) -> dg.DagsterInstance:
    previous = dict(os.environ)
    os.environ.update(env)
    try:
        return dg.DagsterInstance.get()
    finally:
        os.environ.clear()
        os.environ.update(previous)


@pytest.mark.parametrize(
    "step,named",
    [
        ("indicator_marts", "asset " + ", ".join(
            [f"indicators/{m.id}" for m in load_catalog().measures]
            + ["marts/data_delivery", "marts/indicator_weekly", "marts/ledger_quarantine",
               "marts/measure_status", "marts/milestone_notes", "marts/restatements",
               "marts/task_status"])),
        ("staging__training", "asset staging/training"),
        ("staging__training_contract", "check staging/training:contract"),
        ("some__other_step", "asset some/other_step"),
    ],
)  # fmt: skip
def test_failure_log_names_assets_and_checks_of_a_step(step: str, named: str):
    assert failures._what(step, defs.resolve_asset_graph()) == named
