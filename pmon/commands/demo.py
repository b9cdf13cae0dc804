"""`pmon demo`: the whole weekly job on a bundled synthetic sample, end to end."""

from __future__ import annotations

import argparse

HELP = "Generate a small synthetic inbox, run the weekly job over it, and leave the reports."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--weeks", type=int, default=8, help="weeks of sample data (default 8)")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")


def run(args: argparse.Namespace) -> int:
    from core import settings
    from pipelines import launch as runner
    from sample_data import generate

    base = settings.data_dir()
    runner.use_project_instance(base)
    summary = generate(settings.inbox_dir(base), scale="small", weeks=args.weeks, seed=args.seed)
    print(f"sample data: {summary}")
    # one ranged run loads and computes every week; the report is rendered for the latest only
    from pmon.outcomes import summarise

    loudness = {"verbosity": args.verbosity}
    results = runner.run_backfill(summary.weeks, selection="not group:reports", **loudness)
    results += runner.run_weeks(summary.weeks[-1:], selection="group:reports", **loudness)
    summarise(results, base)
    failed = [r for r in results if not r.success]
    latest = settings.reports_dir(base) / summary.weeks[-1]
    print(f"{len(results) - len(failed)} of {len(results)} Dagster runs succeeded")
    for kind in ("brief", "report"):  # the leadership brief first
        for path in sorted(latest.glob(f"*_{kind}_*")):
            print(f"{kind}: {path}")
    return 1 if failed else 0
