"""`pmon retract FILE`: withdraw a delivered file's rows on request, then restate its weeks.

A file removed from the inbox keeps its rows (the run only warns): withdrawing data is a decision,
so it takes this explicit command. It is recorded in `meta.load_log` (outcome `retracted`) and
`meta.week_changes`, and the weekly job runs for the file's week, which restates every computed
week that depended on the rows (`marts.restatements` says why).
"""

from __future__ import annotations

import argparse
import sys

HELP = (
    "Withdraw a loaded file's rows (as named in meta.load_log) and restate the weeks they touched."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", help="the file as the inbox names it, e.g. training/2026-W47/haidian.csv"
    )
    parser.add_argument(
        "--no-run", action="store_true", help="record the retraction only; the next run restates"
    )


def _inbox_relative(name: str) -> str:
    """Accept the inbox-relative name, or a path inside the inbox."""
    from pathlib import Path

    from core import settings

    path = Path(name).expanduser()
    inbox = settings.inbox_dir().resolve()
    if path.is_absolute() or path.exists():
        try:
            return path.resolve().relative_to(inbox).as_posix()
        except ValueError:
            pass
    return Path(name).as_posix()


def run(args: argparse.Namespace) -> int:
    from pipelines import launch as runner

    runner.use_project_instance()
    import duckdb

    from assets.ingest.load import NotLoaded, retract_file
    from core import settings
    from core.partitions import partition_key

    rel = _inbox_relative(args.file)
    try:
        with duckdb.connect(str(settings.warehouse_path())) as conn:
            week, weeks = retract_file(conn, rel)
    except NotLoaded:
        print(
            f"pmon retract: 仓库中没有该文件的已加载数据 / no loaded rows for {rel} "
            "(name it as meta.load_log does, e.g. training/2026-W47/haidian.csv)",
            file=sys.stderr,
        )
        return 2
    touched = ", ".join(sorted(partition_key(w) for w in weeks)) or "none"
    print(f"retracted {rel}: rows of week(s) {touched} withdrawn")
    if args.no_run:
        return 0
    from pmon.outcomes import summarise

    results = runner.run_backfill([partition_key(week)], verbosity=args.verbosity)
    summarise(results, settings.data_dir())
    return 0 if all(r.success for r in results) else 1
