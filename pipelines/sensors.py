"""The inbox sensor (a week with new or corrected files runs) and the run-failure log."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg

from assets.ingest.inbox import misfiled as misfiled_deliveries
from assets.ingest.reading import is_delivery
from core.contract import source_names
from core.partitions import partition_key, weekly_partitions
from core.resources import DataDirResource
from pipelines.failures import append_failures, failure_lines
from pipelines.jobs import weekly_job

Fingerprints = dict[str, list]  # inbox-relative path -> [size, mtime_ns, sha256]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inbox_files(inbox: Path) -> dict[str, tuple[str, Path]]:
    """Delivered files by inbox-relative path, with the partition key of their week folder."""
    found: dict[str, tuple[str, Path]] = {}
    for source in source_names():
        for week_dir in sorted((inbox / source).glob("*-W*")):
            try:
                key = partition_key(week_dir.name)
            except ValueError:
                continue  # not a week folder: nothing the pipeline would load
            for path in sorted(week_dir.iterdir()):
                if is_delivery(path):  # never a link: the sensor must not hash what it points to
                    found[path.relative_to(inbox).as_posix()] = (key, path)
    return found


def loaded_contents(warehouse: Path) -> dict[str, str]:
    """What the warehouse already loaded: the content hash of each file's latest attempt. A
    sensor without a cursor (first start, after a CLI run) starts from here, so files a CLI run
    loaded start nothing. Empty when there is no warehouse yet or a writer holds it."""
    import duckdb

    if not warehouse.exists():
        return {}
    try:
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            rows = conn.execute(
                "select source_file, arg_max(file_sha256, loaded_at) from meta.load_log "
                "group by source_file"
            ).fetchall()
    except duckdb.Error:
        return {}
    return dict(rows)


def scan_inbox(
    inbox: Path,
    cursor: Fingerprints,
    partition_keys: set[str],
    loaded: dict[str, str] | None = None,
) -> tuple[dict[str, list[str]], Fingerprints]:
    """Weeks with new or changed files (week -> their paths) and the cursor after this scan.

    Size and mtime decide whether a file needs hashing; only a new content hash counts as a
    change, so a touched but identical file starts nothing, and neither does a file whose content
    the warehouse already loaded (`loaded`). Files of weeks that are not yet a partition (the
    current week) stay out of the cursor and are picked up once the week ends.
    """
    loaded = loaded or {}
    changed: dict[str, list[str]] = {}
    after: Fingerprints = {}
    for rel, (key, path) in inbox_files(inbox).items():
        if key not in partition_keys:
            continue
        stat = path.stat()
        before = cursor.get(rel)
        if before and before[0] == stat.st_size and before[1] == stat.st_mtime_ns:
            after[rel] = before
            continue
        digest = _sha256(path)
        after[rel] = [stat.st_size, stat.st_mtime_ns, digest]
        known = before[2] if before else loaded.get(rel)
        if known != digest:
            changed.setdefault(key, []).append(rel)
    return changed, after


def run_key(key: str, rels: list[str], fingerprints: Fingerprints) -> str:
    """The same week with the same file contents never starts a second run."""
    content = "\n".join(f"{rel}:{fingerprints[rel][2]}" for rel in sorted(rels))
    return f"{key}:{hashlib.sha256(content.encode('utf-8')).hexdigest()[:16]}"


@dg.sensor(
    name="inbox_sensor",
    job=weekly_job,
    minimum_interval_seconds=60,
    description="新文件或更正文件到达时处理该周 / runs a week when new or corrected files arrive.",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def inbox_sensor(context: dg.SensorEvaluationContext, data_dir: DataDirResource):
    """One run per week with new or corrected files; unchanged files never start a run."""
    cursor: Fingerprints = json.loads(context.cursor) if context.cursor else {}
    loaded = {} if cursor else loaded_contents(data_dir.warehouse)
    keys = set(weekly_partitions.get_partition_keys())
    changed, after = scan_inbox(data_dir.inbox, cursor, keys, loaded)
    requests = [
        dg.RunRequest(
            run_key=run_key(key, rels, after),
            partition_key=key,
            tags={"pmon/trigger": "inbox", "pmon/files": str(len(rels))},
        )
        for key, rels in sorted(changed.items())
    ]
    if not requests:
        misfiled = len(misfiled_deliveries(data_dir.inbox))
        note = f" ({misfiled} misfiled item(s): see meta.inbox_anomalies)" if misfiled else ""
        return dg.SkipReason(f"no new or corrected files in {data_dir.inbox}{note}")
    for item in misfiled_deliveries(data_dir.inbox):
        context.log.warning(f"inbox/{item.path}: {item.problem}")
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(after, sort_keys=True))


@dg.run_failure_sensor(
    name="run_failure_log",
    description="把失败的运行写入 logs/run-failures.log / appends failed runs to logs/run-failures.log.",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def run_failure_log(context: dg.RunFailureSensorContext, data_dir: DataDirResource) -> None:
    """Analysts read failures in a plain file, without opening the UI."""
    graph = context.repository_def.asset_graph if context.repository_def else None
    lines = failure_lines(
        context.dagster_run,
        context.get_step_failure_events(),
        context.failure_event.message or "",
        graph,
    )
    append_failures(data_dir.root, lines)
