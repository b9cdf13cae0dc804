"""The code location: every layer hands up its own Definitions, merged here once.

Loading this module must stay light and free of side effects: no Great Expectations, no Plotly
(they load inside the assets that use them), no directory created, no path resolved; resources
read the environment when a run starts.
"""

import dagster as dg

import assets.definitions
import quality_checks.definitions
import reports.definitions
from pipelines.jobs import weekly_job
from pipelines.loggers import LOGGERS
from pipelines.resources import build_resources
from pipelines.schedules import weekly_schedule
from pipelines.sensors import inbox_sensor, run_failure_log

defs = dg.Definitions.merge(
    assets.definitions.defs,
    quality_checks.definitions.defs,
    reports.definitions.defs,
    dg.Definitions(
        jobs=[weekly_job],
        schedules=[weekly_schedule],
        sensors=[inbox_sensor, run_failure_log],
        resources=build_resources(),
        loggers=LOGGERS,
    ),
)
