"""Loading one source's week of deliveries into DuckDB in one transaction.

Per file: content already loaded (under any name) -> `unchanged`; same name in the same week
folder with new content -> `corrected` (the old file's rows are deleted first); unreadable ->
`rejected`; else `loaded`. A file name already recorded with the same content is skipped
silently, so re-materializing a partition changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from assets.ingest.reading import Rejected, is_delivery, read_table
from assets.ingest.rules import Conformed, conform
from assets.ingest.warehouse import (
    LINEAGE,
    ensure_warehouse,
    quarantine_columns,
    raw_columns,
    sql,
    staging_columns,
)
from core.contract import Source, load_contract, load_reference
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
class FileOutcome:
    source_file: str
    file_sha256: str
    district_code: str | None
    outcome: str
    message: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_late: int = 0


@dataclass
class PartitionLoad:
    source: str
    week: dt.date
    files: list[FileOutcome] = field(default_factory=list)
    preview: pl.DataFrame | None = None
    affected_weeks: set[dt.date] = field(default_factory=set)  # event weeks whose figures change

    def total(self, attribute: str) -> int:
        return sum(getattr(f, attribute) for f in self.files)


@dataclass
class _Pending:
    outcome: FileOutcome
    conformed: Conformed


def district_from_name(file_name: str) -> str | None:
    """`haidian.csv`, `110108_week47.xlsx` -> `110108`; anything else -> None."""
    token = Path(file_name).stem.split("_")[0].strip()
    district = load_reference().district_by_slug_or_code(token)
    return district.code if district else None


def week_files(inbox: Path, source: str, week: dt.date) -> list[Path]:
    folder = inbox / source / iso_week(week)
    return sorted(p for p in folder.iterdir() if is_delivery(p)) if folder.is_dir() else []


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _prior(conn, source: str) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Latest attempt per file name, and the live content per file name (its rows are loaded)."""
    rows = conn.execute(sql("prior_loads.sql"), {"source": source}).fetchall()
    latest, live = {}, {}
    for source_file, sha, outcome in rows:  # one row per load attempt, not per data row
        latest[source_file] = (sha, outcome)
        if outcome in LIVE:
            live[source_file] = sha
    return latest, live


def _event_weeks(conn, source: str, source_file: str) -> set[dt.date]:
    rows = conn.execute(
        f"select distinct event_week from staging.{source} where source_file = ?", [source_file]
    ).fetchall()
    return {week for (week,) in rows}


def _key_frame(pending: list[_Pending], source: Source) -> pl.DataFrame:
    frames = [
        p.conformed.typed.select(*source.key).with_columns(pl.lit(i).alias("__file"))
        for i, p in enumerate(pending)
    ]
    return pl.concat(frames).with_row_index("__pos")


def _mark_duplicates(conn, pending: list[_Pending], source: Source, week: dt.date) -> None:
    """A key seen earlier in this load, or in rows other files already loaded, is a duplicate."""
    if not pending:
        return
    keys = list(source.key)
    frame = _key_frame(pending, source)
    has_key = pl.all_horizontal(pl.col(keys).is_not_null())
    frame = frame.with_columns(
        (has_key & ~pl.struct(keys).is_first_distinct().over(has_key)).alias("__dup")
    )
    conn.register("__load_keys", frame.filter(has_key).select(keys).unique().to_arrow())
    same_week = "" if source.event_date else f"where week = date '{week.isoformat()}'"
    on = " and ".join(f"k.{c} = s.{c}" for c in keys)
    existing = pl.from_arrow(
        conn.sql(
            f"select k.* from __load_keys k semi join (select * from staging.{source.name} {same_week}) s on {on}"
        ).to_arrow_table()
    )
    conn.unregister("__load_keys")
    if existing.height:
        existing = existing.with_columns(pl.lit(True).alias("__seen"))
        frame = frame.join(existing, on=keys, how="left", nulls_equal=False, maintain_order="left")
        frame = frame.with_columns(pl.col("__dup") | pl.col("__seen").fill_null(False))
    reason = f"{'+'.join(keys)}: duplicate key"
    for i, p in enumerate(pending):
        dup = frame.filter(pl.col("__file") == i).sort("__pos")["__dup"]
        p.conformed = p.conformed.with_reason(dup, reason)


def _shaped(frame: pl.DataFrame, columns: list[tuple[str, str]]) -> pl.DataFrame:
    return frame.select(pl.col(n).cast(POLARS_TYPES[t]) for n, t in columns)


def _lineage(
    frame: pl.DataFrame, outcome: FileOutcome, loaded_at: dt.datetime, week: dt.date
) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(outcome.source_file).alias("source_file"),
        pl.lit(outcome.file_sha256).alias("file_sha256"),
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
    conn, pending: list[_Pending], source: Source, week: dt.date, loaded_at: dt.datetime
) -> pl.DataFrame:
    """Insert raw, staging and quarantine rows for the files being loaded; return staging rows."""
    raws, stagings, quarantines = [], [], []
    for p in pending:
        c, o = p.conformed, p.outcome
        clean = c.is_clean
        o.rows_read, o.rows_loaded = c.raw.height, int(clean.sum())
        o.rows_quarantined = o.rows_read - o.rows_loaded
        staged = _lineage(c.typed.filter(clean), o, loaded_at, week)
        o.rows_late = int(staged["is_late"].sum())
        raws.append(_shaped(_lineage(c.raw, o, loaded_at, week), raw_columns(source) + LINEAGE))
        stagings.append(_shaped(staged, staging_columns(source)))
        rejected = _lineage(
            c.raw.with_columns(c.reasons.alias("reasons")).filter(~clean), o, loaded_at, week
        )
        quarantines.append(_shaped(rejected, quarantine_columns(source)))
    staging = pl.concat(stagings) if stagings else pl.DataFrame()
    for schema, frames in (("raw", raws), ("staging", stagings), ("quarantine", quarantines)):
        if frames:
            _insert(conn, f"{schema}.{source.name}", pl.concat(frames))
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
    pii_key: bytes,
    latest: dict,
    live: dict,
    shas_this_load: dict[str, str],
) -> FileOutcome | _Pending | None:
    """Decide what one file means for the warehouse; None when it was already handled."""
    data = path.read_bytes()
    sha, rel = file_sha256(data), path.relative_to(inbox).as_posix()
    district = district_from_name(path.name)
    if latest.get(rel, (None, None))[0] == sha:
        return None
    live_names = {s: n for n, s in live.items()} | shas_this_load
    if sha in live_names:
        return FileOutcome(
            rel,
            sha,
            district,
            "unchanged",
            f"{rel}: same content as {live_names[sha]}, nothing loaded",
        )
    try:
        table = read_table(path, source, data)
        conformed = conform(table.frame, source, week, district, pii_key)
    except Rejected as exc:
        return FileOutcome(rel, sha, district, "rejected", f"{rel}: {exc}")
    except Exception as exc:  # its text may quote a cell (an identity number): keep only the kind
        message = f"{rel}: could not be processed ({type(exc).__name__}); other files still load"
        return FileOutcome(rel, sha, district, "rejected", message)
    shas_this_load[sha] = rel
    if rel in live:
        message = f"{rel}: corrects the file loaded with sha256 {live[rel]}; its rows were replaced"
        return _Pending(FileOutcome(rel, sha, district, "corrected", message), conformed)
    return _Pending(
        FileOutcome(rel, sha, district, "loaded", f"{rel}: loaded ({table.encoding})"), conformed
    )


def load_week(conn, inbox: Path, source_name: str, week: dt.date, pii_key: bytes) -> PartitionLoad:
    """Load one source's deliveries for one reporting week (its Monday) in ONE transaction."""
    source = load_contract().sources[source_name]
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    report = PartitionLoad(source_name, week)
    conn.execute("begin transaction")
    try:
        ensure_warehouse(conn)
        latest, live = _prior(conn, source_name)
        pending, shas = [], {}
        for path in week_files(inbox, source_name, week):
            planned = _plan_file(path, inbox, source, week, pii_key, latest, live, shas)
            if isinstance(planned, _Pending):
                pending.append(planned)
            elif planned is not None:
                report.files.append(planned)
        for p in pending:
            if p.outcome.outcome == "corrected":  # delete first so the correction replaces
                report.affected_weeks |= _event_weeks(conn, source_name, p.outcome.source_file)
                for schema in ("raw", "staging", "quarantine"):
                    conn.execute(
                        f"delete from {schema}.{source_name} where source_file = ?",
                        [p.outcome.source_file],
                    )
        _mark_duplicates(conn, pending, source, week)
        staging = _write(conn, pending, source, week, loaded_at)
        if staging.height:
            report.affected_weeks |= set(staging["event_week"].unique().to_list())
        report.files.extend(p.outcome for p in pending)
        report.files.sort(key=lambda o: o.source_file)
        _log(conn, source_name, week, report.files, loaded_at)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    report.preview = _preview(staging, source)
    return report


def _preview(staging: pl.DataFrame, source: Source) -> pl.DataFrame | None:
    """A few loaded rows for the UI: no personal data, not even hashed."""
    if staging.height == 0:
        return None
    hidden = [c for c in staging.columns if c.endswith("_hash")] + ["file_sha256", "loaded_at"]
    return staging.drop(hidden, strict=False).head(5)
