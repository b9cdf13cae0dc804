"""The set-based indicator engine (every indicator once over the run's grid of weeks) gives the
figures the week-by-week engine gave (tests/reference_engine.py, kept only as this oracle), on
random small inboxes: rows made by Hypothesis with the builders, and the sample-data generator at
a tiny scale loaded by the real loader; across a new year (a week spanning Dec -> Jan splits its
year-to-date by date), through a restatement (a late correction recomputes earlier weeks), and in
several passes over the grid."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest
from builders import changed, log, stage
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from reference_engine import reference_week_values

from assets.indicators import compute
from assets.indicators.compute import CITY, FIGURES, range_values, weeks_values
from assets.indicators.marts import materialize_weeks
from assets.indicators.rating import rate
from assets.ingest.load import load_week
from assets.ingest.warehouse import ensure_warehouse
from core.catalog import load_catalog
from core.contract import load_contract, load_reference
from sample_data import core as sample_core
from sample_data import flows, generate

KEY = b"test-only-pii-key-not-a-secret"
FIRST = dt.date(2025, 12, 15)  # 2025-W51; its 4th week is Mon 2026-01-05
WEEKS = [FIRST + dt.timedelta(weeks=i) for i in range(4)]  # W51, W52, W01 (29 Dec - 4 Jan), W02
KEYS = ["indicator_id", "district_code"]


def assert_same(
    new: pl.DataFrame, old: pl.DataFrame, label: str, figures: tuple[str, ...] = FIGURES
) -> None:
    """Same rows (indicator x district) and the same figures: NULL where NULL, numbers equal
    (a float sum regrouped may differ in its last bits: relative 1e-12)."""
    assert sorted(new.select(KEYS).rows()) == sorted(old.select(KEYS).rows()), label
    joined = old.join(new, on=KEYS, suffix="_new")
    for figure in figures:
        a, b = pl.col(figure).cast(pl.Float64), pl.col(f"{figure}_new").cast(pl.Float64)
        differs = (a.is_null() != b.is_null()) | (
            a.is_not_null() & ((a - b).abs() > 1e-12 * pl.max_horizontal(a.abs(), b.abs(), 1.0))
        )
        bad = joined.filter(differs).select(*KEYS, figure, f"{figure}_new")
        assert bad.is_empty(), f"{label}: {figure} differs\n{bad}"


def assert_engines_agree(conn, weeks: list[dt.date]) -> None:
    catalog = load_catalog()
    new = weeks_values(conn, catalog, weeks)
    for week in weeks:
        old = reference_week_values(conn, catalog, week)
        assert_same(new.filter(pl.col("week") == week).drop("week"), old, str(week))


# -- rows made by Hypothesis ----------------------------------------------------------------------

DAYS = st.integers(min_value=-3, max_value=27).map(lambda n: FIRST + dt.timedelta(days=n))
DISTRICTS = load_reference().district_codes[:3]
DISTRICT = st.sampled_from(DISTRICTS)
WORKER = st.sampled_from([f"w{i}" for i in range(6)])
ENTERPRISE = st.sampled_from(["E1", "E2", "E3"])


@st.composite
def inbox(draw) -> dict:
    """Staging rows of every kind of indicator (flows, states, windows, the ledger) over the four
    weeks, and which files were delivered (some districts missing, a rejection)."""
    training = [
        {
            "record_id": f"t{i}", "worker_id_hash": draw(WORKER), "district_code": draw(DISTRICT),
            "completed_on": draw(DAYS), "course": draw(st.sampled_from(["housekeeping", "elderly_care"])),
            "provider_type": draw(st.sampled_from(["enterprise", "university"])),
            "skill_level": draw(st.integers(0, 5)), "competition": draw(st.booleans()),
            "dual_degree": draw(st.booleans()), "digital_certificate": draw(st.booleans()),
        }
        for i in range(draw(st.integers(0, 8)))
    ]  # fmt: skip
    placements = [
        {
            "placement_id": f"p{i}", "worker_id_hash": draw(WORKER), "district_code": draw(DISTRICT),
            "placed_on": draw(DAYS), "origin_type": draw(st.sampled_from(["rural", "urban"])),
            "origin_province_code": draw(st.sampled_from(["11", "41"])),
            "channel": draw(st.sampled_from(["live_stream", "offline"])),
        }
        for i in range(draw(st.integers(0, 6)))
    ]  # fmt: skip
    complaints = []
    for i in range(draw(st.integers(0, 5))):
        received = draw(DAYS)
        resolved = draw(
            st.none() | st.integers(0, 20).map(lambda n, r=received: r + dt.timedelta(n))
        )
        complaints.append(
            {
                "complaint_id": f"c{i}", "district_code": draw(DISTRICT), "received_on": received,
                "category": draw(st.sampled_from(["worker_rights", "service_quality"])),
                "status": "resolved" if resolved else "open", "resolved_on": resolved,
                "satisfaction": draw(st.none() | st.integers(1, 5)) if resolved else None,
            }
        )  # fmt: skip
    milestones = [
        {
            "agency": "市商务局", "measure_id": draw(st.sampled_from(["M03", "M22"])),
            "action": draw(st.sampled_from(["直播带岗", "满意度调查结果", "宣传"])),
            "quantity": float(draw(st.integers(1, 90))), "unit": draw(st.sampled_from(["场", "分", None])),
            "reported_on": draw(DAYS), "task_id": draw(st.sampled_from([None, "M03.T1", "M06.T1"])),
        }
        for _ in range(draw(st.integers(0, 4)))
    ]  # fmt: skip
    registers = {}
    for week in WEEKS:  # the registers' versions: a record per week it was (re)delivered
        registers[week] = {
            "enterprises": [
                {
                    "uscc": e, "name": e, "district_code": draw(DISTRICT),
                    "subdistrict": "s1", "registered_on": dt.date(2020, 1, 1),
                    "status": draw(st.sampled_from(["active", "active", "cancelled"])),
                    "business_model": draw(st.sampled_from(["employee_based", "mixed"])),
                    "community_outlets": draw(st.integers(0, 2)), "is_brand": draw(st.booleans()),
                    "has_training_center": draw(st.booleans()),
                }
                for e in draw(st.lists(ENTERPRISE, unique=True, max_size=3))
            ],
            "workers": [
                {
                    "registration_id": f"r-{w}", "worker_id_hash": w, "district_code": draw(DISTRICT),
                    "enterprise_uscc": draw(ENTERPRISE), "registered_on": dt.date(2024, 1, 1),
                    "status": draw(st.sampled_from(["active", "active", "left"])),
                    "skill_level": draw(st.none() | st.integers(1, 5)),
                }
                for w in draw(st.lists(WORKER, unique=True, max_size=4))
            ],
        }  # fmt: skip
    insurance = [
        {
            "record_id": f"i{i}", "worker_id_hash": draw(WORKER), "district_code": draw(DISTRICT),
            "insurance_type": draw(st.sampled_from(["pension", "accident"])),
            "start_on": (start := draw(DAYS)),
            "end_on": draw(st.none() | st.integers(0, 20).map(lambda n, s=start: s + dt.timedelta(n))),
        }
        for i in range(draw(st.integers(0, 5)))
    ]  # fmt: skip
    orders = [
        {
            "period_end": draw(DAYS), "district_code": draw(DISTRICT),
            "service_type": draw(st.sampled_from(["housekeeping", "nursing"])),
            "channel": "platform", "orders": draw(st.integers(0, 50)),
            "spending_cny": draw(st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 2))),
        }
        for _ in range(draw(st.integers(0, 4)))
    ]  # fmt: skip
    missing = draw(st.sets(st.tuples(st.sampled_from(WEEKS), DISTRICT), max_size=3))
    rejected = draw(st.sets(st.tuples(st.sampled_from(WEEKS), DISTRICT), max_size=1))
    return {
        "flows": {
            "training": training, "placements": placements, "complaints": complaints,
            "milestones": milestones, "insurance": insurance, "orders": orders,
        },
        "registers": registers, "missing": missing, "rejected": rejected,
    }  # fmt: skip


def _fill(conn, data: dict) -> None:
    contract = load_contract()
    ensure_warehouse(conn)
    for source, rows in data["flows"].items():
        if rows:
            stage(conn, source, rows)
    for week, registers in data["registers"].items():
        for source, rows in registers.items():
            if rows:
                stage(conn, source, rows, week)
    for week in WEEKS:
        for source, spec in contract.sources.items():
            if spec.expected_from == "city":
                log(conn, source, week, None)
                continue
            for district in DISTRICTS:
                if (week, district) in data["missing"]:
                    continue
                outcome = "rejected" if (week, district) in data["rejected"] else "loaded"
                log(conn, source, week, district, outcome)


@settings(
    max_examples=6,
    deadline=None,
    phases=[
        Phase.explicit,
        Phase.reuse,
        Phase.generate,
    ],  # a failure is shown as drawn: no slow shrinking
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=inbox(), passes=st.sampled_from([1, 3, 13]))
def test_set_based_engine_equals_week_by_week(data, passes, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(compute, "PERIODS_PER_PASS", passes)  # the grid in one or several passes
    with duckdb.connect() as conn:
        _fill(conn, data)
        assert_engines_agree(conn, WEEKS)


def test_a_large_register_is_computed_in_fewer_periods_a_pass(monkeypatch: pytest.MonkeyPatch):
    """The state context holds every active worker of every period of a pass: a register too
    large for CONTEXT_ROWS_PER_PASS rows cuts the passes (a national register, 2 periods)."""
    with duckdb.connect() as conn:
        conn.execute("create schema staging")
        conn.execute(
            "create table staging.worker_history as "
            "select 'w' || (i % 1000) as worker_id_hash from range(2500) t(i)"
        )  # 1,000 people, some with several versions
        assert compute.periods_per_pass(conn) == compute.PERIODS_PER_PASS
        monkeypatch.setattr(compute, "CONTEXT_ROWS_PER_PASS", 3_500)
        assert compute.periods_per_pass(conn) == 3
        monkeypatch.setattr(compute, "CONTEXT_ROWS_PER_PASS", 10)
        assert compute.periods_per_pass(conn) == 1


def test_only_the_state_context_queries_run_in_passes(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """In passes of one week, a query over the state context (active workers) runs once a pass;
    every other query runs once for the run, whose grid holds all the weeks; the figures equal
    one pass's."""
    catalog = load_catalog()
    copy = tmp_path / "warehouse.duckdb"
    copy.write_bytes(generated.read_bytes())
    with duckdb.connect(str(copy)) as conn:
        whole = weeks_values(conn, catalog, WEEKS)
        monkeypatch.setattr(compute, "PERIODS_PER_PASS", 1)
        computed = compute.indicator_frame
        runs: dict[str, list[int]] = {}

        def counted(conn, indicator, city_rows, available):
            weeks = conn.execute("select count(*) from periods").fetchall()[0][0]
            runs.setdefault(indicator.id, []).append(weeks)
            return computed(conn, indicator, city_rows, available)

        monkeypatch.setattr(compute, "indicator_frame", counted)
        in_passes = weeks_values(conn, catalog, WEEKS)
    stateful = {i.id for i in catalog.indicators if compute.reads_context(i)}
    assert {"M01.registered_workers", "M12.social_insurance_share"} <= stateful
    assert "M04.training_completions" not in stateful
    for indicator in catalog.indicators:
        expected = [1] * len(WEEKS) if indicator.id in stateful else [len(WEEKS)]
        assert runs[indicator.id] == expected, indicator.id
    for week in WEEKS:
        assert_same(
            in_passes.filter(pl.col("week") == week).drop("week"),
            whole.filter(pl.col("week") == week).drop("week"),
            str(week),
        )


def _day(n: int) -> dt.date:
    return WEEKS[0] + dt.timedelta(days=6 + n)  # n = 0: the first week's Sunday, its last day


# per worker: enrollments (type, start, end: days from the first Sunday, None: open), and the
# weeks (0-3) whose last day some social insurance enrollment (pension, medical) covers
COVER_CASES = {
    "chained": ([("pension", -10, 3), ("medical", 2, 7)], {0, 1}),
    "nested": ([("pension", -5, 21), ("pension", 6, 8)], {0, 1, 2, 3}),
    "adjacent": ([("pension", -3, 6), ("medical", 7, 14)], {0, 1, 2}),
    "gap": ([("pension", -3, 0), ("pension", 14, None)], {0, 2, 3}),
    "other type": ([("liability", -30, None)], set()),
    "twice": ([("medical", 7, 7), ("medical", 7, 7)], {1}),
    "gap, then the same start twice": (
        [("pension", -20, -10), ("medical", 7, 8), ("pension", 7, None)],
        {1, 2, 3},
    ),
    "ended, later": ([("pension", -20, -1), ("medical", 21, 23)], {3}),
    "open": ([("pension", -100, None)], {0, 1, 2, 3}),
    "uninsured": ([], set()),
}


@pytest.mark.parametrize("passes", [1, 13])
def test_insured_workers_are_those_an_enrollment_covers_at_period_end(
    passes: int, monkeypatch: pytest.MonkeyPatch
):
    """Spells of cover (enrollments merged where they overlap, prepared once a run) count a worker
    insured exactly where some enrollment of the types covers the period's last day: chained,
    nested, adjacent, with a gap, duplicated, of another type; in one pass or in several."""
    monkeypatch.setattr(compute, "PERIODS_PER_PASS", passes)
    district = DISTRICTS[0]
    workers = [
        {
            "registration_id": f"r-{name}", "worker_id_hash": name, "district_code": district,
            "enterprise_uscc": "E1", "registered_on": dt.date(2024, 1, 1), "status": "active",
            "skill_level": 3,
        }
        for name in COVER_CASES
    ]  # fmt: skip
    enrollments = [
        {
            "record_id": f"{name}-{n}", "worker_id_hash": name, "district_code": district,
            "insurance_type": kind, "start_on": _day(start),
            "end_on": None if end is None else _day(end),
        }
        for name, (rows, _) in COVER_CASES.items()
        for n, (kind, start, end) in enumerate(rows)
    ]  # fmt: skip
    with duckdb.connect() as conn:
        ensure_warehouse(conn)
        stage(conn, "insurance", enrollments)
        for week in WEEKS:
            stage(conn, "workers", workers, week)
            for source in ("insurance", "workers"):
                log(conn, source, week, district)
        values = weeks_values(conn, load_catalog(), WEEKS)
        prepared = conn.execute(
            "select count(*) from duckdb_tables() where temporary and table_name like 'run%'"
        ).fetchall()[0][0]
    insured = values.filter(
        (pl.col("indicator_id") == "M12.social_insurance_share") & (pl.col("district_code") == CITY)
    ).sort("week")
    expected = [sum(n in weeks for _, weeks in COVER_CASES.values()) for n in range(len(WEEKS))]
    assert insured["numerator"].to_list() == expected
    assert insured["denominator"].to_list() == [len(COVER_CASES)] * len(WEEKS)
    assert prepared == 0  # the run's prepared tables are dropped when it is done


def test_a_statement_prepared_once_a_run_may_not_read_one_pass_s_grid(
    monkeypatch: pytest.MonkeyPatch,
):
    """A query's statements before the query proper run once, with the first pass's grid in
    place: one that reads the grid or the context would be wrong for every later pass."""
    indicator = load_catalog().indicators[0]
    script = "create temp table run_tables_x as select * from active_workers; select 1 as one"
    monkeypatch.setattr(compute, "indicator_sql", lambda *_args, **_kwargs: script)
    with duckdb.connect() as conn, pytest.raises(ValueError, match="active_workers"):
        compute.prepare_run_tables(conn, indicator)


# -- the generator's tiny inbox, loaded by the real loader, then restated -------------------------

TINY = sample_core.Scale(
    20, 120, flows.Rates(training=20, insurance=20, complaints=10, placements=12)
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """Four generated weeks across the new year, every source loaded week by week."""
    base = tmp_path_factory.mktemp("engine")
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sample_core.SCALES, "tiny", TINY)
        generate(base / "inbox", scale="tiny", weeks=4, start=FIRST, seed=5, formats=("csv",))
    database = base / "warehouse.duckdb"
    with duckdb.connect(str(database)) as conn:
        ensure_warehouse(conn)
        for week in WEEKS:
            for source in load_contract().sources:
                load_week(conn, base / "inbox", source, week, KEY)
    return database


def test_generated_inbox_across_the_new_year(generated: Path, tmp_path: Path):
    copy = tmp_path / "warehouse.duckdb"
    copy.write_bytes(generated.read_bytes())
    with duckdb.connect(str(copy)) as conn:
        counts = conn.execute("select count(*) from staging.training").fetchall()[0][0]
        assert counts > 20  # the generator delivered rows in every week
        assert_engines_agree(conn, WEEKS)


def test_a_late_correction_restates_the_weeks_as_week_by_week(generated: Path, tmp_path: Path):
    copy = tmp_path / "warehouse.duckdb"
    copy.write_bytes(generated.read_bytes())
    catalog = load_catalog()
    with duckdb.connect(str(copy)) as conn:
        materialize_weeks(conn, WEEKS)
        completions = (
            "select value from marts.indicator_weekly where indicator_id = "
            "'M04.training_completions' and district_code = $city and week = $week"
        )
        before = conn.execute(completions, {"city": CITY, "week": WEEKS[1]}).fetchall()[0][0]
        # a late training completion dated in W52 2025, delivered with 2026-W02: it changes
        # W52's flow and every later week's year-to-date of 2025... and none of 2026's
        late = {
            "record_id": "late-1", "worker_id_hash": "late-worker", "district_code": "110105",
            "completed_on": WEEKS[1] + dt.timedelta(days=2), "course": "elderly_care",
            "provider_type": "university", "skill_level": 3, "competition": True,
            "dual_degree": False, "digital_certificate": True,
        }  # fmt: skip
        stage(conn, "training", [late], WEEKS[3])
        changed(conn, "training", WEEKS[3], WEEKS[1])
        _, restated = materialize_weeks(conn, [WEEKS[3]])
        assert restated == WEEKS[1:3]
        after = conn.execute(completions, {"city": CITY, "week": WEEKS[1]}).fetchall()[0][0]
        assert after == before + 1  # the restated week took the late row
        mart = pl.from_arrow(
            conn.sql("select * exclude (computed_at) from marts.indicator_weekly").to_arrow_table()
        )
        at = dt.datetime(2026, 1, 1)
        prior = reference_week_values(conn, catalog, WEEKS[0] - dt.timedelta(weeks=1))
        expected = []
        for week in WEEKS:
            current = reference_week_values(conn, catalog, week)
            expected.append(rate(current, prior, catalog, week, at))
            prior = current
        want = pl.concat(expected)
        for week in WEEKS:  # the mart's figures, week-over-week included
            assert_same(
                mart.filter(pl.col("week") == week),
                want.filter(pl.col("week") == week),
                f"mart {week}",
                (*FIGURES, "wow_change"),
            )


def test_a_range_of_weeks_is_its_weeks_taken_together(generated: Path, tmp_path: Path):
    """`range_values` over two weeks: a count flow is the two weeks' sum, its year-to-date the
    second week's; a state is read at the range's end (the second week's register)."""
    copy = tmp_path / "warehouse.duckdb"
    copy.write_bytes(generated.read_bytes())
    catalog = load_catalog()
    summed = {
        i.id
        for i in catalog.indicators
        if i.kind == "flow" and not getattr(i.query, "count_distinct", None)
    }
    states = {i.id for i in catalog.indicators if i.kind == "state"}
    with duckdb.connect(str(copy)) as conn:
        weekly = weeks_values(conn, catalog, WEEKS[:2])
        ranged = range_values(conn, catalog, WEEKS[0], WEEKS[2])
    first, second = (weekly.filter(pl.col("week") == w).drop("week") for w in WEEKS[:2])
    flows = first.join(second, on=KEYS, suffix="_2").filter(pl.col("indicator_id").is_in(summed))
    expected_flows = flows.select(
        *KEYS,
        (pl.col("value") + pl.col("value_2")).alias("value"),
        pl.col("ytd_value_2").alias("ytd_value"),
    )
    got = ranged.filter(pl.col("indicator_id").is_in(summed))
    assert expected_flows.filter(pl.col("value") > 0).height > 10  # the range has events
    assert_same(got, expected_flows, "flows over the range", ("value", "ytd_value"))
    assert_same(
        ranged.filter(pl.col("indicator_id").is_in(states)),
        second.filter(pl.col("indicator_id").is_in(states)),
        "states at the range's end",
        ("value", "numerator", "base_count"),
    )
