"""Ingestion on the generator's dirty output: every manifest defect found where it says, nothing else."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.ingest.assets import ingest_assets
from sample_data import generate

START = dt.date(2026, 11, 2)  # 2026-W45 and W46
RULE = {  # manifest kind -> the reason ingestion gives, for the manifest's column
    "uscc_check_char": "bad check character",
    "resident_id_check_digit": "bad check digit",
    "unknown_district": "unknown district",
    "impossible_date": "impossible date",
    "future_date": "after the reporting week",
    "negative_hours": "below minimum 0",
    "duplicate_key": "duplicate key",
}


@pytest.fixture
def loaded(data_dir: Path, resources, instance):
    """The generator's two dirty weeks, ingested in one run: (manifest, connection, inbox)."""
    generate(data_dir / "inbox", scale="small", weeks=2, start=START, seed=11, dirty=0.05)
    manifest = json.loads((data_dir / "inbox" / "manifest.json").read_text(encoding="utf-8"))
    result = dg.materialize(
        ingest_assets,
        instance=instance,
        resources=resources,
        tags={
            "dagster/asset_partition_range_start": START.isoformat(),
            "dagster/asset_partition_range_end": (START + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert result.success
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as conn:
        yield manifest, conn, data_dir / "inbox"


def _one(conn, sql: str, params: list) -> tuple | None:
    return conn.execute(sql, params).fetchone()


def test_every_manifest_defect_is_found_where_the_manifest_says(loaded):
    manifest, conn, _ = loaded
    defects = manifest["defects"]
    assert {d["kind"] for d in defects} >= set(RULE) | {"duplicate_file", "not_a_table"}
    for d in defects:
        source, file, row = d["source"], d["file"], d["row_number"]
        log = _one(
            conn,
            "select outcome, message, rows_read from meta.load_log where source_file = ?",
            [file],
        )
        where = f"{d['kind']} in {file} row {row}"
        if d["expected"] == "quarantine":
            found = _one(
                conn,
                f"select reasons from quarantine.{source} where source_file = ? and row_number = ?",
                [file, row],
            )
            assert found is not None, where
            assert f"{d['column']}: {RULE[d['kind']]}" in found[0], (where, found[0])
        elif d["expected"] == "file_unchanged":
            assert log is not None and log[0] == "unchanged", (where, log)
        elif d["expected"] == "file_rejected":
            assert log is not None and log[0] == "rejected", (where, log)
            if d["column"]:
                assert d["column"] in log[1], (where, log)
        elif d["kind"] == "empty_file":
            assert log is not None and log[:1] == ("loaded",) and log[2] == 0, (where, log)
        elif d["kind"] == "gb18030_encoding":
            assert log is not None and log[0] == "loaded" and "gb18030" in log[1], (where, log)
        else:  # html_in_name, orphan_enterprise: the row loads
            staged = _one(
                conn,
                f"select count(*) from staging.{source} where source_file = ? and row_number = ?",
                [file, row],
            )
            assert staged == (1,), where


def test_clean_rows_all_load_and_counts_reconcile_per_file(loaded):
    manifest, conn, inbox = loaded
    expected = Counter(d["file"] for d in manifest["defects"] if d["expected"] == "quarantine")
    log = conn.execute(
        "select source_file, rows_read, rows_loaded, rows_quarantined, outcome from meta.load_log"
    ).fetchall()
    files = [p for p in inbox.rglob("*") if p.is_file() and p.name != "manifest.json"]
    assert len(log) == len(files)
    for source_file, read, loaded_rows, quarantined, outcome in log:
        assert read == loaded_rows + quarantined, source_file
        assert quarantined == expected.get(source_file, 0), (source_file, outcome)
    for source in (
        "enterprises",
        "training",
        "insurance",
        "complaints",
        "placements",
        "milestones",
    ):
        raw, staged, held = (
            conn.execute(f"select count(*) from {schema}.{source}").fetchone()[0]
            for schema in ("raw", "staging", "quarantine")
        )
        assert raw == staged + held, source


def test_no_delivered_identity_number_or_phone_survives_anywhere(loaded, data_dir: Path):
    """Every text column of every table, by SQL; then the bytes of everything under the data dir."""
    from assets.ingest.reading import Rejected, read_table
    from core.contract import load_contract

    _, conn, inbox = loaded
    secrets: set[str] = set()
    for name, source in load_contract().sources.items():
        for path in (inbox / name).rglob("*"):
            try:
                frame = read_table(path, source).frame
            except Rejected:
                continue
            for column in source.pii_columns:
                secrets |= set(frame[column].drop_nulls().str.strip_chars().to_list()) - {""}
    assert len(secrets) > 500
    conn.register("secrets", pa_table(sorted(secrets)))
    columns = conn.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where data_type in ('VARCHAR', 'VARCHAR[]') and table_schema not in ('information_schema', 'pg_catalog') and table_name <> 'secrets'"
    ).fetchall()
    assert len(columns) > 50
    for schema, table, column, kind in columns:
        text = f't."{column}"' if kind == "VARCHAR" else f"array_to_string(t.\"{column}\", '|')"
        hits = conn.execute(
            f'select count(*) from "{schema}"."{table}" t join secrets s on contains({text}, s.v)'
        ).fetchone()[0]
        assert hits == 0, f"{schema}.{table}.{column} holds a clear identifier"
    needles = [s.encode() for s in secrets]
    for path in data_dir.rglob("*"):
        if path.is_file() and "inbox" not in path.relative_to(data_dir).parts:
            data = path.read_bytes()
            assert not any(n in data for n in needles), f"{path} holds a clear identifier"


def pa_table(values: list[str]):
    import pyarrow as pa

    return pa.table({"v": pa.array(values, pa.string())})
