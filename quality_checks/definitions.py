"""This layer's Dagster definitions, merged by pipelines.definitions."""

import dagster as dg

defs = dg.Definitions()
