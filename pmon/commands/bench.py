"""`pmon bench`: the weekly job against the floor of DuckDB alone, on the same files."""

from __future__ import annotations

import argparse

FULL_YEAR = 52
HELP = "Benchmark the pipeline against DuckDB alone on generated data; writes bench.json."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scale", choices=("small", "beijing", "national"), default="beijing")
    parser.add_argument(
        "--weeks",
        type=int,
        default=FULL_YEAR,
        help="weeks of backfill (default 52; only 52 updates benchmarks/)",
    )


def run(args: argparse.Namespace) -> int:
    import json

    from benchmark.run import BenchFailed, render_table, run_bench
    from core import settings
    from pmon.errors import UserError

    try:
        result = run_bench(args.scale, args.weeks)
    except BenchFailed as failed:  # no figure from a run that did not finish: exit 1, no file
        raise UserError(
            f"基准测试失败，未写出结果 / benchmark failed, no figures written: {failed}", 1
        ) from failed
    print(render_table(result))
    text = json.dumps(result, indent=2, default=str)
    # the data dir keeps the run; benchmarks/ in the repository keeps each scale's latest
    # figures of the full year the targets are set for, never a shorter trial run's
    targets = [settings.data_dir() / "bench.json"]
    if args.weeks == FULL_YEAR:
        targets.append(settings.PROJECT_ROOT / "benchmarks" / f"{args.scale}.json")
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text + "\n", encoding="utf-8")
        print(f"written: {target}")
    return 0
