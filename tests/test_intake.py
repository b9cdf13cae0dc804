"""Intake as districts deliver: a file reports on its folder's week, impossible records are
quarantined, the district comes from any name a bureau uses, and a loader bug fails the run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import pytest
from deliveries import ENTERPRISE, FOLDER, TRAINING_HEADER, TRAINING_ROWS, WEEK, load, write_csv
from identity_codes import resident_id
from weekly_runs import deliver, query, run, training_row, value

import assets.ingest.load as loader
from assets.ingest.check import check_file
from assets.ingest.load import district_from_name

REGISTRY = ["uscc", "name", "district_code", "registered_on", "status", "business_model"]


@pytest.mark.parametrize(
    "name", ["海淀区.csv", "北京市海淀区培训.csv", "haidian.csv", "海淀区培训结业2026第47周.csv",
             "110108_week47.xlsx", "HaiDian-2026W47.csv", "海淀.csv"],
)  # fmt: skip
def test_district_from_any_name_a_bureau_uses(name):
    assert district_from_name(name) == "110108"


def test_a_file_whose_district_cannot_be_told_is_rejected_with_the_naming_hint(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    write_csv(inbox / "training" / FOLDER / "第47周汇总.csv", TRAINING_HEADER, TRAINING_ROWS)
    write_csv(
        inbox / "training" / FOLDER / "北京市海淀区培训.csv", TRAINING_HEADER, TRAINING_ROWS[:1]
    )
    files = {f.source_file.rsplit("/", 1)[1]: f for f in load(db, inbox).files}
    summary = files["第47周汇总.csv"]
    assert summary.outcome == "rejected" and summary.rows_loaded == 0
    assert "无法从文件名判断所属区" in summary.message and "haidian.csv" in summary.message
    assert (files["北京市海淀区培训.csv"].outcome, files["北京市海淀区培训.csv"].district_code) == (
        "loaded", "110108",
    )  # fmt: skip
    check = check_file(inbox / "training" / FOLDER / "第47周汇总.csv", "training", None, b"k")
    assert not check.ok and "name the file after its district" in check.rejection


def test_a_registry_identical_to_an_earlier_week_reports_its_own_week(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    rows = [[ENTERPRISE, "家政一号", "110108", "2019-05-01", "active", "mixed"]]
    earlier = WEEK - dt.timedelta(weeks=1)
    for week in (earlier, WEEK):  # byte-identical files in two week folders
        write_csv(
            inbox / "enterprises" / f"2026-W{week.isocalendar()[1]}" / "haidian.csv", REGISTRY, rows
        )
        report = load(db, inbox, "enterprises", week)
        assert [f.outcome for f in report.files] == ["loaded"]
    staged = query(db, "select week from staging.enterprises order by week")
    assert staged["week"].to_list() == [earlier, WEEK]  # the state of each week, not of W-1


def test_a_correction_equal_to_another_file_of_its_week_replaces_its_rows(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    other = write_csv(
        inbox / "training" / FOLDER / "haidian.csv", TRAINING_HEADER, TRAINING_ROWS[:1]
    )
    path = write_csv(
        inbox / "training" / FOLDER / "haidian_2.csv", TRAINING_HEADER, TRAINING_ROWS[1:2]
    )
    load(db, inbox)
    path.write_bytes(other.read_bytes())  # corrected to the same content as haidian.csv
    (corrected,) = load(db, inbox).files
    assert corrected.outcome == "corrected"
    staged = query(db, "select record_id, source_file from staging.training order by record_id")
    assert staged["record_id"].to_list() == [
        "T1"
    ]  # T2 (the old rows) gone; the copy of T1 is a duplicate
    same_week_copy = write_csv(
        inbox / "training" / FOLDER / "haidian_3.csv", TRAINING_HEADER, TRAINING_ROWS[:1]
    )
    (copy,) = load(db, inbox).files
    assert copy.outcome == "unchanged" and same_week_copy.name in copy.source_file


def test_impossible_records_are_quarantined_and_never_counted(data_dir, resources, instance):
    inbox = data_dir / "inbox"
    worker = resident_id("11010519850312123")
    write_csv(inbox / "insurance" / FOLDER / "海淀区.csv",
              ["record_id", "worker_id", "insurance_type", "start_on", "end_on"],
              [["I1", worker, "pension", "2026-11-17", "2026-11-10"],
               ["I2", worker, "medical", "2026-11-17", "2027-11-16"]])  # fmt: skip
    write_csv(inbox / "complaints" / FOLDER / "haidian.csv",
              ["complaint_id", "received_on", "channel", "district_code", "category", "status",
               "resolved_on", "satisfaction"],
              [["C1", "2026-11-18", "12345", "110108", "price", "resolved", "2026-11-16", "5"],
               ["C2", "2026-11-16", "12345", "110108", "price", "resolved", "2026-11-18", "3"]])  # fmt: skip
    assert run(resources, instance, [WEEK], sources=("insurance", "complaints")).success
    db = Path(resources["warehouse"].database)
    quarantined = query(db, "select source, reasons from meta.quarantined_rows order by source")
    assert quarantined.rows() == [
        ("complaints", ["resolved_on: before received_on"]),
        ("insurance", ["end_on: before start_on"]),
    ]
    assert value(db, "M10.satisfaction", WEEK)["value"] == 3  # C1's 5 never entered
    assert value(db, "M10.median_days_to_resolve", WEEK)["value"] == 2  # no negative days


def test_a_loader_bug_fails_the_run_and_rejects_no_file(data_dir, resources, instance, monkeypatch):
    import duckdb

    from assets.ingest.warehouse import ensure_warehouse

    deliver(data_dir / "inbox", "training", WEEK, "haidian.csv", [training_row("A1", WEEK)])
    with duckdb.connect(resources["warehouse"].database) as conn:
        ensure_warehouse(conn)  # an existing warehouse: the failed load must leave it untouched

    def broken(*args, **kwargs):
        raise KeyError("a bug in the loader, not in the delivery")

    monkeypatch.setattr(loader, "conform", broken)
    result = run(resources, instance, [WEEK], raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE)
    assert "KeyError" in str(failure.step_failure_data.error)  # the traceback is in the run
    db = Path(resources["warehouse"].database)
    logged = query(db, "select count(*) as n from meta.load_log")
    assert logged["n"][0] == 0  # nothing logged, least of all a rejection


def test_a_removed_file_is_noted_and_retracted_only_on_request(data_dir, resources, instance):
    from assets.ingest.load import retract_file

    inbox, db = data_dir / "inbox", Path(resources["warehouse"].database)
    path = deliver(inbox, "training", WEEK, "haidian.csv", [training_row("A1", WEEK)])
    run(resources, instance, [WEEK])
    path.unlink()
    result = run(resources, instance, [WEEK])
    removals = query(db, "select source_file from meta.inbox_removals")
    assert removals["source_file"].to_list() == ["training/2026-W47/haidian.csv"]
    assert value(db, "M04.training_completions", WEEK)["value"] == 1  # rows kept
    assert result.success
    import duckdb

    with duckdb.connect(str(db)) as conn:
        week, weeks = retract_file(conn, "training/2026-W47/haidian.csv", "test")
    assert (week, weeks) == (WEEK, {WEEK})
    run(resources, instance, [WEEK])
    assert value(db, "M04.training_completions", WEEK)["value"] is None  # no delivery left: no_data
    restated = query(db, "select reasons from marts.restatements")
    assert any("file retracted" in r for rs in restated["reasons"] for r in rs)


def test_a_2026_01_02_event_counts_in_2026_year_to_date(data_dir, resources, instance):
    inbox, db = data_dir / "inbox", Path(resources["warehouse"].database)
    straddling = dt.date(2025, 12, 29)  # 2026-W01: Mon 29 Dec 2025 .. Sun 4 Jan 2026
    rows = [training_row("D1", dt.date(2025, 12, 30)), training_row("J1", dt.date(2026, 1, 2))]
    deliver(inbox, "training", straddling, "haidian.csv", rows)
    assert run(resources, instance, [straddling]).success
    figures = value(db, "M04.training_completions", straddling)
    assert (figures["value"], figures["ytd_value"]) == (2, 1)  # the week; 2026 from 1 January
