"""Moving a warehouse's hashed personal data to a new PII key.

An HMAC cannot be inverted, and the warehouse keeps no clear identity number, so a hash can be
recomputed only from the delivered file its row came from. Those files stay in the inbox: every
file whose rows are loaded (`meta.load_log`, outcome loaded/corrected) is read again, its PII
values hashed under the old and the new key, and every `*_hash` value in the warehouse replaced
old -> new in one transaction. If a loaded file is gone from the inbox or changed, or a stored
hash has no counterpart, nothing is changed and the reason is returned: such a warehouse can only
be rebuilt from the deliveries still held (README, Personal data).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from assets.ingest.load import file_sha256
from assets.ingest.reading import Rejected, read_table
from assets.ingest.rules import conform, pii_name
from core.contract import load_contract
from core.pii_key import PiiKeyMismatch, fingerprint, record, stored_fingerprint

_LIVE_FILES = """
select source, week, source_file, file_sha256 from (
    select *, row_number() over (partition by source, source_file order by loaded_at desc) as n
    from meta.load_log where outcome <> 'unchanged'
) where n = 1 and outcome in ('loaded', 'corrected') order by source, source_file
"""


class RekeyRefused(Exception):
    """The rotation cannot be done exactly; nothing was changed."""


@dataclass(frozen=True)
class Rotation:
    files: int
    hashes: int
    columns: int


def _pairs(
    inbox: Path, source: str, week, rel: str, sha: str, old: bytes, new: bytes
) -> pl.DataFrame:
    """(old hash, new hash) for every PII value of one loaded file."""
    path = inbox / rel
    if not path.is_file() or file_sha256(path.read_bytes()) != sha:
        raise RekeyRefused(f"inbox/{rel} is gone or changed since it was loaded")
    spec = load_contract().sources[source]
    try:
        table = read_table(path, spec, inbox=inbox)
    except Rejected as exc:
        raise RekeyRefused(f"inbox/{rel} cannot be read again: {exc}") from None
    before = conform(table.frame, spec, week, None, old).raw
    after = conform(table.frame, spec, week, None, new).raw
    columns = [pii_name(n, spec.columns[n]) for n in spec.pii_columns]
    return pl.concat(
        [pl.DataFrame({"old": before[c], "new": after[c]}) for c in columns],
        how="vertical",
    ).drop_nulls()


def _hash_columns(conn) -> list[tuple[str, str, str]]:
    return conn.execute(
        "select c.table_schema, c.table_name, c.column_name from information_schema.columns c "
        "join information_schema.tables t using (table_schema, table_name) "
        "where t.table_type = 'BASE TABLE' and c.data_type = 'VARCHAR' "
        "and c.column_name like '%\\_hash' escape '\\'"
    ).fetchall()


def rotate(conn, inbox: Path, old: bytes, new: bytes) -> Rotation:
    """Rehash every hashed column from the inbox's deliveries, old key -> new key, atomically."""
    stored = stored_fingerprint(conn)
    if stored is not None and stored != fingerprint(old):
        raise PiiKeyMismatch(
            "the current PMON_PII_KEY is not the key this warehouse was loaded with"
        )
    files = conn.execute(_LIVE_FILES).fetchall()
    parts = [_pairs(inbox, s, w, rel, sha, old, new) for s, w, rel, sha in files]
    mapping = (
        pl.concat(parts).unique()
        if parts
        else pl.DataFrame(schema={"old": pl.Utf8, "new": pl.Utf8})
    )
    columns = _hash_columns(conn)
    conn.register("__rekey", mapping.to_arrow())
    conn.execute("begin transaction")
    try:
        for schema, table, column in columns:
            (orphans,) = conn.execute(
                f'select count(*) from "{schema}"."{table}" t where t."{column}" is not null '
                f'and not exists (select 1 from __rekey m where m.old = t."{column}")'
            ).fetchone()
            if orphans:
                raise RekeyRefused(
                    f"{orphans} value(s) of {schema}.{table}.{column} come from no delivery still "
                    "in the inbox"
                )
            conn.execute(
                f'update "{schema}"."{table}" t set "{column}" = m.new from __rekey m '
                f'where t."{column}" = m.old'
            )
        record(conn, new, "rotated by pmon rotate-key")
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    finally:
        conn.unregister("__rekey")
    return Rotation(len(files), mapping.height, len(columns))
