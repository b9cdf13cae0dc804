"""The benchmark's floor and bookkeeping: what `pmon bench` compares the pipeline against."""

import json
import sys

import duckdb
import pytest

from benchmark.floor import coverage, floor_indicators, floor_load
from benchmark.run import marts_match, phase_floor, step_stage, time_command
from core.catalog import load_catalog
from sample_data import generate


def test_the_floor_is_duckdb_alone_with_sql_of_its_own():
    """The floor imports neither the product's indicator engine nor its ingest code."""
    import subprocess

    probe = (
        "import sys, benchmark.floor, benchmark.run; "
        "print(sorted(m for m in sys.modules if m.startswith(('assets', 'pipelines'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_floor_loads_every_generated_row_and_computes_its_indicators(tmp_path):
    summary = generate(tmp_path / "inbox", scale="small", weeks=2, seed=3, formats=("csv",))
    result = phase_floor(tmp_path / "inbox", tmp_path / "floor.duckdb")
    assert result["rows"] == sum(summary.rows.values())
    assert result["weeks"] == 2
    covered = coverage()
    with duckdb.connect(str(tmp_path / "floor.duckdb"), read_only=True) as conn:
        indicators = conn.execute(
            "select list(distinct indicator_id order by indicator_id) from marts.indicator_weekly"
        ).fetchone()[0]
        no_hash_is_clear = conn.execute(
            "select count(*) from staging.training where length(worker_id_hash) <> 64"
        ).fetchone()
    assert indicators == sorted(covered["covered_indicators"])
    everything = {i.id for i in load_catalog().indicators}
    assert set(covered["covered_indicators"]) | set(covered["not_covered"]) == everything
    assert len(covered["covered_indicators"]) >= 30  # the cheap families and the states
    assert no_hash_is_clear == (0,)


def test_the_floor_in_passes_of_one_week_equals_it_in_one_pass(tmp_path):
    """A national register makes the floor compute its weeks in passes: a week's figures are
    its own, so passes of one week give every cell one pass gives."""
    generate(tmp_path / "inbox", scale="small", weeks=3, seed=5, formats=("csv",))
    for name, per_pass in (("once", None), ("passes", 1)):
        with duckdb.connect(str(tmp_path / f"{name}.duckdb")) as conn:
            floor_load(conn, tmp_path / "inbox")
            floor_indicators(conn, per_pass=per_pass)
            repeated = conn.execute(
                "select count(*) from (select indicator_id, week, district_code "
                "from marts.indicator_weekly group by all having count(*) > 1)"
            ).fetchall()
            assert repeated == [(0,)]  # no cell twice, however many passes
    match = marts_match(tmp_path / "once.duckdb", tmp_path / "passes.duckdb")
    assert match["mismatching_indicators"] == {}
    assert match["compared_cells"] >= 3 * len(coverage()["covered_indicators"])


@pytest.mark.slow
def test_the_floor_equals_the_pipeline_on_a_generated_inbox(data_dir, tmp_path):
    """The covered indicators, cell by cell, against the pipeline's own marts (one ranged run,
    no reports) on the same files."""
    from pipelines import launch as runner

    generate(data_dir / "inbox", scale="small", weeks=3, seed=5, formats=("csv",))
    weeks = sorted(p.name for p in (data_dir / "inbox" / "training").iterdir())
    phase_floor(data_dir / "inbox", tmp_path / "floor.duckdb")
    runner.use_project_instance()
    results = runner.run_backfill(weeks, selection="not group:reports")
    assert all(r.success for r in results)
    covered = coverage()["covered_indicators"]
    match = marts_match(tmp_path / "floor.duckdb", data_dir / "warehouse.duckdb", covered)
    assert match["mismatching_indicators"] == {}
    assert match["matches_pipeline"] is True
    assert match["compared_cells"] >= len(covered) * len(weeks)

    # a changed figure on the pipeline's side is caught and named
    with duckdb.connect(str(data_dir / "warehouse.duckdb")) as conn:
        conn.execute(
            "update marts.indicator_weekly set value = value + 1 "
            "where indicator_id = 'M04.training_completions' and district_code = '110000'"
        )
    broken = marts_match(tmp_path / "floor.duckdb", data_dir / "warehouse.duckdb", covered)
    assert broken["matches_pipeline"] is False
    assert broken["mismatching_indicators"] == {"M04.training_completions": len(weeks)}


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
    for name, value in (("floor", 3.0), ("pipeline", 3.0), ("other", 4.0)):
        with duckdb.connect(str(tmp_path / f"{name}.duckdb")) as conn:
            conn.execute("create schema marts")
            conn.execute(
                "create table marts.indicator_weekly as select 'M01.x' as indicator_id, "
                f"date '2026-11-16' as week, '110000' as district_code, {value} as value"
            )
    same = marts_match(tmp_path / "floor.duckdb", tmp_path / "pipeline.duckdb")
    assert same == {
        "compared_cells": 1,
        "differing_cells": 0,
        "mismatching_indicators": {},
        "matches_pipeline": True,
    }
    other = marts_match(tmp_path / "floor.duckdb", tmp_path / "other.duckdb")
    assert other["mismatching_indicators"] == {"M01.x": 1}
    assert other["matches_pipeline"] is False


def test_pmon_bench_exits_non_zero_and_writes_nothing_when_a_run_fails(data_dir, monkeypatch):
    import benchmark.run as bench
    from pmon.cli import main

    def failing(scale, weeks):
        bench.require_clean("pipeline", {"failed_runs": ["run-1"], "skipped_steps": []})

    monkeypatch.setattr(bench, "run_bench", failing)
    assert main(["bench", "--scale", "small", "--weeks", "1"]) == 1
    assert not (data_dir / "bench.json").exists()


@pytest.mark.parametrize(("weeks", "kept"), [(4, False), (52, True)])
def test_only_a_full_year_replaces_the_repositorys_figures(
    data_dir, tmp_path, monkeypatch, weeks, kept
):
    """A short trial run writes its bench.json to the data dir; benchmarks/<scale>.json, which
    the README is copied from, keeps the last full-year run's figures."""
    import benchmark.run as bench
    from core import settings
    from pmon.cli import main

    monkeypatch.setattr(bench, "run_bench", lambda scale, weeks: {"scale": scale, "weeks": weeks})
    monkeypatch.setattr(bench, "render_table", lambda result: "table")
    monkeypatch.setattr(settings, "PROJECT_ROOT", tmp_path)
    assert main(["bench", "--scale", "small", "--weeks", str(weeks)]) == 0
    assert json.loads((data_dir / "bench.json").read_text())["weeks"] == weeks
    assert (tmp_path / "benchmarks" / "small.json").exists() is kept
