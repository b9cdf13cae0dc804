"""Resources every asset shares: the DuckDB warehouse and the data directory."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import settings


class DataDirResource(dg.ConfigurableResource):
    """The runtime data directory: inbox, reports and the PII key live under it."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)

    @property
    def inbox(self) -> Path:
        return settings.inbox_dir(self.root)

    @property
    def reports(self) -> Path:
        return settings.reports_dir(self.root)

    def pii_key(self) -> bytes:
        return settings.pii_key(self.root)


def build_resources(base: Path | None = None) -> dict[str, dg.ConfigurableResource]:
    """Resources for a data dir; tests pass a temp dir, the deployed code location the default."""
    base = base or settings.data_dir()
    return {
        "warehouse": DuckDBResource(database=str(settings.warehouse_path(base))),
        "data_dir": DataDirResource(path=str(base)),
    }
