"""The asset layer's definitions: ingestion, indicators and the analyst views hand theirs up here."""

import dagster as dg

import assets.analyst.definitions
import assets.indicators.definitions
import assets.ingest.definitions

defs = dg.Definitions.merge(
    assets.ingest.definitions.defs,
    assets.indicators.definitions.defs,
    assets.analyst.definitions.defs,
)
