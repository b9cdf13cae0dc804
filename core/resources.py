"""The resource types assets ask for; the code location (`pipelines/resources.py`) binds them."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from core import settings


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
