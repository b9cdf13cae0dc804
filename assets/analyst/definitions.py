"""The analyst layer hands up the public indicator table and the asset that (re)creates its
documented views and the analyst database."""

import dagster as dg

from assets.analyst.views import analyst_views, indicator_public

# indicator_public is the indicator layer's disclosure step; it is handed up here, beside the
# views that read it, so the indicator runner stays as it is
defs = dg.Definitions(assets=[indicator_public, analyst_views])
