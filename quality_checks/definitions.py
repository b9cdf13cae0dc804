"""Validation's definitions: each staging asset's blocking contract check and warning checks.

Great Expectations is not imported here; it loads inside the checks when they run.
"""

import dagster as dg

from quality_checks.checks import quality_checks

defs = dg.Definitions(asset_checks=quality_checks)
