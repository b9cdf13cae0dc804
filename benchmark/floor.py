"""The floor: what DuckDB alone does with the delivered files, with SQL of the benchmark's own.

It reads every delivered file with DuckDB's CSV reader, types it by cast, and computes the
indicators it covers for every week and district in one set-based query each (benchmark/sql).
It imports neither the product's indicator engine nor its ingest code: only the contract and the
catalog (the data that define the sources and indicators) and the reference districts.

Not covered (the floor is cheaper by that much, and says so in bench.json): the two task-ledger
shares (M21.tasks_on_time, M21.reports_received), whose schedule logic (stages, reporting periods,
owed reports) is a program rather than a query (see `UNCOVERED_REASON`). The bench inbox is UTF-8 CSV only: DuckDB's excel extension
is not installed offline, so the floor does not read xlsx (no xlsx is delivered to it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from core.catalog import Catalog, Indicator, load_catalog
from core.contract import Column, Source, load_contract, load_reference

SQL = Path(__file__).parent / "sql"
CITY = "110000"
TRUE_WORDS = ("true", "1", "是", "yes", "y", "t")
FALSE_WORDS = ("false", "0", "否", "no", "n", "f")
DATE_SHAPE = r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})"

# hand-written indicators the floor computes from a block of its own (floor_families.sql)
HAND_WRITTEN = {
    "M01.registered_workers": "count",
    "M03.online_channel_share": "ratio",
    "M11.community_outlets": "count",
    "M14.employee_based_worker_share": "ratio",
    "M10.resolved_within_15d_share": "ratio",
    "M10.satisfaction": "ratio",
    "M10.median_days_to_resolve": "measured",
    "M17.worker_rights_resolution_rate": "ratio",
    "M10.complaints_per_1000_workers": "ratio",
    "M04.trained_worker_share": "ratio",
    "M20.intermediate_plus_share": "ratio",
    "M10.digital_certificate_holders": "count",
    "M11.subdistrict_coverage": "ratio",
    "M22.survey_satisfaction": "measured",
    "M21.delivery_coverage": "ratio",
}
CITY_ONLY = {"M22.survey_satisfaction"}
TEMPLATE_SHAPES = {
    "period_count": "count",
    "period_sum": "count",
    "milestone_sum": "count",
    "enterprise_count": "count",
    "enterprise_share": "ratio",
    "insured_worker_share": "ratio",
}
UNCOVERED_REASON = (
    "not reproduced by the floor (the task ledger's schedule logic; see benchmark/floor.py)"
)


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def families() -> dict[str, str]:
    """The named query blocks of floor_families.sql."""
    text = (SQL / "floor_families.sql").read_text(encoding="utf-8")
    parts = re.split(r"^-- name: (\S+)\n", text, flags=re.M)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


@dataclass(frozen=True)
class Covered:
    indicator: Indicator
    shape: str  # count | ratio
    sql: str
    city_only: bool


def covered_indicators(catalog: Catalog | None = None) -> list[Covered]:
    """The catalog's indicators the floor computes, each with its set-based query."""
    catalog = catalog or load_catalog()
    blocks = families()
    covered = []
    for indicator in catalog.indicators:
        query = indicator.query
        if isinstance(query, str):
            if indicator.id in HAND_WRITTEN:
                covered.append(
                    Covered(
                        indicator,
                        HAND_WRITTEN[indicator.id],
                        blocks[indicator.id],
                        indicator.id in CITY_ONLY,
                    )
                )
            continue
        if query.template not in TEMPLATE_SHAPES:
            continue
        p = query.parameters()
        if query.template == "period_count":
            counted = p.get("count_distinct")
            fill = {
                "source": p["source"],
                "where": p.get("where") or "true",
                "numerator": f"count(distinct {counted})" if counted else "count(*)",
            }
        elif query.template == "period_sum":
            fill = {"source": p["source"], "where": p.get("where") or "true", "column": p["column"]}
        elif query.template == "milestone_sum":
            actions = p.get("actions") or ()
            fill = {
                "measure": _literal(p["measure"]),
                "unit": _literal(p["unit"]),
                "actions": " or ".join(f"contains(action, {_literal(a)})" for a in actions)
                or "true",
            }
        elif query.template == "enterprise_count":
            fill = {"where": p["where"]}
        elif query.template == "enterprise_share":
            fill = {"counted": p["counted"]}
        else:  # insured_worker_share
            fill = {"insurance_types": ", ".join(_literal(t) for t in p["insurance_types"])}
        covered.append(
            Covered(
                indicator,
                TEMPLATE_SHAPES[query.template],
                blocks[query.template].format(**fill),
                query.template == "milestone_sum",
            )
        )
    return covered


def coverage(catalog: Catalog | None = None) -> dict:
    """Which indicators the floor computes and which it leaves to the pipeline alone."""
    catalog = catalog or load_catalog()
    ids = [c.indicator.id for c in covered_indicators(catalog)]
    rest = [i.id for i in catalog.indicators if i.id not in ids]
    return {
        "covered_indicators": ids,
        "not_covered": rest,
        "covered": f"{len(ids)} of {len(catalog.indicators)}",
        "note": "a floor covering fewer indicators is a cheaper floor: "
        f"{len(rest)} indicators are {UNCOVERED_REASON}",
    }


def _headers(name: str, column: Column, present: set[str]) -> str:
    """A contract column's text from whichever header (English or Chinese) a file used."""
    headers = [f'"{h}"' for h in (name, *column.zh) if h in present]
    return f"trim(coalesce({', '.join(headers)}))" if headers else "null::varchar"


def _cast(name: str, column: Column, present: set[str]) -> str:
    text = _headers(name, column, present)
    if column.pii:
        canonical = f"upper(regexp_replace({text}, '[\\s\\-]', '', 'g'))"
        return f"sha256({canonical}) as {name}_hash"
    kind = column.type
    if kind == "bool":
        yes = ", ".join(_literal(w) for w in TRUE_WORDS)
        no = ", ".join(_literal(w) for w in FALSE_WORDS)
        return (
            f"case when lower({text}) in ({yes}) then true "
            f"when lower({text}) in ({no}) then false end as {name}"
        )
    if kind in ("int", "float"):
        target = "bigint" if kind == "int" else "double"
        return f"try_cast(replace({text}, ',', '') as {target}) as {name}"
    if kind == "date":
        parts = f"regexp_extract({text}, '{DATE_SHAPE}', ['y', 'm', 'd'])"
        iso = f"concat_ws('-', {parts}.y, {parts}.m, {parts}.d)"
        return f"try_strptime({iso}, '%Y-%m-%d')::date as {name}"
    if kind == "district":  # code, slug, Chinese or English name
        return (
            f"(select code from floor_districts where lower({text}) in "
            f"(code, slug, lower(zh), lower(en))) as {name}"
        )
    if kind == "enum":
        return f"lower({text}) as {name}"
    if kind == "measure_id":
        number = f"regexp_extract({text}, '^M0*(\\d{{1,3}})$', 1)"
        return f"if({number} = '', null, 'M' || lpad({number}, 2, '0')) as {name}"
    if kind == "uscc":
        return f"upper(regexp_replace({text}, '[\\s\\-]', '', 'g')) as {name}"
    return f"{text} as {name}"


def _district(source: Source) -> tuple[str, str]:
    """The row's district: its own column (typed by lookup), or the delivering district from the
    file name; and the typed column to drop in its favour."""
    if source.district:
        return f"typed.{source.district}", f", {source.district}"
    return "floor_districts.code", ""


def _files(conn, inbox: Path) -> None:
    """Every delivered file, from DuckDB's own glob: source, week, district (null: a city file)."""
    contract = load_contract()
    city = [name for name, s in contract.sources.items() if s.expected_from == "city"]
    conn.execute(
        f"""
        create or replace table floor_files as
        with listed as (
            select
                file,
                regexp_extract(file, '/([a-z_]+)/\\d{{4}}-W\\d{{2}}/[^/]+$', 1) as source,
                regexp_extract(file, '(\\d{{4}})-W(\\d{{2}})', ['y', 'w']) as iso,
                regexp_extract(file, '([a-z0-9]+)[^/]*\\.csv$', 1) as slug
            from glob('{inbox}/*/*/*.csv')
        )
        select
            source,
            make_date(iso.y::int, 1, 4) - (isodow(make_date(iso.y::int, 1, 4)) - 1)::int
            + (iso.w::int - 1) * 7 as week,
            if(source in ({", ".join(_literal(c) for c in city) or "''"}), null, d.code)
                as district_code,
            file
        from listed
        left join floor_districts as d on d.slug = listed.slug
        """
    )


def floor_load(conn, inbox: Path) -> int:
    """Every delivered CSV into one typed table per source (staging.<source>), by DuckDB alone."""
    reference = load_reference()
    conn.execute("create schema if not exists staging")
    conn.execute(
        "create or replace table floor_districts (code varchar, slug varchar, zh varchar, en varchar)"
    )
    conn.executemany(
        "insert into floor_districts values (?, ?, ?, ?)",
        [(d.code, d.slug, d.zh, d.en) for d in reference.districts],
    )
    conn.execute(
        "create or replace table floor_subdistricts (district_code varchar, subdistrict varchar)"
    )
    pairs = [(d, s) for d, subs in reference.subdistricts.items() for s in subs]
    if pairs:
        conn.executemany("insert into floor_subdistricts values (?, ?)", pairs)
    owed = [n for n, s in load_contract().sources.items() if s.expected_from == "districts"]
    conn.execute(
        "create or replace table floor_district_sources as select unnest(?) as source", [owed]
    )
    _files(conn, inbox)
    template = (SQL / "floor_load.sql").read_text(encoding="utf-8")
    rows = 0
    for name, source in load_contract().sources.items():
        files = [r[0] for r in conn.execute(
            "select file from floor_files where source = ? order by file", [name]
        ).fetchall()]  # fmt: skip
        if files:
            listed = "[" + ", ".join(_literal(f) for f in files) + "]"
            relation = (
                f"read_csv({listed}, union_by_name = true, filename = true, all_varchar = true, "
                "header = true)"
            )
        else:  # nothing delivered (a monthly source in a short run): an empty table, typed
            empty = ", ".join(f'null::varchar as "{n}"' for n in source.columns)
            relation = f"(select {empty}, '' as filename where false)"
        described = conn.execute(f"describe select * from {relation}").fetchall()
        present = {row[0] for row in described}
        columns = [_cast(n, c, present) for n, c in source.columns.items()]
        district, exclude = _district(source)
        event = source.event_date or "week"
        conn.execute(
            template.format(
                source=name,
                relation=relation,
                columns=",\n        ".join(columns),
                district=district,
                district_exclude=exclude,
                event=event,
            )
        )
        rows += conn.execute(f"select count(*) from staging.{name}").fetchone()[0]
    return rows


WEEKS_PER_PASS = 13
CONTEXT_ROWS_PER_PASS = 6_000_000
"""The floor's week-end state holds every active worker and every enrollment in force of every
week of a pass: a national register (3 million people) would hold 156 million rows over a
year at once, past any memory budget, so the floor computes the indicators that read that state
in passes of weeks too (the pipeline's bound, in the floor's own terms), a week's figures being
its own; the flows are computed once, for all weeks."""


def weeks_per_pass(conn) -> int:
    (people,) = conn.execute(
        "select count(distinct worker_id_hash) from staging.workers"
    ).fetchall()[0]
    return max(1, min(WEEKS_PER_PASS, CONTEXT_ROWS_PER_PASS // max(people or 0, 1)))


def floor_indicators(conn, catalog: Catalog | None = None, per_pass: int | None = None) -> int:
    """Every covered indicator for every delivered week and district, set-based (in passes of
    `per_pass` weeks, by the register's size when None), into marts.indicator_weekly
    (indicator_id, week, district_code, value); returns its rows."""
    catalog = catalog or load_catalog()
    names = {s.tag: name for name, s in load_contract().sources.items()} | {"meta": "meta"}
    covered = covered_indicators(catalog)
    conn.execute(
        "create or replace table floor_indicators (indicator_id varchar, measure_id varchar, "
        "shape varchar, city_only boolean)"
    )
    conn.executemany(
        "insert into floor_indicators values (?, ?, ?, ?)",
        [(c.indicator.id, c.indicator.measure_id, c.shape, c.city_only) for c in covered],
    )
    pairs = [
        (c.indicator.id, names.get(tag, tag), len(c.indicator.sources))
        for c in covered
        for tag in c.indicator.sources
    ]
    conn.execute(
        "create or replace table floor_indicator_sources "
        "(indicator_id varchar, source varchar, sources bigint)"
    )
    conn.executemany("insert into floor_indicator_sources values (?, ?, ?)", pairs)
    state = [c for c in covered if STATE_TABLES.search(c.sql)]
    flows = [c for c in covered if c not in state]
    weeks = [
        w for (w,) in conn.execute("select distinct week from floor_files order by week").fetchall()
    ]
    _week_table(conn, weeks)
    conn.execute(f"create or replace table floor_figures as {_union(flows)}")
    conn.execute((SQL / "floor_versions.sql").read_text(encoding="utf-8"))
    size = per_pass or weeks_per_pass(conn)
    for first in range(0, len(weeks) if state else 0, size):
        _week_table(conn, weeks[first : first + size])
        conn.execute((SQL / "floor_context.sql").read_text(encoding="utf-8"))
        conn.execute(f"insert into floor_figures {_union(state)}")
    _week_table(conn, weeks)
    conn.execute((SQL / "floor_marts.sql").read_text(encoding="utf-8"))
    return conn.execute("select count(*) from marts.indicator_weekly").fetchone()[0]


STATE_TABLES = re.compile(
    r"\bfloor_(active_workers|active_enterprises|enterprises_at_week_end|covering)\b"
)


def _union(covered: list[Covered]) -> str:
    """The indicators' figures for the weeks of `floor_weeks`, as one query."""
    return "\nunion all\n".join(
        f"select {_literal(c.indicator.id)} as indicator_id, * from ({c.sql}) "
        "where week in (select week from floor_weeks)"
        for c in covered
    )


def _week_table(conn, weeks: list) -> None:
    """`floor_weeks` (the weeks a pass computes, or all) and its week x district grid."""
    conn.execute(
        "create or replace temp table floor_weeks as select unnest($weeks::date[]) as week",
        {"weeks": weeks},
    )
    conn.execute(
        "create or replace temp table floor_grid as select floor_weeks.week, codes.district_code "
        "from floor_weeks cross join (select code as district_code from floor_districts "
        "union all select '110000') as codes"
    )
