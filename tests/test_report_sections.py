"""The full report's sections on marts made for them: the fair league table and its change in
rank, the corrections section, tasks and projections per measure, the sample-data mark."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import subprocess
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from report_marts import (
    COMPUTED,
    MARTS_SCHEMA,
    RESTATED_FILE,
    TELLTALE,
    WEEK,
    build_marts,
)

from assets.indicators.disclosure import refresh_public
from core.catalog import load_catalog
from core.contract import load_reference
from core.settings import sample_data_marker
from reports import queries
from reports.render import render_reports
from reports.sections import league

PREVIOUS = WEEK - dt.timedelta(days=7)
SMALL, LARGE, THIN, RUNAWAY, HIDDEN = "110119", "110105", "110116", "110108", "110109"


def _ratio_ids() -> list[str]:
    """Indicators the runner rates per district (ratios and levels), 17 or more of them."""
    ids = [i.id for i in load_catalog().indicators if i.kind in ("ratio", "meta")]
    ids += [i.id for i in load_catalog().indicators if i.kind not in ("ratio", "meta")]
    return ids


def _row(indicator_id: str, week: dt.date, code: str, progress: float, **extra) -> dict:
    status = "on_track" if progress >= 0.95 else ("at_risk" if progress >= 0.80 else "off_track")
    return {
        "measure_id": indicator_id.split(".")[0], "indicator_id": indicator_id, "week": week,
        "district_code": code, "value": 1.0, "ytd_value": None, "target": 1.0,
        "progress": progress, "wow_change": None, "status": status, "suppressed": False,
        "numerator": None, "denominator": None, "base_count": 50, "computed_at": COMPUTED,
    } | extra  # fmt: skip


def league_rows() -> pl.DataFrame:
    """Two weeks of district figures built to tell a fair score from a count of red cells.

    This week: SMALL has 6 rated indicators, 5 red (progress 0.5) and one at 1.0 (mean 0.58);
    LARGE has 17, 8 red (0.6) and 9 at 1.0 (mean 0.81): more red cells, better work. RUNAWAY has
    one figure at 10.0 among four at 0.5: capped at 1.2 its mean is 0.64 (uncapped 2.4 would top
    the table). THIN has 2 rated indicators only (数据不足). HIDDEN's 4 figures are suppressed
    (too small a base) and its 2 others rated: it is not ranked either. Last week SMALL led
    (all at 1.1), LARGE second, RUNAWAY third.
    """
    ids = _ratio_ids()
    rows = []
    rows += [_row(i, WEEK, SMALL, 0.5 if n < 5 else 1.0) for n, i in enumerate(ids[:6])]
    rows += [_row(i, WEEK, LARGE, 0.6 if n < 8 else 1.0) for n, i in enumerate(ids[:17])]
    rows += [_row(i, WEEK, RUNAWAY, 10.0 if n == 0 else 0.5) for n, i in enumerate(ids[:5])]
    rows += [_row(i, WEEK, THIN, 1.0) for i in ids[:2]]
    rows += [_row(i, WEEK, HIDDEN, 1.0, suppressed=True, base_count=3) for i in ids[:4]]
    rows += [_row(i, WEEK, HIDDEN, 1.0) for i in ids[4:6]]
    rows += [_row(i, PREVIOUS, SMALL, 1.1) for i in ids[:6]]
    rows += [_row(i, PREVIOUS, LARGE, 0.9) for i in ids[:17]]
    rows += [_row(i, PREVIOUS, RUNAWAY, 0.5) for i in ids[:5]]
    # a district count: no district target, so no progress and no status (the runner's way)
    count = next(i.id for i in load_catalog().indicators if i.kind == "flow")
    rows.append(_row(count, WEEK, SMALL, 1.0) | {"progress": None, "status": None})
    return pl.DataFrame(rows, infer_schema_length=None)


@pytest.fixture(scope="module")
def league_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("league") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute(MARTS_SCHEMA.read_text(encoding="utf-8"))
        frame = league_rows()
        arrow = frame.to_arrow()  # noqa: F841  (read by DuckDB's replacement scan)
        conn.execute("insert into marts.indicator_weekly by name select * from arrow")
        refresh_public(conn, load_catalog())
    return path


def _table(path: Path, edition: str = "internal") -> pl.DataFrame:
    defaults = load_catalog().defaults
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = queries.query(conn, "league_table", WEEK, edition)
    return league.league(rows, WEEK, defaults.league_progress_cap, defaults.league_min_indicators)


def test_league_ranks_by_capped_mean_progress_not_by_red_cells(league_warehouse: Path) -> None:
    table = {r["district_code"]: r for r in _table(league_warehouse).to_dicts()}
    # 8 of 17 red outranks 5 of 6 red: the mean of progress, not the count of red cells
    assert table[LARGE]["off_track"] == 8 and table[SMALL]["off_track"] == 5
    assert table[LARGE]["rank"] < table[SMALL]["rank"]
    assert table[LARGE]["score"] == pytest.approx((8 * 0.6 + 9 * 1.0) / 17)
    assert table[SMALL]["score"] == pytest.approx((5 * 0.5 + 1.0) / 6)
    assert table[SMALL]["scored"] == 6  # the district count (no progress) is not rated
    # one runaway figure counts at the cap (1.2), so it cannot carry the district to the top
    assert table[RUNAWAY]["score"] == pytest.approx((1.2 + 4 * 0.5) / 5)
    assert [table[c]["rank"] for c in (LARGE, RUNAWAY, SMALL)] == [1, 2, 3]
    # too few rated indicators: listed, never ranked; suppressed figures are never scored
    assert table[THIN]["rank"] is None and table[THIN]["scored"] == 2
    assert table[HIDDEN]["rank"] is None and table[HIDDEN]["scored"] == 2
    # the two weakest indicators, weakest first
    assert len(table[SMALL]["weakest"][:2]) == 2
    assert table[SMALL]["weakest_progress"][:2] == [0.5, 0.5]


def test_league_change_in_rank_against_the_previous_week(league_warehouse: Path) -> None:
    table = {r["district_code"]: r for r in _table(league_warehouse).to_dicts()}
    # last week: SMALL 1st (1.1 everywhere, 1.1 under the cap), LARGE 2nd, RUNAWAY 3rd
    assert [table[c]["previous_rank"] for c in (SMALL, LARGE, RUNAWAY)] == [1, 2, 3]
    assert table[SMALL]["rank_change"] == -2  # 1st -> 3rd: ↓2
    assert table[LARGE]["rank_change"] == 1  # 2nd -> 1st: ↑1
    assert table[RUNAWAY]["rank_change"] == 1  # 3rd -> 2nd: ↑1
    assert table[THIN]["rank_change"] is None


def test_league_section_shows_arrows_and_insufficient_data(
    league_warehouse: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(league_warehouse), read_only=True) as conn:
        written = render_reports(conn, WEEK, tmp_path, formats=("html", "xlsx"))
    html = (tmp_path / "2026-W47_report_internal_zh.html").read_text(encoding="utf-8")
    body = html.split('<section class="league" id="league">', 1)[1].split("</section>", 1)[0]
    ranked = re.findall(r'<tr data-district="([^"]+)" data-code="(\d+)">', body)
    assert [code for _, code in ranked] == [LARGE, RUNAWAY, SMALL]
    assert "↓2" in body and "↑1" in body
    insufficient = body.split('class="insufficient"', 1)[1]
    assert "数据不足" in insufficient and "少于3项" in insufficient
    names = {d.code: d.zh for d in load_reference().districts}
    assert names[THIN] in insufficient and names[HIDDEN] in insufficient
    assert names[SMALL] not in insufficient
    summary = html.split('<section class="summary" id="summary">', 1)[1].split("</section>", 1)[0]
    assert names[SMALL] in summary.split("排名靠后的区县", 1)[1]  # the foot of the table
    book = openpyxl.load_workbook(tmp_path / "2026-W47_report_internal_zh.xlsx")
    sheet = book["区县排名"]
    first = [c.value for c in sheet[4]]
    assert first[:3] == [1, LARGE, names[LARGE]] and sheet["A4"].number_format == "#,##0"
    assert written  # every file written


def test_public_league_is_computed_from_public_figures_only(league_warehouse: Path) -> None:
    """A cell the public edition withholds never scores: the public table rests on
    marts.indicator_public, where hidden and revealing cells carry no progress."""
    with duckdb.connect(str(league_warehouse), read_only=True) as conn:
        public = queries.query(conn, "league_table", WEEK, "public")
        hidden = conn.sql(
            "select indicator_id, district_code from marts.indicator_public"
            " where week = $week and suppressed",
            params={"week": WEEK},
        ).pl()
    assert hidden.height >= 4  # HIDDEN's small-base cells at least
    keys = set(zip(hidden["indicator_id"], hidden["district_code"], strict=True))
    shown = set(
        zip(
            public.filter(pl.col("week") == WEEK)["indicator_id"],
            public.filter(pl.col("week") == WEEK)["district_code"],
            strict=True,
        )
    )
    assert shown and not (keys & shown)


# ---- corrections, tasks, projections, sample data on the report fixture ------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        build_marts(conn)
        refresh_public(conn, load_catalog())
    return path


def _section(html: str, section: str) -> str:
    return html.split(f'<section class="{section}" id="{section}">', 1)[1].split("</section>")[0]


def test_a_restated_week_appears_in_the_corrections_with_the_changed_figure(
    warehouse: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        written = render_reports(conn, WEEK, tmp_path, formats=("html", "xlsx"))
    internal = _section(
        (tmp_path / "2026-W47_report_internal_zh.html").read_text("utf-8"), "revisions"
    )
    public = _section((tmp_path / "2026-W47_report_public_zh.html").read_text("utf-8"), "revisions")
    name = load_catalog().indicator("M01.rural_placements").name.zh
    for text in (internal, public):
        assert "2026-W45：2个数值更正" in text and RESTATED_FILE in text
        row = text.split(f"<td>{name}</td><td>全市</td>", 1)[1].split("</tr>", 1)[0]
        assert re.findall(r'<td class="num">([^<]*)</td>', row)[:3] == ["100", "107", "+7"]
        assert "存在风险 → 正常推进" in row
        assert "2026-11-23 10:30" in text  # recorded 02:30 UTC, shown in Beijing time
    # a suppressed district's correction is for staff only: the public edition counts it
    assert "延庆区" in internal and "987,654" in internal
    assert "延庆区" not in public and "987,654" not in public
    assert "另有1个未公布数值随之更正" in public
    book = openpyxl.load_workbook(tmp_path / "2026-W47_report_public_zh.xlsx")
    rows = list(book["更正说明"].iter_rows(min_row=4, values_only=True))
    assert rows[0][:6] == ("2026-W45", "M01.rural_placements", name, "全市", 100, 107)
    assert all(TELLTALE not in r for r in rows)
    assert len(written) == 4


def test_each_measure_shows_its_tasks_and_projection(warehouse: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        [path] = render_reports(conn, WEEK, tmp_path, formats=("html",), editions=("public",))
    html = path.read_text(encoding="utf-8")
    catalog = load_catalog()
    for measure in catalog.measures:
        block = html.split(f'id="{measure.id}" data-measure', 1)[1].split("</article>", 1)[0]
        for task in measure.tasks:
            row = block.split(f'data-task="{task.id}"', 1)[1].split("</tr>", 1)[0]
            assert task.text.zh in row and task.lead_unit in row
        flows = [i for i in measure.indicators if i.kind == "flow" and i.target]
        assert (f'id="projection-{measure.id}"' in block) == bool(flows)
    statuses = set(
        re.findall(r'data-task="[^"]+">.*?<span class="badge[^"]*">([^<]+)</span>', html)
    )
    assert {"已完成", "按计划推进", "临近时限", "已逾期", "未按期报送"} <= statuses
    figures = json.loads(html.split('id="figures">', 1)[1].split("</script>", 1)[0])
    projection = figures["projection-M01"]
    names = [trace["name"] for trace in projection["data"]]
    assert {"年初至今", "全年目标", "序时进度", "全年预测", "预测区间（80%）"} <= set(names)
    point = next(t for t in projection["data"] if t["name"] == "全年预测")
    assert point["y"][-1] == pytest.approx(484 * 12)  # the mart's projected_year_end
    assert "~s" not in json.dumps(figures)  # no SI-prefixed tick format anywhere
    assert all(
        "hovertemplate" in t for f in figures.values() for t in f["data"] if "hoverinfo" not in t
    )


@pytest.mark.slow
def test_sample_data_is_marked_on_every_page_of_every_format(
    warehouse: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    copy = data_dir / "warehouse.duckdb"
    copy.write_bytes(warehouse.read_bytes())
    mark = "样例数据 / SAMPLE DATA"
    for marked in (True, False):
        if marked:
            sample_data_marker(data_dir).write_text("generated by pmon demo\n", encoding="utf-8")
        else:
            sample_data_marker(data_dir).unlink()
        out = tmp_path / f"out-{marked}"
        with duckdb.connect(str(copy), read_only=True) as conn:
            written = render_reports(conn, WEEK, out, editions=("public",))
        pdf = out / "2026-W47_report_public_zh.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
        pages = text.stdout.decode("utf-8").split("\f")[:-1]
        assert len(pages) == written[pdf]["pages"] > 10
        assert [mark in p for p in pages] == [marked] * len(pages)
        html = (out / "2026-W47_report_public_zh.html").read_text(encoding="utf-8")
        assert ('class="sample-mark"' in html) == marked
        book = openpyxl.load_workbook(out / "2026-W47_report_public_zh.xlsx")
        for sheet in book.worksheets:
            assert sheet["A1"].value.startswith(mark) == marked
            assert (mark in (sheet.oddHeader.center.text or "")) == marked


def test_cover_dates_are_beijing_time_and_data_quality_speaks_plainly(
    warehouse: Path, tmp_path: Path
) -> None:
    """数据截至: the last delivery's date in Beijing (17:00 UTC on the 22nd is the 23rd there);
    生成时间 in Beijing time. The data-quality section names districts and files and links the
    offline data-quality pages relative to <data dir>/reports/<period>/."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    copy = data_dir / "warehouse.duckdb"
    copy.write_bytes(warehouse.read_bytes())
    refused = "complaints/2026-W47/110105_complaints.xlsx: 缺少必填列 / required column missing"
    with duckdb.connect(str(copy)) as conn:
        conn.execute("create schema if not exists meta")
        conn.execute(
            "create table meta.load_log (source varchar, week date, source_file varchar,"
            " file_sha256 varchar, district_code varchar, rows_read bigint, rows_loaded bigint,"
            " rows_quarantined bigint, outcome varchar, message varchar, loaded_at timestamp)"
        )
        conn.execute(
            "insert into meta.load_log values"
            " ('training', date '2026-11-16', 'training/2026-W47/110108.csv', 'a', '110108',"
            "  10, 10, 0, 'loaded', '', timestamp '2026-11-22 17:00'),"
            " ('training', date '2026-11-23', 'training/2026-W48/110108.csv', 'b', '110108',"
            "  10, 10, 0, 'loaded', '', timestamp '2026-11-30 17:00'),"
            " ('complaints', date '2026-11-16', 'complaints/2026-W47/110105_complaints.xlsx',"
            f"  'c', '110105', 0, 0, 0, 'rejected', '{refused}', timestamp '2026-11-23 01:00')"
        )
    out = data_dir / "reports" / "2026-W47"
    with duckdb.connect(str(copy), read_only=True) as conn:
        render_reports(conn, WEEK, out, formats=("html",), editions=("internal",))
    html = (out / "2026-W47_report_internal_zh.html").read_text(encoding="utf-8")
    cover = _section(html, "cover")
    assert "<dt>数据截至</dt><dd>2026-11-23</dd>" in cover  # not the next week's file
    assert re.search(r"<dt>生成时间</dt><dd>\d{4}-\d\d-\d\d \d\d:\d\d （北京时间）</dd>", cover)
    dq = _section(html, "dq")
    link = re.search(r'<a href="([^"]+)">离线数据质量页面', dq).group(1)
    assert (out / link).resolve() == (data_dir / "dq" / "index.html").resolve()
    names = {d.code: d.zh for d in load_reference().districts}
    shortfalls = dq.split('<ul class="shortfalls">', 1)[1].split("</ul>\n", 1)[0]
    assert f"<strong>{names['110105']}</strong>" in shortfalls and refused in shortfalls
    assert "隔离2行（共读取102行）" in shortfalls  # 朝阳区 (d = 2): 2 of 102 rows quarantined
    assert "district_volume" not in dq and "unexpected" not in dq


def test_every_status_the_rating_gives_has_a_label_in_both_languages() -> None:
    """A restated cell can move to or from any status the rating gives, the rare ones too."""
    from assets.indicators.rating import INSUFFICIENT_HISTORY, NO_CASES, STATUS_RANK
    from reports.i18n import translator

    for lang in ("zh", "en"):
        t = translator(lang)
        for status in (*STATUS_RANK, "no_data", INSUFFICIENT_HISTORY, NO_CASES):
            assert t(f"status.{status}") != status


def test_queries_never_see_the_language_so_both_languages_share_one_run() -> None:
    """render_reports and render_brief run an edition's queries once for both languages: that
    holds only while no query or loader reads the language (its parameters are the period's and
    the edition's)."""
    from reports.brief.build import SQL_DIR as BRIEF_SQL

    texts = [p.read_text("utf-8") for d in (queries.SQL_DIR, BRIEF_SQL) for p in d.glob("*.sql")]
    assert len(texts) > 15
    used = {name for text in texts for name in re.findall(r"\$([a-z_]+)", text)}
    assert used == {"week", "public", "previous_week", "period"}
    for loader in queries.LOADERS.values():
        assert list(inspect.signature(loader).parameters) == ["conn", "week"]


def test_a_language_built_from_the_other_languages_results_is_the_same(warehouse: Path) -> None:
    """The English report built from the queries the Chinese one ran equals one built alone."""
    from reports.context import build_context, edition_results

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        for edition in ("internal", "public"):
            shared = edition_results(conn, WEEK, edition)
            build_context(conn, WEEK, "zh", edition=edition, results=shared)
            alone = build_context(conn, WEEK, "en", edition=edition)
            reused = build_context(conn, WEEK, "en", edition=edition, results=shared)
            assert _timeless(reused.sections) == _timeless(alone.sections)
            assert reused.figures == alone.figures and reused.figures


def _timeless(sections) -> list:
    """The sections' contents without the cover's generation time: the clock, not a query,
    and two builds can straddle a minute."""
    return [
        {k: v for k, v in s.content.items() if k != "generated"}
        if isinstance(s.content, dict)
        else s.content
        for s in sections
    ]
