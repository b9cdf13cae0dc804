"""Calendar periods: a month is the rows dated in it (not its ISO weeks), 环比/同比 against loaded
periods, the public rows under the weekly disclosure rule, the period step as a Dagster asset,
and `pmon report --month/--quarter` refusing a period the marts do not hold.

The warehouse: training completions in Haidian, loads logged for every week from 2025-W40 to
2026-W46. Week 2026-W44 (Mon 26 Oct - Sun 1 Nov) straddles October's end: its 1 November row is
November's, so October's ISO weeks sum to one more than October.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from builders import insert, stage
from test_indicators import completion

from assets.indicators import periods
from assets.indicators.compute import week_values
from assets.indicators.period_assets import indicator_periods
from assets.ingest.warehouse import ensure_warehouse
from core.catalog import load_catalog
from pipelines.resources import build_resources

HD, CITY = "110108", "110000"
FLOW = "M04.training_completions"
DAYS = {
    "2025-10": [dt.date(2025, 10, 8), dt.date(2025, 10, 20)],
    "2026-09": [dt.date(2026, 9, 30)],  # in W40 (28 Sep - 4 Oct), dated in September
    "2026-10": [dt.date(2026, 10, 5), dt.date(2026, 10, 30), dt.date(2026, 10, 31)],
    "2026-11": [dt.date(2026, 11, 1)],  # in W44, dated in November
}
FIRST_WEEK, LAST_WEEK = dt.date(2025, 9, 29), dt.date(2026, 11, 9)


def load(conn) -> None:
    ensure_warehouse(conn)
    days = [d for ds in DAYS.values() for d in ds]
    rows = [
        completion(f"t{n}", f"w{n}", HD, "housekeeping", "enterprise", d, 3)
        for n, d in enumerate(days)
    ]
    stage(conn, "training", rows)
    weeks = []
    week = FIRST_WEEK
    while week <= LAST_WEEK:
        weeks.append(week)
        week += dt.timedelta(weeks=1)
    insert(
        conn,
        "meta.load_log",
        [
            {
                "source": "training", "week": w, "source_file": f"training/{w}/hd.csv",
                "file_sha256": "0" * 64, "district_code": HD, "rows_read": 1, "rows_loaded": 1,
                "rows_quarantined": 0, "outcome": "loaded", "message": "",
                "loaded_at": dt.datetime(2026, 11, 20),
            }
            for w in weeks
        ],
    )  # fmt: skip


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("periods") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        load(conn)
    return path


@pytest.fixture(scope="module")
def built(warehouse: Path) -> pl.DataFrame:
    wanted = [periods.parse("month", m) for m in ("2025-10", "2026-09", "2026-10")]
    wanted.append(periods.parse("quarter", "2026-Q3"))
    with duckdb.connect(str(warehouse)) as conn:
        frame = periods.build_periods(conn, load_catalog(), wanted)
    return frame


def test_periods_computed_together_equal_each_computed_alone(warehouse: Path) -> None:
    """A run's months go through the engine in one call: each equals its range computed alone."""
    from assets.indicators.compute import range_values

    wanted = [periods.parse("month", m) for m in ("2025-10", "2026-09", "2026-10", "2026-11")]
    wanted += [periods.parse("quarter", q) for q in ("2026-Q3", "2026-Q4")]
    catalog = load_catalog()
    with duckdb.connect(str(warehouse)) as conn:
        together = periods.period_values(conn, catalog, wanted)
        for period in wanted:
            alone = range_values(conn, catalog, period.start, period.end)
            order = ["indicator_id", "district_code"]
            assert together[period.label].sort(order).equals(alone.sort(order)), period.label
    assert together["2026-10"].filter(pl.col("value").is_not_null()).height > 0


def test_a_quarter_ending_31_december_counts_its_year_to_date_from_1_january(warehouse) -> None:
    """31 December 2026 is a Thursday: its ISO week ends in 2027, the quarter's year does not."""
    quarter = periods.parse("quarter", "2026-Q4")
    with duckdb.connect(str(warehouse)) as conn:
        values = periods.period_values(conn, load_catalog(), [quarter])[quarter.label]
    city = values.filter((pl.col("indicator_id") == FLOW) & (pl.col("district_code") == CITY))
    dated_2026 = [d for ds in DAYS.values() for d in ds if d.year == 2026]
    assert city["ytd_value"].to_list() == [len(dated_2026)] == [5]


def cell(frame: pl.DataFrame, period: str, district: str = CITY) -> dict:
    rows = frame.filter(
        (pl.col("period") == period)
        & (pl.col("indicator_id") == FLOW)
        & (pl.col("district_code") == district)
    )
    assert rows.height == 1, (period, district, rows.height)
    return rows.row(0, named=True)


def test_a_month_is_the_rows_dated_in_it_not_its_iso_weeks(warehouse: Path, built) -> None:
    october = cell(built, "2026-10")
    assert october["value"] == len(DAYS["2026-10"]) == 3
    # the ISO weeks whose Monday is in October hold the 1 November row too
    mondays = [dt.date(2026, 10, 5) + dt.timedelta(weeks=n) for n in range(4)]
    with duckdb.connect(str(warehouse)) as conn:
        weekly = [week_values(conn, load_catalog(), w) for w in mondays]
    by_weeks = sum(
        f.filter((pl.col("indicator_id") == FLOW) & (pl.col("district_code") == CITY))["value"]
        .fill_null(0)
        .sum()
        for f in weekly
    )
    assert by_weeks == 4 != october["value"]
    assert october["period_start"] == dt.date(2026, 10, 1)
    assert october["period_end"] == dt.date(2026, 11, 1)
    # year to date (1-10月累计): September's row and October's
    assert october["ytd_value"] == 4
    # a quarter: the rows dated in July-September (the 30 September row, not W40's 5 October)
    assert cell(built, "2026-Q3")["value"] == 1


def test_yoy_and_mom_against_the_loaded_periods(built) -> None:
    october, year_ago = cell(built, "2026-10"), cell(built, "2025-10")
    assert year_ago["value"] == 2
    assert october["year_ago_value"] == 2
    assert october["yoy_rate"] == pytest.approx((3 - 2) / 2)  # 同比 = (this - last) / last
    assert october["yoy_change"] == 1
    assert october["previous_value"] == 1  # September 2026
    assert october["mom_rate"] == pytest.approx((3 - 1) / 1)  # 环比
    # the period before October 2025 was not computed, and October 2024 is not loaded
    assert year_ago["previous_value"] is None and year_ago["yoy_rate"] is None


def test_public_period_rows_follow_the_weekly_disclosure_rule(built) -> None:
    public = periods.public_periods(built, load_catalog())
    haidian = cell(public, "2026-10", HD)
    assert haidian["suppressed"] and haidian["disclosure"] == "suppressed"  # 3 workers < 5
    assert haidian["value"] is None and haidian["mom_rate"] is None
    assert haidian["yoy_rate"] is None and haidian["previous_value"] is None
    # all Beijing is Haidian alone here: its total would give the hidden cell back
    city = cell(public, "2026-10")
    assert city["value"] is None and city["disclosure"] == "complementary"
    assert cell(built, "2026-10", HD)["value"] == 3  # the internal mart keeps every figure


def test_a_period_holding_a_hidden_week_hides_its_cell(built) -> None:
    """Else October's figure minus its published weeks would give the hidden week back."""
    hidden = pl.DataFrame(
        {"indicator_id": [FLOW], "district_code": ["110101"], "week": [dt.date(2026, 10, 26)]}
    )
    public = periods.public_periods(built, load_catalog(), hidden)
    assert cell(public, "2026-10", "110101")["disclosure"] == "suppressed"  # 26 Oct - 1 Nov
    assert cell(public, "2026-09", "110101")["disclosure"] == "published"
    assert (
        cell(periods.public_periods(built, load_catalog()), "2026-10", "110101")["disclosure"]
        == "published"
    )


def test_period_parsing_and_closed_periods() -> None:
    assert periods.parse("month", "2026-10") == periods.month(2026, 10)
    assert periods.parse("quarter", "2026-Q3").start == dt.date(2026, 7, 1)
    assert periods.parse("quarter", "2026-Q4").end == dt.date(2027, 1, 1)
    assert periods.parse("week", "2026-11-18").label == "2026-W47"
    for kind, text in (("month", "2026-13"), ("month", "2026-1"), ("quarter", "2026-Q5")):
        with pytest.raises(ValueError):
            periods.parse(kind, text)
    october = periods.month(2026, 10)
    assert october.previous().label == "2026-09" and october.year_ago().label == "2025-10"
    assert periods.quarter(2026, 1).previous().label == "2025-Q4"
    assert october.closing_week == dt.date(2026, 10, 26)  # the week holding 31 October
    closed = {p.label for p in periods.closed_periods(dt.date(2026, 9, 28), dt.date(2026, 11, 9))}
    assert closed == {"2026-10"}  # September starts before the first week; November is open
    closed = {p.label for p in periods.closed_periods(dt.date(2026, 6, 29), dt.date(2026, 10, 26))}
    assert closed == {"2026-07", "2026-08", "2026-09", "2026-10", "2026-Q3"}


def test_the_period_asset_computes_every_closed_period(tmp_path: Path) -> None:
    (tmp_path / "dagster").mkdir()
    resources = build_resources(tmp_path)
    path = Path(resources["warehouse"].database)
    with duckdb.connect(str(path)) as conn:
        load(conn)
        conn.execute(periods.sql_text("marts/schema.sql"))
        conn.execute(  # the weekly step has run up to LAST_WEEK
            "insert into marts.indicator_weekly (measure_id, indicator_id, week, district_code, "
            "suppressed, computed_at) values ('M04', $i, $w, '110000', false, now())",
            {"i": FLOW, "w": LAST_WEEK},
        )
    with dg.DagsterInstance.local_temp(tempdir=str(tmp_path / "dagster")) as instance:

        def run() -> str:
            result = dg.materialize(
                [indicator_periods],
                instance=instance,
                resources=resources,
                partition_key=LAST_WEEK.isoformat(),
            )
            assert result.success
            [event] = [
                m
                for m in result.asset_materializations_for_node("indicator_periods")
                if m.asset_key == dg.AssetKey(["marts", "indicator_period"])
            ]
            return event.metadata["periods_computed"].value

        assert run().startswith("2025-10, 2025-11")  # the first run: every closed period
        held, public, october = _period_mart(path)
        months = {f"2025-{m:02d}" for m in (10, 11, 12)} | {f"2026-{m:02d}" for m in range(1, 11)}
        assert held == months | {"2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"}
        assert public > 0
        assert october == (3, pytest.approx(0.5))
        assert run() == "none"  # nothing computed since
        with duckdb.connect(str(path)) as conn:  # a late row restates the week of 12 October
            stage(conn, "training", [completion("late", "w9", HD, "cooking", "enterprise", dt.date(2026, 10, 15), 2)])  # fmt: skip
            conn.execute(
                "insert into marts.indicator_weekly (measure_id, indicator_id, week, "
                "district_code, suppressed, computed_at) values ('M04', $i, '2026-10-12', "
                "'110000', false, now())",
                {"i": FLOW},
            )
        assert run() == "2026-10"  # only the month holding the restated week
        assert _period_mart(path)[2] == (4, pytest.approx(1.0))


def _period_mart(path: Path):
    with duckdb.connect(str(path), read_only=True) as conn:
        held = {
            p
            for (p,) in conn.execute(
                "select distinct period from marts.indicator_period"
            ).fetchall()
        }
        public = conn.execute("select count(*) from marts.indicator_period_public").fetchone()[0]
        october = conn.execute(
            "select value, yoy_rate from marts.indicator_period "
            "where period = '2026-10' and indicator_id = $i and district_code = '110000'",
            {"i": FLOW},
        ).fetchone()
    return held, public, october


@pytest.mark.parametrize(
    ("option", "asked", "says"),
    [
        ("--month", "2026-09", "no figures for month 2026-09 (months with figures: none yet)"),
        ("--quarter", "2026-Q3", "run `pmon run --from 2026-W27 --to 2026-W40` first"),
        ("--month", "2026-13", "give a month like 2026-10"),
    ],
)
def test_report_refuses_a_period_without_figures(tmp_path, capsys, option, asked, says) -> None:
    from pmon import cli

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        conn.execute("create schema marts")
        conn.execute("create table marts.indicator_weekly (week date)")
        conn.execute("insert into marts.indicator_weekly values ('2026-11-16')")
    code = cli.main(["report", option, asked, "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code != 0 and says in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "reports").exists()
