"""`pmon generate`: a realistic synthetic inbox (districts' weekly deliveries), optionally dirty."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

HELP = "Write realistic synthetic weekly deliveries into an inbox (optionally with defects)."
SCALES = ("small", "beijing", "national")
FORMATS = ("csv", "csv-gb18030", "xlsx")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scale", choices=SCALES, default="small", help="small (demo), beijing, national"
    )
    parser.add_argument("--weeks", type=int, default=12, help="weeks of deliveries (default 12)")
    parser.add_argument(
        "--start",
        help="first week's Monday (YYYY-MM-DD); default: end with the last complete week "
        "(pmon demo instead ends at a fixed week)",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--out", type=Path, help="output inbox (default <data dir>/inbox)")
    parser.add_argument(
        "--dirty", type=float, default=0.0,
        help="share of rows given a defect; > 0 also injects every file-level defect and writes manifest.json",
    )  # fmt: skip
    parser.add_argument(
        "--formats",
        default=",".join(FORMATS),
        help="formats districts may use (default: csv,csv-gb18030,xlsx)",
    )


def _fail(message: str) -> int:
    print(f"pmon generate: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        return _fail(f"unknown format(s) {', '.join(unknown) or '(none)'}; use {','.join(FORMATS)}")
    if args.weeks < 1:
        return _fail("--weeks must be at least 1")
    if not 0 <= args.dirty <= 1:
        return _fail("--dirty is a rate between 0 and 1")
    start = None
    if args.start:
        try:
            start = dt.date.fromisoformat(args.start)
        except ValueError:
            return _fail(f"--start {args.start!r} is not a date (YYYY-MM-DD)")
        if start.weekday() != 0:
            return _fail(f"--start {start} is a {start:%A}; give a Monday")
    from core import settings
    from sample_data import generate
    from sample_data.demo import mark_sample_data

    out = args.out or settings.inbox_dir()
    summary = generate(
        out, scale=args.scale, weeks=args.weeks, start=start, seed=args.seed,
        dirty=args.dirty, formats=formats,
    )  # fmt: skip
    if out.resolve().name == "inbox":  # a data dir's inbox: the data dir now holds sample data
        mark_sample_data(out.resolve().parent, args.scale)
    print(summary)
    return 0
