"""The data-quality pages: every validated week, every suite and severity, offline in Chromium."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from quality_checks.pages import render_pages
from quality_checks.results import Outcome, ensure_dq, save_outcomes

W46, W47 = dt.date(2026, 11, 9), dt.date(2026, 11, 16)


def _results(conn) -> None:
    ensure_dq(conn)
    save_outcomes(conn, "training", {week: [
        Outcome("worker_id_present", "worker_id_hash", "error", True, "0 of 40 rows", 0),
        Outcome("hours_in_range", "hours", "error", week == W46, "2 of 40 rows", 2),
    ] for week in (W46, W47)})  # fmt: skip
    save_outcomes(conn, "complaints", {week: [
        Outcome("district_volume", "district_code", "warn", False, "3 unexpected", 3),
    ] for week in (W46, W47)})  # fmt: skip


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        _results(conn)
        return render_pages(conn, tmp_path / "dq")


def test_a_page_per_validated_week_and_an_index(pages: Path):
    assert sorted(p.name for p in pages.parent.iterdir()) == [
        "index.html", "week-2026-W46.html", "week-2026-W47.html"
    ]  # fmt: skip
    index = pages.read_text(encoding="utf-8")
    assert "2026-W47" in index and "培训结业记录" in index and "投诉记录" in index
    assert "http" not in index.replace("http-equiv", "")  # nothing fetched from anywhere
    w46 = (pages.parent / "week-2026-W46.html").read_text(encoding="utf-8")
    assert w46.count("未通过 FAILED") == 1  # only the warning failed that week
    # each result shows its suite's rule, in both languages
    assert "数值超出范围 / outside the allowed range" in w46
    assert "本周数据量骤降或为空 / week empty or below half its recent level" in w46


@pytest.mark.slow
def test_pages_open_offline_in_chromium_and_show_every_suite(pages: Path):
    from playwright.sync_api import sync_playwright

    from reports.pdf import CHROMIUM, CHROMIUM_ARGS

    requests, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("file:")
                else (requests.append(route.request.url), route.abort())
            ),
        )
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(pages.as_uri())
        headings = page.locator("h2").all_inner_texts()
        failed = page.locator("td.bad").count()
        page.goto((pages.parent / "week-2026-W46.html").as_uri())
        week_headings = page.locator("h2").all_inner_texts()
        browser.close()
    assert requests == [] and errors == []
    assert "培训结业记录 / Training completions · error" in headings
    assert "投诉记录 / Complaints · warn" in headings
    assert failed >= 2  # the failed error expectation and the failed warning are marked
    assert len(week_headings) == 2


def test_validating_again_replaces_those_expectations_rows_and_keeps_the_rest(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        _results(conn)
        save_outcomes(conn, "training", {W46: [
            Outcome("hours_in_range", "hours", "error", True, "0 of 41 rows", 0),
        ]})  # fmt: skip
        rows = conn.execute(
            "select week, source, expectation, success, observed_value from dq.results "
            "order by week, source, expectation"
        ).fetchall()
    assert rows == [
        (W46, "complaints", "district_volume", False, "3 unexpected"),
        (W46, "training", "hours_in_range", True, "0 of 41 rows"),
        (W46, "training", "worker_id_present", True, "0 of 40 rows"),
        (W47, "complaints", "district_volume", False, "3 unexpected"),
        (W47, "training", "hours_in_range", False, "2 of 40 rows"),
        (W47, "training", "worker_id_present", True, "0 of 40 rows"),
    ]
