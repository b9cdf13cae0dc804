"""`pmon demo`: the whole weekly job on a bundled synthetic sample, end to end.

The sample is the same every day (sample_data.demo: fixed reference week 2026-W47, seed, story),
so are its figures. The weeks before the latest load in one ranged run; then, as on a Monday,
a district's correction of the week before arrives and the latest week runs with it (restating
the earlier week), and the latest week's reports are rendered.
"""

from __future__ import annotations

import argparse

HELP = "Generate the fixed sample inbox (to 2026-W47), run the weekly job, leave the reports."


def configure(parser: argparse.ArgumentParser) -> None:
    # defaults resolved in run(): importing the generator here would slow every `pmon --help`
    parser.add_argument(
        "--weeks", type=int, help="weeks of sample data, ending with 2026-W47 (default 13)"
    )
    parser.add_argument("--seed", type=int, help="generator seed (default 7)")


def run(args: argparse.Namespace) -> int:
    import sys

    from core import settings
    from sample_data import demo

    weeks = demo.WEEKS if args.weeks is None else args.weeks
    seed = demo.SEED if args.seed is None else args.seed
    if weeks < 2:
        print("pmon demo: --weeks must be at least 2 / 演示至少需要 2 周", file=sys.stderr)
        return 2
    results = run_demo(settings.data_dir(), weeks, seed, args.verbosity)
    return 1 if any(not r.success for r in results) else 0


def run_demo(base, weeks: int, seed: int, verbosity: str = "normal", reports: bool = True) -> list:
    """Everything `pmon demo` does in the data dir `base`; the Dagster runs' results. `reports`
    False leaves out the report run (the figures are the same)."""
    from core import settings
    from pipelines import launch as runner
    from pmon.outcomes import summarise
    from sample_data import demo

    runner.use_project_instance(base)
    summary = demo.generate_demo(base, weeks=weeks, seed=seed)
    described = str(summary).replace("(manifest.json)", f"(<data dir>/{demo.MANIFEST})")
    print(f"sample data (as of {demo.AS_OF}, targets: catalog/{_overlay()}): {described}")
    loudness = {"verbosity": verbosity}
    earlier, latest = summary.weeks[:-1], summary.weeks[-1]
    # the weeks before the latest load without a line per step (-v shows them): the console is
    # for the Monday run, whose steps show
    print(f"loading {earlier[0]}..{earlier[-1]} ({len(earlier)} weeks) ...", flush=True)
    quiet = {"verbosity": "quiet" if verbosity == "normal" else verbosity}
    results = runner.run_backfill(earlier, selection="not group:reports", **quiet)
    if all(r.success for r in results):
        for rel in demo.deliver_corrections(base, summary):
            print(f"correction delivered: {rel}")
        print(f"the Monday run: {latest}, with the correction of {summary.weeks[-2]}", flush=True)
        results += runner.run_backfill(
            summary.weeks[-2:], selection="not group:reports", **loudness
        )
        if reports:
            results += runner.run_weeks([latest], selection="group:reports", **loudness)
    summarise(results, base)
    failed = [r for r in results if not r.success]
    print(f"{len(results) - len(failed)} of {len(results)} Dagster runs succeeded")
    latest_dir = settings.reports_dir(base) / latest
    for kind in ("brief", "report"):  # the leadership brief first
        written = sorted(latest_dir.glob(f"*_{kind}_*"))
        if written:
            kinds = sorted({p.suffix.lstrip(".") for p in written})
            print(f"{kind}: {len(written)} files ({', '.join(kinds)}) in {latest_dir}")
            print(f"  e.g. {latest_dir / f'{latest}_{kind}_internal_zh.pdf'}")
    return results


def _overlay() -> str:
    from core.catalog import DEMO_OVERLAY

    return DEMO_OVERLAY
