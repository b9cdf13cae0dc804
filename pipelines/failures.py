"""Failed runs in words an analyst reads without the UI: one line per failed step, appended to
`<data dir>/logs/run-failures.log` by the failure sensor (daemon runs) and by `pmon` (CLI runs)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def failure_lines(run, step_failures: list, run_message: str, graph) -> list[str]:
    """One line per failed step: when, run, partition, asset, cause."""
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    partition = run.tags.get("dagster/partition") or _range(run.tags) or "-"
    head = f"{when} run {run.run_id[:8]} job {run.job_name} week {partition}"
    lines = []
    for event in step_failures:
        error = event.step_failure_data.error if event.step_failure_data else None
        while error is not None and error.cause is not None:
            error = error.cause  # the user's exception, not Dagster's wrapper around it
        cause = _first_line(error.message if error else event.message or "")
        lines.append(f"{head} {_what(event.step_key or '?', graph)} failed: {cause}")
    if not lines:
        lines.append(f"{head} failed: {_first_line(run_message)}")
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


def append_failures(base: Path, lines: list[str]) -> Path:
    """Add failure lines to the data dir's failure log; the path, for the message that cites it."""
    path = failure_log_path(base)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as log:
        log.write("\n".join(lines) + "\n")
    return path
