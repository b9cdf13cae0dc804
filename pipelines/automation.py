"""Jobs, schedules and sensors."""

import dagster as dg

from assets.partitions import weekly_partitions

# One weekly run covers ingest, validation, indicators and reports for a week. In-process: on a
# small machine the multiprocess executor's start-up costs more than the work it parallelizes.
weekly_job = dg.define_asset_job(
    "weekly_job",
    selection=dg.AssetSelection.all(),
    partitions_def=weekly_partitions,
    executor_def=dg.in_process_executor,
)

defs = dg.Definitions(jobs=[weekly_job])
