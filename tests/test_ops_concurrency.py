"""Two runs in two processes on one DuckDB file: writers wait for each other, both finish, and
the warehouse equals a serial run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from sample_inbox import W46, W47, write_inbox  # the same small two-week inbox

from core import settings

ROOT = Path(__file__).resolve().parent.parent
# the real assets without the (slow, GX) checks: what is under test is the writers' lock
RUN_WEEK = """
import sys
import dagster as dg
from assets.analyst.views import analyst_views
from assets.indicators.assets import indicator_marts
from assets.ingest.assets import ingest_assets
from pipelines.resources import build_resources

with dg.DagsterInstance.get() as instance:
    result = dg.materialize(
        [*ingest_assets, indicator_marts, analyst_views],
        instance=instance, resources=build_resources(), partition_key=sys.argv[1],
        raise_on_error=False,
    )
print(result.run_id)
sys.exit(0 if result.success else 1)
"""
TABLES = {
    "staging.complaints": "complaint_id",
    "staging.training": "record_id",
    "quarantine.complaints": "source_file, row_number",
    "meta.load_log": "source, week, source_file",
    "marts.indicator_weekly": "indicator_id, week, district_code",
    "marts.measure_status": "measure_id, week",
    "marts.data_delivery": "week, source, district_code",
}
VOLATILE = {"loaded_at", "computed_at"}


def env_for(base: Path) -> dict[str, str]:
    """The project instance (root dagster.yaml: pool duckdb, limit 1) with storage under base."""
    return {
        **os.environ,
        **settings.dagster_env(base),
        "PMON_PII_KEY": "test-only-pii-key-not-a-secret",
        "PYTHONWARNINGS": "ignore",
    }


def start(base: Path, week: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", RUN_WEEK, week],
        cwd=ROOT,
        env=env_for(base),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]
    return out.strip().splitlines()[-1]


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every table's rows in a fixed order, without the load and compute timestamps."""
    tables = {}
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        for table, order in TABLES.items():
            columns = [
                c
                for (c,) in conn.execute(
                    "select column_name from duckdb_columns() "
                    "where schema_name || '.' || table_name = ? order by column_index",
                    [table],
                ).fetchall()
                if c not in VOLATILE
            ]
            rows = conn.execute(f"select {', '.join(columns)} from {table} order by {order}")
            tables[table] = rows.fetchall()
    return tables


@pytest.mark.slow
def test_two_concurrent_runs_finish_and_equal_a_serial_run(tmp_path: Path):
    concurrent, serial = tmp_path / "concurrent", tmp_path / "serial"
    for base in (concurrent, serial):
        base.mkdir()
        write_inbox(settings.inbox_dir(base))

    # both weeks in one serial run each, then the same two weeks again from two processes at
    # once (a sensor run and a manual one): the second pass must change nothing and collide nowhere
    finish(start(serial, W46))
    finish(start(serial, W47))
    finish(start(concurrent, W46))
    first, second = start(concurrent, W47), start(concurrent, W47)
    run_ids = {finish(first), finish(second)}
    assert len(run_ids) == 2

    # Dagster's pool claims on SQLite instance storage are best effort across processes (two
    # claims can race); the guarantee of one writer is DuckDB's file lock, which the warehouse
    # resource waits on. What must hold is the outcome: both runs finished, the data is a serial run's.
    got = snapshot(settings.warehouse_path(concurrent))
    expected = snapshot(settings.warehouse_path(serial))
    assert got["staging.complaints"] and got["marts.indicator_weekly"]
    for table in TABLES:
        assert got[table] == expected[table], table
