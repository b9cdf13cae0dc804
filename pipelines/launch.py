"""Launching the weekly job as real Dagster runs, recorded in the instance the UI reads.

The CLI and the benchmark start runs through here, never around it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from core import settings

RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def use_project_instance(base: Path | None = None) -> None:
    """Point this process at the project's dagster.yaml and the data dir's storage.

    Resources read the environment when a run starts, so this must precede the first run.
    """
    os.environ.update(settings.dagster_env(base))


def _job():
    from pipelines.definitions import defs

    return defs, defs.resolve_job_def("weekly_job")


def _keys(weeks: Iterable[str]) -> list[str]:
    from core.partitions import partition_key

    return sorted({partition_key(week) for week in weeks})


def _selection(selection: str | None, defs) -> list | None:
    """Asset keys of a Dagster selection string (e.g. 'not group:reports'); None = every asset."""
    if not selection:
        return None
    import dagster as dg

    return sorted(dg.AssetSelection.from_string(selection).resolve(defs.resolve_asset_graph()))


def _execute(job, instance, assets, raise_on_error: bool, key=None, key_range=None):
    """One real run in the project instance: a week (`key`) or a range of weeks (`key_range`)."""
    tags = {"pmon/trigger": "cli"}
    if key_range:
        tags |= {RANGE_START: key_range[0], RANGE_END: key_range[-1]}
    return job.execute_in_process(
        partition_key=key,
        instance=instance,
        raise_on_error=raise_on_error,
        asset_selection=assets,
        tags=tags,
    )


def run_weeks(
    weeks: Iterable[str], *, raise_on_error: bool = True, selection: str | None = None
) -> list:
    """Run `weekly_job` once per week (partition keys or ISO weeks), oldest first."""
    import dagster as dg

    use_project_instance()
    defs, job = _job()
    assets = _selection(selection, defs)
    with dg.DagsterInstance.get() as instance:
        return [_execute(job, instance, assets, raise_on_error, key=k) for k in _keys(weeks)]


def run_backfill(
    weeks: Iterable[str], *, raise_on_error: bool = False, selection: str | None = None
) -> list:
    """A range of weeks: one run for every asset that processes a range at once
    (BackfillPolicy.single_run), then one run per week for the rest."""
    import dagster as dg

    keys = _keys(weeks)
    if len(keys) < 2:
        return run_weeks(keys, raise_on_error=raise_on_error, selection=selection)
    use_project_instance()
    defs, job = _job()
    graph = defs.resolve_asset_graph()
    chosen = _selection(selection, defs) or sorted(job.asset_layer.executable_asset_keys)
    ranged = [k for k in chosen if _single_run(graph.get(k).backfill_policy)]
    per_week = [k for k in chosen if k not in ranged]
    results = []
    with dg.DagsterInstance.get() as instance:
        if ranged:
            results.append(_execute(job, instance, ranged, raise_on_error, key_range=keys))
        if per_week and all(r.success for r in results):
            results += [_execute(job, instance, per_week, raise_on_error, key=k) for k in keys]
    return results


def _single_run(policy) -> bool:
    return policy is not None and policy.max_partitions_per_run is None
