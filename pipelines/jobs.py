"""The weekly job: ingest, validation, indicators and reports for a week."""

from __future__ import annotations

import dagster as dg

from core.partitions import weekly_partitions
from pipelines.loggers import logger_config

# One weekly run covers ingest, validation, indicators and reports for a week. In-process: on a
# small machine the multiprocess executor's start-up costs more than the work it parallelizes.
# Transient failures (a lost file lock, a flaky disk) get two more tries; a deterministic failure
# costs two short retries and then names itself in the failure log.
weekly_job = dg.define_asset_job(
    "weekly_job",
    selection=dg.AssetSelection.all(),
    partitions_def=weekly_partitions,
    executor_def=dg.in_process_executor,
    config=logger_config(),  # schedule, sensor and UI runs log like CLI runs
    op_retry_policy=dg.RetryPolicy(
        max_retries=2, delay=1, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
    ),
)
