"""One weekly-partitioned asset per contract source, all made by the same factory."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.ingest.load import PartitionLoad, load_week
from core.contract import Source, load_contract
from core.partitions import week_monday, weekly_partitions
from core.resources import DataDirResource


def _escape(value: object) -> str:
    """File names and cells are delivered text: never let them become markup in the UI."""
    text = "" if value is None else str(value)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "&#124;")):
        text = text.replace(char, entity)
    return text


def _markdown(frame) -> str:
    """A small markdown table (a handful of preview rows)."""
    head = "| " + " | ".join(frame.columns) + " |\n|" + "---|" * frame.width + "\n"
    body = ("| " + " | ".join(_escape(v) for v in row) + " |" for row in frame.rows())
    return head + "\n".join(body)


def _metadata(loads: list[PartitionLoad]) -> dict:
    files = [f for load in loads for f in load.files]
    problems = [_escape(f.message) for f in files if f.outcome == "rejected"]
    affected = sorted(set().union(*(load.affected_weeks for load in loads)))
    outcomes = {
        o: sum(f.outcome == o for f in files)
        for o in ("loaded", "corrected", "unchanged", "rejected")
    }
    metadata = {
        "weeks": ", ".join(load.week.isoformat() for load in loads),
        "files": len(files),
        "rows_read": sum(f.rows_read for f in files),
        "rows_loaded": sum(f.rows_loaded for f in files),
        "rows_quarantined": sum(f.rows_quarantined for f in files),
        "rows_late": sum(f.rows_late for f in files),
        **{f"files_{o}": n for o, n in outcomes.items()},
        "affected_weeks": ", ".join(week.isoformat() for week in affected),
        "rejected_files": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems) or "none"),
    }
    previews = [load.preview for load in loads if load.preview is not None]
    if previews:
        metadata["preview"] = dg.MetadataValue.md(_markdown(previews[-1]))
    return metadata


def build_ingest_asset(source: Source) -> dg.AssetsDefinition:
    """The staging asset of one source: its weeks' deliveries loaded, typed and checked."""

    @dg.asset(
        key=dg.AssetKey(["staging", source.name]),
        description=f"{source.title.zh} / {source.title.en}: each week's deliveries, typed and checked.",
        group_name="ingest",
        kinds={"duckdb", "polars"},
        pool="duckdb",
        partitions_def=weekly_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def _ingest(
        context: dg.AssetExecutionContext, warehouse: DuckDBResource, data_dir: DataDirResource
    ) -> dg.MaterializeResult:
        key = data_dir.pii_key()
        loads = []
        with warehouse.get_connection() as conn:
            for partition in sorted(
                context.partition_keys
            ):  # oldest first: corrections apply in order
                load = load_week(conn, data_dir.inbox, source.name, week_monday(partition), key)
                context.log.info(
                    f"{source.name} {partition}: {len(load.files)} file(s), "
                    f"{load.total('rows_loaded')} loaded, {load.total('rows_quarantined')} quarantined"
                )
                loads.append(load)
        return dg.MaterializeResult(metadata=_metadata(loads))

    return _ingest


ingest_assets = [
    build_ingest_asset(load_contract().sources[name]) for name in load_contract().names
]
