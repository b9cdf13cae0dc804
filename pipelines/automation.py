"""Jobs, schedules and sensors."""

import dagster as dg

defs = dg.Definitions()
