"""`pmon status`: where the pipeline stands, without opening the UI.

Loaded weeks, who delivered what in the latest (or a given) week and who owes a file (未报送),
and the last run of each week with its outcome.
"""

from __future__ import annotations

import argparse

HELP = "Loaded weeks, the latest week's delivery matrix (who owes a file), the last runs."

DELIVERIES = """
with expected as (
    select source, district_code from meta.expected_deliveries
),
attempts as (
    select source, district_code, outcome
    from meta.load_log
    where week = $week
    qualify row_number() over (partition by source, source_file order by loaded_at desc) = 1
),
delivered as (
    select
        source,
        district_code,
        count(*) filter (where outcome <> 'rejected') as files,
        count(*) filter (where outcome = 'rejected') as rejected
    from attempts
    group by all
)
select
    expected.source,
    expected.district_code,
    coalesce(delivered.files, 0) as files,
    coalesce(delivered.rejected, 0) as rejected
from expected
left join delivered
    on delivered.source = expected.source
    and delivered.district_code is not distinct from expected.district_code
order by 1, 2
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--week", help="the week to show (default: the latest loaded week)")
    parser.add_argument("--runs", type=int, default=8, help="runs to list (default 8)")


def _pad(text: str, width: int) -> str:
    """Pad to a display width: Chinese characters take two terminal columns."""
    import unicodedata

    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - shown)


def _weeks(conn) -> list:
    return [
        w for (w,) in conn.execute("select distinct week from meta.load_log order by 1").fetchall()
    ]


def _misfiled(conn) -> list[tuple[str, str]]:
    """Misfiled folders and files the last run found in the inbox (meta.inbox_anomalies)."""
    import duckdb

    try:
        return conn.execute("select path, problem from meta.inbox_anomalies order by 1").fetchall()
    except duckdb.CatalogException:
        return []


def _matrix(conn, week, lang: str = "zh") -> list[str]:
    """One line per district: a mark per source (✓ delivered, ✗ rejected only, 未 owed)."""
    from core.contract import load_contract, load_reference

    rows = conn.execute(DELIVERIES, {"week": week}).fetchall()
    contract, reference = load_contract(), load_reference()
    sources = sorted({s for s, *_ in rows}, key=list(contract.names).index)
    cells = {(s, d): (files, rejected) for s, d, files, rejected in rows}
    names = {d.code: d.zh for d in reference.districts} | {None: "全市 city-wide"}
    width = max(len(contract.sources[s].title.zh) for s in sources)
    lines = [
        "  " + " " * 14 + "".join(contract.sources[s].title.zh.ljust(width + 2) for s in sources)
    ]
    owed = 0
    for district in [*reference.district_codes, None]:
        marks = []
        for source in sources:
            if (source, district) not in cells:
                marks.append(_pad("", width))
                continue
            files, rejected = cells[(source, district)]
            mark = "✓" if files else ("✗ 退回" if rejected else "未报送")
            owed += not files
            marks.append(_pad(mark, width))
        if any(m.strip() for m in marks):
            lines.append(f"  {_pad(names[district], 20)}" + "".join(marks).rstrip())
    lines.append(f"  未报送 owed: {owed} of {len(rows)} expected deliveries")
    return lines


def _runs(limit: int) -> list[str]:
    import dagster as dg

    from pipelines.launch import RANGE_END, RANGE_START, use_project_instance

    use_project_instance()
    with dg.DagsterInstance.get() as instance:
        records = instance.get_run_records(limit=limit)
        lines = []
        for record in records:
            run, tags = record.dagster_run, record.dagster_run.tags
            week = tags.get("dagster/partition") or (
                f"{tags.get(RANGE_START)}..{tags.get(RANGE_END)}" if RANGE_START in tags else "-"
            )
            when = record.create_timestamp.astimezone().strftime("%Y-%m-%d %H:%M")
            trigger = tags.get("pmon/trigger") or (
                "schedule" if "dagster/schedule_name" in tags else "ui"
            )
            lines.append(
                f"  {when}  {run.run_id[:8]}  {week:<24}  {run.status.value:<9}  {trigger}"
            )
    return lines or ["  no runs yet"]


def run(args: argparse.Namespace) -> int:
    import duckdb

    from core import settings
    from core.partitions import iso_week, week_monday
    from pmon.errors import UserError

    warehouse = settings.warehouse_path()
    if not warehouse.exists():
        raise UserError(f"no warehouse at {warehouse}: run `pmon run` or `pmon demo` first", 1)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        try:
            weeks = _weeks(conn)
        except duckdb.CatalogException:
            weeks = []
        if not weeks:
            raise UserError("nothing loaded yet: run `pmon run --all` after files arrive", 1)
        week = week_monday(args.week) if args.week else weeks[-1]
        print(f"loaded weeks 已加载周: {len(weeks)} ({iso_week(weeks[0])}..{iso_week(weeks[-1])})")
        print(f"\ndeliveries of {iso_week(week)} 报送情况 (✓ delivered  ✗ rejected  未报送 owed):")
        print("\n".join(_matrix(conn, week)))
        misfiled = _misfiled(conn)
        if misfiled:
            print(f"\ninbox items not read 未读取 ({len(misfiled)}): fix the name or the folder")
            print("\n".join(f"  {path}: {problem}" for path, problem in misfiled))
    print("\nlast runs 最近运行:")
    print("\n".join(_runs(args.runs)))
    return 0
