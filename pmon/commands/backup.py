"""`pmon backup DIR` and `pmon restore BACKUP`: the warehouse and the inbox, kept and brought back.

A backup is a folder `DIR/<YYYYmmdd-HHMMSS>/` holding every base table of the warehouse as
Parquet with its CREATE statement (taken from one read-only connection, so consistent, while runs
wait or go on; views are not kept: a restore recreates them from the code, which is what defines
them),
a copy of the inbox (the deliveries themselves: with them and the PII key any week can be
recomputed), and `manifest.json` (row counts per table, for a restore to check). The PII key is
never written into a backup: it belongs in the secret store, backed up there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
from pathlib import Path

HELP = "Back up the warehouse and the inbox to a folder (restore with pmon restore)."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", type=Path, help="backups folder (a dated subfolder is made)")


def table_counts(conn) -> dict[str, int]:
    """Rows per base table, schema-qualified: what a restore must give back."""
    tables = conn.execute(
        "select schema_name, table_name from duckdb_tables() where not temporary order by 1, 2"
    ).fetchall()
    return {
        f"{schema}.{table}": conn.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[
            0
        ]
        for schema, table in tables
    }


def backup(warehouse: Path, inbox: Path, target: Path) -> Path:
    folder = target / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True)
    tables = folder / "warehouse"
    tables.mkdir()
    from core.resources import connect_waiting

    # read-only, waiting out a writer; file writes stay allowed for the export
    with connect_waiting(str(warehouse), wait_seconds=600, read_only=True) as conn:
        counts = table_counts(conn)
        ddl = dict(
            conn.execute(
                "select schema_name || '.' || table_name, sql from duckdb_tables() "
                "where not temporary"
            ).fetchall()
        )
        for name in counts:
            schema, table = name.split(".")
            conn.execute(
                f'copy (select * from "{schema}"."{table}") to \'{tables / name}.parquet\' '
                "(format parquet)"
            )
    if inbox.is_dir():
        shutil.copytree(inbox, folder / "inbox", symlinks=False)
    manifest = {
        "taken_at": dt.datetime.now().isoformat(timespec="seconds"),
        "tables": counts,
        "ddl": ddl,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def run(args: argparse.Namespace) -> int:
    from core import settings
    from pmon.errors import UserError

    warehouse = settings.warehouse_path()
    if not warehouse.exists():
        raise UserError(f"no warehouse at {warehouse}: nothing to back up", 1)
    if args.target.resolve().is_relative_to(settings.data_dir()):
        raise UserError("back up outside the data dir (a lost disk would take both)")
    folder = backup(warehouse, settings.inbox_dir(), args.target)
    tables = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["tables"]
    print(f"{folder}: {len(tables)} tables, {sum(tables.values()):,} rows, inbox copied")
    print("the PII key is not in the backup: keep it in your secret store")
    return 0
