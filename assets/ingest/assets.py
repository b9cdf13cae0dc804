"""One weekly-partitioned asset per contract source, all made by the same factory.

What an asset writes, as the Dagster UI shows it: the asset *is* `staging.<source>` (its
`dagster/table_name` and `dagster/column_schema`), and its definition metadata names the other
tables the same transaction writes, with their columns: `raw.<source>` (every row as delivered),
`quarantine.<source>` (rows that broke the contract, with their reasons) and `meta.load_log` (one
row per file). They are metadata rather than asset specs of a multi-asset on purpose: no asset
reads raw or quarantine (SQL reaches them through the loader's `meta` views); `meta.load_log` is
written by every source's asset, and an asset key can have only one producer; and one step, one
asset keeps the failure log and the asset checks naming `staging/<source>` as analysts know it.
"""

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from assets.ingest.guard import guard_intake
from assets.ingest.load import PartitionLoad, load_week
from assets.ingest.warehouse import (
    LINEAGE,
    quarantine_columns,
    raw_columns,
    sql,
    staging_columns,
)
from core.contract import Source, load_contract
from core.masking import markdown_literal
from core.partitions import week_monday, weekly_partitions
from core.resources import DataDirResource


def _escape(value: object) -> str:
    """File names and cells are delivered text: never let them become markup in the UI (an
    image link in a cell must not make the operator's browser fetch it)."""
    text = "" if value is None else str(value)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(char, entity)
    return markdown_literal(text)


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
        "removed_files": ", ".join(rel for load in loads for rel in load.removed) or "none",
        "rejected_files": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems) or "none"),
    }
    previews = [load.preview for load in loads if load.preview is not None]
    if previews:
        metadata["preview"] = dg.MetadataValue.md(_markdown(previews[-1]))
    return metadata


def _warn_removed(context: dg.AssetExecutionContext, load: PartitionLoad) -> None:
    """A loaded file gone from the inbox keeps its rows: say so, and how to withdraw them."""
    for rel in load.removed:
        context.log.warning(
            f"{rel}: 文件已从收件箱移除，其数据仍保留；如需撤回请运行 pmon retract {rel} / "
            f"no longer in the inbox; its rows stay loaded until `pmon retract {rel}`"
        )


LINEAGE_NOTES = {
    "district_code": "district the row counts for (its column, else the delivering district)",
    "event_week": "Monday of the week the row's event date falls in",
    "is_late": "dated in a week earlier than the reporting week (that week is restated)",
    "source_file": "inbox-relative path of the delivered file",
    "file_sha256": "SHA-256 of the delivered file",
    "row_number": "row in the delivered file (1 = first data row)",
    "loaded_at": "when the file was loaded (UTC)",
    "week": "reporting week (Monday) whose inbox folder held the file",
    "reasons": "every rule the row broke, as 'column: rule'",
}


def table_schema(columns: list[tuple[str, str]], source: Source) -> dg.TableSchema:
    """A table's columns for the UI: contract columns described by their Chinese headers."""
    described = []
    for name, kind in columns:
        contract_name = name.removesuffix("_hash")
        spec = source.columns.get(contract_name)
        if spec is not None:
            note = " / ".join(spec.zh) + (" (HMAC-SHA-256)" if spec.pii else "")
        else:
            note = LINEAGE_NOTES.get(name, "")
        described.append(dg.TableColumn(name, kind, description=note))
    return dg.TableSchema(columns=described)


def load_log_schema() -> dg.TableSchema:
    """meta.load_log's columns, as the loader's own DDL creates them (in an in-memory DuckDB)."""
    with duckdb.connect() as conn:
        conn.execute(sql("schemas.sql"))
        rows = conn.execute("describe meta.load_log").fetchall()
    return dg.TableSchema(columns=[dg.TableColumn(row[0], row[1].lower()) for row in rows])


def definition_metadata(source: Source) -> dict:
    """The tables one source's asset writes: staging as the asset's table, the rest alongside."""
    name = source.name
    writes = (
        f"- `staging.{name}`: typed rows that passed every rule (this asset's table)\n"
        f"- `raw.{name}`: every delivered row as text, PII hashed\n"
        f"- `quarantine.{name}`: rows that broke a rule, with every reason\n"
        "- `meta.load_log`: one row per file and load attempt (shared by every source)"
    )
    return {
        # Dagster's documented table keys (dagster.TableMetadataSet is not public in 1.13)
        "dagster/table_name": f"staging.{name}",
        "dagster/column_schema": dg.MetadataValue.table_schema(
            table_schema(staging_columns(source), source)
        ),
        "writes": dg.MetadataValue.md(writes),
        "raw_table": dg.MetadataValue.table_schema(
            table_schema(raw_columns(source) + LINEAGE, source)
        ),
        "quarantine_table": dg.MetadataValue.table_schema(
            table_schema(quarantine_columns(source), source)
        ),
        "load_log_table": dg.MetadataValue.table_schema(load_log_schema()),
    }


def _summary(source: str, loads: list[PartitionLoad]) -> str:
    """One console line per source and run, however many weeks the run covers."""
    files = [f for load in loads for f in load.files]
    rejected = sum(f.outcome == "rejected" for f in files)
    weeks = f"{len(loads)} week(s)" if len(loads) != 1 else loads[0].week.isoformat()
    return (
        f"{source} {weeks}: {len(files)} file(s)"
        + (f" ({rejected} rejected)" if rejected else "")
        + f", {sum(f.rows_loaded for f in files):,} rows loaded, "
        f"{sum(f.rows_quarantined for f in files):,} quarantined"
    )


def build_ingest_asset(source: Source) -> dg.AssetsDefinition:
    """The staging asset of one source: its weeks' deliveries loaded, typed and checked."""

    @dg.asset(
        key=dg.AssetKey(["staging", source.name]),
        description=f"{source.title.zh} / {source.title.en}: each week's deliveries, typed and checked.",
        group_name="ingest",
        kinds={"duckdb", "polars"},
        metadata=definition_metadata(source),
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
            guard_intake(context, conn, data_dir.inbox, key, source.name)
            for partition in sorted(
                context.partition_keys
            ):  # oldest first: corrections apply in order
                load = load_week(
                    conn, data_dir.inbox, source.name, week_monday(partition), key, context.run_id
                )
                _warn_removed(context, load)
                context.log.debug(
                    f"{source.name} {partition}: {len(load.files)} file(s), "
                    f"{load.total('rows_loaded')} loaded, {load.total('rows_quarantined')} quarantined"
                )
                loads.append(load)
            (rows,) = conn.execute(f"select count(*) from staging.{source.name}").fetchone()
        context.log.info(_summary(source.name, loads))
        metadata = _metadata(loads) | {"dagster/row_count": rows}
        return dg.MaterializeResult(metadata=metadata)

    return _ingest


ingest_assets = [
    build_ingest_asset(load_contract().sources[name]) for name in load_contract().names
]
