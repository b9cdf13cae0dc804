"""`pmon check FILE --source NAME [--week YYYY-Www]`: a clerk's pre-check before delivering a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "Pre-check a file against the contract and its suite without touching the warehouse."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="the CSV or XLSX file to check")
    parser.add_argument(
        "--source", required=True, help="which source it is (a source of catalog/contract.yaml)"
    )
    parser.add_argument(
        "--week", help="reporting week (2026-W47 or a date); default: the file's week folder"
    )
    parser.add_argument("--limit", type=int, default=50, help="problems to list (default 50)")


def _pii_key() -> bytes:
    """Hashes are never shown, so any key will do when none is configured; never create a file."""
    import os

    return os.environ.get("PMON_PII_KEY", "pmon-check-local").encode("utf-8")


def run(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"pmon check: no such file: {args.file}", file=sys.stderr)
        return 2
    from core.contract import source_names
    from core.partitions import week_monday
    from quality_checks.precheck import precheck, render

    if args.source not in source_names():
        known = ", ".join(source_names())
        print(
            f"pmon check: 未知来源 unknown source {args.source!r} (one of: {known})",
            file=sys.stderr,
        )
        return 2

    try:
        week = week_monday(args.week) if args.week else None
    except ValueError:
        print(
            f"pmon check: not a week: {args.week!r} (use 2026-W47 or 2026-11-16)", file=sys.stderr
        )
        return 2
    result = precheck(args.file, args.source, week, _pii_key())
    print(render(result, args.limit))
    return 0 if result.ok else 1
