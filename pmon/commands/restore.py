"""`pmon restore BACKUP`: bring a `pmon backup` folder back as the data dir's warehouse and inbox.

The restored warehouse is imported into a new file beside the old one, checked against the
backup's row counts, and only then moved into place; an existing warehouse is kept aside, never
overwritten. Restore with the same PII key the backup was taken under.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

HELP = "Restore a pmon backup folder (warehouse and inbox) into the data dir."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("backup", type=Path, help="a folder made by pmon backup")


def recreate_views(conn) -> None:
    """The views, from the code that defines them: the loader's and the analyst schema's."""
    from assets.analyst.views import create_views
    from assets.ingest.warehouse import ensure_warehouse

    ensure_warehouse(conn)
    create_views(conn)


def restore(folder: Path, warehouse: Path, inbox: Path) -> dict[str, int]:
    import duckdb

    from pmon.commands.backup import table_counts
    from pmon.errors import UserError

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    expected = manifest["tables"]
    fresh = warehouse.with_name(warehouse.name + ".restoring")
    fresh.unlink(missing_ok=True)
    with duckdb.connect(str(fresh)) as conn:
        for name, create in manifest["ddl"].items():
            schema, table = name.split(".")
            conn.execute(f'create schema if not exists "{schema}"')
            conn.execute(create)
            parquet = folder / "warehouse" / f"{name}.parquet"
            conn.execute(f'insert into "{schema}"."{table}" select * from \'{parquet}\'')
        recreate_views(conn)
        counts = table_counts(conn)
    if counts != expected:
        fresh.unlink()
        raise UserError(f"{folder}: the restored tables do not match its manifest; not restored", 1)
    if warehouse.exists():
        warehouse.rename(warehouse.with_name(warehouse.name + ".before-restore"))
    fresh.rename(warehouse)
    if (folder / "inbox").is_dir():
        shutil.copytree(folder / "inbox", inbox, dirs_exist_ok=True)
    return counts


def run(args: argparse.Namespace) -> int:
    from core import settings
    from pmon.errors import UserError

    if not (args.backup / "manifest.json").is_file():
        raise UserError(f"{args.backup} is not a pmon backup (no manifest.json)")
    base = settings.data_dir()
    counts = restore(args.backup, settings.warehouse_path(), settings.inbox_dir(base))
    print(f"restored {len(counts)} tables, {sum(counts.values()):,} rows into {base}")
    print("the previous warehouse, if any, is kept as warehouse.duckdb.before-restore")
    return 0
