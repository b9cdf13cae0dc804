"""Ingestion alone, as the ingest assets run it (every source-week through `load_week`, oldest
first, into one fresh warehouse), without Dagster: seconds, files per second, rows.

    python -m benchmark.ingest INBOX WAREHOUSE [WEEKS] [--profile OUT.html]

Used to measure ingestion before and after a change on the same generated inbox, back to back.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def measure_ingest(inbox: Path, database: Path, weeks: int | None = None) -> dict:
    import duckdb

    from assets.ingest.load import load_week
    from assets.ingest.warehouse import ensure_warehouse
    from core.contract import load_contract
    from core.partitions import week_monday

    folders = sorted({p.name for p in inbox.glob("*/*-W*") if p.is_dir()})[:weeks]
    database.unlink(missing_ok=True)
    files = rows = 0
    with duckdb.connect(str(database)) as conn:
        ensure_warehouse(conn)
        started = time.perf_counter()
        for name in load_contract().names:
            for folder in folders:  # oldest first, as the ingest asset does
                load = load_week(conn, inbox, name, week_monday(folder), b"bench-only-pii-key")
                files += len(load.files)
                rows += load.total("rows_loaded")
        seconds = time.perf_counter() - started
    return {
        "weeks": len(folders),
        "files": files,
        "rows_loaded": rows,
        "seconds": round(seconds, 3),
        "files_per_second": round(files / seconds, 1),
        "rows_per_second": round(rows / seconds),
    }


def main(argv: list[str]) -> None:
    inbox, database, *rest = argv
    profile = None
    if "--profile" in rest:
        profile = Path(rest.pop(rest.index("--profile") + 1))
        rest.remove("--profile")
    weeks = int(rest[0]) if rest else None
    if profile:
        from pyinstrument import Profiler

        with Profiler() as profiler:
            result = measure_ingest(Path(inbox), Path(database), weeks)
        profile.write_text(profiler.output_html())
        print(profiler.output_text(unicode=False, color=False, show_all=False)[:6000])
    else:
        result = measure_ingest(Path(inbox), Path(database), weeks)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
