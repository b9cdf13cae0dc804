"""The task ledger through the real marts build on a DuckDB file: overdue, not reported, a zero
report, task measures rated by their tasks, a ledger row in the wrong unit quarantined."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest
from builders import log, stage

from assets.indicators.ledger import routes
from assets.indicators.marts import build_weeks
from assets.ingest.warehouse import ensure_warehouse
from core.catalog import load_catalog

W40, W47 = dt.date(2026, 9, 28), dt.date(2026, 11, 16)  # monitoring began in W40
HRSS, UNION = "市人力资源社会保障局", "市总工会"


def row(task_id: str, agency: str, on: str, action: str, quantity: float, unit=None) -> dict:
    return {
        "measure_id": task_id[:3], "agency": agency, "reported_on": dt.date.fromisoformat(on),
        "action": action, "quantity": quantity, "unit": unit, "task_id": task_id,
    }  # fmt: skip


LEDGER = [
    # M06.T1 (due 10-31, 1 场): only a zero report in October, nothing done
    row("M06.T1", HRSS, "2026-10-12", "本期无进展", 0),
    row("M06.T1", UNION, "2026-10-20", "本期无进展（工会）", 0),
    # W47: one district competition (M06.T2, 场) and its 300 participants in 人
    row("M06.T2", HRSS, "2026-11-17", "举办家政职业技能竞赛（区级）", 1, "场"),
    row("M06.T2", HRSS, "2026-11-18", "家政职业技能竞赛参赛人数", 300, "人"),
    # M18.T1 (due 11-30): the union reported in October, the women's federation never did
    row("M18.T1", UNION, "2026-10-09", "家政从业人员获评表彰", 12, "项"),
]


def build(tmp_path: Path, ledger: list[dict]):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        ensure_warehouse(conn)
        stage(conn, "milestones", ledger)
        for week in (W40, W47):
            log(conn, "milestones", week, None)
        return build_weeks(conn, [W47]).tables


def status(tables, task_id: str) -> dict:
    return tables["task_status"].filter(pl.col("task_id") == task_id).row(0, named=True)


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    return build(tmp_path_factory.mktemp("tasks"), LEDGER)


def test_a_task_due_in_october_without_a_done_row_is_overdue_in_w47(tables):
    got = status(tables, "M06.T1")
    assert (got["status"], got["due_on"], got["done_on"]) == (
        "overdue",
        dt.date(2026, 10, 31),
        None,
    )
    assert got["last_reported_on"] == dt.date(2026, 10, 20)


def test_a_unit_without_an_october_row_is_not_reported(tables):
    got = status(tables, "M18.T1")
    assert (got["status"], got["missing_reporters"]) == ("not_reported", ["市妇联"])
    assert (got["reports_owed"], got["reports_received"]) == (2, 1)
    m06t2 = status(tables, "M06.T2")  # no October row from its only reporter
    assert (m06t2["status"], m06t2["missing_reporters"]) == ("not_reported", [HRSS])


def test_a_zero_report_removes_the_unit_without_changing_any_quantity(tables, tmp_path):
    zero = row("M06.T2", HRSS, "2026-10-28", "本期无进展", 0)
    after = build(tmp_path, [*LEDGER, zero])
    got = status(after, "M06.T2")
    assert (got["status"], got["missing_reporters"]) == ("due_soon", [])  # due 11-30
    assert got["reported_quantity"] == status(tables, "M06.T2")["reported_quantity"] == 1
    quantities = [r["indicator_id"] for r in routes(load_catalog())]  # every ledger sum

    def sums(frame: pl.DataFrame) -> list[tuple]:
        return (
            frame.filter(pl.col("indicator_id").is_in(quantities))
            .select("indicator_id", "value", "ytd_value")
            .sort("indicator_id")
            .rows()
        )

    assert sums(after["indicator_weekly"]) == sums(tables["indicator_weekly"])
    received = [
        t["indicator_weekly"].filter(
            (pl.col("indicator_id") == "M21.reports_received")
            & (pl.col("district_code") == "110000")
        )["numerator"][0]
        for t in (tables, after)
    ]
    assert received[1] == received[0] + 1  # the report counts as received


def test_task_measures_take_their_status_from_their_tasks(tables):
    measures = {
        r["measure_id"]: r["status"] for r in tables["measure_status"].iter_rows(named=True)
    }
    # M06: T1 overdue -> off_track, though a competition was held this week;
    # M18: not reported -> at_risk; M08, M21: nothing reported, all tasks due later or overdue
    assert measures["M06"] == "off_track" and measures["M18"] == "at_risk"
    m08 = {status(tables, t)["status"] for t in ("M08.T1", "M08.T2")}
    assert m08 == {"overdue"} and measures["M08"] == "off_track"  # 06-30 stage and 10-31 missed
    assert measures["M21"] == "off_track"  # M21.T1 was due 03-31
    weekly = tables["indicator_weekly"].filter(pl.col("district_code") == "110000")
    held = weekly.filter(pl.col("indicator_id") == "M06.competitions_held").row(0, named=True)
    assert (held["value"], held["status"]) == (1, None)  # counted, not pro-rated into a status


def test_300_people_under_competitions_held_are_quarantined_not_counted(tables):
    weekly = tables["indicator_weekly"]
    held = weekly.filter(
        (pl.col("indicator_id") == "M06.competitions_held") & (pl.col("district_code") == "110000")
    )
    assert held["value"].to_list() == [1]
    quarantined = tables["ledger_quarantine"].select("indicator_id", "quantity", "reason")
    assert quarantined.rows() == [("M06.competitions_held", 300.0, "unit 人 ≠ 场")]
