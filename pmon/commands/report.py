"""`pmon report`: render the week's implementation report from the warehouse, read-only."""

from __future__ import annotations

import argparse

HELP = "Render the implementation report (HTML, PDF, XLSX; Chinese or English; internal or public edition) for a week."


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
        "--edition",
        default="internal",
        choices=("internal", "public", "both"),
        help="internal (default: staff, every figure, marked 内部资料), public "
        "(disclosure-controlled, for publication) or both",
    )
    parser.add_argument(
        "--out", default=None, help="output folder (default <data dir>/reports/<week>)"
    )


def _weeks_with_figures(conn) -> list:
    """The weeks the marts hold figures for; none when the indicators never ran."""
    import duckdb

    try:
        rows = conn.execute("select distinct week from marts.indicator_weekly order by week")
    except duckdb.CatalogException:
        return []
    return [week for (week,) in rows.fetchall()]


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    import duckdb

    from core import settings
    from core.partitions import iso_week, week_monday
    from pmon.errors import UserError
    from reports.render import render_reports, report_dir

    try:
        monday = week_monday(args.week)
    except ValueError:
        raise UserError(
            f"--week {args.week!r}: give an ISO week like 2026-W47 or a date like 2026-11-16"
        ) from None
    base = settings.data_dir()
    warehouse = settings.warehouse_path(base)
    if not warehouse.exists():
        raise UserError(f"no warehouse at {warehouse}: run `pmon run` or `pmon demo` first", 1)
    out_dir = Path(args.out) if args.out else report_dir(settings.reports_dir(base), monday)
    editions = ("internal", "public") if args.edition == "both" else (args.edition,)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        weeks = _weeks_with_figures(conn)
        if monday not in weeks:
            held = f"{iso_week(weeks[0])}..{iso_week(weeks[-1])}" if weeks else "none yet"
            raise UserError(
                f"no figures for {iso_week(monday)} (weeks with figures: {held}); "
                f"run `pmon run --week {iso_week(monday)}` first",
                1,
            )
        try:
            written = render_reports(
                conn, monday, out_dir, langs=args.lang, formats=args.format, editions=editions
            )
        except ValueError as exc:
            raise UserError(str(exc)) from None
    for path, facts in written.items():
        extra = f", {facts['pages']} pages" if "pages" in facts else ""
        print(f"{path} ({facts['bytes']:,} bytes{extra})")
    return 0
