"""Definitions of this asset group."""

import dagster as dg

defs = dg.Definitions()
