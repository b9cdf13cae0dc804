"""Ingestion's definitions: one staging asset per source of the contract."""

import dagster as dg

from assets.ingest.assets import ingest_assets

defs = dg.Definitions(assets=ingest_assets)
