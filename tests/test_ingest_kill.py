"""Atomicity: a load killed with SIGKILL mid-transaction leaves the previous state; a rerun completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest
from deliveries import (
    KEY,
    TRAINING_HEADER,
    TRAINING_ROWS,
    WEEK,
    inbox_file,
    load,
    write_csv,
)
from identity_codes import resident_id

from core.settings import PROJECT_ROOT

TABLES = ("raw.training", "staging.training", "quarantine.training", "meta.load_log")

# The child process stops right after its first insert, inside the open transaction, so the
# kill always lands mid-load (after the correction's deletes and the raw rows, before commit).
CHILD = textwrap.dedent(
    """
    import datetime as dt, sys, time
    from pathlib import Path
    import duckdb
    import assets.ingest.load as load

    insert = load._insert
    def insert_then_wait(conn, table, frame):
        insert(conn, table, frame)
        print(f"inserted {frame.height} rows into {table}", flush=True)
        time.sleep(120)
    load._insert = insert_then_wait
    with duckdb.connect(sys.argv[1]) as conn:
        load.load_week(conn, Path(sys.argv[2]), "training", dt.date.fromisoformat(sys.argv[3]), sys.argv[4].encode())
    """
)


def big_rows(n: int) -> list[list[str]]:
    """n training rows, every 50th with a bad hours value so quarantine is written too."""
    return [
        [f"B{i}", resident_id(f"11010519900101{i % 1000:03d}"), "", "", "cooking", "enterprise",
         "-1" if i % 50 == 0 else "16", "2026-11-18", "", ""]
        for i in range(n)
    ]  # fmt: skip


def snapshot(db: Path) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return {
            t: conn.sql(f"select * exclude (loaded_at) from {t} order by all").pl() for t in TABLES
        }


def deliver(base: Path, rows: list[list[str]]) -> Path:
    return write_csv(inbox_file(base / "inbox", "training", "haidian.csv"), TRAINING_HEADER, rows)


@pytest.mark.slow
def test_sigkill_mid_load_leaves_previous_state_and_rerun_equals_clean_run(tmp_path: Path):
    rows = big_rows(20_000)
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    for base in (clean, killed):
        deliver(base, TRAINING_ROWS)
        load(base / "w.duckdb", base / "inbox")
    before = snapshot(killed / "w.duckdb")
    for base in (clean, killed):
        deliver(base, rows)  # a correction: the killed load must also undo its deletes
    load(clean / "w.duckdb", clean / "inbox")

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(killed / "w.duckdb"), str(killed / "inbox"),
         WEEK.isoformat(), KEY.decode()],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = child.stdout.readline()
        assert line.startswith("inserted 20000 rows into raw.training"), child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    after_kill = snapshot(killed / "w.duckdb")
    for table in TABLES:
        assert after_kill[table].equals(before[table]), table
    load(killed / "w.duckdb", killed / "inbox")
    rerun, single = snapshot(killed / "w.duckdb"), snapshot(clean / "w.duckdb")
    for table in TABLES:
        assert rerun[table].equals(single[table]), table
    assert rerun["staging.training"].height == 20_000 - 400
    assert rerun["quarantine.training"].height == 400


PLAIN_CHILD = textwrap.dedent(
    """
    import datetime as dt, sys
    from pathlib import Path
    import duckdb
    from assets.ingest.load import load_week

    print("loading", flush=True)
    with duckdb.connect(sys.argv[1]) as conn:
        load_week(conn, Path(sys.argv[2]), "training", dt.date.fromisoformat(sys.argv[3]), sys.argv[4].encode())
    print("done", flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.5, 1.5])
def test_sigkill_at_any_moment_then_rerun_equals_clean_run(tmp_path: Path, delay: float):
    """No hook: the kill lands wherever the unmodified load happens to be."""
    rows = big_rows(60_000)
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    for base in (clean, killed):
        deliver(base, rows)
    load(clean / "w.duckdb", clean / "inbox")
    child = subprocess.Popen(
        [sys.executable, "-c", PLAIN_CHILD, str(killed / "w.duckdb"), str(killed / "inbox"),
         WEEK.isoformat(), KEY.decode()],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout.readline().strip() == "loading", child.stderr.read()
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
    load(killed / "w.duckdb", killed / "inbox")
    rerun, single = snapshot(killed / "w.duckdb"), snapshot(clean / "w.duckdb")
    for table in TABLES:
        assert rerun[table].equals(single[table]), table
    assert single["staging.training"].height == 60_000 - 1_200
