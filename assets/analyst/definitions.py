"""The analyst layer hands up the asset that (re)creates its documented views."""

import dagster as dg

from assets.analyst.views import analyst_views

defs = dg.Definitions(assets=[analyst_views])
