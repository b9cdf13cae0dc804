"""The implementation reports: HTML in a real browser, the printed PDF, the workbook, the CLI, the asset.

The marts are built here by hand (`build_marts`), matching docs/warehouse.md, for all 22 measures
over four weeks; the figures of the reported week are known in advance so every check can fail.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import polars as pl
import pytest
from markupsafe import escape
from report_marts import CITY_ONLY, NO_DATA_MEASURE, SUPPRESSED, TELLTALE, WEEK, XSS, build_marts

from assets.indicators.disclosure import refresh_public
from core.catalog import load_catalog
from core.contract import Title, load_contract, load_reference
from reports.render import render_reports


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        build_marts(conn)
        refresh_public(conn, load_catalog())
    return path


def name(edition: str, lang: str, ext: str) -> str:
    """A report file's name: `<period>_<kind>_<edition>_<lang>.<ext>`."""
    return f"2026-W47_report_{edition}_{lang}.{ext}"


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the module: launching it per test would dominate the run."""
    from reports.pdf import browser

    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def rendered(warehouse: Path, tmp_path_factory: pytest.TempPathFactory, chromium) -> dict:
    out = tmp_path_factory.mktemp("reports") / "2026-W47"
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        written = render_reports(conn, WEEK, out, langs=("zh", "en"), chromium=chromium)
    assert len(written) == 2 * 2 * 3  # both editions, both languages, every format
    return {path.name: (path, facts) for path, facts in written.items()}


def _mart(warehouse: Path, table: str = "indicator_public") -> pl.DataFrame:
    """The week's rows of a mart: the public one unless told."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        query = f"select * from marts.{table} where week = $week"
        return conn.sql(query, params={"week": WEEK}).pl()


def _telltales(text: str) -> list[str]:
    return [t for t in ("987654", "987,654", "98765400") if t in text]


# ---- HTML, without a browser -------------------------------------------------------------


def test_html_is_self_contained_escaped_and_complete(warehouse: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        written = render_reports(conn, "2026-W47", tmp_path, langs=("zh",), formats=("html",))
    internal, path = written
    assert [p.name for p in written] == [
        name("internal", "zh", "html"),
        name("public", "zh", "html"),
    ]
    html = path.read_text(encoding="utf-8")
    staff = internal.read_text(encoding="utf-8")
    assert _telltales(staff) != [] and "内部资料 注意保存" in staff  # every figure, marked
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)\s*=", html, re.I)
    assert html.count("Plotly.newPlot") == 1  # one drawing loop, over every figure
    # the partial bundle (scatter and bar) inlined once, with the Chinese locale
    assert len(re.findall(r"plotly\.js \(basic - minified\) v\d", html)) == 1
    assert "Plotly.register(" in html and "'Reset axes': '重置轴'" in html
    assert len(html.encode("utf-8")) < 2_000_000
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert _telltales(html) == []
    catalog = load_catalog()
    for measure in catalog.measures:
        assert f'data-measure="{measure.id}"' in html
        assert escape(measure.title.zh) in html
    block = html.split(f'id="{NO_DATA_MEASURE}"', 1)[1].split("</article>", 1)[0]
    assert "本周无可用数据" in block and "无数据" in block
    values = re.findall(
        r'data-indicator="[^"]+"[^>]*>\s*<td>.*?</td>\s*<td class="num">([^<]*)</td>', block
    )
    assert values and set(values) == {"无数据"}  # no_data says so, never a number
    # hand-computed: M01 Beijing 100·1 + 7·3 = 121, YTD 121·4 = 484, week over week +7
    row = html.split('data-indicator="M01.rural_placements"', 1)[1].split("</tr>", 1)[0]
    assert ">121<" in row and ">484<" in row and "+7" in row
    assert "示意" in row  # the shipped target is illustrative
    assert "门头沟区" in html and "延庆区" in html and "※" in html
    # the data-quality notes are for staff: the internal edition lists them, the public one not
    assert f"延庆区·{load_contract().sources['insurance'].title.zh}" in staff  # missing, named
    # the failed expectation in plain words: its source and its rule, never its check code
    training = load_contract().sources["training"].title.zh
    assert f"{training}：3行不符合“本周数据量骤降或为空”（警告）" in staff
    assert "district_volume" not in staff
    assert "本周数据量骤降或为空" not in html and "内部资料" not in html
    assert "上月旧事项" not in html  # only the week's milestone notes
    counts = dict(re.findall(r'class="count status-(\w+)"><span class="n">(\d+)</span>', html))
    assert sum(map(int, counts.values())) == 22 and counts["no_data"] == "1"  # M19 alone


def test_english_html(warehouse: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        written = render_reports(
            conn, WEEK, tmp_path, langs=("en",), formats=("html",), editions=("internal",)
        )
    [path] = written
    assert path.name == name("internal", "en", "html")
    html = path.read_text(encoding="utf-8")
    for measure in load_catalog().measures:
        assert escape(measure.title.en) in html
    assert "Weekly Implementation Monitoring Report" in html and "No data" in html


def test_unknown_format_is_refused(warehouse: Path, tmp_path: Path) -> None:
    with (
        duckdb.connect(str(warehouse), read_only=True) as conn,
        pytest.raises(ValueError, match="docx"),
    ):
        render_reports(conn, WEEK, tmp_path, formats=("docx",))


# ---- HTML in a real browser, offline -------------------------------------------------------


@pytest.mark.slow
def test_html_draws_every_chart_offline_in_chromium(rendered: dict, chromium) -> None:
    path, _ = rendered[name("public", "zh", "html")]
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests, errors, dialogs = [], [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()
        ),
    )
    try:
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("document.body.dataset.charts !== undefined", timeout=60_000)
        assert page.evaluate("document.body.dataset.charts") == "ready"
        measures = page.eval_on_selector_all("article.measure", "els => els.map(e => e.id)")
        assert measures == [m.id for m in load_catalog().measures]
        drawn = page.eval_on_selector_all(
            "div.chart", "els => els.map(e => [e.id, e.querySelectorAll('svg.main-svg').length])"
        )
        measures = len(load_catalog().measures)
        projected = [  # a year-end projection for each measure with a flow that has a target
            m
            for m in load_catalog().measures
            if any(i.kind == "flow" and i.target for i in m.indicators)
        ]
        assert len(drawn) == 2 * measures - len(CITY_ONLY) + len(projected)
        assert [i for i, svgs in drawn if svgs == 0] == []
        modebars = page.eval_on_selector_all("div.chart .modebar-container", "els => els.length")
        assert modebars == len(drawn)  # interactive: zoom, pan and download on every chart
        bars = page.eval_on_selector_all("#districts-M01 g.point", "els => els.length")
        m01 = len(load_catalog().measure("M01").indicators)  # one bar series per indicator
        assert bars == m01 * (17 - len(SUPPRESSED))  # suppressed districts are left out
        text = page.inner_text("body")
        assert XSS in text  # shown as text ...
        assert dialogs == []  # ... and never run
        assert _telltales(text) == []
        assert errors == []
        assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    finally:
        context.close()


def _offline_page(chromium, path: Path, **context):
    """A page of the report with every request but file: and data: refused and recorded."""
    ctx = chromium.new_context(**context)
    page = ctx.new_page()
    seen = {"requests": [], "errors": []}
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("console", lambda msg: seen["errors"].append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file:", "data:", "blob:"))
            else route.abort()
        ),
    )
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("document.body.dataset.charts !== undefined", timeout=60_000)
    assert page.evaluate("document.body.dataset.charts") == "ready"
    return ctx, page, seen


@pytest.mark.slow
def test_html_reads_on_a_phone_filters_districts_and_downloads_tables(
    rendered: dict, chromium, tmp_path: Path
) -> None:
    path, _ = rendered[name("internal", "zh", "html")]
    assert path.stat().st_size < 2_000_000
    ctx, page, seen = _offline_page(
        chromium, path, viewport={"width": 390, "height": 844}, accept_downloads=True
    )
    try:
        # a 390-pixel phone: the page never scrolls sideways (wide tables scroll in their box)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # the Chinese toolbar: plotly's locale is registered and used
        titles = page.eval_on_selector_all(
            "#trend-M01 .modebar-btn", "els => els.map(e => e.getAttribute('data-title'))"
        )
        assert "重置轴" in titles or "自动缩放" in titles
        bars = "#districts-M01 g.point"
        before = page.eval_on_selector_all(bars, "els => els.length")
        page.select_option("#district-filter", label="海淀区")
        page.wait_for_timeout(300)
        m01 = len(load_catalog().measure("M01").indicators)
        assert page.eval_on_selector_all(bars, "els => els.length") == m01 < before
        visible = page.eval_on_selector_all(
            "table.league tbody tr",
            "els => els.filter(e => !e.hidden).map(e => e.dataset.district)",
        )
        assert visible == ["海淀区"]
        page.select_option("#district-filter", value="")
        page.wait_for_timeout(300)
        assert page.eval_on_selector_all(bars, "els => els.length") == before
        # every table has its CSV download: UTF-8 with a BOM, the table's rows
        tables = page.eval_on_selector_all("section table", "els => els.length")
        buttons = page.eval_on_selector_all("section table + button.csv", "els => els.length")
        assert tables > 5 and buttons == tables
        with page.expect_download() as download:
            page.click("table.league + button.csv")
        saved = tmp_path / "league.csv"
        download.value.save_as(saved)
        data = saved.read_bytes()
        assert data.startswith("\ufeff".encode())
        lines = data.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("排名,区县,得分") and len(lines) > 10
        assert seen["errors"] == []
        assert [u for u in seen["requests"] if not u.startswith(("file:", "data:", "blob:"))] == []
    finally:
        ctx.close()


# ---- PDF -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_pdf_is_paged_cjk_complete_and_not_blank(rendered: dict, tmp_path: Path) -> None:
    path, facts = rendered[name("public", "zh", "pdf")]
    extracted = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    pages = extracted.stdout.decode("utf-8").split("\f")[:-1]  # one form feed ends each page
    assert facts["pages"] == len(pages) > 10
    text = re.sub(r"\s+", "", "".join(pages))
    missing = [m.id for m in load_catalog().measures if re.sub(r"\s+", "", m.title.zh) not in text]
    assert missing == []
    assert "\ufffd" not in text
    total = len(pages)
    for number in (1, 2, total):
        assert f"第{number}/{total}页" in re.sub(r"\s+", "", pages[number - 1])
    assert "家政服务消费措施实施监测周报" in re.sub(r"\s+", "", pages[3])  # the running header
    toc = subprocess.run(
        ["pdftotext", "-layout", "-f", "2", "-l", "2", str(path), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    listed = dict(re.findall(r"^\s*(M\d\d) .*?(\d+)\s*$", toc, re.M))
    assert sorted(listed) == [m.id for m in load_catalog().measures]
    for measure in load_catalog().measures:  # the TOC's page holds the measure's block
        on_page = re.sub(r"\s+", "", pages[int(listed[measure.id]) - 1])
        assert f"{measure.id}{measure.title.zh}" in on_page and "牵头单位" in on_page
    assert "TOCMARK" not in text
    assert XSS in text.replace(" ", "")
    assert _telltales(text) == []
    subprocess.run(
        ["pdftoppm", "-r", "40", "-gray", "-f", "5", "-l", "5", str(path), str(tmp_path / "p")],
        check=True,
    )
    [image] = tmp_path.glob("p*.pgm")
    pixels = np.frombuffer(image.read_bytes().split(b"\n", 3)[3], dtype=np.uint8)
    assert pixels.std() > 10 and (pixels < 128).mean() > 0.01  # ink on the page


@pytest.mark.slow
def test_pdf_charts_are_vector_and_english_pdf_exists(rendered: dict) -> None:
    path, _ = rendered[name("public", "zh", "pdf")]
    data = path.read_bytes()
    assert b"/Subtype /Image" not in data and b"/Subtype/Image" not in data  # no bitmaps
    for pdf in (path, rendered[name("internal", "en", "pdf")][0]):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True).stdout
        rows = fonts.decode("utf-8").splitlines()[2:]
        assert rows and all(" yes " in row for row in rows)  # every font embedded
        # real fonts, charts included: no Type 3 (Chromium's way with CFF and synthetic bold)
        assert [row for row in rows if "Type 3" in row] == []
        assert any("CID TrueType" in row for row in rows)
    en_path, facts = rendered[name("public", "en", "pdf")]
    english = subprocess.run(["pdftotext", str(en_path), "-"], capture_output=True, check=True)
    words = re.sub(r"\s+", " ", english.stdout.decode("utf-8"))
    assert f"Page 1 of {facts['pages']}" in words
    assert "Weekly Implementation Monitoring Report" in words
    assert "Reporting week: 2026-W47 (2026-11-16" in words


SI_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[kmµMG]\b")


@pytest.mark.slow
def test_pdf_tick_labels_are_numbers_as_people_write_them(rendered: dict) -> None:
    """No SI prefix (500m, 1.2k) anywhere in the printed text, tick labels included; counts
    carry thousands separators and shares read as %."""
    for lang in ("zh", "en"):
        path, _ = rendered[name("public", lang, "pdf")]
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
        text = text.stdout.decode("utf-8")
        for indicator in load_catalog().indicators:  # a catalog unit (10k CNY) is a word
            unit = getattr(indicator.unit, lang)
            text = text.replace(unit, "") if re.search(r"\d", unit) else text
        assert SI_NUMBER.findall(text) == []
        assert re.search(r"\b\d{1,3}(,\d{3})+\b", text)  # a count's thousands separator
        assert re.search(r"\b\d+%", text)  # a share's axis


def test_every_pdf_is_printed_when_the_render_returns_and_no_scratch_file_is_left(
    rendered: dict,
) -> None:
    """The PDFs print on warm tabs while the other files are written: when render_reports
    returns, each has its pages, and the printable pages and first printings are gone."""
    out = next(iter(rendered.values()))[0].parent
    assert sorted(p.name for p in out.iterdir()) == sorted(rendered)
    for path, facts in rendered.values():
        if path.suffix == ".pdf":
            assert facts["pages"] >= 3 and facts["bytes"] == path.stat().st_size


# ---- XLSX ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_xlsx_figures_equal_the_mart(rendered: dict, warehouse: Path) -> None:
    path, facts = rendered[name("public", "zh", "xlsx")]
    book = openpyxl.load_workbook(path)
    catalog = load_catalog()
    # contents, all indicators, each area, then the league table and the corrections
    assert len(book.sheetnames) == 2 + len(catalog.areas) + 2
    assert book.sheetnames[-2:] == ["区县排名", "更正说明"]
    sheet = book[book.sheetnames[1]]
    cells = {}
    for row in sheet.iter_rows(min_row=4, values_only=True):
        if row[1] and row[3]:
            cells[(row[1], row[3])] = row
    mart = _mart(warehouse)
    city_only = sum(i.sources == ("milestones",) for i in catalog.indicators)
    rows = len(catalog.indicators) * 18 - city_only * 17  # 17 districts + all Beijing each
    assert len(cells) == len(mart) == facts["rows"] == rows
    for row in mart.iter_rows(named=True):
        cell = cells[(row["indicator_id"], row["district_code"])]
        if row["suppressed"]:
            assert cell[5] is None and cell[6] is None and cell[11] == "※"
        elif row["status"] == "no_data":
            assert cell[5] is None
        else:
            assert cell[5] == row["value"]
            assert cell[6] == row["ytd_value"]
            assert cell[8] == row["progress"]
    assert cells[("M01.rural_placements", "110000")][5] == 121  # hand-computed: 100 + 7·3
    assert cells[("M01.rural_placements", "110108")][10] is None  # a district count: not rated
    assert cells[("M01.rural_placements", "110109")][10] is None  # suppressed: no status either
    assert cells[("M03.online_channel_share", "110108")][10] is not None
    assert all(c[5] != TELLTALE for c in cells.values())
    status_fill = {}
    for row in sheet.iter_rows(min_row=4):
        if row[10].value:
            status_fill[row[10].value] = row[10].fill.fgColor.rgb
    assert status_fill["正常推进"].endswith("1A7F37") and status_fill["进度滞后"].endswith("C62828")
    area = book[book.sheetnames[2]]
    assert area["A4"].value.startswith("M01") and area["B4"].value == "M01.rural_placements"
    # counts read #,##0; a share's week over week is in percentage points (+2.0 个百分点)
    formats = {}
    for row in sheet.iter_rows(min_row=4):
        formats.setdefault(row[1].value, (row[5].number_format, row[9]))
    count_format, _ = formats["M01.rural_placements"]
    assert count_format == "#,##0"
    _, share_change = formats["M03.online_channel_share"]
    assert share_change.value == pytest.approx(2.0)  # the mart's 0.02, in points
    assert "个百分点" in share_change.number_format and "%" not in share_change.number_format
    for ws in book.worksheets:  # print setup: A4 landscape, title and header on every page
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.print_title_rows.replace("$", "") == "1:3"


def test_milestone_measures_say_they_have_no_district_figures(
    warehouse: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        [path] = render_reports(conn, WEEK, tmp_path, formats=("html",), editions=("public",))
    html = path.read_text(encoding="utf-8")
    for measure_id in CITY_ONLY:
        block = html.split(f'id="{measure_id}"', 1)[1].split("</article>", 1)[0]
        assert "无分区数据" in block and f'id="districts-{measure_id}"' not in block
    assert 'id="districts-M01"' in html


# ---- the command and the asset --------------------------------------------------------------


def test_pmon_report_writes_english_html_and_xlsx_read_only(data_dir: Path, capsys) -> None:
    from core import settings
    from pmon import cli

    with duckdb.connect(str(settings.warehouse_path(data_dir))) as conn:
        build_marts(conn)
    code = cli.main(["report", "--week", "2026-W47", "--format", "html,xlsx", "--lang", "en"])
    assert code == 0
    out = data_dir / "reports" / "2026-W47"
    staff = [name("internal", "en", "html"), name("internal", "en", "xlsx")]
    assert sorted(p.name for p in out.iterdir()) == staff  # the staff edition unless told
    assert name("internal", "en", "xlsx") in capsys.readouterr().out
    assert cli.main(["report", "--week", "2026-11-18", "--format", "xlsx"]) == 0  # a date in W47
    assert (out / name("internal", "zh", "xlsx")).exists()
    both = ["report", "--week", "2026-W47", "--format", "xlsx", "--edition", "both"]
    assert cli.main(both) == 0
    assert (out / name("public", "zh", "xlsx")).exists()
    assert cli.main(["report", "--week", "week 47", "--format", "xlsx"]) == 2
    assert cli.main(["report", "--week", "2026-W47", "--format", "docx"]) == 2
    assert "docx" in capsys.readouterr().err  # a mistake: one line on stderr


def test_report_without_validation_results_says_so(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        build_marts(conn)
        conn.execute("drop schema dq cascade")
    with duckdb.connect(str(path), read_only=True) as conn:
        [html] = render_reports(
            conn, WEEK, tmp_path / "out", formats=("html",), editions=("internal",)
        )
    text = html.read_text(encoding="utf-8")
    assert "尚无数据校验结果" in text and "本周全部数据校验通过" not in text


# ---- the section registry --------------------------------------------------------------------


def _toc_ids(html: str, depth: int = 1) -> list[str]:
    """The anchors the contents list at one nesting depth (1: the sections themselves)."""
    toc = html.split('<section class="toc" id="toc">', 1)[1].split("</nav>", 1)[0]
    level, ids = 0, []
    for tag in re.finditer(r'<(/?)ol>|<a href="#(\w+)"', toc):
        if tag.group(2):
            ids += [tag.group(2)] if level == depth else []
        else:
            level += -1 if tag.group(1) else 1
    return ids


def _in_toc(registry) -> list:
    return [s for s in registry if s.in_toc]


@pytest.mark.slow
def test_toc_lists_exactly_the_registry_sections_in_every_format(rendered: dict) -> None:
    from reports.sections import SECTIONS

    # the staff edition has every section; the public one leaves the data-quality notes out

    listed = _in_toc(SECTIONS)
    html = rendered[name("internal", "zh", "html")][0].read_text(encoding="utf-8")
    assert _toc_ids(html) == [s.id for s in listed]
    body = re.findall(r'<section class="(\w+)" id="\1">', html)  # the frame's wrappers
    assert body == [s.id for s in SECTIONS]  # the body is the registry, in order
    assert _toc_ids(html, 3) == [m.id for m in load_catalog().measures]

    pdf = rendered[name("internal", "zh", "pdf")][0]
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    pages = [re.sub(r"\s+", "", p) for p in pages.stdout.decode("utf-8").split("\f")]
    toc = pages[1]
    positions = [toc.find(re.sub(r"\s+", "", s.title.zh)) for s in listed]
    assert -1 not in positions and positions == sorted(positions)
    layout = subprocess.run(
        ["pdftotext", "-layout", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True
    ).stdout.decode("utf-8")
    for section in listed:  # each section's listed page opens with its title
        [page] = re.findall(
            rf"^\s*(?:\d+\.\s*)?{re.escape(section.title.zh)}\s.*?(\d+)\s*$", layout, re.M
        )
        assert pages[int(page) - 1].find(re.sub(r"\s+", "", section.title.zh)) >= 0

    book = openpyxl.load_workbook(rendered[name("internal", "zh", "xlsx")][0])
    contents = book[book.sheetnames[0]]
    titles = [r[0] for r in contents.iter_rows(min_row=4, values_only=True) if r[0]]
    assert titles == [s.title.zh for s in listed]
    links = [c.hyperlink.location for c in contents["B"] if c.hyperlink]
    assert links and all(link.split("!")[0].strip("'") in book.sheetnames for link in links)


EXTRA_ID = "extra_ledger"
EXTRA_TEMPLATE = (
    "<h2>{{ section.title }}</h2>\n"
    '<p class="extra-count">{{ c.count }}</p>\n'
    "<ul>{% for a in c.agencies %}<li>{{ a }}</li>{% endfor %}</ul>\n"
)
EXTRA_SQL = (
    "-- the agencies that reported milestones this week\n"
    "select agency, count(*) as entries from marts.milestone_notes\n"
    "where week = $week group by agency order by agency\n"
)


@pytest.fixture
def extra_section(monkeypatch: pytest.MonkeyPatch):
    """A tiny section added the documented way: a registry entry, its SQL and its partial."""
    from reports import queries, sections
    from reports.html import TEMPLATES
    from reports.model import Cell, Part, Section, Sheet

    def build(frame, results):
        agencies = results[EXTRA_ID]["agency"].to_list()
        return Part({"count": len(agencies), "agencies": agencies})

    def sheets(frame, content):
        rows = [(Cell(a),) for a in content["agencies"]]
        return [Sheet(name="Extra ledger", title="Extra", header=("agency",), rows=rows)]

    section = Section(
        id=EXTRA_ID,
        title=Title(zh="报送单位一览", en="Reporting agencies"),
        queries=(EXTRA_ID,),
        build=build,
        sheets=sheets,
    )
    files = {
        TEMPLATES / section.template: EXTRA_TEMPLATE,
        queries.SQL_DIR / f"{EXTRA_ID}.sql": EXTRA_SQL,
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    registry = list(sections.SECTIONS)
    registry.insert(len(registry) - 1, section)  # before the appendix
    monkeypatch.setattr(sections, "SECTIONS", tuple(registry))
    try:
        yield section
    finally:
        for path in files:
            path.unlink(missing_ok=True)


def test_a_registered_section_appears_in_toc_body_and_workbook(
    extra_section, warehouse: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        written = render_reports(
            conn, WEEK, tmp_path, formats=("html", "xlsx"), editions=("internal",)
        )
    html = (tmp_path / name("internal", "zh", "html")).read_text(encoding="utf-8")
    assert _toc_ids(html)[-2:] == [EXTRA_ID, "methodology"]
    assert f'<a href="#{EXTRA_ID}">报送单位一览</a>' in html
    body = html.split(f'<section class="{EXTRA_ID}" id="{EXTRA_ID}">', 1)[1].split("</section>")[0]
    assert '<p class="extra-count">2</p>' in body  # M02's and M18's agencies this week
    assert "<li>市商务局</li>" in body and "<li>市人力资源社会保障局</li>" in body
    book = openpyxl.load_workbook(tmp_path / name("internal", "zh", "xlsx"))
    assert book.sheetnames[-1] == "Extra ledger"
    assert [r[0] for r in book["Extra ledger"].iter_rows(min_row=4, values_only=True)] == [
        "市人力资源社会保障局",
        "市商务局",
    ]
    contents = [r[0] for r in book[book.sheetnames[0]].iter_rows(min_row=4, values_only=True)]
    assert "报送单位一览" in contents
    assert written[tmp_path / name("internal", "zh", "xlsx")]["rows"] == len(
        _mart(warehouse)
    )  # still all indicators


def test_delivery_matrix_columns_follow_the_contract(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source added to a copy of the contract becomes a matrix column and a missing delivery."""
    from core.settings import PROJECT_ROOT

    catalog_dir = tmp_path / "catalog"
    shutil.copytree(PROJECT_ROOT / "catalog", catalog_dir)
    contract = catalog_dir / "contract.yaml"
    contract.write_text(
        contract.read_text(encoding="utf-8")
        + "  inspections:\n    tag: insp\n    expected_from: districts\n"
        "    title: {zh: 上门服务抽查, en: Home-visit inspections}\n"
        "    key: [inspection_id]\n    event_date: inspected_on\n    district: district_code\n"
        "    columns:\n      inspection_id: {type: string, required: true}\n"
        "      inspected_on: {type: date, required: true}\n"
        "      district_code: {type: district, required: true}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PMON_CATALOG_DIR", str(catalog_dir))
    sources = load_contract().sources
    assert "inspections" in sources  # the fresh path is loaded, not the cached contract
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        render_reports(
            conn, WEEK, tmp_path / "out", langs=("en",), formats=("html",), editions=("internal",)
        )
    html = (tmp_path / "out" / name("internal", "en", "html")).read_text(encoding="utf-8")
    matrix = html.split('<table class="matrix">', 1)[1].split("</thead>", 1)[0]
    columns = re.findall(r"<th>([^<]*)</th>", matrix)[1:]
    expected = [s.title.en for s in sources.values() if s.expected_from == "districts"]
    assert columns == expected and columns[-1] == "Home-visit inspections"
    assert "Milestone ledger" not in columns  # a city-wide file is not owed per district
    for district in load_reference().districts:
        assert f"{district.en}·Home-visit inspections" in html
    assert f"{load_reference().districts[0].en}·{sources['insurance'].title.en}" not in html


def test_no_report_file_lists_the_sources_or_the_measure_count() -> None:
    """Sources come from the contract and the measure count from the catalog, never from code."""
    from core.settings import PROJECT_ROOT
    from reports.i18n import STRINGS

    names = load_contract().names
    for path in (PROJECT_ROOT / "reports").rglob("*"):
        if path.suffix in (".py", ".j2", ".sql"):
            text = path.read_text(encoding="utf-8")
            quoted = [n for n in names if f'"{n}"' in text or f"'{n}'" in text]
            assert quoted == [], f"{path} names sources {quoted}"
    assert not [k for k, v in STRINGS.items() if "22" in v["zh"] or "22" in v["en"]]


def test_measure_headline_words_the_mart_counts() -> None:
    from reports.i18n import translator
    from reports.model import Frame
    from reports.sections.measures import measure_headline

    catalog = load_catalog()
    measure = catalog.measure("M01")
    counts = {
        "status": "at_risk",
        "indicators": 3,
        "indicators_with_data": 2,
        "indicators_on_track": 1,
        "indicators_at_risk": 1,
        "indicators_off_track": 0,
    }
    zh = Frame(WEEK, "zh", translator("zh"), catalog)
    en = Frame(WEEK, "en", translator("en"), catalog)
    assert measure_headline(measure, counts, zh) == (
        f"M01 {measure.title.zh}：2/3项指标本周有数据，1项进度正常，1项存在风险，0项滞后。"
    )
    assert measure_headline(measure, counts, en).endswith(
        "2 of 3 indicator(s) have data this week; 1 on track, 1 at risk, 0 off track."
    )
    silent = counts | {"status": "no_data"}
    assert measure_headline(measure, silent, en).endswith(
        "none of its 3 indicator(s) has data this week."
    )


# ---- editions ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_internal_edition_has_every_figure_marked_on_every_page(
    rendered: dict, warehouse: Path
) -> None:
    """Staff see every district's figure; 内部资料 注意保存 heads every PDF page and every sheet."""
    mark = "内部资料注意保存"
    for lang in ("zh", "en"):
        path, facts = rendered[name("internal", lang, "pdf")]
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
        pages = [re.sub(r"\s+", "", p) for p in text.stdout.decode("utf-8").split("\f")[:-1]]
        assert len(pages) == facts["pages"] and all(mark in p for p in pages)
        book = openpyxl.load_workbook(rendered[name("internal", lang, "xlsx")][0])
        for sheet in book.worksheets:
            assert sheet["A1"].value.startswith("内部资料 注意保存")
            assert "内部资料 注意保存" in sheet.oddHeader.center.text
        html = rendered[name("internal", lang, "html")][0].read_text(encoding="utf-8")
        assert 'class="internal-mark"' in html and _telltales(html) != []
    book = openpyxl.load_workbook(rendered[name("internal", "zh", "xlsx")][0])
    shown = {
        (row[1], row[3]): row[5]
        for row in book[book.sheetnames[1]].iter_rows(min_row=4, values_only=True)
        if row[1] and row[3]
    }
    mart = _mart(warehouse, "indicator_weekly").filter(pl.col("value").is_not_null())
    assert all(
        shown[(r["indicator_id"], r["district_code"])] == r["value"] for r in mart.to_dicts()
    )
    assert any(v == TELLTALE for v in shown.values())  # the suppressed figures too


@pytest.mark.slow
def test_public_edition_is_unmarked_and_withholds_every_hidden_cell(rendered: dict) -> None:
    for lang in ("zh", "en"):
        for ext in ("html", "pdf", "xlsx"):
            path = rendered[name("public", lang, ext)][0]
            if ext == "pdf":
                text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True).stdout
                text = text.decode("utf-8")
            elif ext == "xlsx":
                book = openpyxl.load_workbook(path)
                text = "".join(
                    str(c)
                    for s in book.worksheets
                    for r in s.iter_rows(values_only=True)
                    for c in r
                )
                assert all(not s.oddHeader.center.text for s in book.worksheets)
            else:
                text = path.read_text(encoding="utf-8")
            assert "内部资料" not in text and _telltales(text) == []
        html = rendered[name("public", lang, "html")][0].read_text(encoding="utf-8")
        internal = rendered[name("internal", lang, "html")][0].read_text(encoding="utf-8")
        rows_loaded = {"zh": "载入行", "en": "rows loaded"}[lang]  # beside a withheld total
        assert rows_loaded in internal and rows_loaded not in html


def test_methodology_lists_every_task_and_each_indicator_s_window(warehouse: Path, tmp_path: Path):
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        written = render_reports(conn, WEEK, tmp_path, langs=("zh", "en"), formats=("html",))
    catalog = load_catalog()
    tasks = [t for m in catalog.measures for t in m.tasks]
    assert tasks  # the catalog holds the task ledger
    for path in written:
        html = path.read_text(encoding="utf-8")
        appendix = html[html.index('id="methodology"') :]
        assert all(f"<code>{t.id}</code>" in appendix for t in tasks)
        assert all(f"<code>{i.id}</code>" in appendix for i in catalog.indicators)
    zh = next(p for p in written if p.name == name("public", "zh", "html")).read_text("utf-8")
    en = next(p for p in written if p.name == name("public", "en", "html")).read_text("utf-8")
    looking_back = [i for i in catalog.indicators if i.lookback_weeks]
    assert looking_back and all(f"近{i.lookback_weeks}周" in zh for i in looking_back)
    assert "任务台账" in zh and "Task ledger" in en and "calendar year" in en


def test_the_internal_data_quality_section_lists_what_the_inbox_holds_unread(
    warehouse: Path, tmp_path: Path
):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as conn:
        conn.execute("create schema if not exists meta")
        conn.execute(
            "create table meta.inbox_anomalies as select 'training/2026-w47' as path, "
            "'不是周文件夹 / not a week folder' as problem, now()::timestamp as seen_at"
        )
        written = render_reports(conn, WEEK, tmp_path / "out", langs=("zh",), formats=("html",))
    internal, public = (p.read_text(encoding="utf-8") for p in written)
    assert "training/2026-w47" in internal and "未读取的收件箱内容" in internal
    assert "training/2026-w47" not in public  # a staff note, like the rest of data quality
