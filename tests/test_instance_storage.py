"""The instance's event log keeps its SQLite connections open (pipelines/instance_storage.py)
and must still behave as Dagster's: a watcher sees each event as it is written, a long-lived
reader does not hold every run open, and a wipe leaves nothing written into deleted files."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import dagster as dg
import psutil
import pytest
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from core import settings
from pipelines.instance_storage import (
    OPEN_DATABASES,
    PooledSqliteEventLogStorage,
    PooledSqliteStorage,
)


def log_entry(run_id: str, message: str) -> EventLogEntry:
    return EventLogEntry(
        error_info=None,
        level=20,
        user_message=message,
        run_id=run_id,
        timestamp=time.time(),
    )


def messages(storage: SqliteEventLogStorage, run_id: str) -> list[str]:
    return [entry.user_message for entry in storage.get_logs_for_run(run_id)]


def test_the_project_instance_uses_the_pooled_storage_in_dagster_s_sqlite_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("PMON_POSTGRES_URL", raising=False)
    for name, value in settings.dagster_env(tmp_path).items():
        monkeypatch.setenv(name, value)

    @dg.asset
    def weekly_figure() -> int:
        return 1

    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.get_ref().storage_data.rehydrate(), PooledSqliteStorage)
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        result = dg.materialize([weekly_figure], instance=instance)
        assert result.success
        run_id = result.run_id
    # the files are where `storage: sqlite` keeps them: Dagster's own storage reads the run
    plain = dg.DagsterInstance.local_temp(tempdir=str(tmp_path / "dagster"))
    with plain:
        assert plain.get_run_by_id(run_id).is_success
        events = plain.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
        assert [e.dagster_event.asset_key for e in events] == [dg.AssetKey("weekly_figure")]


def test_a_watcher_sees_each_event_while_the_writer_keeps_its_connection(tmp_path: Path):
    """The webserver follows a run by watching its .db file; an open WAL connection would keep
    every event in the -wal file until it closed, and the watcher would see nothing."""
    writer = PooledSqliteEventLogStorage(str(tmp_path))
    watcher = SqliteEventLogStorage(str(tmp_path))  # another process's view, Dagster's own class
    run_id = "run-being-followed"
    writer.store_event(log_entry(run_id, "started"))
    seen: list[str] = []
    arrived = threading.Event()

    def follow(entry, _cursor) -> None:
        seen.append(entry.user_message)
        if entry.user_message == "second step done":
            arrived.set()

    watcher.watch(run_id, None, follow)
    try:
        time.sleep(0.5)  # the observer is watching before the writes it must see
        writer.store_event(log_entry(run_id, "first step done"))
        writer.store_event(log_entry(run_id, "second step done"))
        assert arrived.wait(timeout=20), f"the watcher saw only {seen} while the run was written"
        assert seen == ["started", "first step done", "second step done"]
    finally:
        watcher.end_watch(run_id, follow)
        watcher.dispose()
        writer.dispose()


def open_run_databases(directory: Path) -> list[str]:
    return [
        f.path
        for f in psutil.Process().open_files()
        if Path(f.path).parent == directory and not f.path.endswith("index.db")
    ]


def test_a_long_lived_reader_keeps_only_the_last_databases_open(tmp_path: Path):
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    try:
        for number in range(OPEN_DATABASES + 5):
            storage.store_event(log_entry(f"run-{number}", "done"))
        for number in range(OPEN_DATABASES + 5):
            assert messages(storage, f"run-{number}") == ["done"]
        still_open = {Path(path).stem for path in open_run_databases(tmp_path)}
        assert 0 < len(still_open) <= OPEN_DATABASES
        assert f"run-{OPEN_DATABASES + 4}" in still_open  # the one read last
    finally:
        storage.dispose()
    assert open_run_databases(tmp_path) == []


def test_events_after_a_wipe_reach_the_new_files_not_the_deleted_ones(tmp_path: Path):
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    storage.store_event(log_entry("run-a", "before the wipe"))
    storage.wipe()
    storage.store_event(log_entry("run-a", "after the wipe"))
    fresh = SqliteEventLogStorage(str(tmp_path))
    assert messages(fresh, "run-a") == ["after the wipe"]
    storage.dispose()
