"""The PII key's fingerprint: a warehouse remembers which key hashed its personal data.

Hashes made under one `PMON_PII_KEY` never match hashes made under another, so a changed key
silently breaks every join across weeks (a worker trained under the old key is "untrained"
under the new one). The first load stores a keyed fingerprint of the key in `meta.pii_key`; a
load under another key is refused. The fingerprint is an HMAC of a fixed label, so it reveals
nothing about the key and cannot be used to hash identity numbers.
"""

from __future__ import annotations

import datetime as dt
import hmac

FINGERPRINT_LABEL = b"pmon/pii-key-fingerprint/v1"
ROTATE_HINT = (
    "the warehouse's personal data was hashed with another PMON_PII_KEY; restore the key it was "
    "loaded with, or move to the new key with `pmon rotate-key` (README, Personal data)"
)


class PiiKeyMismatch(Exception):
    """The key given is not the key the warehouse's hashes were made with."""


def fingerprint(key: bytes) -> str:
    """A keyed fingerprint of the key (HMAC-SHA-256 of a fixed label), hex."""
    return hmac.digest(key, FINGERPRINT_LABEL, "sha256").hex()


def ensure_table(conn) -> None:
    conn.execute("create schema if not exists meta")
    conn.execute(
        "create table if not exists meta.pii_key ("
        "fingerprint varchar not null, recorded_at timestamp not null, note varchar)"
    )


def stored_fingerprint(conn) -> str | None:
    """The fingerprint of the key in use (the latest recorded), None before the first load."""
    ensure_table(conn)
    row = conn.execute(
        "select fingerprint from meta.pii_key order by recorded_at desc limit 1"
    ).fetchone()
    return row[0] if row else None


def record(conn, key: bytes, note: str) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    conn.execute("insert into meta.pii_key values (?, ?, ?)", [fingerprint(key), now, note])


def require_key(conn, key: bytes) -> None:
    """Record the key's fingerprint at the first load; refuse any other key afterwards."""
    stored = stored_fingerprint(conn)
    if stored is None:
        record(conn, key, "first load")
    elif not hmac.compare_digest(stored, fingerprint(key)):
        raise PiiKeyMismatch(ROTATE_HINT)
