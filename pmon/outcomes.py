"""What a user reads after `pmon run` or `pmon demo`: one line per Dagster run, and for a failed
run the failure lines and the paths of the failure log and the run's full log."""

from __future__ import annotations

from pathlib import Path


def _week(tags: dict) -> str:
    from pipelines.launch import RANGE_END, RANGE_START

    return tags.get("dagster/partition") or f"{tags.get(RANGE_START)}..{tags.get(RANGE_END)}"


def _seconds(instance, run_id: str) -> str:
    record = instance.get_run_record_by_id(run_id)
    if record and record.start_time and record.end_time:
        return f", {record.end_time - record.start_time:.1f} s"
    return ""


def summarise(results: list, base: Path) -> list[Path]:
    """Print the runs' outcomes; write failed runs to the failure log. The logs it wrote to."""
    import dagster as dg

    from pipelines.failures import append_failures, failure_lines
    from pipelines.loggers import run_log_path

    written: list[Path] = []
    with dg.DagsterInstance.get() as instance:
        seconds = {r.dagster_run.run_id: _seconds(instance, r.dagster_run.run_id) for r in results}
    for result in results:
        run = result.dagster_run
        state = "succeeded" if result.success else "FAILED"
        print(f"run {run.run_id[:8]} week {_week(run.tags)}: {state}{seconds[run.run_id]}")
        if result.success:
            continue
        failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        run_failure = next(
            (e.message or "" for e in result.all_events if e.event_type_value == "RUN_FAILURE"), ""
        )
        lines = failure_lines(run, failures, run_failure, result.job_def.asset_layer.asset_graph)
        for line in lines:
            print(f"  {line}")
        written.append(append_failures(base, lines))
        print(f"  failures: {written[-1]}\n  full log: {run_log_path(base, run.run_id)}")
    return written
