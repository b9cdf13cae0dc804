"""The monitoring model on a generated year-slice, through the real pipeline: tasks that are
late or unreported, projections inside their band, the worker register and the order statistics."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from core import settings
from sample_data import generate

pytestmark = pytest.mark.slow
START = dt.date(2026, 9, 28)  # 8 weeks: 2026-W40 .. 2026-W47, as the demo


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("model") / "data"
    generate(settings.inbox_dir(base), scale="small", weeks=8, start=START, seed=7)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMON_", "DAGSTER_"))}
    env |= {"PMON_DATA_DIR": str(base), "PMON_PII_KEY": "test-only-pii-key"}
    done = subprocess.run(
        [sys.executable, "-m", "pmon.cli", "run", "--all", "--select", "not group:reports"],
        cwd=settings.PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return settings.warehouse_path(base)


def rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


LATEST = "(select max(week) from marts.task_status)"


def test_the_latest_week_names_an_overdue_task_and_a_unit_that_owes_reports(warehouse: Path):
    statuses = dict(
        rows(
            warehouse,
            f"select status, count(*) from marts.task_status where week = {LATEST} group by status",
        )
    )
    assert statuses.get("overdue", 0) >= 1 and statuses.get("not_reported", 0) >= 1, statuses
    missing = rows(
        warehouse,
        f"select missing_reporters from marts.task_status where week = {LATEST} "
        "and status = 'not_reported'",
    )
    assert all(units for (units,) in missing)  # who owes the report is named


def test_every_city_flow_with_data_and_a_target_has_a_projection_in_its_band(warehouse: Path):
    from core.catalog import load_catalog

    flow_ids = [i.id for i in load_catalog().indicators if i.kind == "flow"]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        flows = conn.execute(
            "select indicator_id, ytd_value, projected_year_end, projection_low, "
            "projection_high, schedule_gap_pp from marts.indicator_weekly "
            "where week = (select max(week) from marts.indicator_weekly) "
            "and district_code = '110000' and value is not null and target is not null "
            "and list_contains($flows, indicator_id)",
            {"flows": flow_ids},
        ).fetchall()
    assert flows
    for indicator, ytd, point, low, high, gap in flows:
        assert None not in (point, low, high, gap), indicator
        assert low <= point <= high, indicator
        assert point >= ytd, indicator  # a year-end total never falls below the year so far


def test_the_register_and_the_order_statistics_are_loaded(warehouse: Path):
    assert rows(warehouse, "select count(*) from staging.workers")[0][0] > 0
    assert rows(warehouse, "select count(*) from staging.orders")[0][0] > 0
