"""`pmon explain INDICATOR --week W [--district D]`: how one figure was made.

The indicator's definition and sources, the SQL that ran with its parameters filled in, the
figure's numerator, denominator, base and suppression from the mart, the files that fed it with
their row counts, the rows that arrived late for the week, and the `pmon sql` that lists the
rows behind it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re

HELP = "Explain one figure: definition, the SQL that ran, numerator/denominator, files, late rows."
CITY = "110000"

FILES = """
select source_file, outcome, rows_read, rows_loaded, rows_quarantined
from meta.load_log
where week = $week and source in (select unnest($sources))
    and ($district = '110000' or district_code = $district or district_code is null)
qualify row_number() over (partition by source, source_file order by loaded_at desc) = 1
order by source_file
"""
LATE = """
select source_file, count(*) as rows_late
from meta.staged_rows
where event_week = $week and is_late and source in (select unnest($sources))
    and ($district = '110000' or district_code = $district)
group by source_file
order by source_file
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("indicator", help="indicator id, e.g. M04.training_completions")
    parser.add_argument("--week", required=True, help="ISO week (2026-W47) or a date in it")
    parser.add_argument(
        "--district", default=CITY, help="district code or name (default 110000, all Beijing)"
    )


def filled_sql(text: str, params: dict) -> str:
    """The query as DuckDB ran it: each `$name` replaced by its value as a SQL literal."""

    def literal(match: re.Match) -> str:
        value = params.get(match[1])
        if isinstance(value, dt.date):
            return f"date '{value.isoformat()}'"
        return match[0] if value is None else str(value)

    return re.sub(r"\$([a-z_0-9]+)", literal, text).strip()


def _district(token: str):
    from core.contract import load_reference
    from pmon.errors import UserError

    reference = load_reference()
    if token in (CITY, reference.all_beijing["zh"], "all"):
        return CITY, reference.all_beijing["zh"]
    for district in reference.districts:
        if token in (district.code, district.slug, district.zh, district.zh.removesuffix("区")):
            return district.code, district.zh
    raise UserError(f"unknown district {token!r} (a code such as 110108 or a name such as 海淀区)")


def _figure(conn, indicator_id: str, week: dt.date, district: str) -> dict | None:
    row = conn.execute(
        "select * from marts.indicator_weekly "
        "where indicator_id = ? and week = ? and district_code = ?",
        [indicator_id, week, district],
    ).fetchone()
    if row is None:
        return None
    return dict(zip([c[0] for c in conn.description], row, strict=True))


def _rows_behind(conn, sources: list[str], week: dt.date, district: str) -> list[str]:
    """`pmon sql` commands over the analyst views that read the indicator's sources."""
    views = conn.execute(
        "select view_name from duckdb_views() where schema_name = 'analyst' "
        "and list_has_any(regexp_extract_all(sql, 'staging\\.([a-z_]+)', 1), $sources) "
        "order by 1",
        {"sources": sources},
    ).fetchall()
    where = f"week = '{week.isoformat()}'" + (
        f" and district_code = '{district}'" if district != CITY else ""
    )
    return [f'pmon sql "select * from analyst.{v} where {where}"' for (v,) in views]


def _print_figure(figure: dict | None, indicator) -> None:
    if figure is None:
        print("  no figure in the mart for this week and district: run `pmon run` for the week")
        return
    if figure["suppressed"]:
        print(
            f"  suppressed: rests on {figure['base_count']} (< the suppression threshold); "
            "published outputs withhold it"
        )
    names = ("value", "ytd_value", "numerator", "denominator", "base_count", "target")
    shown = ", ".join(f"{n} {figure[n]:g}" for n in names if figure.get(n) is not None)
    print(f"  {shown}")
    print(f"  progress {figure['progress']}, status {figure['status']}, wow {figure['wow_change']}")


def run(args: argparse.Namespace) -> int:
    import duckdb

    from assets.indicators.compute import week_params
    from assets.indicators.queries import indicator_sql
    from core import settings
    from core.catalog import load_catalog
    from core.contract import load_contract
    from core.partitions import iso_week, week_monday
    from pmon.errors import UserError

    catalog = load_catalog()
    try:
        indicator = catalog.indicator(args.indicator)
    except StopIteration:
        raise UserError(
            f"unknown indicator {args.indicator!r} (see catalog/measures.yaml)"
        ) from None
    try:
        week = week_monday(args.week)
    except ValueError:
        raise UserError(f"--week {args.week!r}: give 2026-W47 or a date like 2026-11-16") from None
    district, district_name = _district(args.district)
    contract = load_contract()
    sources = [s for s in indicator.sources if s in contract.sources]
    warehouse = settings.warehouse_path()
    if not warehouse.exists():
        raise UserError(f"no warehouse at {warehouse}: run `pmon run` or `pmon demo` first", 1)

    print(f"{indicator.id}  {indicator.name.zh} / {indicator.name.en}")
    print(f"  {indicator.definition.zh}\n  {indicator.definition.en}")
    titles = ", ".join(f"{s} ({contract.sources[s].title.zh})" for s in sources) or "meta"
    print(f"  kind {indicator.kind}, unit {indicator.unit.zh}, sources: {titles}")
    print(f"\n{iso_week(week)} · {district} {district_name}")
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        _print_figure(_figure(conn, indicator.id, week, district), indicator)
        params = week_params(week, len(catalog.measures))
        print("\nSQL, parameters filled in (the query returns every district and 110000):")
        print("  " + filled_sql(indicator_sql(indicator), params).replace("\n", "\n  "))
        if indicator.kind == "flow":
            print(f"  year-to-date: the same query from $week_start = {params['year_start']}")
        query = {"week": week, "sources": sources, "district": district}
        files = conn.execute(FILES, query).fetchall()
        print(f"\nfiles for {iso_week(week)} ({len(files)}):")
        for name, outcome, read, loaded, quarantined in files:
            print(f"  {name}  {outcome}: {read} read, {loaded} loaded, {quarantined} quarantined")
        late = conn.execute(LATE, query).fetchall()
        print(f"\nrows for {iso_week(week)} delivered in later weeks ({sum(n for _, n in late)}):")
        for name, count in late:
            print(f"  {name}: {count}")
        print("\nthe rows behind it:")
        print("\n".join(f"  {line}" for line in _rows_behind(conn, sources, week, district)))
    return 0
