"""`pmon bench`: how fast the weekly job runs against what DuckDB alone can do, on the same files.

Each phase runs in a fresh child process (`python -m benchmark.run PHASE ...`) so its wall
time and peak resident memory are its own; the parent prints the table and writes bench.json.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from core import settings

GENERATOR_SEED = 11


class BenchFailed(RuntimeError):
    """A phase failed, a run failed or was blocked, or a timed command crashed: the benchmark
    measured nothing and reports no figure."""


def machine() -> dict:
    import psutil

    return {
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        # the machine may be shared: the load when the run began says how noisy the figures are
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def run_child(args: list[str], env: dict[str, str] | None = None) -> dict:
    """Run one phase in a new process; its JSON on the last stdout line, plus wall time."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "benchmark.run", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=settings.PROJECT_ROOT,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchFailed(
            f"bench phase {args[0]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = round(wall, 3)
    return result


def measure_command(argv: list[str], ok_codes: tuple[int, ...] = (0,)) -> dict:
    """Seconds and peak resident memory of a command in a new process, as a user feels it (cold
    interpreter); a command that crashed measured nothing, so it fails the benchmark instead of
    giving a figure."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not all children's
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = round(time.perf_counter() - started, 3)
    if child.returncode not in ok_codes:
        raise BenchFailed(f"{' '.join(argv)} exited {child.returncode}:\n{stderr[-2000:]}")
    return {"seconds": seconds, "peak_rss_bytes": usage.ru_maxrss * 1024}


def time_command(argv: list[str], ok_codes: tuple[int, ...] = (0,)) -> float:
    """Seconds for a command in a new process (see measure_command)."""
    return measure_command(argv, ok_codes)["seconds"]


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def emit(payload: dict) -> None:
    payload["peak_rss_bytes"] = peak_rss_bytes()
    print(json.dumps(payload, default=str))


def copy_weeks(generated: Path, inbox: Path, weeks: list[str]) -> None:
    """Deliver the given weeks' folders of every source into an inbox."""
    for source_dir in sorted(p for p in generated.iterdir() if p.is_dir()):
        for week in weeks:
            src = source_dir / week
            if src.exists():
                shutil.copytree(src, inbox / source_dir.name / week, dirs_exist_ok=True)


def phase_floor(inbox: Path, database: Path) -> dict:
    """DuckDB alone, with SQL of the benchmark's own: read every delivered file into typed
    tables, then every covered indicator for every week and district, set-based."""
    import duckdb

    from benchmark.floor import floor_indicators, floor_load

    database.unlink(missing_ok=True)
    # the pipeline's memory budget: a floor allowed more memory would be a cheaper floor
    with duckdb.connect(str(database), config=settings.duckdb_config()) as conn:
        started = time.perf_counter()
        rows = floor_load(conn, inbox)
        loaded = time.perf_counter()
        cells = floor_indicators(conn)
        done = time.perf_counter()
        weeks = conn.execute("select count(*) from floor_weeks").fetchone()[0]
    return {
        "rows": rows,
        "weeks": weeks,
        "indicator_cells": cells,
        "load_seconds": loaded - started,
        "indicator_seconds": done - loaded,
    }


STAGES = {"indicator": "indicators", "analyst": "analyst_views", "reports": "reports"}
CHECK_SUFFIXES = ("_contract", "_consistency")


def step_stage(step_key: str) -> str:
    """Which stage a Dagster step belongs to: `staging__x` ingests, `staging__x_contract` checks."""
    if step_key.startswith("staging__"):
        return "validation" if step_key.endswith(CHECK_SUFFIXES) else "ingest"
    return next(
        (stage for prefix, stage in STAGES.items() if step_key.startswith(prefix)), step_key
    )


def stage_seconds(instance, run_ids: list[str]) -> dict[str, float]:
    """Seconds per stage from the runs' step start/success events in the Dagster event log."""
    import dagster as dg

    started: dict[tuple[str, str], float] = {}
    totals: dict[str, float] = {}
    for run_id in run_ids:
        for record in instance.get_records_for_run(run_id).records:
            event = record.event_log_entry
            key = (run_id, event.step_key or "")
            if event.dagster_event_type == dg.DagsterEventType.STEP_START:
                started[key] = event.timestamp
            elif (
                event.dagster_event_type
                in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE)
                and key in started
            ):
                stage = step_stage(event.step_key)
                totals[stage] = totals.get(stage, 0.0) + event.timestamp - started.pop(key)
    return {stage: round(seconds, 3) for stage, seconds in totals.items()}


def phase_pipeline(weeks: list[str]) -> dict:
    """The backfill through Dagster: one ranged run (ingest, checks, indicators), then the
    latest week's report, all in the project instance under PMON_DATA_DIR."""
    import dagster as dg

    from pipelines import launch as runner

    runner.use_project_instance()
    started = time.perf_counter()
    results = runner.run_backfill(weeks, selection="not group:reports")
    if all(r.success for r in results):
        results += runner.run_weeks(weeks[-1:], selection="group:reports", raise_on_error=False)
    seconds = time.perf_counter() - started
    failed = [r.dagster_run.run_id for r in results if not r.success]
    skipped = sorted(
        {e.step_key for r in results for e in r.all_events if e.event_type_value == "STEP_SKIPPED"}
    )
    with dg.DagsterInstance.get() as instance:
        stages = stage_seconds(instance, [r.dagster_run.run_id for r in results])
    return {
        "seconds": seconds,
        "runs": len(results),
        "failed_runs": failed,
        "skipped_steps": skipped,
        "stages": stages,
        "rows": staged_rows(settings.warehouse_path()),
    }


def staged_rows(warehouse: Path) -> int:
    """Rows the pipeline itself loaded into staging (its own count, not the floor's)."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute("select count(*) from meta.staged_rows").fetchone()[0]


def require_clean(name: str, phase: dict) -> None:
    """A failed or blocked run measured nothing: the benchmark fails instead of giving a ratio
    (a blocked backfill skips the indicators and would look faster)."""
    if phase.get("failed_runs") or phase.get("skipped_steps"):
        raise BenchFailed(
            f"bench phase {name}: failed runs {phase.get('failed_runs')}, skipped steps "
            f"{phase.get('skipped_steps')}; no figure is reported from a run that did not finish"
        )


def marts_match(
    floor_db: Path, pipeline_db: Path, indicators: list[str] | None = None, tolerance: float = 1e-6
) -> dict:
    """Whether the floor and the pipeline computed the same indicator values, cell by cell, for
    the indicators the floor covers (`indicators`; every floor indicator when None): a cell one
    side has and the other lacks differs too. Mismatches are counted per indicator."""
    import duckdb

    with duckdb.connect() as conn:
        conn.execute(f"attach '{floor_db}' as floor (read_only)")
        conn.execute(f"attach '{pipeline_db}' as pipeline (read_only)")
        rows = conn.execute(
            """
            with f as (
                select indicator_id, week, district_code, value from floor.marts.indicator_weekly
                where $indicators is null or indicator_id = any($indicators)
            ),
            p as (
                select indicator_id, week, district_code, value
                from pipeline.marts.indicator_weekly
                where indicator_id in (select indicator_id from f)
                    and week in (select week from f)
            )
            select
                indicator_id,
                count(*) as cells,
                count(*) filter (
                    where f.indicator_id is null or p.indicator_id is null
                    or (f.value is null) <> (p.value is null)
                    or abs(f.value - p.value) > $tolerance * greatest(1, abs(p.value))
                ) as differing
            from f
            full join p using (indicator_id, week, district_code)
            group by indicator_id
            order by indicator_id
            """,
            {"tolerance": tolerance, "indicators": indicators},
        ).fetchall()
    mismatching = {i: n for i, _, n in rows if n}
    compared = sum(cells for _, cells, _ in rows)
    return {
        "compared_cells": compared,
        "differing_cells": sum(mismatching.values()),
        "mismatching_indicators": mismatching,
        "matches_pipeline": compared > 0 and not mismatching,
    }


def phase_report_formats(week: str) -> dict:
    """Each report format rendered alone from the warehouse, to split the report stage."""
    import tempfile

    import duckdb

    from reports.render import render_reports

    timings = {}
    with (
        duckdb.connect(str(settings.warehouse_path()), read_only=True) as conn,
        tempfile.TemporaryDirectory() as out,
    ):
        for fmt in ("html", "pdf", "xlsx"):
            started = time.perf_counter()
            render_reports(conn, week, Path(out), langs=("zh",), formats=(fmt,))
            timings[fmt] = time.perf_counter() - started
    return {"formats": timings}


def generated_inbox(root: Path, scale: str, weeks: int) -> Path:
    """N+1 weeks of clean CSV deliveries (the last is the increment); reused when already there."""
    from sample_data import generate

    out = root / "generated"
    marker = root / "generated.json"
    wanted = {"scale": scale, "weeks": weeks + 1, "seed": GENERATOR_SEED}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return out
    shutil.rmtree(out, ignore_errors=True)
    generate(out, scale=scale, weeks=weeks + 1, seed=GENERATOR_SEED, formats=("csv",))
    marker.write_text(json.dumps(wanted))
    return out


def delivered_weeks(inbox: Path) -> list[str]:
    return sorted({p.name for p in inbox.glob("*/*-W*") if p.is_dir()})


def check_sample(generated: Path, target: Path, rows: int = 10_000) -> Path:
    """A 10,000-row training file, as a clerk would pre-check it, cut from the generated weeks."""
    import polars as pl

    files = sorted(generated.glob("training/*/*.csv"))
    frames = [pl.read_csv(f, infer_schema=False) for f in files[:200]]
    english = [f for f in frames if "worker_id" in f.columns]
    pl.concat(english).head(rows).write_csv(target)
    return target


def run_bench(scale: str, weeks: int) -> dict:
    """Every figure of the benchmark, measured in this run on the same generated files."""
    from benchmark.floor import coverage

    host = machine()
    root = settings.data_dir() / "bench" / scale
    root.mkdir(parents=True, exist_ok=True)
    generated = generated_inbox(root, scale, weeks)
    all_weeks = delivered_weeks(generated)
    backfill, increment = all_weeks[:-1], all_weeks[-1]

    floor_dir = root / "floor"
    shutil.rmtree(floor_dir, ignore_errors=True)
    copy_weeks(generated, floor_dir / "inbox", backfill)
    floor = run_child(["floor", str(floor_dir / "inbox"), str(floor_dir / "warehouse.duckdb")])

    pipeline_dir = root / "pipeline"
    shutil.rmtree(pipeline_dir, ignore_errors=True)
    copy_weeks(generated, pipeline_dir / "inbox", backfill)
    env = {
        "PMON_DATA_DIR": str(pipeline_dir),
        "PMON_DAGSTER_STORAGE": str(pipeline_dir / "dagster"),
    }
    pipeline = run_child(["pipeline", *backfill], env)
    require_clean("pipeline", pipeline)
    covered = coverage()
    floor |= covered | marts_match(
        floor_dir / "warehouse.duckdb",
        pipeline_dir / "warehouse.duckdb",
        covered["covered_indicators"],
    )
    copy_weeks(generated, pipeline_dir / "inbox", [increment])
    weekly = run_child(["pipeline", increment], env)
    require_clean("increment", weekly)
    formats = run_child(["formats", increment], env)

    pmon = str(Path(sys.executable).parent / "pmon")
    # the same week again, nothing new delivered: the CLI finds nothing to do
    noop = measure_command([pmon, "run", "--week", increment, "--data-dir", str(pipeline_dir)])
    sample = check_sample(generated, root / "check-sample.csv")
    startup = {
        "pmon_help_seconds": time_command([pmon, "--help"]),
        "pmon_check_10k_seconds": time_command(  # exit 1 is a verdict (problems found), not a crash
            [pmon, "check", str(sample), "--source", "training", "--week", increment], (0, 1)
        ),
    }
    host["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result = summarize(scale, backfill, increment, floor, pipeline, weekly, noop, formats, startup)
    return result | {"machine": host}


def summarize(scale, backfill, increment, floor, pipeline, weekly, noop, formats, startup) -> dict:
    floor_seconds = floor["load_seconds"] + floor["indicator_seconds"]
    stages = {**pipeline["stages"], **{f"report_{k}": v for k, v in formats["formats"].items()}}
    return {
        "scale": scale,
        "weeks": len(backfill),
        "increment_week": increment,
        "rows": pipeline["rows"],
        "machine": machine(),
        "floor": {**floor, "seconds": round(floor_seconds, 3)},
        "pipeline": pipeline,
        "increment": weekly,
        "noop": noop,
        "stages": {k: round(v, 3) for k, v in stages.items()},
        "startup": startup,
        "ratios": {
            "pipeline_over_floor": round(pipeline["seconds"] / floor_seconds, 2),
            "increment_over_backfill": round(weekly["seconds"] / pipeline["seconds"], 3),
            "noop_over_backfill": round(noop["seconds"] / pipeline["seconds"], 4),
            "validation_over_floor": round(stages.get("validation", 0.0) / floor_seconds, 2),
        },
        "rows_per_second": {
            "floor": round(floor["rows"] / floor_seconds),
            "pipeline": round(pipeline["rows"] / pipeline["seconds"]),
        },
        "peak_rss_mib": {
            name: round(part["peak_rss_bytes"] / 2**20)
            for name, part in (
                ("floor", floor),
                ("pipeline", pipeline),
                ("increment", weekly),
                ("noop", noop),
                ("report_formats", formats),
            )
        },
    }


def render_table(result: dict) -> str:
    rows = [
        ("floor (DuckDB alone)", result["floor"]["seconds"], result["peak_rss_mib"]["floor"]),
        ("pipeline backfill", result["pipeline"]["seconds"], result["peak_rss_mib"]["pipeline"]),
        ("weekly increment", result["increment"]["seconds"], result["peak_rss_mib"]["increment"]),
        ("re-run, nothing new", result["noop"]["seconds"], result["peak_rss_mib"]["noop"]),
        *((f"  stage {k}", v, None) for k, v in result["stages"].items()),
        *((k.replace("_seconds", ""), v, None) for k, v in result["startup"].items()),
    ]
    lines = [f"{'what':32} {'seconds':>9} {'peak MiB':>9}"]
    lines += [f"{name:32} {sec:9.2f} {'' if mem is None else mem:>9}" for name, sec, mem in rows]
    lines += [f"{k:32} {v:>9}" for k, v in result["ratios"].items()]
    floor = result["floor"]
    lines.append(
        f"floor matches pipeline: {floor['matches_pipeline']} "
        f"({floor['differing_cells']} of {floor['compared_cells']} indicator cells differ; "
        f"floor covers {floor['covered']} indicators; mismatching: "
        f"{floor['mismatching_indicators'] or 'none'})"
    )
    lines.append(f"rows {result['rows']:,} over {result['weeks']} weeks; {result['machine']}")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    phase, *args = argv
    if phase == "floor":
        emit(phase_floor(Path(args[0]), Path(args[1])))
    elif phase == "pipeline":
        emit(phase_pipeline(args))
    elif phase == "formats":
        emit(phase_report_formats(args[0]))
    else:
        raise SystemExit(f"unknown bench phase {phase!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
