"""The indicator layer hands up its marts."""

import dagster as dg

from assets.indicators.assets import indicator_marts
from assets.indicators.period_assets import indicator_periods

defs = dg.Definitions(assets=[indicator_marts, indicator_periods])
