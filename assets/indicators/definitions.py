"""The indicator layer hands up its marts."""

import dagster as dg

from assets.indicators.assets import indicator_marts

defs = dg.Definitions(assets=[indicator_marts])
