"""The benchmark's floor and bookkeeping: what `pmon bench` compares the pipeline against."""

import sys

import duckdb
import pytest

from benchmark.run import floor_load, phase_floor, step_stage, time_command
from core.catalog import load_catalog
from sample_data import generate


def test_the_floor_loads_every_generated_row_and_computes_every_indicator(tmp_path):
    summary = generate(tmp_path / "inbox", scale="small", weeks=2, seed=3, formats=("csv",))
    result = phase_floor(tmp_path / "inbox", tmp_path / "floor.duckdb")
    assert result["rows"] == sum(summary.rows.values())
    assert result["weeks"] == 2
    with duckdb.connect(str(tmp_path / "floor.duckdb"), read_only=True) as conn:
        indicators = conn.execute(
            "select count(distinct indicator_id) from marts.indicator_weekly"
        ).fetchone()
        no_hash_is_clear = conn.execute(
            "select count(*) from staging.training where length(worker_id_hash) <> 64"
        ).fetchone()
    assert indicators == (len(load_catalog().indicators),)
    assert no_hash_is_clear == (0,)


def test_floor_load_types_chinese_headed_files_like_english_ones(tmp_path):
    generate(tmp_path / "inbox", scale="small", weeks=1, seed=3, formats=("csv",))
    with duckdb.connect() as conn:
        floor_load(conn, tmp_path / "inbox")
        untyped = conn.execute(
            "select count(*) from staging.training where completed_on is null or course is null"
        ).fetchone()
    assert untyped == (0,)


def test_steps_map_to_stages():
    assert step_stage("staging__insurance") == "ingest"
    assert step_stage("staging__insurance_contract") == "validation"
    assert step_stage("staging__training_consistency") == "validation"
    assert step_stage("indicator_marts") == "indicators"
    assert step_stage("reports__implementation_report") == "reports"


def test_a_crashed_command_gives_no_figure():
    assert time_command([sys.executable, "-c", "pass"]) >= 0
    with pytest.raises(RuntimeError, match="exited 3"):
        time_command([sys.executable, "-c", "raise SystemExit(3)"])


def test_a_failed_or_blocked_run_fails_the_benchmark(tmp_path, monkeypatch):
    import assets.indicators.marts as marts
    import assets.indicators.runner as runner
    from benchmark.run import phase_pipeline, require_clean

    generate(tmp_path / "inbox", scale="small", weeks=1, seed=3, formats=("csv",))
    monkeypatch.setenv("PMON_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PMON_PII_KEY", "test-only-pii-key")
    monkeypatch.delenv("PMON_WAREHOUSE", raising=False)

    def broken(*args, **kwargs):
        raise RuntimeError("the indicator step broke")

    for module in (marts, runner):  # wherever the indicator asset imports it from
        monkeypatch.setattr(module, "materialize_weeks", broken)
    phase = phase_pipeline(["2026-11-16"])
    assert phase["failed_runs"]
    with pytest.raises(RuntimeError, match="no figure is reported"):
        require_clean("pipeline", phase)
    require_clean("fine", {"failed_runs": [], "skipped_steps": []})
    with pytest.raises(RuntimeError, match="skipped steps"):
        require_clean("blocked", {"failed_runs": [], "skipped_steps": ["indicator_marts"]})


def test_the_floor_and_the_pipeline_are_compared_cell_by_cell(tmp_path):
    from benchmark.run import marts_match

    for name, value in (("floor", 3.0), ("pipeline", 3.0), ("other", 4.0)):
        with duckdb.connect(str(tmp_path / f"{name}.duckdb")) as conn:
            conn.execute("create schema marts")
            conn.execute(
                "create table marts.indicator_weekly as select 'M01.x' as indicator_id, "
                f"date '2026-11-16' as week, '110000' as district_code, {value} as value"
            )
    same = marts_match(tmp_path / "floor.duckdb", tmp_path / "pipeline.duckdb")
    assert same == {"compared_cells": 1, "differing_cells": 0}
    assert marts_match(tmp_path / "floor.duckdb", tmp_path / "other.duckdb")["differing_cells"] == 1
