"""What an ingest step checks before it loads anything: the PII key and the inbox's anomalies.

One call from each source's asset (`guard_intake`), so the loader itself stays about loading.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from assets.ingest import inbox as inbox_listing
from core.contract import source_names
from core.pii_key import PiiKeyMismatch, require_key


def guard_intake(context, conn, inbox: Path, key: bytes, source: str) -> None:
    """Refuse a changed PII key (fails the step with how to rotate); record and warn about
    everything in the inbox that will not be read (this source's, and the inbox's top level
    once, under the contract's first source)."""
    try:
        require_key(conn, key)
    except PiiKeyMismatch as exc:
        raise dg.Failure(description=f"PMON_PII_KEY 与仓库不符 / {exc}") from None
    items = inbox_listing.misfiled(inbox, source)
    inbox_listing.record(conn, items, source)
    first = source_names()[0] == source
    for item in items:
        if first or not inbox_listing.top_level(item):
            context.log.warning(f"inbox/{item.path}: {item.problem}")
