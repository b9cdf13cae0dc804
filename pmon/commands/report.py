"""`pmon report`: render the week's implementation report from the warehouse, read-only."""

from __future__ import annotations

import argparse

HELP = "Render the implementation report (HTML, PDF, XLSX; Chinese or English) for a week."


def _csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--week", required=True, help="ISO week (2026-W47) or any date in it (2026-11-16)"
    )
    parser.add_argument(
        "--format", default="html,pdf,xlsx", type=_csv, help="comma list of html,pdf,xlsx"
    )
    parser.add_argument("--lang", default="zh", type=_csv, help="zh (default), en, or zh,en")
    parser.add_argument(
        "--out", default=None, help="output folder (default <data dir>/reports/<week>)"
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    import duckdb

    from core import settings
    from core.partitions import week_monday
    from reports.render import render_reports, report_dir

    try:
        monday = week_monday(args.week)
    except ValueError:
        print(f"--week {args.week!r}: give an ISO week like 2026-W47 or a date like 2026-11-16")
        return 2
    base = settings.data_dir()
    warehouse = settings.warehouse_path(base)
    if not warehouse.exists():
        print(f"no warehouse at {warehouse}: run the weekly job first (pmon run or pmon demo)")
        return 1
    out_dir = Path(args.out) if args.out else report_dir(settings.reports_dir(base), monday)
    try:
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            written = render_reports(conn, monday, out_dir, langs=args.lang, formats=args.format)
    except ValueError as exc:
        print(exc)
        return 2
    for path, facts in written.items():
        extra = f", {facts['pages']} pages" if "pages" in facts else ""
        print(f"{path} ({facts['bytes']:,} bytes{extra})")
    return 0
