"""What loading one delivered file did: shared by the loader and the change record."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FileOutcome:
    """One file's load attempt, as `meta.load_log` records it."""

    source_file: str
    file_sha256: str
    district_code: str | None
    outcome: str
    message: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_late: int = 0
