"""Launching the weekly job as real Dagster runs, recorded in the instance the UI reads."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from pipelines import settings


def use_project_instance(base: Path | None = None) -> None:
    """Point this process at the project's dagster.yaml and the data dir's storage."""
    os.environ.update(settings.dagster_env(base))


def run_weeks(weeks: Iterable[str], *, raise_on_error: bool = True) -> list:
    """Run `weekly_job` once per week (partition keys or ISO weeks), oldest first."""
    import dagster as dg

    from assets.partitions import partition_key
    from pipelines.definitions import defs

    use_project_instance()
    job = defs.resolve_job_def("weekly_job")
    results = []
    with dg.DagsterInstance.get() as instance:
        for key in sorted({partition_key(week) for week in weeks}):
            results.append(
                job.execute_in_process(
                    partition_key=key, instance=instance, raise_on_error=raise_on_error
                )
            )
    return results
