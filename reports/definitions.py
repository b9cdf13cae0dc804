"""The implementation reports as a Dagster asset: each week's brief and full report, and each
month's and quarter's in the run that closes it; HTML, PDF and XLSX, Chinese and English."""

import datetime as dt
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from core.partitions import week_monday, weekly_partitions
from core.resources import DataDirResource
from reports.queries import tables_read
from reports.sections import SECTIONS

REPORT_LANGS = ("zh", "en")
# dq.results is read too, but no asset owns it: the asset checks write it as they validate
ASSET_SCHEMAS = ("marts",)


def brief_tables() -> list[str]:
    """The `schema.table`s the brief's SQL reads (reports/brief/sql/)."""
    from reports.queries import TABLE_READ

    found: dict[str, None] = {}
    for path in sorted((Path(__file__).parent / "brief" / "sql").glob("*.sql")):
        text = "\n".join(line.split("--")[0] for line in path.read_text("utf-8").splitlines())
        found.update(dict.fromkeys(t.lower() for t in TABLE_READ.findall(text)))
    return list(found)


def report_deps() -> list[dg.AssetKey]:
    """Every mart the registry's and the brief's queries read, so the UI draws the lineage."""
    tables = tables_read(q for section in SECTIONS for q in section.queries)
    tables += [t for t in brief_tables() if t not in tables]
    return [dg.AssetKey(t.split(".")) for t in tables if t.split(".")[0] in ASSET_SCHEMAS]


def closed_by(conn, week: str) -> list:
    """The months and quarters whose last day falls in the week and whose figures the mart
    holds: the week's run is the first after they close."""
    from assets.indicators.periods import CLOSED_KINDS, containing

    monday = week_monday(week)
    found = conn.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'indicator_period'"
    ).fetchall()[0][0]
    held = (
        {
            p
            for (p,) in conn.execute(
                "select distinct period from marts.indicator_period"
            ).fetchall()
        }
        if found
        else set()
    )
    sunday = monday + dt.timedelta(days=6)
    periods = {containing(kind, sunday) for kind in CLOSED_KINDS}
    periods |= {containing(kind, monday) for kind in CLOSED_KINDS}
    return sorted(
        (p for p in periods if p.closing_week == monday and p.label in held),
        key=lambda p: (p.kind, p.start),
    )


@dg.asset(
    key=["reports", "implementation_report"],
    partitions_def=weekly_partitions,
    deps=report_deps(),
    group_name="reports",
    kinds={"plotly", "pdf", "excel"},
    pool="duckdb",
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def implementation_report(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, data_dir: DataDirResource
) -> dg.MaterializeResult:
    """The leadership brief and the implementation report for every measure of the catalog, one
    folder per period, in both editions: internal (staff, every figure) and public
    (disclosure-controlled). A week whose run closes a month or a quarter renders it too.

    A range of weeks renders in one run with one warm browser and the same warm tabs.
    """
    from assets.indicators.periods import week as week_period
    from reports.pdf import printer
    from reports.render import render_period, report_dir

    metadata: dict[str, dg.RawMetadataValue] = {}
    with printer() as chromium, warehouse.get_connection() as conn:
        for week in context.partition_keys:
            for period in (week_period(week_monday(week)), *closed_by(conn, week)):
                out_dir = report_dir(data_dir.reports, period)
                written = render_period(
                    conn, period, out_dir, langs=REPORT_LANGS, chromium=chromium
                )
                metadata[f"{period.label}_report_dir"] = dg.MetadataValue.path(str(out_dir))
                for path, facts in written.items():  # the name carries period, kind, edition, lang
                    name = path.name.replace(".", "_")
                    metadata[name] = dg.MetadataValue.path(str(path))
                    metadata[f"{name}_bytes"] = facts["bytes"]
                    if "pages" in facts:
                        metadata[f"{name}_pages"] = facts["pages"]
                context.log.info(f"{period.label}: {len(written)} report files in {out_dir}")
    return dg.MaterializeResult(metadata=metadata)


defs = dg.Definitions(assets=[implementation_report])
