"""One entry point for the Dagster asset and `pmon report`: a period's brief and report in every
format. Files: `<data dir>/reports/<period>/<period>_<kind>_<edition>_<lang>.<ext>`, period
`2026-W47`, `2026-10` or `2026-Q3`, kind `brief` or `report`."""

from __future__ import annotations

import contextlib
import datetime as dt
import html as html_lib
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from assets.indicators.periods import Period
from core.partitions import iso_week, week_monday
from reports.i18n import LANGS, translator

if TYPE_CHECKING:
    from reports.pdf import Printer

FORMATS = ("html", "pdf", "xlsx")
BRIEF_FORMATS = ("html", "pdf")
EDITIONS = ("internal", "public")
KINDS = ("brief", "report")
KIND = "report"


def report_dir(reports_root: Path, period: dt.date | str | Period) -> Path:
    """`<data dir>/reports/<period>/`: `2026-W47` for a week (any date in it), else the label."""
    return reports_root / (period.label if isinstance(period, Period) else iso_week(period))


def period_path(out_dir: Path, label: str, kind: str, edition: str, lang: str, fmt: str) -> Path:
    """`<period>_<kind>_<edition>_<lang>.<ext>`, e.g. `2026-10_brief_public_zh.pdf`."""
    return out_dir / f"{label}_{kind}_{edition}_{lang}.{fmt}"


def report_path(out_dir: Path, week: dt.date | str, edition: str, lang: str, fmt: str) -> Path:
    """The week's full report, e.g. `2026-W47_report_public_zh.pdf`."""
    return period_path(out_dir, iso_week(week), KIND, edition, lang, fmt)


def render_reports(
    conn: duckdb.DuckDBPyConnection,
    week: dt.date | str,
    out_dir: Path,
    langs: tuple[str, ...] = ("zh",),
    formats: tuple[str, ...] = FORMATS,
    chromium=None,
    editions: tuple[str, ...] = EDITIONS,
    period: Period | None = None,
) -> dict[Path, dict]:
    """Render the week's reports into out_dir; returns each written file with its facts.

    `conn` may be read-only: reports only read the marts. `chromium` is a Playwright browser
    (reports.pdf.browser()) or a reports.pdf.Printer to reuse across calls; one is started when
    a PDF is asked for and none is given; every PDF is printed when this returns. Facts per
    file: `pages` for PDFs, `rows` for workbooks, always `bytes`.
    Both editions render from the same sections: `internal` (every figure, 内部资料 on every
    page), `public` (marts.indicator_public, no staff notes). `period`: a month or quarter whose
    full report is the report as of its closing week, named and headed by the period.
    """
    from assets.indicators.periods import week as week_period
    from reports.brief import masthead
    from reports.context import build_context, edition_results
    from reports.html import render_html
    from reports.xlsx import write_xlsx

    _check(formats, langs, editions, FORMATS)
    monday = week_monday(week)
    label = period.label if period else iso_week(monday)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[Path, dict] = {}
    results: dict[str, dict] = {}  # per edition: its queries, once for every language
    with contextlib.ExitStack() as stack:
        jobs = _printer(stack, formats, chromium)
        for edition, lang in ((e, x) for e in editions for x in langs):
            if edition not in results:
                results[edition] = edition_results(conn, monday, edition)
            t = translator(lang)
            head = masthead(conn, period or week_period(monday), t)
            kind = t(f"report_kind.{(period or week_period(monday)).kind}")
            issue = {**head, "title": t("report_title", kind=kind)}
            if period:  # a month's or quarter's report: the weekly figures as of its closing week
                issue["as_of"] = t("as_of_week", week=iso_week(monday))
            # the one content model every format of this edition and language reads
            report = build_context(
                conn, monday, lang, edition=edition, issue=issue, results=results[edition]
            )
            name = partial(period_path, out_dir, label, KIND, edition, lang)
            pdf = None
            if "pdf" in formats:  # first: Chromium loads it while the other formats are written
                parts = [t("bureau"), t("short_title"), label]
                if label != iso_week(monday):  # a period's report: as of its closing week
                    parts[-1] = f"{label}{t('lp')}{iso_week(monday)}{t('rp')}"
                parts += [head["number"], head["date"]]  # 第N期 and date of issue
                pdf = _print(
                    render_html(report, static=True), name("pdf"), jobs, parts,
                    t, report.frame.internal,
                )  # fmt: skip
            if "html" in formats:
                name("html").write_text(render_html(report), encoding="utf-8")
                written[name("html")] = {}
            if pdf is not None:  # listed in the usual order: html, pdf, xlsx
                written[name("pdf")] = pdf
            if "xlsx" in formats:
                written[name("xlsx")] = {"rows": write_xlsx(report, name("xlsx"))}
        _finish(jobs)
    return _with_bytes(written)


def _printer(stack: contextlib.ExitStack, formats: tuple[str, ...], chromium) -> Printer | None:
    """Where the PDFs are printed: the caller's Printer (render_period's, warm across the brief
    and the report), else a Printer on the caller's browser or a browser of its own."""
    from reports.pdf import Printer, printer

    if "pdf" not in formats:
        return None
    if isinstance(chromium, Printer):
        return chromium
    return stack.enter_context(printer(chromium))


def _finish(jobs: Printer | None) -> None:
    """Every PDF printed, so that each file's facts are whole when a render returns."""
    if jobs is not None:
        jobs.drain()


def _with_bytes(written: dict[Path, dict]) -> dict[Path, dict]:
    """The written files, each with its size."""
    for path, facts in written.items():
        facts["bytes"] = path.stat().st_size
    return written


def _print(page: str, pdf: Path, jobs: Printer, parts: list[str], t, internal: bool) -> dict:
    """Queue a page's static HTML for printing to `pdf` with its running header (内部资料 first
    in the internal edition); returns the PDF's facts, whose `pages` the printer fills in. The
    printable file lives beside the PDF only until Chromium has printed it."""
    from reports.pdf import PrintJob

    printable = pdf.with_name(f".print.{pdf.stem}.html")
    printable.write_text(page, encoding="utf-8")
    header = " · ".join([t("internal_mark"), *parts] if internal else parts)
    job = PrintJob(printable, pdf, html_lib.escape(header), t("page"), printable=True)
    jobs.submit(job)
    return job.facts


def _check(formats, langs, editions, allowed) -> None:
    unknown = [f for f in formats if f not in allowed] + [x for x in langs if x not in LANGS]
    unknown += [e for e in editions if e not in EDITIONS]
    if unknown:
        raise ValueError(
            f"unknown format, language or edition {unknown}; formats {allowed}, "
            f"languages {LANGS}, editions {EDITIONS}"
        )


def render_brief(
    conn: duckdb.DuckDBPyConnection,
    period: Period,
    out_dir: Path,
    langs: tuple[str, ...] = ("zh",),
    formats: tuple[str, ...] = BRIEF_FORMATS,
    chromium=None,
    editions: tuple[str, ...] = EDITIONS,
) -> dict[Path, dict]:
    """The leadership brief (领导版) of a period as HTML and PDF; facts as render_reports'."""
    from reports.brief import brief_results, build_brief
    from reports.charts import PRINT_FONT
    from reports.html import environment

    formats = tuple(f for f in formats if f in BRIEF_FORMATS)  # a brief has no workbook
    _check(formats, langs, editions, BRIEF_FORMATS)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[Path, dict] = {}
    template = environment().get_template("brief.html.j2")
    results: dict[str, dict] = {}  # per edition: its queries, once for every language
    with contextlib.ExitStack() as stack:
        jobs = _printer(stack, formats, chromium)
        for edition, lang in ((e, x) for e in editions for x in langs):
            if edition not in results:
                results[edition] = brief_results(conn, period, edition)
            brief, head = build_brief(conn, period, lang, edition, results[edition])
            t = brief.frame.t
            page = partial(
                template.render, lang=lang, internal=brief.frame.internal, sample=brief.frame.sample,
                t=t, head=head, sections=brief.sections, print_font=PRINT_FONT,
            )  # fmt: skip
            name = partial(period_path, out_dir, period.label, "brief", edition, lang)
            if "html" in formats:
                name("html").write_text(page(static=False), encoding="utf-8")
                written[name("html")] = {}
            if "pdf" in formats:
                parts = [t("bureau"), t("brief_short"), head["number"]]
                written[name("pdf")] = _print(
                    page(static=True), name("pdf"), jobs, parts, t, brief.frame.internal
                )
        _finish(jobs)
    return _with_bytes(written)


def render_period(
    conn: duckdb.DuckDBPyConnection,
    period: Period,
    out_dir: Path,
    kinds: tuple[str, ...] = KINDS,
    langs: tuple[str, ...] = ("zh",),
    formats: tuple[str, ...] = FORMATS,
    chromium=None,
    editions: tuple[str, ...] = EDITIONS,
) -> dict[Path, dict]:
    """A period's brief and full report: a week's report is the week's; a month's or quarter's
    is the report as of its closing week, named by the period."""
    if unknown := [k for k in kinds if k not in KINDS]:
        raise ValueError(f"unknown kind {unknown}; kinds {KINDS}")
    _check(formats, langs, editions, FORMATS)
    written: dict[Path, dict] = {}
    with contextlib.ExitStack() as stack:
        chromium = _printer(stack, formats, chromium)  # one set of warm tabs for both kinds
        if "brief" in kinds and any(f in BRIEF_FORMATS for f in formats):
            written |= render_brief(conn, period, out_dir, langs, formats, chromium, editions)
        if "report" in kinds:
            written |= render_reports(
                conn,
                period.closing_week,
                out_dir,
                langs,
                formats,
                chromium,
                editions,
                period=None if period.kind == "week" else period,
            )
    return written
