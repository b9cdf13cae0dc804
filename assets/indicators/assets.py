"""The indicator marts: every catalog indicator per week and district, and each measure's status.

One step computes everything (one DuckDB writer, one pass over the weeks); the asset graph still
shows, per measure (`indicators/M04`), which staging sources feed it, from the catalog.
"""

from collections import Counter
from typing import TYPE_CHECKING

import dagster as dg
from dagster_duckdb import DuckDBResource

from core.catalog import Measure, load_catalog
from core.contract import source_names
from core.partitions import partition_key, week_monday, weekly_partitions

if TYPE_CHECKING:  # polars loads with the step, not with the Definitions
    import polars as pl

MARTS = {
    "indicator_weekly": "Every catalog indicator per week and district (110000 = all Beijing): value, "
    "year-to-date, target, progress, week-over-week change, status, suppression flag.",
    "measure_status": "Each measure's weekly status (the worst of its indicators with data) and "
    "how many of its indicators are on track, at risk and off track.",
    "data_delivery": "Per week, source and delivering district: files, rows read, loaded, "
    "quarantined and late, rejected files.",
    "milestone_notes": "The milestone ledger rows of each week, with their measure, for the report.",
    "task_status": "Each task of the catalog's task ledger per week: done, on schedule, due soon, "
    "overdue or not reported, with its due date, last report and the units owing a report.",
    "ledger_quarantine": "Ledger rows refused by the indicator their action routes them to, with "
    "the reason (unit 人 ≠ 场).",
}
RESTATEMENTS = dg.AssetKey(["marts", "restatements"])
STAGING = [dg.AssetKey(["staging", source]) for source in source_names()]
INDICATOR_WEEKLY = dg.AssetKey(["marts", "indicator_weekly"])


def measure_key(measure_id: str) -> dg.AssetKey:
    """A measure's asset: materialized with the marts, it carries the measure's lineage."""
    return dg.AssetKey(["indicators", measure_id])


def _sources(measure: Measure) -> list[dg.AssetKey]:
    """The staging assets a measure's indicators read; `meta` (the load log) is written by all."""
    names = {s for i in measure.indicators for s in i.sources}
    return [k for k in STAGING if k.path[-1] in names or "meta" in names]


def _measure_spec(measure: Measure) -> dg.AssetSpec:
    return dg.AssetSpec(
        measure_key(measure.id),
        description=f"{measure.id} {measure.title.en} ({measure.title.zh}): its indicators, "
        + ", ".join(i.id for i in measure.indicators),
        deps=_sources(measure),
        group_name="indicators",
        kinds={"duckdb"},
    )


MART_DEPS = {  # what each mart is computed from
    "indicator_weekly": [measure_key(m.id) for m in load_catalog().measures],
    "measure_status": [INDICATOR_WEEKLY],
    "data_delivery": STAGING,
    "milestone_notes": [k for k in STAGING if k.path[-1] == "milestones"],
    "task_status": [k for k in STAGING if k.path[-1] == "milestones"],
    "ledger_quarantine": [k for k in STAGING if k.path[-1] == "milestones"],
}


def _status_table(frame) -> str:
    """The latest week's measure statuses as a small markdown table (one row per measure)."""
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
        *(_measure_spec(m) for m in load_catalog().measures),
        *(
            dg.AssetSpec(
                ["marts", name],
                description=description,
                deps=MART_DEPS[name],
                group_name="indicators",
                kinds={"duckdb"},
            )
            for name, description in MARTS.items()
        ),
        dg.AssetSpec(
            RESTATEMENTS,
            description="Each restated week: the run and files that triggered it, why, and every "
            "figure that changed (old -> new), for the report to cite.",
            deps=[INDICATOR_WEEKLY],
            group_name="indicators",
            kinds={"duckdb"},
        ),
    ],
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool="duckdb",
)
def indicator_marts(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    """Recompute the partition's weeks, and every computed week a change loaded since restates."""
    from assets.indicators.runner import materialize_weeks
    from assets.ingest.warehouse import ensure_warehouse

    weeks = [week_monday(key) for key in context.partition_keys]
    with warehouse.get_connection() as conn:
        ensure_warehouse(conn)
        run = {"run_id": context.run_id, "partitions": ", ".join(context.partition_keys)}
        marts, restated = materialize_weeks(conn, weeks, run=run)
    restated_keys = [partition_key(w) for w in restated]
    _log_restated(context, restated_keys)
    yield from _measure_results(marts.tables["measure_status"], restated_keys)
    yield from _mart_results(marts.tables, restated_keys)
    yield _restatement_result(marts.restatements)


def _restatement_result(frame: "pl.DataFrame | None") -> dg.MaterializeResult:
    """The weeks this run restated, why, and how many figures changed."""
    if frame is None or frame.height == 0:
        return dg.MaterializeResult(asset_key=RESTATEMENTS, metadata={"restated": "none"})
    lines = [
        f"- {partition_key(r['week'])}: {r['figures_changed']} figure(s) changed; "
        + "; ".join(r["reasons"])
        for r in frame.iter_rows(named=True)  # one row per restated week
    ]
    return dg.MaterializeResult(
        asset_key=RESTATEMENTS,
        metadata={"restated": dg.MetadataValue.md("\n".join(lines)), "rows": frame.height},
    )


def _log_restated(context: dg.AssetExecutionContext, restated_keys: list[str]) -> None:
    """So the UI shows the restated partitions of every asset of the step as re-materialized."""
    for key in restated_keys:
        for asset_key in sorted(context.assets_def.keys):
            context.log_event(
                dg.AssetMaterialization(
                    asset_key=asset_key,
                    partition=key,
                    description="restated: rows it depends on changed in a later load",
                    metadata={"restated_by": ", ".join(context.partition_keys)},
                )
            )
    if restated_keys:
        context.log.info(f"restated weeks: {', '.join(restated_keys)}")


def _measure_results(status: "pl.DataFrame", restated_keys: list[str]):
    """Each measure's latest computed week: its status and how many indicators have data."""
    latest = status.filter(status["week"] == status["week"].max())
    for row in latest.iter_rows(named=True):  # one row per catalog measure
        yield dg.MaterializeResult(
            asset_key=measure_key(row["measure_id"]),
            metadata={
                "week": partition_key(row["week"]),
                "status": row["status"],
                "indicators_with_data": f"{row['indicators_with_data']}/{row['indicators']}",
                "restated_weeks": ", ".join(restated_keys) or "none",
            },
        )


def _mart_results(tables: "dict[str, pl.DataFrame]", restated_keys: list[str]):
    """Each mart's rows, with status counts, suppressed cells and a status preview."""
    weekly = tables["indicator_weekly"]
    city = weekly.filter(weekly["district_code"] == "110000")
    statuses = Counter(s or "not_rated" for s in city["status"].to_list())
    for name, frame in tables.items():
        metadata = {"rows": frame.height, "restated_weeks": ", ".join(restated_keys) or "none"}
        if name == "indicator_weekly":
            metadata |= {f"indicators_{s}": n for s, n in sorted(statuses.items())}
            metadata["suppressed_cells"] = int(frame["suppressed"].sum())
        if name == "measure_status" and frame.height:
            latest = frame.filter(frame["week"] == frame["week"].max())
            metadata["preview"] = dg.MetadataValue.md(_status_table(latest))
        yield dg.MaterializeResult(asset_key=["marts", name], metadata=metadata)
