"""`pmon run --week W | --from W --to W | --all`: the weekly job as real Dagster runs."""

from __future__ import annotations

import argparse
import sys

HELP = "Run the weekly job for a week, a range of weeks or every week (runs show in the UI)."


def configure(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--week", help="one week: ISO week (2026-W47) or any date in it")
    which.add_argument("--from", dest="start", help="first week of a range (with --to)")
    which.add_argument(
        "--all", action="store_true", help="every complete week with files in the inbox"
    )
    parser.add_argument("--to", dest="end", help="last week of the range (default: last week)")
    parser.add_argument(
        "--select",
        help="Dagster asset selection, e.g. 'not group:reports' (default: every asset)",
    )


def _delivered_weeks(known: list[str]) -> list[str]:
    """The complete weeks whose inbox folders hold a delivered file: `--all` runs only these."""
    from core import settings
    from pipelines.sensors import inbox_files

    delivered = {key for key, _ in inbox_files(settings.inbox_dir()).values()}
    keys = [key for key in known if key in delivered]
    if not keys:
        raise ValueError(f"no delivered files in {settings.inbox_dir()}")
    return keys


def _weeks(args: argparse.Namespace) -> list[str]:
    """Partition keys of the requested weeks; ValueError with a readable message otherwise."""
    from core.partitions import partition_key, weekly_partitions

    known = weekly_partitions.get_partition_keys()
    if args.week:
        keys = [partition_key(args.week)]
    elif args.all:
        keys = _delivered_weeks(known)
    else:
        start = partition_key(args.start)
        end = partition_key(args.end) if args.end else known[-1]
        keys = [key for key in known if start <= key <= end]
        if not keys:
            raise ValueError(f"no complete week between {start} and {end}")
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ValueError(
            f"week {unknown[0]} is not a reporting week yet (first {known[0]}, last {known[-1]})"
        )
    return keys


def run(args: argparse.Namespace) -> int:
    if args.end and not args.start:
        print("pmon run: --to needs --from", file=sys.stderr)
        return 2
    from pipelines import launch as runner

    runner.use_project_instance()  # before Definitions load: their resources read the data dir
    try:
        keys = _weeks(args)
    except ValueError as error:
        hint = "" if args.all else " (use 2026-W47 or 2026-11-16)"
        print(f"pmon run: {error}{hint}", file=sys.stderr)
        return 2
    from core import settings
    from pmon.outcomes import summarise

    results = runner.run_backfill(keys, selection=args.select, verbosity=args.verbosity)
    summarise(results, settings.data_dir())
    return 0 if all(r.success for r in results) else 1
