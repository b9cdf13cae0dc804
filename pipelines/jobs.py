"""The weekly job: ingest, validation, indicators and reports for a week."""

from __future__ import annotations

import dagster as dg

from core.partitions import weekly_partitions
from pipelines.loggers import logger_config

# One weekly run covers ingest, validation, indicators and reports for a week. In-process: on a
# small machine the multiprocess executor's start-up costs more than the work it parallelizes.
# No step retry policy: Dagster would retry an interrupted step too, so Ctrl-C would not stop a
# run; the one transient failure, a warehouse locked by another process, is waited for by the
# warehouse resource, and a deterministic failure names itself at once in the failure log.
weekly_job = dg.define_asset_job(
    "weekly_job",
    selection=dg.AssetSelection.all(),
    partitions_def=weekly_partitions,
    executor_def=dg.in_process_executor,
    config=logger_config(),  # schedule, sensor and UI runs log like CLI runs
)
