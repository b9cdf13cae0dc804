"""The weekly implementation report as a Dagster asset: HTML, PDF and XLSX, Chinese and English."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from core.partitions import iso_week, weekly_partitions
from core.resources import DataDirResource
from reports.queries import tables_read
from reports.sections import SECTIONS

REPORT_LANGS = ("zh", "en")
# dq.results is read too, but no asset owns it: the asset checks write it as they validate
ASSET_SCHEMAS = ("marts",)


def report_deps() -> list[dg.AssetKey]:
    """Every mart the registry's queries read, so the UI draws the report's lineage."""
    tables = tables_read(q for section in SECTIONS for q in section.queries)
    return [dg.AssetKey(t.split(".")) for t in tables if t.split(".")[0] in ASSET_SCHEMAS]


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
    """The implementation report for every measure of the catalog, one folder per week, in both
    editions: internal (staff, every figure) and public (disclosure-controlled).

    A range of weeks renders in one run with one warm browser.
    """
    from reports.pdf import browser
    from reports.render import render_reports, report_dir

    metadata: dict[str, dg.RawMetadataValue] = {}
    with browser() as chromium, warehouse.get_connection() as conn:
        for week in context.partition_keys:
            out_dir = report_dir(data_dir.reports, week)
            written = render_reports(conn, week, out_dir, langs=REPORT_LANGS, chromium=chromium)
            prefix = "" if len(context.partition_keys) == 1 else f"{iso_week(week)}_"
            metadata[f"{prefix}report_dir"] = dg.MetadataValue.path(str(out_dir))
            for path, facts in written.items():  # the file name carries week, edition, language
                name = path.name.replace(".", "_")
                metadata[name] = dg.MetadataValue.path(str(path))
                metadata[f"{name}_bytes"] = facts["bytes"]
                if "pages" in facts:
                    metadata[f"{name}_pages"] = facts["pages"]
            context.log.info(f"{iso_week(week)}: {len(written)} report files in {out_dir}")
    return dg.MaterializeResult(metadata=metadata)


defs = dg.Definitions(assets=[implementation_report])
