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
        "--force", action="store_true", help="run even the weeks with nothing new in the inbox"
    )
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


def weeks_with_news(keys: list[str]) -> tuple[list[str], list[str]]:
    """Split weeks into those whose inbox differs from what the warehouse loaded (a new, changed
    or removed file) or that have no figures yet, and those with nothing new since their run."""
    import duckdb

    from core import settings
    from core.partitions import partition_key
    from pipelines.sensors import _sha256, inbox_files, loaded_contents

    warehouse = settings.warehouse_path()
    loaded = loaded_contents(warehouse)
    try:
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            computed = {
                w.isoformat()
                for (w,) in conn.execute(
                    "select distinct week from marts.indicator_weekly"
                ).fetchall()
            }
    except duckdb.Error:
        computed = set()
    on_disk: dict[str, dict[str, str]] = {}
    wanted = set(keys)
    for rel, (key, path) in inbox_files(settings.inbox_dir()).items():
        if key in wanted:  # hash only the weeks asked for
            on_disk.setdefault(key, {})[rel] = _sha256(path)
    loaded_by_week: dict[str, dict[str, str]] = {}
    for rel, sha in loaded.items():
        folder = rel.split("/")[1] if rel.count("/") >= 2 else ""
        try:
            loaded_by_week.setdefault(partition_key(folder), {})[rel] = sha
        except ValueError:
            continue
    news = [k for k in keys if k not in computed or on_disk.get(k, {}) != loaded_by_week.get(k, {})]
    return news, [k for k in keys if k not in news]


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
    from core.partitions import iso_week
    from pmon.outcomes import summarise

    if not args.force and not args.select:
        keys, unchanged = weeks_with_news(keys)
        for key in unchanged:
            print(
                f"{iso_week(key)}: nothing new in the inbox since its last run; figures unchanged"
            )
        if not keys:
            print("nothing to run (pmon run --force re-runs anyway)")
            return 0
    results = runner.run_backfill(keys, selection=args.select, verbosity=args.verbosity)
    summarise(results, settings.data_dir())
    return 0 if all(r.success for r in results) else 1
