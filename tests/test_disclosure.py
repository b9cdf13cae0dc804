"""Disclosure control that holds: the rule on hand-made cells, then an independent attacker
(tests/disclosure_attacker.py) against every published output of a generated demo range."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from disclosure_attacker import (
    Published,
    Truth,
    attack,
    read_analyst,
    read_database,
    read_html,
    read_table,
    read_workbook,
)

from assets.analyst.database import analyst_path
from assets.indicators.disclosure import disclose
from core import settings
from core.catalog import load_catalog
from core.contract import load_reference
from pmon import sql_shell
from sample_data import generate

WEEKS = ("2026-W45", "2026-W46", "2026-W47")
MONDAYS = [dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)]
PMON = [sys.executable, "-m", "pmon.cli"]
MARK = "内部资料 注意保存"


# ---- the rule on hand-made cells --------------------------------------------------------------


def _cells(week: dt.date, values: dict[str, float], suppressed: set[str], **extra) -> list[dict]:
    return [
        {
            "measure_id": "M01", "indicator_id": "M01.x", "week": week, "district_code": code,
            "value": value, "ytd_value": extra.get("ytd", {}).get(code), "target": None,
            "progress": None, "wow_change": extra.get("wow", {}).get(code), "status": None,
            "suppressed": code in suppressed, "numerator": value, "denominator": None,
            "base_count": int(value), "computed_at": dt.datetime(2026, 11, 23),
        }
        for code, value in values.items()
    ]  # fmt: skip


KINDS = pl.DataFrame({"indicator_id": ["M01.x"], "kind": ["flow"]})


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema_overrides={"base_count": pl.Int64})


def test_one_hidden_district_gets_the_smallest_visible_one_beside_it():
    week = MONDAYS[0]
    values = {"110000": 493.0, "110101": 2.0, "110102": 40.0, "110105": 9.0, "110106": 442.0}
    public = disclose(_frame(_cells(week, values, {"110101"})), KINDS)
    shown = dict(zip(public["district_code"], public["disclosure"], strict=True))
    # 493 − 491 would leave the hidden 2: the smallest visible district (9) is hidden with it
    assert shown == {
        "110000": "published", "110101": "suppressed", "110102": "published",
        "110105": "complementary", "110106": "published",
    }  # fmt: skip
    assert public.filter(pl.col("suppressed"))["value"].null_count() == 2


def test_two_hidden_cells_whose_sum_is_small_take_one_more():
    values = {"110000": 60.0, "110101": 1.0, "110102": 2.0, "110105": 7.0, "110106": 50.0}
    public = disclose(_frame(_cells(MONDAYS[0], values, {"110101", "110102"})), KINDS)
    hidden = public.filter(pl.col("suppressed"))["district_code"].to_list()
    assert hidden == ["110101", "110102", "110105"]  # 1 + 2 < 5: the next smallest, 7, too


def test_a_total_too_small_to_protect_withholds_all_beijing_instead():
    values = {"110000": 3.0, "110101": 1.0, "110102": 2.0}
    public = disclose(_frame(_cells(MONDAYS[0], values, {"110101", "110102"})), KINDS)
    assert public.filter(pl.col("district_code") == "110000")["value"].to_list() == [None]
    assert public["disclosure"].to_list() == ["complementary", "suppressed", "suppressed"]


def test_derived_figures_that_bridge_a_hidden_cell_are_withheld():
    first = {"110000": 100.0, "110101": 3.0, "110102": 10.0, "110105": 87.0}
    second = {"110000": 110.0, "110101": 20.0, "110102": 11.0, "110105": 79.0}
    wow = {"110101": 17.0, "110102": 1.0, "110105": -8.0}
    ytd = {"110000": 210.0, "110101": 23.0, "110102": 21.0, "110105": 166.0}
    rows = _cells(MONDAYS[0], first, {"110101"}) + _cells(
        MONDAYS[1], second, set(), wow=wow, ytd=ytd
    )
    public = disclose(_frame(rows), KINDS).filter(pl.col("week") == MONDAYS[1])
    row = {r["district_code"]: r for r in public.to_dicts()}
    # 20 − 17 would give last week's hidden 3; its YTD minus last week's would too
    assert row["110101"]["value"] == 20.0 and row["110101"]["wow_change"] is None
    assert (
        row["110101"]["ytd_value"] is None and row["110101"]["withheld"] == "wow_change,ytd_value"
    )
    assert row["110105"]["wow_change"] == -8.0 and row["110105"]["ytd_value"] == 166.0
    assert row["110102"]["wow_change"] is None  # complementary last week (smallest visible, 10)


# ---- the attacker against a generated demo range ---------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three generated weeks through the real weekly job (`pmon run`), reports included."""
    base = tmp_path_factory.mktemp("disclosure") / "data"
    generate(settings.inbox_dir(base), scale="small", weeks=3, start=MONDAYS[0], seed=3)
    env = {**os.environ, "PMON_DATA_DIR": str(base), "PMON_PII_KEY": "test-only-pii-key"}
    env.pop("PMON_WAREHOUSE", None)
    done = subprocess.run(
        [*PMON, "run", "--from", WEEKS[0], "--to", WEEKS[-1]],
        cwd=settings.PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return base


def _truth(base: Path) -> Truth:
    catalog = load_catalog()
    with duckdb.connect(str(settings.warehouse_path(base)), read_only=True) as conn:
        rows = conn.sql(
            "select indicator_id, week, district_code, value, ytd_value, numerator, denominator,"
            " base_count, suppressed from marts.indicator_weekly"
        ).fetchall()
    figures, suppressed = {}, set()
    names = ("value", "ytd_value", "numerator", "denominator", "base_count")
    for ind, week, code, *values, hidden in rows:
        for name, value in zip(names, values, strict=True):
            if value is not None:
                figures[(ind, week, code, name)] = float(value)
        if hidden:
            suppressed.add((ind, week, code))
    return Truth(figures, {i.id: i.kind for i in catalog.indicators}, suppressed)


def _report(base: Path, week: str, edition: str, ext: str) -> Path:
    return settings.reports_dir(base) / week / f"{week}_report_{edition}_zh.{ext}"


PUBLIC_TABLES = [
    "data_delivery", "districts", "indicator_weekly", "indicators", "measure_status", "measures",
    "statuses",
]  # fmt: skip
DETAIL_VIEWS = [
    "complaints", "enterprises_current", "insurance_weekly", "placements_weekly", "training_weekly",
]  # fmt: skip


def _edition(base: Path, edition: str):
    """An analyst database as `pmon sql --edition` opens it (attached as `analyst`)."""
    return sql_shell.connect(analyst_path(settings.warehouse_path(base), edition))


def _tables(conn) -> list[str]:
    return [t for (t,) in conn.sql("select table_name from duckdb_tables() order by 1").fetchall()]


def _published(base: Path) -> Published:
    """Everything the public sees: every table of the public analyst database, each week's
    public workbook and page."""
    published = Published()
    with _edition(base, "public") as conn:
        read_database(conn, published)
    names = {d.code: d.zh for d in load_reference().districts}
    indicators = {i.name.zh: i.id for i in load_catalog().indicators}
    for week, monday in zip(WEEKS, MONDAYS, strict=True):
        read_workbook(_report(base, week, "public", "xlsx"), monday, published)
        text = _report(base, week, "public", "html").read_text(encoding="utf-8")
        read_html(text, monday, names, indicators, published)
    return published


@pytest.mark.slow
def test_the_attacker_recovers_no_suppressed_cell_from_the_public_outputs(demo: Path):
    truth = _truth(demo)
    published = _published(demo)
    assert len(truth.suppressed) > 200  # small scale: many district cells rest on few units
    assert published.tables == PUBLIC_TABLES  # every table of the public database was read
    assert len(published.side) > 100  # delivery and measure status, by week, district, source
    assert published.conflicts == []  # the analyst database, workbook and page agree
    recovered = attack(truth, published, truth.kinds)
    assert [
        (r.cell, r.quantity, r.true, round(r.low, 2), round(r.high, 2)) for r in recovered
    ] == []


@pytest.mark.slow
def test_the_same_attacker_breaks_primary_suppression_alone(demo: Path):
    """The attacker can fail the test: against the old publication (suppressed cells blanked,
    every neighbour shown) it works cells out again, as the issue found."""
    truth = _truth(demo)
    naive = Published()
    for (ind, week, code, q), value in truth.figures.items():
        if (ind, week, code) not in truth.suppressed:
            naive.add((ind, week, code, q), value)
    with duckdb.connect(str(settings.warehouse_path(demo)), read_only=True) as conn:
        rows = conn.sql(
            "select indicator_id, week, district_code, wow_change from marts.indicator_weekly"
            " where not suppressed and wow_change is not null"
        ).fetchall()
    naive.wow = {(i, w, c): float(x) for i, w, c, x in rows}
    recovered = attack(truth, naive, truth.kinds)
    assert len({r.cell for r in recovered}) > 10
    assert all(r.low - 1e-6 <= r.true <= r.high + 1e-6 for r in recovered)


@pytest.mark.slow
def test_the_public_analyst_database_lacks_the_detail_views_the_internal_one_has(demo: Path):
    with _edition(demo, "public") as conn:
        public = _tables(conn)
        assert conn.sql("select current_database()").fetchall() == [("analyst",)]
        delivery = conn.sql("select * from analyst.data_delivery").pl()
    with _edition(demo, "internal") as conn:
        internal = _tables(conn)
        assert conn.sql("select count(*) from analyst.training_weekly").fetchall()[0][0] > 0
    assert public == PUBLIC_TABLES
    assert set(DETAIL_VIEWS) <= set(internal) and not set(DETAIL_VIEWS) & set(public)
    assert set(public) < set(internal)
    # who delivered and whose file was rejected, but no row count to set beside a hidden cell
    assert delivery.columns == ["week", "source", "district_code", "files", "files_rejected"]
    assert delivery.height > 0
    assert analyst_path(settings.warehouse_path(demo), "public").name == "analyst_public.duckdb"


@pytest.mark.slow
def test_the_attacker_works_cells_out_of_the_internal_detail_views(demo: Path):
    """Why the public edition leaves them out: the same reader, given the internal database's
    detail views (or the delivery table with its row counts), recovers suppressed cells."""
    truth = _truth(demo)
    detail = Published()  # the public figures beside the internal edition's detail views
    with _edition(demo, "public") as conn:
        read_analyst(conn, detail)
    with _edition(demo, "internal") as conn:
        for view in DETAIL_VIEWS:
            read_table(conn, view, detail)
    recovered = attack(truth, detail, truth.kinds)
    cells = {r.cell for r in recovered}
    assert len(cells) > 50
    assert {c[0] for c in cells} >= {"M04.training_completions", "M01.rural_placements"}
    assert all(r.low - 1e-6 <= r.true <= r.high + 1e-6 for r in recovered)

    counts = Published()  # public indicators beside the delivery table with its row counts
    with _edition(demo, "public") as conn:
        read_analyst(conn, counts)
    with _edition(demo, "internal") as conn:
        read_table(conn, "data_delivery", counts)
    assert {r.cell for r in attack(truth, counts, truth.kinds)}


@pytest.mark.slow
def test_the_internal_edition_shows_every_district_figure_marked(demo: Path):
    truth = _truth(demo)
    for week, monday in zip(WEEKS, MONDAYS, strict=True):
        book = openpyxl.load_workbook(_report(demo, week, "internal", "xlsx"))
        assert all(sheet["A1"].value.startswith(MARK) for sheet in book.worksheets)
        assert all(MARK in sheet.oddHeader.center.text for sheet in book.worksheets)
        shown = {
            (row[1], str(row[3])): row[5]
            for row in book[book.sheetnames[1]].iter_rows(min_row=4, values_only=True)
            if row[1] and row[3]
        }
        expected = {
            (ind, code): value
            for (ind, w, code, q), value in truth.figures.items()
            if w == monday and q == "value"
        }
        assert expected and all(shown[k] == pytest.approx(v) for k, v in expected.items())
        assert any((ind, w, code) in truth.suppressed for (ind, w, code, _) in truth.figures)
        html = _report(demo, week, "internal", "html").read_text(encoding="utf-8")
        assert MARK in html
        pdf = subprocess.run(
            ["pdftotext", str(_report(demo, week, "internal", "pdf")), "-"],
            capture_output=True, check=True,
        ).stdout.decode("utf-8")  # fmt: skip
        pages = [p.replace(" ", "") for p in pdf.split("\f")[:-1]]
        assert pages and all(MARK.replace(" ", "") in p for p in pages)
