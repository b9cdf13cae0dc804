"""`pmon rotate-key`: move the warehouse's hashed personal data to a new PII key.

The new key comes from the environment (`PMON_NEW_PII_KEY`), never the command line, so it
stays out of shell history and process lists.
"""

from __future__ import annotations

import argparse
import os

HELP = (
    "Rehash every hashed identity number and phone with a new key (PMON_NEW_PII_KEY), "
    "from the deliveries still in the inbox."
)
NEW_KEY_VARIABLE = "PMON_NEW_PII_KEY"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "HMAC cannot be inverted and the warehouse keeps no clear value: every loaded file "
        "must still be in the inbox, unchanged. Nothing changes unless all hashes can be redone."
    )


def run(args: argparse.Namespace) -> int:
    from pmon.errors import UserError

    new = os.environ.get(NEW_KEY_VARIABLE, "").encode("utf-8")
    if len(new) < 16:
        raise UserError(f"set {NEW_KEY_VARIABLE} to the new key (at least 16 characters)")
    import duckdb

    from assets.ingest.rekey import RekeyRefused, rotate
    from core import settings
    from core.pii_key import PiiKeyMismatch

    old = settings.pii_key()
    if old == new:
        raise UserError(f"{NEW_KEY_VARIABLE} is the key in use; nothing to rotate")
    warehouse = settings.warehouse_path()
    if not warehouse.is_file():
        raise UserError(f"no warehouse at {warehouse}; set PMON_PII_KEY to the new key and run")
    with duckdb.connect(str(warehouse)) as conn:
        try:
            done = rotate(conn, settings.inbox_dir(), old, new)
        except (RekeyRefused, PiiKeyMismatch) as exc:
            raise UserError(
                f"key not rotated, nothing changed: {exc}. Restore the deliveries, or rebuild: "
                "move the warehouse aside, set PMON_PII_KEY to the new key, `pmon run --all`"
            ) from None
    _store_key_file(new)
    print(
        f"rotated: {done.hashes} hashed value(s) in {done.columns} column(s) from {done.files} "
        f"file(s); from now on set PMON_PII_KEY to the new key (the old one no longer loads)"
    )
    return 0


def _store_key_file(new: bytes) -> None:
    """When the key lives in the data dir's key file (no PMON_PII_KEY), the file gets the new key."""
    from core import settings

    if os.environ.get("PMON_PII_KEY"):
        return
    key_file = settings.data_dir() / ".pii_key"
    key_file.write_text(new.decode("utf-8"), encoding="utf-8")
    key_file.chmod(0o600)
