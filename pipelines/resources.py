"""Resources of the code location, resolved when a run starts, never when definitions load."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from core import settings
from core.resources import DataDirResource, WarehouseResource


def build_resources(base: Path | None = None) -> dict[str, dg.ConfigurableResource]:
    """Resources for a data dir (tests pass a temp dir); without one they read the environment
    at run time (`PMON_DATA_DIR`, `PMON_WAREHOUSE`), so importing the code location has no effect."""
    if base is None:
        return {
            "warehouse": WarehouseResource(database=dg.EnvVar("PMON_WAREHOUSE")),
            "data_dir": DataDirResource(path=dg.EnvVar("PMON_DATA_DIR")),
        }
    return {
        "warehouse": WarehouseResource(database=str(settings.warehouse_path(base))),
        "data_dir": DataDirResource(path=str(base)),
    }
