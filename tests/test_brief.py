"""The leadership brief (领导版): at most two A4 pages, every sentence worded from the marts.

The marts are the report tests' hand-built ones (tests/report_marts.py) plus what the brief reads
beyond them: M04's all-Beijing training figure off track with a schedule gap and a projection, a
task ledger where M06.T1 is overdue and one unit owes a report, the lead unit's latest ledger text
for M02.T1, and October's period figures.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from builders import insert
from report_marts import COMPUTED, TELLTALE, WEEK, WEEKS, build_marts

from assets.indicators import periods
from assets.indicators.disclosure import refresh_public
from assets.indicators.statements import sql_text
from core.catalog import load_catalog
from reports.brief import build_brief
from reports.render import render_brief, render_period

GAP, PROJECTED, TARGET = -12.3, 41234.0, 60000
NOTE = ("推进与河南省劳务合作协议签订", "拟于12月签约")
OWING = "市总工会"
PERIOD_FIGURES = {"value": 1234.0, "mom_rate": 0.1, "yoy_rate": -0.05}
FILE = re.compile(r"^(\d{4}-(W\d{2}|\d{2}|Q[1-4]))_(brief|report)_(internal|public)_(zh|en)\.(pdf|html|xlsx)$")  # fmt: skip


def _tasks(conn) -> None:
    """Every catalog task at WEEK: done, except M06.T1 (overdue, a unit owing its report),
    M02.T1 (on schedule, with ledger text) and M21.T2 (not reported: no text)."""
    rows = []
    for measure in load_catalog().measures:
        for task in measure.tasks:
            status = {"M06.T1": "overdue", "M02.T1": "on_schedule"}.get(task.id, "done")
            status = "not_reported" if task.id == "M21.T2" else status
            rows.append(
                {
                    "task_id": task.id, "measure_id": measure.id, "week": WEEK, "status": status,
                    "due_on": task.due[-1], "final_due_on": task.due[-1],
                    "missing_reporters": [OWING] if task.id == "M06.T1" else [],
                    "reports_owed": 1, "reports_received": 0 if task.id == "M06.T1" else 1,
                    "computed_at": COMPUTED,
                }
            )  # fmt: skip
    conn.execute("delete from marts.task_status")  # this test's ledger instead of the shared one
    insert(conn, "marts.task_status", rows)
    insert(
        conn,
        "marts.milestone_notes",
        [
            {
                "measure_id": "M02", "week": WEEK, "agency": "市商务局", "reported_on": WEEK,
                "action": NOTE[0], "quantity": 1.0, "unit": "份", "note": NOTE[1],
                "source_file": "milestones/2026-W47/ledger.xlsx", "is_late": False,
                "computed_at": COMPUTED,
            }
        ],
    )  # fmt: skip


def _m04_off_track(conn, projected: float = PROJECTED) -> None:
    conn.execute(
        "update marts.indicator_weekly set status = 'off_track', progress = 0.5, "
        "schedule_gap_pp = $gap, projected_year_end = $p "
        "where indicator_id = 'M04.training_completions' and district_code = '110000' "
        "and week = $w",
        {"gap": GAP, "p": projected, "w": WEEK},
    )
    conn.execute(
        "update marts.indicator_weekly set status = 'on_track', progress = 1.0 "
        "where indicator_id = 'M04.trained_worker_share' and district_code = '110000' "
        "and week = $w",
        {"w": WEEK},
    )
    conn.execute(
        "update marts.measure_status set status = 'off_track' where measure_id = 'M04' "
        "and week = $w",
        {"w": WEEK},
    )


def _october(conn) -> None:
    """October's all-Beijing orders (an outcome indicator) in both period marts."""
    conn.execute(sql_text("marts/period_schema.sql"))
    october = periods.month(2026, 10)
    row = {
        "period": october.label, "period_kind": "month", "period_start": october.start,
        "period_end": october.end, "measure_id": "M16", "indicator_id": "M16.orders",
        "district_code": "110000", "ytd_value": 9876.0, "suppressed": False,
        "computed_at": COMPUTED, **PERIOD_FIGURES,
    }  # fmt: skip
    insert(conn, "marts.indicator_period", [row])
    insert(conn, "marts.indicator_period_public", [row | {"disclosure": "published"}])


def make_warehouse(path: Path) -> Path:
    with duckdb.connect(str(path)) as conn:
        build_marts(conn)
        _m04_off_track(conn)
        _tasks(conn)
        _october(conn)
        refresh_public(conn, load_catalog())
    return path


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_warehouse(tmp_path_factory.mktemp("brief") / "warehouse.duckdb")


def _text(report) -> dict[str, object]:
    return {s.id: s.content for s in report.sections}


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _overall(conn) -> str:
    """The 总体进展 sentence as the marts say it should read."""
    counts = dict(
        conn.execute(
            "select status, count(*) from marts.measure_status where week = $w group by status",
            {"w": WEEK},
        ).fetchall()
    )
    return (
        f"22项措施中，{counts.get('on_track', 0)}项达到序时进度，{counts.get('at_risk', 0)}项存在"
        f"风险，{counts.get('off_track', 0)}项滞后于序时进度，{counts.get('no_data', 0)}项暂无数据。"
    )


PROBLEM = "M04 提升从业人员职业技能：培训结业人次预计全年完成{p}（目标60,000），低于序时进度12.3个百分点。"


def test_sentences_are_worded_from_the_marts(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        report, head = build_brief(conn, periods.week(WEEK), "zh")
        overall = _overall(conn)
    content = _text(report)
    assert content["brief_overall"]["sentences"][0] == overall
    assert PROBLEM.format(p="41,234") in content["brief_problems"]["measures"]
    overdue = content["brief_problems"]["overdue"]
    assert overdue == ["逾期任务：举办北京市家政服务职业技能竞赛（市级）（牵头单位：市人力资源社会保障局，时间节点：2026-10-31）。"]  # fmt: skip
    assert content["brief_problems"]["owed"] == f"未按期报送进展的单位：{OWING}。"
    steps = content["brief_next"]["items"]
    assert f"与家政劳务输出省份签订劳务合作协议（牵头单位：市商务局，下一时间节点：2026-12-31）：{NOTE[0]}，{NOTE[1]}" in steps  # fmt: skip
    assert any(
        s.startswith("开展年度政策实施评估并报市政府") and s.endswith("（未报送）") for s in steps
    )
    assert head["number"] == "2026年第4期"  # the fourth week with figures in 2026
    assert head["date"] == "2026年11月23日"


def test_a_changed_mart_value_changes_the_sentence(warehouse: Path, tmp_path: Path) -> None:
    copy = tmp_path / "changed.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as conn:
        _m04_off_track(conn, projected=50000.0)
        conn.execute(
            "update marts.measure_status set status = 'on_track' where measure_id = 'M05' "
            "and week = $w",
            {"w": WEEK},
        )
        report, _ = build_brief(conn, periods.week(WEEK), "zh")
        overall = _overall(conn)
    content = _text(report)
    problems = content["brief_problems"]["measures"]
    assert PROBLEM.format(p="50,000") in problems
    assert PROBLEM.format(p="41,234") not in problems
    assert content["brief_overall"]["sentences"][0] == overall
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        assert overall != _overall(conn)  # the count moved with the mart


@pytest.fixture(scope="module")
def chromium():
    from reports.pdf import browser

    with browser() as b:
        yield b


@pytest.mark.slow
def test_the_brief_pdf_is_at_most_two_pages_with_the_marts_numbers(
    warehouse: Path, tmp_path: Path, chromium
) -> None:
    out = tmp_path / "2026-W47"
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        written = render_brief(conn, periods.week(WEEK), out, langs=("zh", "en"), chromium=chromium)
        overall = _overall(conn)
    assert sorted(p.name for p in written) == sorted(
        f"2026-W47_brief_{e}_{x}.{f}"
        for e in ("internal", "public")
        for x in ("zh", "en")
        for f in ("html", "pdf")
    )
    for path, facts in written.items():
        assert FILE.match(path.name), path.name
        if path.suffix != ".pdf":
            continue
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
        pages = int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])
        assert pages == facts["pages"] and 1 <= pages <= 2, (path.name, pages)
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        assert "Type 3" not in fonts, fonts  # real embedded fonts a bureau can archive
    text = subprocess.run(
        ["pdftotext", str(out / "2026-W47_brief_internal_zh.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = _flat(text)
    for heading in ("总体进展", "主要成效", "存在问题", "下一步工作", "2026年第4期"):
        assert heading in flat
    assert _flat(overall) in flat
    assert _flat(PROBLEM.format(p="41,234")) in flat
    assert _flat(NOTE[1]) in flat
    public = (out / "2026-W47_brief_public_zh.html").read_text(encoding="utf-8")
    assert NOTE[1] not in public  # agencies' text is a staff note
    assert "内部资料" not in public
    assert not [t for t in ("987654", "987,654") if t in public]
    assert str(int(TELLTALE)) not in public
    english = subprocess.run(
        ["pdftotext", str(out / "2026-W47_brief_internal_en.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Overall progress" in english and "Next steps" in english


def test_a_month_brief_carries_its_number_and_the_period_figures(
    warehouse: Path, tmp_path: Path
) -> None:
    october = periods.parse("month", "2026-10")
    assert october.closing_week == WEEKS[0]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        written = render_period(
            conn, october, tmp_path / "2026-10", kinds=("brief",), formats=("html",)
        )
    path, public = written
    assert path.name == "2026-10_brief_internal_zh.html"
    assert public.name == "2026-10_brief_public_zh.html"
    assert "1,234" in public.read_text(encoding="utf-8")  # published: the public row's figure
    html = path.read_text(encoding="utf-8")
    assert "2026年第10期" in html and "月报" in html and "2026年11月2日" in html
    for shown in ("1,234", "9,876", "+10.0%", "−5.0%", "环比", "同比"):
        assert shown in html, shown


def test_pmon_report_month_writes_the_pattern(warehouse: Path, data_dir: Path, capsys) -> None:
    from core import settings
    from pmon import cli

    shutil.copy(warehouse, settings.warehouse_path(data_dir))
    code = cli.main(["report", "--month", "2026-10", "--format", "html", "--lang", "zh,en"])
    assert code == 0, capsys.readouterr().err
    out = data_dir / "reports" / "2026-10"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"2026-10_{kind}_internal_{lang}.html"
        for kind in ("brief", "report")
        for lang in ("zh", "en")
    )
    assert all(FILE.match(p.name) for p in out.iterdir())
    # the month's full report is titled and numbered as the month's, its figures as of its week
    report = (out / "2026-10_report_internal_zh.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", report).group(1)
    assert "实施监测月报" in title and "2026年第10期" in title and "周报" not in title
    assert "监测月份：2026年10月" in report and "本期数据为截至2026-W44的周度监测数据" in report
    assert cli.main(["report", "--month", "2026-11", "--format", "html"]) == 1
    err = capsys.readouterr().err
    assert "months with figures: 2026-10" in err and "Traceback" not in err


@pytest.mark.slow
def test_a_sample_data_brief_says_so_on_every_page(warehouse: Path, tmp_path: Path, chromium):
    from core.settings import sample_data_marker

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(warehouse, data / "warehouse.duckdb")
    sample_data_marker(data).write_text("scale: small\n", encoding="utf-8")
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as conn:
        written = render_brief(conn, periods.week(WEEK), tmp_path / "out", chromium=chromium)
    for path in written:
        if path.suffix == ".html":
            assert "样例数据" in path.read_text(encoding="utf-8")
            continue
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
        pages = text.stdout.split("\f")[:-1]
        assert pages and all("样例数据" in page for page in pages), path.name
