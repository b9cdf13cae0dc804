"""Indicator marts on a small hand-made warehouse: every expected figure below is computed by hand.

Weeks (Mondays): W1 2026-10-26 full deliveries (loading begins: the data window opens); W2 2026-11-02 the week checked in detail (complaints
not delivered by Chaoyang, whose file was rejected); W3 2026-11-09 nothing delivered; W4 2026-11-16
only the milestone ledger, carrying one late row for W2, which restates W2 and W3. The worker
register (a weekly snapshot) is the denominator of worker shares; ledger rows reach an indicator by
their action's keywords and unit, and a task by their task id.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from builders import changed, log, stage

from assets.indicators import compute
from assets.indicators.assets import indicator_marts
from assets.indicators.marts import build_weeks
from assets.indicators.rating import rate
from assets.ingest.warehouse import ensure_warehouse
from core.catalog import load_catalog
from core.contract import load_reference
from pipelines.resources import build_resources

W1, W2, W3, W4 = (dt.date(2026, 10, 26) + dt.timedelta(weeks=n) for n in range(4))
HD, CY, CITY = "110108", "110105", "110000"  # Haidian, Chaoyang, all Beijing
MARTS = ("indicator_weekly", "measure_status", "data_delivery", "milestone_notes")


def d(offset: int) -> dt.date:
    """A day relative to W2's Monday."""
    return W2 + dt.timedelta(days=offset)


# ---------------------------------------------------------------- the fixture, as staging rows
def enterprise(uscc, district, subdistrict, status, model, **flags) -> dict:
    base = dict.fromkeys(
        ("has_training_center", "is_brand", "has_credit_record", "offers_senior_care",
         "on_digital_platform", "uses_ai"), False,
    )  # fmt: skip
    return {
        "uscc": uscc, "name": uscc, "district_code": district, "subdistrict": subdistrict,
        "registered_on": dt.date(2020, 1, 1), "status": status, "business_model": model,
        "community_outlets": flags.pop("outlets", 0), **base, **flags,
    }  # fmt: skip


ENTERPRISES = {
    W1: [
        enterprise("E1", HD, "S1", "active", "employee_based", has_training_center=True, outlets=2,
                   is_brand=True, has_credit_record=True, on_digital_platform=True),
        enterprise("E2", HD, "S2", "active", "intermediary"),
        enterprise("E3", CY, "S3", "active", "employee_based", has_training_center=True, outlets=1,
                   has_credit_record=True, offers_senior_care=True),
    ],
    W2: [  # changes: E2 gets a credit record, E3 is suspended, E4 registers
        enterprise("E2", HD, "S2", "active", "intermediary", has_credit_record=True),
        enterprise("E3", CY, "S3", "suspended", "employee_based", has_training_center=True,
                   outlets=1, has_credit_record=True, offers_senior_care=True),
        enterprise("E4", HD, "S5", "active", "intermediary", uses_ai=True),
    ],
}  # fmt: skip


def placement(pid, worker, district, placed_on, province, origin, channel, uscc) -> dict:
    return {
        "placement_id": pid, "worker_id_hash": worker, "district_code": district,
        "placed_on": placed_on, "origin_province_code": province, "origin_type": origin,
        "channel": channel, "enterprise_uscc": uscc,
    }  # fmt: skip


PLACEMENTS = [
    *(
        placement(f"p{n}", f"w{n}", HD, d(1), "13", "rural", "live_stream" if n <= 2 else "referral", "E1")
        for n in range(1, 7)
    ),
    placement("p7", "w7", HD, d(2), "11", "urban", "recruitment_site", "E2"),
    placement("p8", "w8", CY, d(3), "11", "rural", "job_fair", "E3"),
    placement("p9", "w9", CY, d(3), "11", "rural", "job_fair", "E3"),
    *(placement(f"p{n}", f"w{n}", HD, d(-6), "13", "rural", "referral", "E1") for n in (10, 11, 12)),
    placement("p13", "w13", CY, dt.date(2026, 2, 10), "41", "rural", "referral", "E2"),
    placement("p14", "w14", HD, dt.date(2025, 12, 15), "13", "rural", "other", "E1"),
]  # fmt: skip


def enrollment(rid, worker, district, uscc, kind, start, end=None) -> dict:
    return {
        "record_id": rid, "worker_id_hash": worker, "district_code": district,
        "enterprise_uscc": uscc, "insurance_type": kind, "start_on": start, "end_on": end,
    }  # fmt: skip


INSURANCE = [
    enrollment("i1", "w1", HD, "E1", "pension", dt.date(2026, 3, 1)),
    enrollment("i2", "w2", HD, "E1", "liability", dt.date(2026, 1, 10), dt.date(2026, 6, 30)),
    enrollment("i3", "w15", CY, "E3", "medical", d(1)),
    enrollment("i4", "w8", CY, "E3", "accident", dt.date(2026, 9, 24), dt.date(2026, 12, 31)),
]


def completion(rid, worker, district, course, provider, day, level, **flags) -> dict:
    base = dict.fromkeys(("dual_degree", "competition", "digital_certificate"), False)
    return {
        "record_id": rid, "worker_id_hash": worker, "district_code": district, "course": course,
        "provider_type": provider, "hours": 40.0, "completed_on": day, "skill_level": level,
        "enterprise_uscc": "E1", **base, **flags,
    }  # fmt: skip


TRAINING = [
    completion("t1", "w1", HD, "elderly_care", "university", d(1), 4,
               dual_degree=True, competition=True, digital_certificate=True),
    completion("t2", "w2", HD, "housekeeping", "enterprise", d(2), 5, digital_certificate=True),
    completion("t3", "w16", HD, "elderly_care", "vocational_school", d(3), 3, competition=True),
    completion("t4", "w8", CY, "nursing", "training_center", d(4), 0),
    completion("t5", "w1", HD, "cooking", "enterprise", dt.date(2025, 6, 1), 2, digital_certificate=True),
    completion("t6", "w10", HD, "housekeeping", "enterprise", d(-5), None),
]  # fmt: skip


def complaint(cid, received, category, status, resolved=None, satisfaction=None) -> dict:
    return {
        "complaint_id": cid, "received_on": received, "channel": "12345", "district_code": HD,
        "category": category, "status": status, "resolved_on": resolved,
        "satisfaction": satisfaction, "enterprise_uscc": "E1",
    }  # fmt: skip


COMPLAINTS = [
    complaint("c0", dt.date(2026, 10, 12), "service_quality", "resolved", dt.date(2026, 10, 18), 2),
    complaint("c1", d(-7), "service_quality", "resolved", d(1), 5),
    complaint("c2", dt.date(2026, 10, 13), "worker_rights", "resolved", d(2), 3),
    complaint("c3", d(1), "worker_rights", "open"),
    complaint("c4", d(2), "price", "resolved", d(3)),
]


def milestone(task, agency, day, action, quantity, unit, note=None) -> dict:
    """A ledger row: the action routes it to an indicator (its keywords), the task id to a task."""
    return {
        "measure_id": task[:3], "task_id": task, "agency": agency, "reported_on": day,
        "action": action, "quantity": quantity, "unit": unit, "note": note,
    }  # fmt: skip


STANDARD, FINANCE = "发布家政服务地方标准", "发放家政企业贷款及补贴"
SURVEY = "家政服务消费满意度调查结果"
MILESTONES = [
    milestone("M08.T1", "市市场监管局", d(1), STANDARD, 2, "项"),  # 标准: M08.standards_issued
    milestone("M08.T1", "市商务局", d(3), STANDARD, 1, "项"),
    milestone("M13.T1", "市财政局", d(2), FINANCE, 150.5, "万元"),  # 贷款/补贴: M13.finance_granted
    milestone("M08.T1", "市商务局", d(-6), STANDARD, 1, "项"),
    # M22's own survey evidence (满意度调查结果, 分): W1's result, then W2's
    milestone("M22.T2", "市商务局", d(-5), SURVEY, 82, "分"),
    milestone("M22.T2", "市商务局", d(2), SURVEY, 86, "分"),
]
LATE_MILESTONE = milestone("M08.T1", "市标准化院", d(4), STANDARD, 1, "项", note="reported late")


def registration(worker, district, uscc, status="active", level=None) -> dict:
    return {
        "registration_id": f"R-{worker}", "worker_id_hash": worker, "district_code": district,
        "enterprise_uscc": uscc, "registered_on": dt.date(2025, 3, 1), "status": status,
        "skill_level": level,
    }  # fmt: skip


def register(week: dt.date) -> list[dict]:
    """The worker register (从业人员登记), a weekly snapshot: the placed workers w1-w14 with their
    placement's enterprise, w15 (insured, never placed), w16 (trained, neither placed nor insured:
    invisible before the register), w9 with a register skill level; w17 leaves the trade in W2."""
    enterprise = {f"w{n}": "E1" for n in (1, 2, 3, 4, 5, 6, 10, 11, 12, 14, 16)}
    enterprise |= {"w7": "E2", "w8": "E3", "w9": "E3", "w13": "E2", "w15": "E3", "w17": "E3"}
    chaoyang = {"w8", "w9", "w13", "w15", "w17"}
    return [
        registration(
            w, CY if w in chaoyang else HD, uscc,
            status="left" if (w == "w17" and week == W2) else "active",
            level=4 if w == "w9" else None,
        )
        for w, uscc in enterprise.items()
    ]  # fmt: skip


# ---------------------------------------------------------------- writing the fixture
DISTRICT_SOURCES = ("enterprises", "training", "insurance", "placements", "complaints", "workers")


def load_base(conn) -> None:
    """Everything delivered in W1 and W2 (W3 nothing; W4 comes later)."""
    ensure_warehouse(conn)
    for week, rows in ENTERPRISES.items():
        stage(conn, "enterprises", rows, week)
    for week in (W1, W2):  # a snapshot a week: W2's is the register as of W2
        stage(conn, "workers", register(week), week)
    stage(conn, "placements", PLACEMENTS)
    stage(conn, "insurance", INSURANCE)
    stage(conn, "training", TRAINING)
    stage(conn, "complaints", COMPLAINTS)
    stage(conn, "milestones", MILESTONES)
    for week in (W1, W2):
        for source in DISTRICT_SOURCES:
            for district in (HD, CY):
                if not (week == W2 and source == "complaints" and district == CY):
                    log(conn, source, week, district)
        log(conn, "milestones", week, None)
    log(conn, "complaints", W2, CY, outcome="rejected", rows=0)


def load_late(conn) -> None:
    """W4's delivery: only the ledger, with one row dated in W2."""
    stage(conn, "milestones", [LATE_MILESTONE], week=W4)
    log(conn, "milestones", W4, None)
    changed(conn, "milestones", W4, W2)  # as the loader records the late row's week
    changed(conn, "milestones", W4, W4, kind="delivery", reason="file loaded")


REFERENCE = load_reference().model_copy(
    update={"subdistricts": {HD: ("S1", "S2", "S5"), CY: ("S3",)}}
)


def materialize(resources, instance, key: str | None = None, tags: dict | None = None):
    return dg.materialize(
        [indicator_marts], instance=instance, resources=resources, partition_key=key, tags=tags
    )


def read_marts(path: Path) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return {
            t: pl.from_arrow(
                conn.sql(f"select * exclude (computed_at) from marts.{t}").to_arrow_table()
            )
            for t in MARTS
        }


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """W1..W4 materialized one partition at a time, the late ledger row arriving with W4."""
    base = tmp_path_factory.mktemp("indicators")
    (base / "dagster").mkdir()
    resources = build_resources(base)
    path = Path(resources["warehouse"].database)
    with (
        pytest.MonkeyPatch.context() as patch,
        dg.DagsterInstance.local_temp(tempdir=str(base / "dagster")) as instance,
    ):
        patch.setattr(compute, "load_reference", lambda: REFERENCE)
        with duckdb.connect(str(path)) as conn:
            load_base(conn)
        for week in (W1, W2, W3):
            materialize(resources, instance, week.isoformat())
        before = read_marts(path)
        with duckdb.connect(str(path)) as conn:
            load_late(conn)
        result = materialize(resources, instance, W4.isoformat())
        restated = [
            r.asset_materialization.partition
            for r in instance.fetch_materializations(
                dg.AssetRecordsFilter(
                    asset_key=dg.AssetKey(["marts", "indicator_weekly"]),
                    asset_partitions=[W2.isoformat()],
                ),
                limit=10,
            ).records
        ]
        yield {"marts": read_marts(path), "before": before, "result": result, "W2 events": restated}


def cell(marts, indicator: str, week: dt.date, district: str = CITY) -> dict:
    rows = marts["indicator_weekly"].filter(
        (pl.col("indicator_id") == indicator)
        & (pl.col("week") == week)
        & (pl.col("district_code") == district)
    )
    assert rows.height == 1, f"{indicator} {week} {district}: {rows.height} rows"
    return rows.row(0, named=True)


# ---------------------------------------------------------------- the tests
def test_flow_week_ytd_wow_progress_and_suppression(built):
    marts = built["marts"]
    rural = cell(marts, "M01.rural_placements", W2)
    # W2: p1-p6 (Haidian) + p8, p9 (Chaoyang); YTD adds W1's p10-p12 and February's p13, not 2025's p14
    assert (rural["value"], rural["ytd_value"], rural["wow_change"]) == (8, 12, 8 - 3)
    assert rural["target"] == 10000
    # schedule over the data window: loading began in W1, so W2 is its 2nd week of 2026's 52
    assert rural["progress"] == pytest.approx(12 / (10000 * 2 / 52))  # 0.0312
    assert rural["schedule_gap_pp"] == pytest.approx((12 / 10000 - 2 / 52) * 100)  # -3.73 pp
    assert rural["status"] == "off_track" and rural["suppressed"] is False
    haidian, chaoyang = (cell(marts, "M01.rural_placements", W2, x) for x in (HD, CY))
    assert (haidian["value"], haidian["base_count"], haidian["suppressed"]) == (6, 6, False)
    assert (chaoyang["value"], chaoyang["base_count"], chaoyang["suppressed"]) == (2, 2, True)
    assert chaoyang["ytd_value"] == 3 and chaoyang["target"] is None and chaoyang["status"] is None
    dongcheng = cell(marts, "M01.rural_placements", W2, "110101")  # delivered no file that week
    assert (dongcheng["value"], dongcheng["status"]) == (None, "no_data")
    expected = {
        "M02.out_of_town_placements": (6, 6 + 3 + 1),
        "M04.training_completions": (4, 4 + 1),
        "M07.college_completions": (2, 2),
        "M07.dual_degree_enrollments": (1, 1),
        "M06.competition_participants": (2, 2),
        "M15.elderly_care_completions": (2, 2),
        "M20.certifications": (3, 3),
        "M13.finance_granted": (150.5, 150.5),
        "M02.cooperation_agreements": (0, 0),  # the ledger was delivered: a true zero
    }
    for indicator, (value, ytd) in expected.items():
        got = cell(marts, indicator, W2)
        assert (got["value"], got["ytd_value"]) == (value, ytd), indicator
    assert cell(marts, "M04.training_completions", W2, HD)["suppressed"] is True  # 3 workers


def test_ratios_from_one_numerator_and_denominator(built):
    marts = built["marts"]
    # active workers at W2 end, from W2's register snapshot: w1-w16 (w17 left the trade in W2);
    # Haidian w1-w7, w10-w12, w14, w16 = 12, Chaoyang w8, w9, w13, w15 = 4
    expected = {
        # social cover on Sunday 11-08: w1 pension (HD), w15 medical from 11-03 (CY); w16 uninsured
        "M12.social_insurance_share": {CITY: (2, 16), HD: (1, 12), CY: (1, 4)},
        # w8's accident cover (CY); w2's liability ended 06-30
        "M12.liability_accident_share": {CITY: (1, 16), HD: (0, 12), CY: (1, 4)},
        # completed from 2025-11-10 to W2 end: w1, w2, w16, w10 (HD), w8 (CY); 2025-06's t5 too old
        "M04.trained_worker_share": {CITY: (5, 16), HD: (4, 12), CY: (1, 4)},
        # registered with an employee-based firm at week end: E1 (HD), E3 (CY, suspended but still
        # employee_based); not w7, w13 (E2, intermediary)
        "M14.employee_based_worker_share": {CITY: (14, 16), HD: (11, 12), CY: (3, 4)},
        # with a level: w1 (best 2: t5), w2 (5), w16 (3), w9 (4, from the register); 1-4: w1, w16, w9
        "M20.intermediate_plus_share": {CITY: (3, 4), HD: (2, 3), CY: (1, 1)},
        "M03.online_channel_share": {CITY: (3, 9), HD: (3, 7), CY: (0, 2)},
        "M09.credit_record_share": {CITY: (2, 3), HD: (2, 3)},
        "M14.employee_based_enterprise_share": {CITY: (1, 3), HD: (1, 3)},
        "M16.ai_share": {CITY: (1, 3)},
        "M10.resolved_within_15d_share": {CITY: (2, 3), HD: (2, 3)},
        "M10.satisfaction": {CITY: (8, 2)},
        "M17.worker_rights_resolution_rate": {CITY: (1, 2)},
        "M11.subdistrict_coverage": {CITY: (1, 4), HD: (1, 3), CY: (0, 1)},
    }
    for indicator, by_district in expected.items():
        for district, (numerator, denominator) in by_district.items():
            got = cell(marts, indicator, W2, district)
            assert (got["numerator"], got["denominator"]) == (numerator, denominator), (
                indicator,
                district,
            )
            assert got["value"] == pytest.approx(numerator / denominator), (indicator, district)
            assert got["suppressed"] is (district != CITY and denominator < 5), (
                indicator,
                district,
            )
    per_1000 = cell(marts, "M10.complaints_per_1000_workers", W2)
    assert per_1000["value"] == pytest.approx(2 * 1000 / 16)  # c3, c4 received in W2; 16 registered
    assert per_1000["progress"] == pytest.approx(1.5 / (2000 / 16))  # lower is better: inverted
    assert per_1000["status"] == "off_track"
    assert cell(marts, "M01.registered_workers", W2)["value"] == 16  # the same register
    # look-backs longer than the 2 loaded weeks: a value, but no trend read into it
    for indicator in ("M04.trained_worker_share", "M17.worker_rights_resolution_rate"):  # 52, 4
        assert cell(marts, indicator, W2)["status"] == "insufficient_history", indicator
    # M22 rests on its own survey evidence: the latest result reported by week end (W1 82, W2 86)
    survey = [cell(marts, "M22.survey_satisfaction", w)["value"] for w in (W1, W2)]
    assert survey == [82, 86]
    assert cell(marts, "M10.median_days_to_resolve", W2)["value"] == 8  # 8, 22 and 1 days
    assert cell(marts, "M09.credit_record_share", W2, CY)["status"] == "no_data"  # no active firm
    # Chaoyang's complaints file was rejected: its complaint figures are missing, not zero
    for indicator in ("M10.complaints_per_1000_workers", "M10.satisfaction"):
        got = cell(marts, indicator, W2, CY)
        assert (got["value"], got["status"], got["suppressed"]) == (None, "no_data", False)


def test_state_at_week_end_from_registry_history(built):
    marts = built["marts"]
    # W1: E1, E2, E3 active; W2: E3 suspended, E4 registered, E1 still valid from W1
    centres = [cell(marts, "M05.enterprises_with_training_centre", w) for w in (W1, W2)]
    assert [c["value"] for c in centres] == [2, 1] and centres[1]["wow_change"] == -1
    assert centres[1]["ytd_value"] is None and centres[1]["progress"] == pytest.approx(1 / 600)
    assert cell(marts, "M11.community_outlets", W1)["value"] == 3
    assert cell(marts, "M11.community_outlets", W2)["value"] == 2
    assert cell(marts, "M15.senior_care_enterprises", W2)["value"] == 0
    assert cell(marts, "M14.brand_enterprises", W2, HD)["value"] == 1
    assert cell(marts, "M10.digital_certificate_holders", W2)["value"] == 2  # w1 (twice), w2
    credit = [cell(marts, "M09.credit_record_share", w)["value"] for w in (W1, W2)]
    assert credit == [pytest.approx(2 / 3), pytest.approx(2 / 3)]


def test_meta_indicators_and_measure_status(built):
    marts = built["marts"]
    # pairs owed: 17 districts x 6 district sources (the register included) = 102; delivered in
    # W2: Haidian all 6, Chaoyang 5 (its complaints file was rejected)
    coverage = cell(marts, "M21.delivery_coverage", W2)
    assert (coverage["numerator"], coverage["denominator"]) == (6 + 5, 17 * 6)
    assert cell(marts, "M21.delivery_coverage", W2, CY)["value"] == pytest.approx(5 / 6)
    assert cell(marts, "M21.delivery_coverage", W2, HD)["value"] == 1
    # tasks whose last due date is by Sunday 11-08: M04.T1, M12.T1, M20.T1, M21.T1 (03-31 to 06-30),
    # M05.T2, M07.T1, M15.T1 (09-30), M06.T1, M08.T2, M16.T1 (10-31) = 10; none has a done row
    on_time = cell(marts, "M21.tasks_on_time", W2)
    assert (on_time["value"], on_time["numerator"], on_time["denominator"]) == (0, 0, 10)
    # reports are owed from the first complete month after loading began (W1, 10-26): November,
    # not complete by W2: nothing owed, no share
    received = cell(marts, "M21.reports_received", W2)
    assert (received["value"], received["denominator"], received["status"]) == (None, 0, "no_data")
    status = marts["measure_status"]
    assert status.height == 22 * 4
    row = status.filter((pl.col("measure_id") == "M01") & (pl.col("week") == W2)).row(0, named=True)
    assert row["status"] == "off_track" and row["indicators_off_track"] >= 1
    assert row["indicators_with_data"] <= row["indicators"]

    def measures(week: dt.date) -> dict[str, str]:
        return dict(status.filter(pl.col("week") == week).select("measure_id", "status").rows())

    # task measures take the worst of their tasks: M21.T1 (due 03-31), M06.T1 and M08.T2 (10-31)
    # have no done row: overdue -> off_track; M18.T1 (due 11-30, within 30 days) due soon -> at_risk
    tasks = {"M06": "off_track", "M08": "off_track", "M18": "at_risk", "M21": "off_track"}
    assert {m: measures(W2)[m] for m in tasks} == tasks
    # W3 delivered nothing: every measure rated by its figures has no data; a task past its due
    # date without a done row is overdue whatever the week delivered
    w3 = measures(W3)
    assert {m: s for m, s in w3.items() if s != "no_data"} == tasks


def test_week_without_deliveries_is_no_data_never_zero(built):
    weekly = built["marts"]["indicator_weekly"].filter(pl.col("week") == W3)
    assert weekly.height > 0
    assert weekly["status"].unique().to_list() == ["no_data"]
    assert weekly["value"].null_count() == weekly.height
    assert not weekly["suppressed"].any()


def test_every_indicator_has_a_row_for_every_loaded_week(built):
    weekly = built["marts"]["indicator_weekly"]
    city = weekly.filter(pl.col("district_code") == CITY)
    for week in (W1, W2, W3, W4):
        ids = set(city.filter(pl.col("week") == week)["indicator_id"])
        assert ids == {i.id for i in load_catalog().indicators}, week
    no_value = weekly.filter(pl.col("value").is_null())
    assert set(no_value["status"]) == {"no_data", "no_cases"}
    no_data = weekly.filter(pl.col("status") == "no_data")
    assert no_data["value"].null_count() == no_data.height  # no_data never carries a value
    # "no complaints" is a finding, not missing data: Chaoyang delivered complaints in W1 but had no
    # worker-rights complaint received from 10-05 to 11-01 (Haidian had c2); in W2 its file was
    # rejected (no data). M21.tasks_on_time always had 10 tasks due when the ledger came
    no_cases = no_value.filter(pl.col("status") == "no_cases")
    assert no_cases.select("indicator_id", "week", "district_code", "denominator").rows() == [
        ("M17.worker_rights_resolution_rate", W1, CY, 0)
    ]


def test_late_row_restates_earlier_weeks(built):
    before, after = built["before"], built["marts"]
    assert cell(before, "M08.standards_issued", W2)["value"] == 3
    standards = cell(after, "M08.standards_issued", W2)
    assert (standards["value"], standards["ytd_value"]) == (4, 5)  # + the late row; W1 had 1
    assert cell(after, "M08.standards_issued", W3)["status"] == "no_data"
    w4 = cell(after, "M08.standards_issued", W4)
    assert (w4["value"], w4["ytd_value"], w4["wow_change"]) == (0, 5, None)
    notes = after["milestone_notes"].filter(pl.col("week") == W2)
    # W2's ledger: 2 standards rows, the finance row, the survey row, and the late standards row
    assert notes.height == 5 and notes["is_late"].sum() == 1
    assert built["W2 events"].count(W2.isoformat()) == 2  # its own run, then the restatement
    own = [
        m
        for m in built["result"].asset_materializations_for_node("indicator_marts")
        if m.partition == W4.isoformat() and m.asset_key.path[-1] == "indicator_weekly"
    ]
    assert own[0].metadata["restated_weeks"].value == f"{W2.isoformat()}, {W3.isoformat()}"


def test_data_delivery(built):
    delivery = built["marts"]["data_delivery"]
    complaints = delivery.filter((pl.col("week") == W2) & (pl.col("source") == "complaints"))
    by_district = {r["district_code"]: r for r in complaints.iter_rows(named=True)}
    assert (by_district[HD]["files"], by_district[HD]["files_rejected"]) == (1, 0)
    assert (by_district[CY]["files"], by_district[CY]["files_rejected"]) == (0, 1)
    late = delivery.filter((pl.col("week") == W4) & (pl.col("source") == "milestones")).row(
        0, named=True
    )
    assert (late["files"], late["rows_late"]) == (1, 1)


def test_incremental_equals_full_rebuild(built, resources, instance, monkeypatch):
    path = Path(resources["warehouse"].database)
    with duckdb.connect(str(path)) as conn:
        load_base(conn)
        load_late(conn)
    tags = {
        "dagster/asset_partition_range_start": W1.isoformat(),
        "dagster/asset_partition_range_end": W4.isoformat(),
    }
    monkeypatch.setattr(compute, "load_reference", lambda: REFERENCE)
    materialize(resources, instance, tags=tags)  # all four weeks in one run
    full = read_marts(path)
    for table in MARTS:
        keys = [c for c in full[table].columns if full[table][c].dtype != pl.Float64]
        assert (
            full[table]
            .sort(keys, nulls_last=True)
            .equals(built["marts"][table].sort(keys, nulls_last=True))
        ), table


def test_empty_subdistrict_reference_gives_no_data(monkeypatch, tmp_path):
    monkeypatch.setattr(
        compute, "load_reference", lambda: load_reference().model_copy(update={"subdistricts": {}})
    )
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        load_base(conn)
        values = compute.week_values(conn, load_catalog(), W2)
    coverage = values.filter(pl.col("indicator_id") == "M11.subdistrict_coverage")
    assert coverage.height == 18 and coverage["value"].null_count() == 18


def test_a_new_indicator_is_a_catalog_entry_and_a_query(tmp_path):
    extra = {
        "id": "M01.rural_placements_again",
        "name": {"zh": "农村劳动力上岗", "en": "Rural placements again"},
        "definition": {"zh": "同 M01", "en": "as M01.rural_placements"},
        "unit": {"zh": "人次", "en": "placements"},
        "sources": ["plc"],
        "kind": "flow",
        "target": 100,
        "query": {
            "template": "period_count",
            "source": "placements",
            "where": "origin_type = 'rural'",
            "base": "worker_id_hash",
        },
    }
    catalog = _catalog_with_targets(tmp_path, {}, extra={"M01": extra})
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        load_base(conn)
        marts = build_weeks(conn, [W2], catalog)
    again = cell(marts.tables, "M01.rural_placements_again", W2)
    assert (again["value"], again["ytd_value"], again["target"]) == (8, 12, 100)


# ---------------------------------------------------------------- status rules, on rate() alone
def _catalog_with_targets(tmp_path: Path, targets: dict[str, float], extra: dict | None = None):
    import yaml

    from core.settings import catalog_dir

    data = yaml.safe_load((catalog_dir() / "measures.yaml").read_text(encoding="utf-8"))
    for measure in data["measures"]:
        if measure["id"] in (extra or {}):
            measure["indicators"].append(extra[measure["id"]])
        for indicator in measure["indicators"]:
            if indicator["id"] in targets:
                indicator["target"] = targets[indicator["id"]]
    path = tmp_path / "measures.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_catalog(path)


def _figures(rows: list[tuple[str, str, float | None, float | None, int | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"indicator_id": i, "measure_id": i[:3], "district_code": dist, "value": v,
             "ytd_value": ytd, "numerator": None, "denominator": None, "base_count": base}
            for i, dist, v, ytd, base in rows
        ],
        schema_overrides={c: pl.Float64 for c in ("value", "ytd_value", "numerator", "denominator")}
        | {"base_count": pl.Int64},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("target", "expected"),
    [(13, "on_track"), (15, "at_risk"), (20, "off_track")],
)
def test_flow_status_is_pro_rated(tmp_path, target, expected):
    catalog = _catalog_with_targets(tmp_path, {"M01.rural_placements": target})
    current = _figures([("M01.rural_placements", CITY, 8, 12, 8)])
    rated = rate(current, current.head(0), catalog, W2, dt.datetime(2026, 11, 20))
    row = rated.row(0, named=True)
    # rate() alone, no data window: the share of the calendar year at W2's end. A week belongs to
    # the year of its Sunday, so 2026's first week is Mon 2025-12-29 and W2 (ISO week 45) is the
    # 45th of 52
    assert row["progress"] == pytest.approx(12 / (target * 45 / 52))  # 1.067, 0.924, 0.693
    assert row["status"] == expected and row["wow_change"] is None


def test_ratio_status_and_lower_is_better_inversion(tmp_path):
    catalog = _catalog_with_targets(
        tmp_path, {"M09.credit_record_share": 0.5, "M10.median_days_to_resolve": 10}
    )
    current = _figures(
        [
            ("M09.credit_record_share", CITY, 0.48, None, 40),  # 0.96: on track
            ("M09.credit_record_share", HD, 0.45, None, 6),  # 0.90: at risk
            ("M09.credit_record_share", CY, 0.30, None, 4),  # 0.60: off track, suppressed
            ("M10.median_days_to_resolve", CITY, 12.5, None, 9),  # 10 / 12.5 = 0.80: at risk
            ("M10.median_days_to_resolve", HD, 8, None, 5),  # 1.25: on track
            ("M10.median_days_to_resolve", CY, 0, None, 5),  # zero days: best possible
        ]
    )
    previous = _figures([("M09.credit_record_share", CITY, 0.40, None, 40)])
    rated = rate(current, previous, catalog, W2, dt.datetime(2026, 11, 20))
    got = {(r["indicator_id"][:3], r["district_code"]): r for r in rated.iter_rows(named=True)}
    assert [got["M09", d]["status"] for d in (CITY, HD, CY)] == ["on_track", "at_risk", "off_track"]
    assert [got["M09", d]["suppressed"] for d in (CITY, HD, CY)] == [False, False, True]
    assert got["M09", CITY]["wow_change"] == pytest.approx(0.08)
    assert got["M10", CITY]["progress"] == pytest.approx(0.8)
    assert [got["M10", d]["status"] for d in (CITY, HD, CY)] == ["at_risk", "on_track", "on_track"]


# ---------------------------------------------------------------- template parameters, on load
RURAL = {"template": "period_count", "source": "placements", "base": "worker_id_hash"}


@pytest.mark.parametrize(
    ("indicator", "query", "expected"),
    [
        ("M01.rural_placements", RURAL | {"base": "worker_id"}, "base: 'worker_id' is not a column of placements"),
        ("M01.rural_placements", RURAL | {"source": "payroll"}, "source: unknown source 'payroll'"),
        ("M01.rural_placements", RURAL | {"where": "salary > 3"}, "unknown column 'salary'"),
        ("M01.rural_placements", RURAL | {"where": "origin_type = 'rural'; drop table x"}, "where: "),
        ("M01.rural_placements", RURAL | {"where": "(select count(*) from staging.training) > 0"}, "subquery not allowed"),
        ("M01.rural_placements", RURAL | {"where": "read_text('/etc/passwd') is not null"}, "function not allowed"),
        ("M01.rural_placements", {"template": "enterprise_share", "counted": "uses_ai"}, "reads ['enterprises']"),
        ("M01.rural_placements", {"template": "no_such_template"}, "does not match any of the expected tags"),
        ("M02.cooperation_agreements", {"template": "milestone_sum", "measure": "M99"}, "query.measure: unknown measure 'M99'"),
        ("M12.social_insurance_share", {"template": "insured_worker_share", "insurance_types": ["dental"]}, "insurance_types: unknown ['dental']"),
    ],
)  # fmt: skip
def test_a_bad_template_parameter_is_refused_naming_indicator_and_field(
    tmp_path, indicator, query, expected
):
    import yaml

    from core.contract import CatalogError
    from core.settings import catalog_dir

    data = yaml.safe_load((catalog_dir() / "measures.yaml").read_text(encoding="utf-8"))
    entry = next(i for m in data["measures"] for i in m["indicators"] if i["id"] == indicator)
    entry["query"] = query
    path = tmp_path / "measures.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert indicator in str(caught.value) and expected in str(caught.value), str(caught.value)
