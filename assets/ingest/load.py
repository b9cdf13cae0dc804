"""Loading one source's week of deliveries into DuckDB in one transaction.

A file reports on the week of its folder. Per file: content another file of the same week folder
already loaded -> `unchanged` (identical content in another week's folder is that week's
delivery); same name in the same folder with new content -> `corrected` (the old file's rows are
deleted first, whatever else the new content equals); unreadable, or a district that cannot be
told -> `rejected`; else `loaded`. A file name already recorded with the same content is skipped
silently, so re-materializing a partition changes nothing. Only data problems (`Rejected`) reject
a file: any other exception is a bug and fails the step with its traceback.

Every change to what is loaded is written to `meta.week_changes` in the same transaction (the
weeks whose figures it touches), so the indicator step restates exactly the dependent weeks
whichever run comes next; a live file gone from its folder is noted in `meta.inbox_removals`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

from assets.ingest.changes import (
    CHANGE_SCHEMA,
    delivery_changes,
    note_removals,
    record_changes,
    removed_row_changes,
    week_changes,
)
from assets.ingest.outcomes import FileOutcome
from assets.ingest.reading import RawTable, Rejected, is_delivery, read_table
from assets.ingest.rules import Conformed, conform
from assets.ingest.warehouse import (
    LINEAGE,
    ensure_warehouse,
    quarantine_columns,
    raw_columns,
    sql,
    staging_columns,
)
from core.contract import Contract, Reference, Source, load_contract, load_reference
from core.masking import mask_text, names_personal_data
from core.partitions import iso_week

LIVE = ("loaded", "corrected")
POLARS_TYPES = {
    "varchar": pl.Utf8,
    "bigint": pl.Int64,
    "double": pl.Float64,
    "date": pl.Date,
    "boolean": pl.Boolean,
    "timestamp": pl.Datetime("us"),
    "varchar[]": pl.List(pl.Utf8),
}


@dataclass
class PartitionLoad:
    source: str
    week: dt.date
    files: list[FileOutcome] = field(default_factory=list)
    preview: pl.DataFrame | None = None
    affected_weeks: set[dt.date] = field(default_factory=set)  # weeks whose figures change
    removed: list[str] = field(default_factory=list)  # live files no longer in their folder

    def total(self, attribute: str) -> int:
        return sum(getattr(f, attribute) for f in self.files)


@dataclass
class _Pending:
    """A file to load: its outcome, and its rows as text until the week is conformed."""

    outcome: FileOutcome
    table: RawTable | None  # None once its rows are written


@dataclass
class _WeekRows:
    """A batch of a source-week's files to load, conformed as ONE frame: `file` gives each row's index into
    `pending` (lineage per row: source_file from it, row_number from the reader)."""

    pending: list[_Pending]
    conformed: Conformed
    file: pl.Series  # UInt32, one per row


def _conform_batch(
    pending: list[_Pending], source: Source, week: dt.date, pii_key: bytes
) -> _WeekRows:
    """Conform a batch of the week's files together: one typing and rule pass, identifiers
    hashed once per distinct value, whatever number of files delivered them."""
    frames = [
        p.table.frame.with_columns(
            pl.lit(i, pl.UInt32).alias(_FILE),
            pl.lit(p.outcome.district_code, pl.Utf8).alias(_FILE_DISTRICT),
        )
        for i, p in enumerate(pending)
    ]
    frame = pl.concat(frames, how="vertical_relaxed")
    conformed = conform(
        frame.drop(_FILE, _FILE_DISTRICT), source, week, frame[_FILE_DISTRICT], pii_key
    )
    return _WeekRows(pending, conformed, frame[_FILE])


_FILE, _FILE_DISTRICT = "__file", "__file_district"


NAMING_HINT = (
    "无法从文件名判断所属区：请在文件名中写明区名或区划代码，例如 海淀区.csv、"
    "海淀区培训2026第47周.csv、haidian.csv 或 110108.csv / the district cannot be told from "
    "the file name: name the file after its district, e.g. 海淀区.csv, haidian.csv or 110108.csv"
)


@cache
def _district_patterns() -> list[tuple[re.Pattern, str]]:
    """One pattern per way a bureau names its district: GB/T 2260 code, pinyin slug, Chinese
    name with or without 区 (北京市海淀区, 海淀区, 海淀)."""
    patterns = []
    for d in load_reference().districts:
        core = d.zh.removesuffix("区").removesuffix("县")
        names = sorted({d.zh, core}, key=len, reverse=True)
        patterns += [
            (re.compile(rf"(?<!\d){d.code}(?!\d)"), d.code),
            (re.compile(rf"(?<![a-z]){re.escape(d.slug)}(?:qu)?(?![a-z])"), d.code),
            (re.compile("|".join(re.escape(n) for n in names)), d.code),
        ]
    return patterns


PERSONAL_NAME = (
    "文件名含身份证号或手机号，请改名（如 海淀区.csv）后重新报送 / the file name holds an identity "
    "number or a phone number: rename it (e.g. haidian.csv) and deliver it again"
)


def district_from_name(file_name: str) -> str | None:
    """The district a file name names anywhere in it (`海淀区.csv`, `北京市海淀区培训.csv`,
    `haidian.csv`, `110108_week47.xlsx` -> `110108`); None when none or several districts."""
    text = unicodedata.normalize("NFKC", Path(file_name).stem).lower()
    found = {code for pattern, code in _district_patterns() if pattern.search(text)}
    return found.pop() if len(found) == 1 else None


def needs_named_district(source: Source) -> bool:
    """A source without a district column, owed by every district: the name must say which."""
    return source.district is None and source.expected_from == "districts"


def week_files(inbox: Path, source: str, week: dt.date) -> list[Path]:
    folder = inbox / source / iso_week(week)
    return sorted(p for p in folder.iterdir() if is_delivery(p)) if folder.is_dir() else []


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class _Prior:
    """What the warehouse already holds for a source: the latest attempt per file name, and the
    live files (rows loaded) with their content and reporting week."""

    latest: dict[str, tuple[str, str]] = field(default_factory=dict)
    live: dict[str, tuple[str, dt.date]] = field(default_factory=dict)

    def live_in_week(self, week: dt.date) -> dict[str, str]:
        """Content -> file name of the files live in one week folder."""
        return {sha: rel for rel, (sha, w) in self.live.items() if w == week}


def _prior(conn, source: str) -> _Prior:
    rows = conn.execute(sql("prior_loads.sql"), {"source": source}).fetchall()
    prior = _Prior()
    for source_file, sha, outcome, week in rows:  # one row per load attempt, not per data row
        prior.latest[source_file] = (sha, outcome)
        if outcome in LIVE:
            prior.live[source_file] = (sha, week)
        elif outcome == "retracted":
            prior.live.pop(source_file, None)
    return prior


def _event_weeks(conn, source: str, source_file: str) -> set[dt.date]:
    rows = conn.execute(
        f"select distinct event_week from staging.{source} where source_file = ?", [source_file]
    ).fetchall()
    return {week for (week,) in rows}


def _mark_duplicates(
    conn, rows: _WeekRows, source: Source, week: dt.date, earlier: pl.DataFrame | None
) -> pl.DataFrame:
    """A key seen earlier in this load (`earlier`: the keys of its earlier batches, or earlier in
    this batch), or in rows other files already loaded, is a duplicate. Returns the keys seen
    so far, for the next batch."""
    keys = list(source.key)
    frame = rows.conformed.typed.select(*keys).with_row_index("__pos")
    has_key = pl.all_horizontal(pl.col(keys).is_not_null())
    frame = frame.with_columns(
        (has_key & ~pl.struct(keys).is_first_distinct().over(has_key)).alias("__dup")
    )
    batch_keys = frame.filter(has_key).select(keys).unique()
    conn.register("__load_keys", batch_keys.to_arrow())
    same_week = "" if source.event_date else f"where week = date '{week.isoformat()}'"
    on = " and ".join(f"k.{c} = s.{c}" for c in keys)
    existing = pl.from_arrow(
        conn.sql(
            f"select k.* from __load_keys k semi join (select * from staging.{source.name} {same_week}) s on {on}"
        ).to_arrow_table()
    )
    conn.unregister("__load_keys")
    if earlier is not None:
        existing = pl.concat([existing, earlier.join(batch_keys, on=keys, how="semi")]).unique()
    if existing.height:
        existing = existing.with_columns(pl.lit(True).alias("__seen"))
        frame = frame.join(existing, on=keys, how="left", nulls_equal=False, maintain_order="left")
        frame = frame.with_columns(pl.col("__dup") | pl.col("__seen").fill_null(False))
    reason = f"{'+'.join(keys)}: duplicate key"
    rows.conformed = rows.conformed.with_reason(frame.sort("__pos")["__dup"], reason)
    return batch_keys if earlier is None else pl.concat([earlier, batch_keys])


def _shaped(frame: pl.DataFrame, columns: list[tuple[str, str]]) -> pl.DataFrame:
    return frame.select(pl.col(n).cast(POLARS_TYPES[t]) for n, t in columns)


def _lineage(
    frame: pl.DataFrame, files: pl.DataFrame, loaded_at: dt.datetime, week: dt.date
) -> pl.DataFrame:
    """source_file and file_sha256 per row from its file (`__file` -> `files`), the rest literal."""
    return frame.join(files, on=_FILE, how="left", maintain_order="left").with_columns(
        pl.lit(loaded_at, pl.Datetime("us")).alias("loaded_at"),
        pl.lit(week, pl.Date).alias("week"),
    )


def _insert(conn, table: str, frame: pl.DataFrame) -> None:
    if frame.height == 0:
        return
    conn.register("__batch", frame.to_arrow())
    conn.execute(f"insert into {table} by name select * from __batch")
    conn.unregister("__batch")


def _write(
    conn, rows: _WeekRows, source: Source, week: dt.date, loaded_at: dt.datetime
) -> pl.DataFrame:
    """Insert a batch's raw, staging and quarantine rows, one Arrow hand-over per table; count
    each file's rows into its outcome; return the staging rows."""
    c = rows.conformed
    files = pl.DataFrame(
        {
            _FILE: pl.Series(range(len(rows.pending)), dtype=pl.UInt32),
            "source_file": [p.outcome.source_file for p in rows.pending],
            "file_sha256": [p.outcome.file_sha256 for p in rows.pending],
        }
    )  # one row per file, not per data row
    clean = c.is_clean
    staged = _lineage(c.typed.with_columns(rows.file).filter(clean), files, loaded_at, week)
    per_file = (
        pl.DataFrame({_FILE: rows.file, "clean": clean, "late": c.typed["is_late"] & clean})
        .group_by(_FILE)
        .agg(pl.len().alias("read"), pl.col("clean").sum(), pl.col("late").sum())
    )
    counts = {i: (read, loaded, late) for i, read, loaded, late in per_file.iter_rows()}
    for i, p in enumerate(rows.pending):  # one outcome per file
        o = p.outcome
        o.rows_read, o.rows_loaded, o.rows_late = (int(n or 0) for n in counts.get(i, (0, 0, 0)))
        o.rows_quarantined = o.rows_read - o.rows_loaded
    raw = _lineage(c.raw.with_columns(rows.file), files, loaded_at, week)
    rejected = _lineage(
        c.raw.with_columns(rows.file, c.reasons.alias("reasons")).filter(~clean),
        files,
        loaded_at,
        week,
    )
    staging = _shaped(staged, staging_columns(source))
    _insert(conn, f"raw.{source.name}", _shaped(raw, raw_columns(source) + LINEAGE))
    _insert(conn, f"staging.{source.name}", staging)
    _insert(conn, f"quarantine.{source.name}", _shaped(rejected, quarantine_columns(source)))
    return staging


def _log(
    conn, source: str, week: dt.date, outcomes: list[FileOutcome], loaded_at: dt.datetime
) -> None:
    if not outcomes:
        return
    frame = pl.DataFrame(
        [
            {
                "source": source,
                "week": week,
                "source_file": o.source_file,
                "file_sha256": o.file_sha256,
                "district_code": o.district_code,
                "rows_read": o.rows_read,
                "rows_loaded": o.rows_loaded,
                "rows_quarantined": o.rows_quarantined,
                "outcome": o.outcome,
                "message": o.message,
                "loaded_at": loaded_at,
            }
            for o in outcomes  # one dict per file, not per data row
        ],
        schema_overrides={"district_code": pl.Utf8, "loaded_at": pl.Datetime("us")},
    )
    _insert(conn, "meta.load_log", frame)


def _plan_file(
    path: Path,
    inbox: Path,
    source: Source,
    week: dt.date,
    prior: _Prior,
    shas_this_load: dict[str, str],
) -> FileOutcome | _Pending | None:
    """Decide what one file means for the warehouse; None when it was already handled.

    Only `Rejected` (a data problem the reader names) rejects a file; any other exception is a
    bug and propagates, so the run fails with its traceback instead of a false "not delivered".
    """
    data = path.read_bytes()
    sha, rel = file_sha256(data), path.relative_to(inbox).as_posix()
    if names_personal_data(rel):  # the name itself would put personal data in every record
        shown = mask_text(rel)
        if prior.latest.get(shown, (None, None))[0] == sha:
            return None
        return FileOutcome(shown, sha, None, "rejected", f"{shown}: {PERSONAL_NAME}")
    district = district_from_name(path.name)
    if prior.latest.get(rel, (None, None))[0] == sha:
        return None
    corrects = rel in prior.live
    same_week = prior.live_in_week(week) | shas_this_load
    if sha in same_week and not corrects:  # a correction always replaces its file's rows
        message = f"{rel}: same content as {same_week[sha]}, nothing loaded"
        return FileOutcome(rel, sha, district, "unchanged", message)
    try:
        table = read_table(path, source, data)
    except Rejected as exc:
        return FileOutcome(rel, sha, district, "rejected", f"{rel}: {exc}")
    if district is None and needs_named_district(source):
        return FileOutcome(rel, sha, None, "rejected", f"{rel}: {NAMING_HINT}")
    shas_this_load[sha] = rel
    if corrects:
        message = (
            f"{rel}: corrects the file loaded with sha256 {prior.live[rel][0]}; "
            "its rows were replaced"
        )
        return _Pending(FileOutcome(rel, sha, district, "corrected", message), table)
    return _Pending(
        FileOutcome(rel, sha, district, "loaded", f"{rel}: loaded ({table.encoding})"), table
    )


def _replace_corrected(conn, pending: list[_Pending], source: str) -> dict[str, set[dt.date]]:
    """Delete the rows of the files being corrected; return the event weeks they held."""
    old_weeks = {}
    for p in pending:
        if p.outcome.outcome != "corrected":
            continue
        old_weeks[p.outcome.source_file] = _event_weeks(conn, source, p.outcome.source_file)
        for schema in ("raw", "staging", "quarantine"):
            conn.execute(
                f"delete from {schema}.{source} where source_file = ?", [p.outcome.source_file]
            )
    return old_weeks


_READY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection -> _ensure_ready's


def _ensure_ready(conn) -> tuple[Contract, Reference]:
    """`ensure_warehouse` at a connection's first load under the current contract and reference,
    not at every load: its DDL and meta refresh cost 20-40 ms, paid at each of the 416
    source-weeks of a year's backfill otherwise. The caller remembers the pair after commit
    only, so a rolled-back load leaves the next one to create the tables again."""
    ready = (load_contract(), load_reference())
    done = _READY.get(conn)
    if done is None or done[0] is not ready[0] or done[1] is not ready[1]:
        ensure_warehouse(conn)
    return ready


def load_week(
    conn,
    inbox: Path,
    source_name: str,
    week: dt.date,
    pii_key: bytes,
    run_id: str | None = None,
) -> PartitionLoad:
    """Load one source's deliveries for one reporting week (its Monday) in ONE transaction."""
    source = load_contract().sources[source_name]
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    report = PartitionLoad(source_name, week)
    conn.execute("begin transaction")
    try:
        ready = _ensure_ready(conn)
        prior = _prior(conn, source_name)
        pending, shas = [], {}
        files = week_files(inbox, source_name, week)
        for path in files:
            planned = _plan_file(path, inbox, source, week, prior, shas)
            if isinstance(planned, _Pending):
                pending.append(planned)
            elif planned is not None:
                report.files.append(planned)
        old_weeks = _replace_corrected(conn, pending, source_name)
        staged, preview = _load_rows(conn, pending, source, week, pii_key, loaded_at)
        report.files.extend(p.outcome for p in pending)
        report.files.sort(key=lambda o: o.source_file)
        _log(conn, source_name, week, report.files, loaded_at)
        changes = week_changes(source_name, week, report.files, staged, old_weeks)
        record_changes(conn, changes, run_id, loaded_at)
        report.affected_weeks = set(changes["affected_week"].to_list())
        report.removed = note_removals(conn, inbox, source_name, week, prior, files, run_id)
        conn.execute("commit")
        _READY[conn] = ready
    except BaseException:
        conn.execute("rollback")
        raise
    report.preview = preview
    return report


BATCH_ROWS = 500_000
"""Rows conformed and written at once. A national week's worker register (3 million rows)
conformed as one frame took 4.2 GiB (2.8 GiB in batches of 500,000: DuckDB keeps a
transaction's uncommitted rows in memory, about 1.1 GiB of it); batches bound the rest."""


def _batches(pending: list[_Pending], limit: int) -> Iterator[list[_Pending]]:
    """Consecutive files, up to `limit` rows a batch (a larger file is a batch of its own)."""
    batch: list[_Pending] = []
    rows = 0
    for p in pending:
        if batch and rows + p.table.frame.height > limit:
            yield batch
            batch, rows = [], 0
        batch.append(p)
        rows += p.table.frame.height
    if batch:
        yield batch


def _load_rows(
    conn,
    pending: list[_Pending],
    source: Source,
    week: dt.date,
    pii_key: bytes,
    loaded_at: dt.datetime,
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Conform, check and write the files to load, a batch at a time in file order; the same
    rows as one pass over the week (a key's first row, in file order, is the one kept). Returns
    the staged rows' files and event weeks, for the changes, and a preview for the UI."""
    staged, preview, seen_keys = [], None, None
    for batch in _batches(pending, BATCH_ROWS):
        rows = _conform_batch(batch, source, week, pii_key)
        seen_keys = _mark_duplicates(conn, rows, source, week, seen_keys)
        staging = _write(conn, rows, source, week, loaded_at)
        staged.append(staging.select("source_file", "file_sha256", "event_week").unique())
        preview = preview if preview is not None else _preview(staging)
        for p in batch:
            p.table = None  # the file's text is written: free it before the next batch
    return (pl.concat(staged) if staged else pl.DataFrame()), preview


def _preview(staging: pl.DataFrame) -> pl.DataFrame | None:
    """A few loaded rows for the UI: no personal data, not even hashed."""
    if staging.height == 0:
        return None
    hidden = [c for c in staging.columns if c.endswith("_hash")] + ["file_sha256", "loaded_at"]
    rows = staging.head(5).drop(hidden, strict=False)
    # a copy: a slice would keep the whole batch's columns alive as long as the preview (a
    # national backfill kept every week's, 5.7 GiB by week 10 of its ingest)
    return pl.DataFrame(rows.to_dict(as_series=False), schema=rows.schema)


class NotLoaded(ValueError):
    """The file named for retraction has no rows in the warehouse."""


def retract_file(conn, source_file: str, run_id: str | None = None) -> tuple[dt.date, set[dt.date]]:
    """Withdraw a loaded file's rows (an explicit `pmon retract`), logged and recorded as a change.

    Returns the file's reporting week and the event weeks its rows held.
    """
    at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    conn.execute("begin transaction")
    try:
        ensure_warehouse(conn)
        row = conn.execute(sql("live_file.sql"), {"source_file": source_file}).fetchone()
        if row is None:
            raise NotLoaded(source_file)
        source, week, sha, district = row
        weeks = _event_weeks(conn, source, source_file)
        for schema in ("raw", "staging", "quarantine"):
            conn.execute(f"delete from {schema}.{source} where source_file = ?", [source_file])
        message = f"{source_file}: retracted on request; its rows were withdrawn"
        outcome = FileOutcome(source_file, sha, district, "retracted", message)
        _log(conn, source, week, [outcome], at)
        empty = pl.DataFrame(schema=CHANGE_SCHEMA)
        changes = pl.concat(
            [
                delivery_changes(source, week, [outcome]),
                removed_row_changes(
                    source, week, [outcome], {source_file: weeks}, empty, "retracted"
                ),
            ]
        )
        record_changes(
            conn, changes.with_columns(pl.lit("file retracted").alias("reason")), run_id, at
        )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return week, weeks
