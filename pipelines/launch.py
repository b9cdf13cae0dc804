"""Launching the weekly job as real Dagster runs, recorded in the instance the UI reads.

The CLI and the benchmark start runs through here, never around it."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from core import settings

RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"
PID_TAG, HOST_TAG = "pmon/pid", "pmon/host"
LOG_LEVEL = {"quiet": "ERROR", "normal": "INFO", "verbose": "DEBUG"}


def use_project_instance(base: Path | None = None) -> None:
    """Point this process at the project's dagster.yaml and the data dir's storage, after
    checking the warehouse opens: a damaged file fails here, in one line, not in every step.

    Resources read the environment when a run starts, so this must precede the first run.
    """
    os.environ.update(settings.dagster_env(base))
    check_warehouse(settings.warehouse_path(base))


def check_warehouse(path: Path) -> None:
    """Raise DuckDB's own error for a file that is not a readable warehouse; a lock held by a
    writer says nothing about the file, so it passes here (the steps wait for it)."""
    import duckdb

    from core.resources import is_lock_error

    if not path.exists():
        return
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.IOException as error:
        if not is_lock_error(error):
            raise


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


def _execute(
    job, instance, assets, raise_on_error: bool, key=None, key_range=None, verbosity="normal"
):
    """One real run in the project instance: a week (`key`) or a range of weeks (`key_range`).

    The run is tagged with this process and host, so a later run can tell it was abandoned if
    this process is killed (see `recover_abandoned_runs`)."""
    tags = {"pmon/trigger": "cli", PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}
    if key_range:
        tags |= {RANGE_START: key_range[0], RANGE_END: key_range[-1]}
    from pipelines.loggers import logger_config

    with _cancel_on_sigterm(instance):
        result = job.execute_in_process(
            run_config=logger_config(LOG_LEVEL[verbosity]),
            partition_key=key,
            instance=instance,
            raise_on_error=raise_on_error,
            asset_selection=assets,
            tags=tags,
        )
    if not result.success and _interrupted(result):
        _record_cancel(instance, result.dagster_run)
        raise KeyboardInterrupt
    return result


def _my_started_runs(instance) -> list:
    import dagster as dg

    return instance.get_runs(
        dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED], tags={PID_TAG: str(os.getpid())})
    )


@contextmanager
def _cancel_on_sigterm(instance) -> Iterator[None]:
    """SIGTERM (a service stop, `kill`) ends the run as Ctrl-C does, recorded as canceled: the
    run is marked canceling first, so Dagster's interrupt handling cancels it, not fails it."""

    def on_term(_signo, _frame) -> None:
        for run in _my_started_runs(instance):
            instance.report_run_canceling(run, "SIGTERM received: stopping the run")
        signal.raise_signal(signal.SIGINT)

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupted(result) -> bool:
    """Whether the run ended because this process was interrupted (Ctrl-C or SIGTERM)."""
    if result.dagster_run.status.value in ("CANCELED", "CANCELING"):
        return True
    for event in result.all_events:
        if event.event_type_value == "RUN_FAILURE" and "interrupted" in (event.message or ""):
            return True  # the interrupt landed between steps
        if event.event_type_value == "STEP_FAILURE" and event.step_failure_data:
            error = event.step_failure_data.error
            while error is not None:
                if error.cls_name in ("DagsterExecutionInterruptedError", "KeyboardInterrupt"):
                    return True
                error = error.cause
    return False


def _record_cancel(instance, run) -> None:
    """A run stopped by its operator is canceled, not failed, and holds no pool slot after."""
    current = instance.get_run_by_id(run.run_id)
    if current is not None and current.status.value != "CANCELED":
        instance.report_run_canceled(current, "stopped by the operator (Ctrl-C or SIGTERM)")
    instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    print(f"run {run.run_id[:8]} canceled: stopped by the operator; rerun the week when ready")


def run_weeks(
    weeks: Iterable[str],
    *,
    raise_on_error: bool = True,
    selection: str | None = None,
    verbosity: str = "normal",
) -> list:
    """Run `weekly_job` once per week (partition keys or ISO weeks), oldest first."""
    import dagster as dg

    use_project_instance()
    defs, job = _job()
    assets = _selection(selection, defs)
    with dg.DagsterInstance.get() as instance:
        recover_abandoned_runs(instance)
        return [
            _execute(job, instance, assets, raise_on_error, key=k, verbosity=verbosity)
            for k in _keys(weeks)
        ]


def run_backfill(
    weeks: Iterable[str],
    *,
    raise_on_error: bool = False,
    selection: str | None = None,
    verbosity: str = "normal",
) -> list:
    """A range of weeks: one run for every asset that processes a range at once
    (BackfillPolicy.single_run), then one run per week for the rest."""
    import dagster as dg

    keys = _keys(weeks)
    if len(keys) < 2:
        return run_weeks(
            keys, raise_on_error=raise_on_error, selection=selection, verbosity=verbosity
        )
    use_project_instance()
    defs, job = _job()
    graph = defs.resolve_asset_graph()
    chosen = _selection(selection, defs) or sorted(job.asset_layer.executable_asset_keys)
    ranged = [k for k in chosen if _single_run(graph.get(k).backfill_policy)]
    per_week = [k for k in chosen if k not in ranged]
    results = []
    with dg.DagsterInstance.get() as instance:
        recover_abandoned_runs(instance)
        if ranged:
            results.append(
                _execute(job, instance, ranged, raise_on_error, key_range=keys, verbosity=verbosity)
            )
        if per_week and all(r.success for r in results):
            results += [
                _execute(job, instance, per_week, raise_on_error, key=k, verbosity=verbosity)
                for k in keys
            ]
    return results


def _single_run(policy) -> bool:
    return policy is not None and policy.max_partitions_per_run is None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def recover_abandoned_runs(instance) -> list[str]:
    """Mark failed the CLI runs of this host whose process is gone (killed, crashed, power cut)
    and free their pool slots; otherwise their claim on the `duckdb` pool would block every later
    run until a daemon's run monitoring noticed, and without a daemon, forever."""
    import dagster as dg

    in_flight = instance.get_runs(
        dg.RunsFilter(
            statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING],
            tags={HOST_TAG: socket.gethostname()},
        )
    )
    recovered = []
    for run in in_flight:
        pid = run.tags.get(PID_TAG, "")
        if not pid.isdigit() or _process_alive(int(pid)):
            continue
        instance.report_run_failed(run, f"process {pid} ended without finishing the run")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        recovered.append(run.run_id)
        print(
            f"pmon: run {run.run_id[:8]} was abandoned (process {pid} is gone): "
            "marked failed and its pool slot freed"
        )
    return recovered
