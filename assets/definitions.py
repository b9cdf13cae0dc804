"""The asset layer's definitions: ingestion and indicators hand theirs up here."""

import dagster as dg

import assets.indicators.definitions
import assets.ingest.definitions

defs = dg.Definitions.merge(
    assets.ingest.definitions.defs,
    assets.indicators.definitions.defs,
)
