"""The indicator marts: every catalog indicator per week and district, and each measure's status."""

from collections import Counter

import dagster as dg
from dagster_duckdb import DuckDBResource

from core.contract import source_names
from core.partitions import partition_key, week_monday, weekly_partitions

MARTS = {
    "indicator_weekly": "Every catalog indicator per week and district (110000 = all Beijing): value, "
    "year-to-date, target, progress, week-over-week change, status, suppression flag.",
    "measure_status": "Each measure's weekly status (the worst of its indicators with data) and "
    "how many of its indicators are on track, at risk and off track.",
    "data_delivery": "Per week, source and delivering district: files, rows read, loaded, "
    "quarantined and late, rejected files.",
    "milestone_notes": "The milestone ledger rows of each week, with their measure, for the report.",
}
STAGING = [dg.AssetKey(["staging", source]) for source in source_names()]


def _status_table(frame) -> str:
    """The latest week's measure statuses as a small markdown table (22 rows)."""
    rows = "\n".join(
        f"| {r['measure_id']} | {r['status']} | {r['indicators_with_data']}/{r['indicators']} "
        f"| {r['indicators_on_track']} | {r['indicators_at_risk']} | {r['indicators_off_track']} |"
        for r in frame.iter_rows(named=True)
    )
    head = "| measure | status | with data | on track | at risk | off track |\n|---|---|---|---|---|---|\n"
    return head + rows


@dg.multi_asset(
    name="indicator_marts",
    specs=[
        dg.AssetSpec(
            ["marts", name],
            description=description,
            deps=STAGING,
            group_name="indicators",
            kinds={"duckdb"},
        )
        for name, description in MARTS.items()
    ],
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool="duckdb",
)
def indicator_marts(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    """Recompute the partition's weeks, and earlier weeks their late rows restate."""
    from assets.indicators.runner import materialize_weeks
    from assets.ingest.warehouse import ensure_warehouse

    weeks = [week_monday(key) for key in context.partition_keys]
    with warehouse.get_connection() as conn:
        ensure_warehouse(conn)
        marts, restated = materialize_weeks(conn, weeks)
    restated_keys = [partition_key(w) for w in restated]
    for key in restated_keys:  # so the UI shows the restated partitions as re-materialized
        for name in MARTS:
            context.log_event(
                dg.AssetMaterialization(
                    asset_key=["marts", name],
                    partition=key,
                    description="restated: late rows for this week arrived in a later load",
                    metadata={"restated_by": ", ".join(context.partition_keys)},
                )
            )
    if restated_keys:
        context.log.info(f"restated weeks: {', '.join(restated_keys)}")
    weekly = marts.tables["indicator_weekly"]
    city = weekly.filter(weekly["district_code"] == "110000")
    statuses = Counter(s or "not_rated" for s in city["status"].to_list())
    for name, frame in marts.tables.items():
        metadata = {"rows": frame.height, "restated_weeks": ", ".join(restated_keys) or "none"}
        if name == "indicator_weekly":
            metadata |= {f"indicators_{s}": n for s, n in sorted(statuses.items())}
            metadata["suppressed_cells"] = int(frame["suppressed"].sum())
        if name == "measure_status" and frame.height:
            latest = frame.filter(frame["week"] == frame["week"].max())
            metadata["preview"] = dg.MetadataValue.md(_status_table(latest))
        yield dg.MaterializeResult(asset_key=["marts", name], metadata=metadata)
