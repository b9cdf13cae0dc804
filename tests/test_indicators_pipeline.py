"""Indicators on really ingested files: inbox CSVs -> staging assets -> indicator marts, two weeks,
the second week's training file carrying a late row that restates the first week."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
from identity_codes import resident_id, uscc

from assets.indicators.assets import indicator_marts
from assets.ingest.assets import ingest_assets

WEEK_A, WEEK_B = dt.date(2026, 11, 9), dt.date(2026, 11, 16)  # 2026-W46, 2026-W47


WORKER_A = resident_id("11010519850312123")
WORKER_B = resident_id("13010219700101456")
FIRM = uscc("91110108MA01ABCDE")
TRAINING = ["record_id", "worker_id", "enterprise_uscc", "course", "provider_type", "hours",
            "completed_on", "skill_level"]  # fmt: skip


def write_csv(inbox: Path, source: str, folder: str, name: str, rows: list[list[str]]) -> None:
    path = inbox / source / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")


def deliver_week_a(inbox: Path) -> None:
    write_csv(inbox, "training", "2026-W46", "haidian.csv", [
        TRAINING,
        ["T1", WORKER_A, FIRM, "elderly_care", "university", "40", "2026-11-10", "4"],
        ["T2", WORKER_B, FIRM, "housekeeping", "enterprise", "12", "2026-11-11", ""],
    ])  # fmt: skip
    write_csv(inbox, "placements", "2026-W46", "haidian.csv", [
        ["placement_id", "worker_id", "enterprise_uscc", "placed_on", "district_code",
         "origin_province_code", "origin_type", "channel"],
        ["P1", WORKER_A, FIRM, "2026-11-10", "110108", "13", "rural", "live_stream"],
    ])  # fmt: skip
    write_csv(inbox, "enterprises", "2026-W46", "haidian.csv", [
        ["uscc", "name", "district_code", "subdistrict", "registered_on", "status",
         "business_model", "has_training_center", "community_outlets"],
        [FIRM, "北京家政示范公司", "110108", "中关村街道", "2019-05-01", "active",
         "employee_based", "是", "3"],
    ])  # fmt: skip
    write_csv(inbox, "milestones", "2026-W46", "mofcom.csv", [
        ["measure_id", "agency", "reported_on", "action", "quantity", "unit", "note"],
        ["M08", "市商务局", "2026-11-12", "发布家政服务地方标准", "2", "项", ""],
    ])  # fmt: skip


def deliver_week_b(inbox: Path) -> None:
    write_csv(inbox, "training", "2026-W47", "haidian.csv", [
        TRAINING,
        ["T3", WORKER_B, FIRM, "elderly_care", "training_center", "16", "2026-11-12", "5"],  # late
        ["T4", WORKER_A, FIRM, "cooking", "enterprise", "8", "2026-11-17", ""],
    ])  # fmt: skip


def run(week: dt.date, resources, instance) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [*ingest_assets, indicator_marts],
        instance=instance,
        resources=resources,
        partition_key=week.isoformat(),
    )


def city(db: Path, indicator: str, week: dt.date, district: str = "110000") -> dict:
    with duckdb.connect(str(db), read_only=True) as conn:
        frame = pl.from_arrow(
            conn.sql(
                "select * from marts.indicator_weekly where indicator_id = $i and week = $w "
                "and district_code = $d",
                params={"i": indicator, "w": week, "d": district},
            ).to_arrow_table()
        )
    assert frame.height == 1, (indicator, week, district)
    return frame.row(0, named=True)


def test_ingested_weeks_give_the_hand_computed_marts(data_dir, resources, instance):
    assert importlib.util.find_spec("core.identifiers") is not None, (
        "assets/identifiers.py (the USCC and resident-ID checks ingestion imports) is missing: "
        "every file with identifiers would be rejected"
    )
    inbox, db = data_dir / "inbox", data_dir / "warehouse.duckdb"
    deliver_week_a(inbox)
    assert run(WEEK_A, resources, instance).success
    completions = city(db, "M04.training_completions", WEEK_A)
    assert (completions["value"], completions["status"]) == (2, "off_track")
    haidian = city(db, "M04.training_completions", WEEK_A, "110108")
    assert (haidian["value"], haidian["base_count"], haidian["suppressed"]) == (2, 2, True)
    assert city(db, "M01.rural_placements", WEEK_A)["value"] == 1
    assert city(db, "M05.enterprises_with_training_centre", WEEK_A)["value"] == 1
    assert city(db, "M11.community_outlets", WEEK_A)["value"] == 3
    assert city(db, "M08.standards_issued", WEEK_A)["value"] == 2
    # owed: 17 districts x 6 district sources (the worker register included) = 102; Haidian
    # delivered training, placements and enterprises
    coverage = city(db, "M21.delivery_coverage", WEEK_A)
    assert (coverage["numerator"], coverage["denominator"]) == (3, 17 * 6)
    # active workers come from the worker register, which delivered nothing: the share is not
    # guessed from the placed or trained workers
    trained = city(db, "M04.trained_worker_share", WEEK_A)
    assert trained["status"] == "no_data"

    deliver_week_b(inbox)
    result = run(WEEK_B, resources, instance)
    assert result.success
    restated = city(db, "M04.training_completions", WEEK_A)
    assert (restated["value"], restated["ytd_value"]) == (3, 3)  # T3 arrived late
    assert city(db, "M15.elderly_care_completions", WEEK_A)["value"] == 2
    week_b = city(db, "M04.training_completions", WEEK_B)
    assert (week_b["value"], week_b["ytd_value"], week_b["wow_change"]) == (1, 4, 1 - 3)
    assert city(db, "M01.rural_placements", WEEK_B)["status"] == "no_data"  # nothing delivered
    assert city(db, "M08.standards_issued", WEEK_B)["value"] is None
    with duckdb.connect(str(db), read_only=True) as conn:
        late = conn.sql(
            "select files, rows_loaded, rows_late from marts.data_delivery "
            "where week = $w and source = 'training'",
            params={"w": WEEK_B},
        ).fetchall()
        text = conn.sql(
            "select string_agg(columns(*)::varchar, '|') from marts.indicator_weekly"
        ).fetchall()
    assert late == [(1, 2, 1)]
    assert WORKER_A not in str(text) and WORKER_B not in str(text)
    restated_events = [
        e.partition
        for e in result.asset_materializations_for_node("indicator_marts")
        if e.asset_key == dg.AssetKey(["marts", "indicator_weekly"])
    ]
    assert sorted(restated_events) == [WEEK_A.isoformat(), WEEK_B.isoformat()]
