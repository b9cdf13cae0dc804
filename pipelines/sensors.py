"""The inbox sensor (a week with new or corrected files runs) and the run-failure log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import dagster as dg

from core.contract import source_names
from core.partitions import partition_key, weekly_partitions
from core.resources import DataDirResource
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
                if path.is_file() and not path.name.startswith((".", "~$")):
                    found[path.relative_to(inbox).as_posix()] = (key, path)
    return found


def scan_inbox(
    inbox: Path, cursor: Fingerprints, partition_keys: set[str]
) -> tuple[dict[str, list[str]], Fingerprints]:
    """Weeks with new or changed files (week -> their paths) and the cursor after this scan.

    Size and mtime decide whether a file needs hashing; only a new content hash counts as a
    change, so a touched but identical file starts nothing. Files of weeks that are not yet a
    partition (the current week) stay out of the cursor and are picked up once the week ends.
    """
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
        if not before or before[2] != digest:
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
    keys = set(weekly_partitions.get_partition_keys())
    changed, after = scan_inbox(data_dir.inbox, cursor, keys)
    requests = [
        dg.RunRequest(
            run_key=run_key(key, rels, after),
            partition_key=key,
            tags={"pmon/trigger": "inbox", "pmon/files": str(len(rels))},
        )
        for key, rels in sorted(changed.items())
    ]
    if not requests:
        return dg.SkipReason(f"no new or corrected files in {data_dir.inbox}")
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(after, sort_keys=True))


def failure_lines(context: dg.RunFailureSensorContext) -> list[str]:
    """One line per failed step: when, run, partition, asset, cause."""
    run = context.dagster_run
    graph = context.repository_def.asset_graph if context.repository_def else None
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    partition = run.tags.get("dagster/partition") or _range(run.tags) or "-"
    head = f"{when} run {run.run_id[:8]} job {run.job_name} week {partition}"
    lines = []
    for event in context.get_step_failure_events():
        error = event.step_failure_data.error if event.step_failure_data else None
        while error is not None and error.cause is not None:
            error = error.cause  # the user's exception, not Dagster's wrapper around it
        cause = _first_line(error.message if error else event.message or "")
        lines.append(f"{head} {_what(event.step_key or '?', graph)} failed: {cause}")
    if not lines:
        lines.append(f"{head} failed: {_first_line(context.failure_event.message or '')}")
    return lines


def _what(step_key: str, asset_graph) -> str:
    """The asset(s) or asset check a step computes, as an analyst names them."""
    for assets_def in asset_graph.assets_defs if asset_graph else ():
        if not assets_def.is_executable or assets_def.node_def.name != step_key:
            continue
        if assets_def.keys:
            return "asset " + ", ".join(sorted(k.to_user_string() for k in assets_def.keys))
        checks = sorted(f"{c.asset_key.to_user_string()}:{c.name}" for c in assets_def.check_keys)
        return "check " + ", ".join(checks)
    return f"asset {step_key.replace('__', '/')}"


def _range(tags: dict) -> str | None:
    start, end = (
        tags.get("dagster/asset_partition_range_start"),
        tags.get("dagster/asset_partition_range_end"),
    )
    return f"{start}..{end}" if start and end else None


def _first_line(text: str) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "unknown cause")
    return line[:300]


def failure_log_path(base: Path) -> Path:
    return base / "logs" / "run-failures.log"


@dg.run_failure_sensor(
    name="run_failure_log",
    description="把失败的运行写入 logs/run-failures.log / appends failed runs to logs/run-failures.log.",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def run_failure_log(context: dg.RunFailureSensorContext, data_dir: DataDirResource) -> None:
    """Analysts read failures in a plain file, without opening the UI."""
    path = failure_log_path(data_dir.root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as log:
        log.write("\n".join(failure_lines(context)) + "\n")
