"""`pmon report`: render a period's brief and report from the warehouse, read-only."""

from __future__ import annotations

import argparse

HELP = (
    "Render the leadership brief and the implementation report (HTML, PDF, XLSX; Chinese or "
    "English; internal or public edition) for a week, a month or a quarter."
)


def _csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def configure(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--week", help="ISO week (2026-W47) or any date in it (2026-11-16)")
    which.add_argument("--month", help="calendar month (2026-10): figures of the rows dated in it")
    which.add_argument("--quarter", help="calendar quarter (2026-Q3)")
    parser.add_argument(
        "--kind",
        default=None,
        type=_csv,
        help="brief (领导版, at most two pages: HTML, PDF), report (the full report) or "
        "brief,report; default: report for --week (as before), both for --month and --quarter",
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
        "--out", default=None, help="output folder (default <data dir>/reports/<period>)"
    )


def _weeks_with_figures(conn) -> list:
    """The weeks the marts hold figures for; none when the indicators never ran."""
    import duckdb

    try:
        rows = conn.execute("select distinct week from marts.indicator_weekly order by week")
    except duckdb.CatalogException:
        return []
    return [week for (week,) in rows.fetchall()]


def _periods_with_figures(conn, kind: str) -> list[str]:
    """The months or quarters the period mart holds; none before the period step ever ran."""
    import duckdb

    try:
        rows = conn.execute(
            "select distinct period from marts.indicator_period where period_kind = $k "
            "order by period",
            {"k": kind},
        )
    except duckdb.CatalogException:
        return []
    return [period for (period,) in rows.fetchall()]


def _period(args: argparse.Namespace):
    from assets.indicators.periods import parse
    from pmon.errors import UserError

    kind, text = next(
        (k, getattr(args, k)) for k in ("week", "month", "quarter") if getattr(args, k)
    )
    try:
        return parse(kind, text)
    except ValueError as exc:
        form = {"week": "2026-W47 or a date like 2026-11-16", "month": "2026-10"}
        raise UserError(
            f"--{kind} {text!r}: give a {kind} like {form.get(kind, '2026-Q3')} ({exc})"
        ) from None


def _refuse_missing(conn, period) -> None:
    """One line naming the run that would compute the period's figures."""
    from core.partitions import iso_week
    from pmon.errors import UserError

    weeks = _weeks_with_figures(conn)
    run = f"run `pmon run --week {iso_week(period.closing_week)}` first"
    if period.kind == "week":
        if period.start in weeks:
            return
        held = f"{iso_week(weeks[0])}..{iso_week(weeks[-1])}" if weeks else "none yet"
        raise UserError(f"no figures for {period.label} (weeks with figures: {held}); {run}", 1)
    held_periods = _periods_with_figures(conn, period.kind)
    if period.label in held_periods and period.closing_week in weeks:
        return
    held = ", ".join(held_periods) if held_periods else "none yet"
    first = _first_loaded_week(conn)
    if first is None or first > period.start:  # its first weeks are not loaded yet
        run = (
            f"run `pmon run --from {iso_week(period.start)} --to "
            f"{iso_week(period.closing_week)}` first (a period is computed once all its weeks are)"
        )
    raise UserError(
        f"no figures for {period.kind} {period.label} ({period.kind}s with figures: {held}); {run}",
        1,
    )


def _first_loaded_week(conn):
    """The first week any file was loaded for; None before any load."""
    import duckdb

    try:
        return conn.execute("select min(week) from meta.load_log").fetchall()[0][0]
    except duckdb.CatalogException:
        return None


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    import duckdb

    from core import settings
    from pmon.errors import UserError
    from reports.render import KINDS, render_period, report_dir

    period = _period(args)
    base = settings.data_dir()
    warehouse = settings.warehouse_path(base)
    if not warehouse.exists():
        raise UserError(f"no warehouse at {warehouse}: run `pmon run` or `pmon demo` first", 1)
    out_dir = Path(args.out) if args.out else report_dir(settings.reports_dir(base), period)
    editions = ("internal", "public") if args.edition == "both" else (args.edition,)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        _refuse_missing(conn, period)
        try:
            written = render_period(
                conn,
                period,
                out_dir,
                kinds=args.kind or (("report",) if period.kind == "week" else KINDS),
                langs=args.lang,
                formats=args.format,
                editions=editions,
            )
        except ValueError as exc:
            raise UserError(str(exc)) from None
    for path, facts in written.items():
        extra = f", {facts['pages']} pages" if "pages" in facts else ""
        print(f"{path} ({facts['bytes']:,} bytes{extra})")
    return 0
