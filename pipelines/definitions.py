"""The code location: every layer hands up its own Definitions, merged here once.

Loading this module must stay light: no Great Expectations, no Plotly (they load inside the
assets that use them), so the UI, the CLI and every run start fast.
"""

import dagster as dg

import assets.definitions
import pipelines.automation
import quality_checks.definitions
import reports.definitions
from pipelines.resources import build_resources

defs = dg.Definitions.merge(
    assets.definitions.defs,
    quality_checks.definitions.defs,
    reports.definitions.defs,
    pipelines.automation.defs,
    dg.Definitions(resources=build_resources()),
)
