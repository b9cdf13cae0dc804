"""The weekly implementation report as a Dagster asset: HTML, PDF and XLSX, Chinese and English."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.partitions import weekly_partitions
from pipelines.resources import DataDirResource

REPORT_LANGS = ("zh", "en")


@dg.asset(
    key=["reports", "implementation_report"],
    partitions_def=weekly_partitions,
    deps=[dg.AssetKey(["marts", "indicator_weekly"]), dg.AssetKey(["marts", "measure_status"])],
    group_name="reports",
    kinds={"plotly", "pdf", "excel"},
    pool="duckdb",
)
def implementation_report(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, data_dir: DataDirResource
) -> dg.MaterializeResult:
    """The week's implementation report for all 22 measures, as the bureau receives it."""
    from reports.render import render_reports, report_dir

    week = context.partition_key
    out_dir = report_dir(data_dir.reports, week)
    with warehouse.get_connection() as conn:
        written = render_reports(conn, week, out_dir, langs=REPORT_LANGS)
    metadata: dict[str, dg.RawMetadataValue] = {"report_dir": dg.MetadataValue.path(str(out_dir))}
    for path, facts in written.items():
        name = path.name.replace(".", "_")
        metadata[name] = dg.MetadataValue.path(str(path))
        metadata[f"{name}_bytes"] = facts["bytes"]
        if "pages" in facts:
            metadata[f"{name}_pages"] = facts["pages"]
    return dg.MaterializeResult(metadata=metadata)


defs = dg.Definitions(assets=[implementation_report])
