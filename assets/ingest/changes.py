"""What a load changed, written where the indicator step finds it: `meta.week_changes`.

The loader knows which weeks a file touches (the event weeks of the rows it adds, and of the rows
a correction or a retraction deletes, plus the reporting week whose deliveries it changes). It
writes them in its own transaction, so whichever run computes the marts next (CLI, schedule,
sensor, a later week's run) restates exactly the weeks that depend on them. A live file missing
from its folder is only noted (`meta.inbox_removals`): its rows go on an explicit retraction.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from assets.ingest.outcomes import FileOutcome

CHANGE_SCHEMA = {
    "source": pl.Utf8,
    "week": pl.Date,
    "source_file": pl.Utf8,
    "file_sha256": pl.Utf8,
    "affected_week": pl.Date,
    "kind": pl.Utf8,  # rows: that week and every later one; delivery: that week and the next
    "reason": pl.Utf8,
}


def delivery_changes(source: str, week: dt.date, outcomes: list[FileOutcome]) -> pl.DataFrame:
    """Every new attempt changes the reporting week's deliveries (files, rows, rejections)."""
    return pl.DataFrame(
        [
            (source, week, o.source_file, o.file_sha256, week, "delivery", f"file {o.outcome}")
            for o in outcomes  # one per file, not per data row
        ],
        schema=CHANGE_SCHEMA,
        orient="row",
    )


def _new_rows(
    source: str, week: dt.date, staging: pl.DataFrame, corrected: set[str]
) -> pl.DataFrame:
    """The event weeks of the rows just staged, per file."""
    if staging.height == 0:
        return pl.DataFrame(schema=CHANGE_SCHEMA)
    late = pl.col("affected_week") < pl.lit(week, pl.Date)
    return (
        staging.group_by("source_file", "file_sha256", "event_week")
        .len()
        .rename({"event_week": "affected_week"})
        .with_columns(
            pl.lit(source).alias("source"),
            pl.lit(week, pl.Date).alias("week"),
            pl.lit("rows").alias("kind"),
            pl.when(pl.col("source_file").is_in(list(corrected)))
            .then(pl.lit("corrected rows"))
            .when(late)
            .then(pl.lit("late rows arrived"))
            .otherwise(pl.lit("new rows"))
            .alias("reason"),
        )
        .select(list(CHANGE_SCHEMA))
    )


def removed_row_changes(
    source: str, week: dt.date, outcomes: list[FileOutcome], old_weeks: dict[str, set[dt.date]],
    new: pl.DataFrame, reason: str,
) -> pl.DataFrame:  # fmt: skip
    """The event weeks of the rows a correction (or retraction) deleted; `withdrawn` where the
    new content has no row left in that week."""
    shas = {o.source_file: o.file_sha256 for o in outcomes}
    kept = set(zip(new["source_file"].to_list(), new["affected_week"].to_list(), strict=True))
    rows = [
        (source, week, f, shas.get(f), w, "rows", reason if (f, w) in kept else "rows withdrawn")
        for f, weeks in old_weeks.items()
        for w in weeks  # the distinct weeks one file held: a handful
    ]
    return pl.DataFrame(rows, schema=CHANGE_SCHEMA, orient="row")


def week_changes(
    source: str,
    week: dt.date,
    outcomes: list[FileOutcome],
    staging: pl.DataFrame,
    old_weeks: dict[str, set[dt.date]],
) -> pl.DataFrame:
    """One row per file and week whose figures the load changes (see CHANGE_SCHEMA's `kind`)."""
    new = _new_rows(source, week, staging, set(old_weeks))
    old = removed_row_changes(source, week, outcomes, old_weeks, new, "corrected rows")
    return pl.concat([delivery_changes(source, week, outcomes), new, old])


def record_changes(conn, changes: pl.DataFrame, run_id: str | None, at: dt.datetime) -> None:
    """Append the changes to `meta.week_changes` (inside the caller's transaction)."""
    if changes.height == 0:
        return
    frame = changes.with_columns(
        pl.lit(run_id, pl.Utf8).alias("run_id"), pl.lit(at, pl.Datetime("us")).alias("changed_at")
    )
    conn.register("__changes", frame.to_arrow())
    conn.execute("insert into meta.week_changes by name select * from __changes")
    conn.unregister("__changes")


def note_removals(
    conn, inbox: Path, source: str, week: dt.date, prior, files: list[Path], run_id: str | None
) -> list[str]:
    """Live files of this week folder that are gone from it: noted once each, rows kept."""
    present = {p.relative_to(inbox).as_posix() for p in files}
    gone = [
        (rel, sha)
        for rel, (sha, w) in sorted(prior.live.items())
        if w == week and rel not in present
    ]
    if not gone:
        return []
    noted = {
        tuple(r)
        for r in conn.execute(
            "select source_file, file_sha256 from meta.inbox_removals where source = ? and week = ?",
            [source, week],
        ).fetchall()
    }
    new = [(source, week, rel, sha, run_id) for rel, sha in gone if (rel, sha) not in noted]
    if new:
        conn.executemany(
            "insert into meta.inbox_removals values (?, ?, ?, ?, ?, current_timestamp::timestamp)",
            new,
        )
    return [rel for rel, _ in gone]
