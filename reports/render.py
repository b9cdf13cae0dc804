"""One entry point for the Dagster asset and `pmon report`: the week's reports in every format."""

from __future__ import annotations

import contextlib
import datetime as dt
import html as html_lib
from pathlib import Path

import duckdb

from core.partitions import iso_week, week_monday
from reports.i18n import LANGS, translator

FORMATS = ("html", "pdf", "xlsx")


def report_dir(reports_root: Path, week: dt.date | str) -> Path:
    """`<data dir>/reports/<YYYY-Www>/`."""
    return reports_root / iso_week(week)


def report_path(out_dir: Path, lang: str, fmt: str) -> Path:
    """`report.<fmt>` for Chinese (the default), `report.<lang>.<fmt>` otherwise."""
    return out_dir / (f"report.{fmt}" if lang == "zh" else f"report.{lang}.{fmt}")


def render_reports(
    conn: duckdb.DuckDBPyConnection,
    week: dt.date | str,
    out_dir: Path,
    langs: tuple[str, ...] = ("zh",),
    formats: tuple[str, ...] = FORMATS,
    chromium=None,
) -> dict[Path, dict]:
    """Render the week's reports into out_dir; returns each written file with its facts.

    `conn` may be read-only: reports only read the marts. `chromium` is a Playwright browser
    (reports.pdf.browser()) to reuse across calls; one is started when a PDF is asked for and
    none is given. Facts per file: `pages` for PDFs, `rows` for workbooks, always `bytes`.
    """
    from reports.context import build_context
    from reports.html import render_html
    from reports.pdf import browser, print_pdf
    from reports.xlsx import write_xlsx

    unknown = [f for f in formats if f not in FORMATS] + [x for x in langs if x not in LANGS]
    if unknown:
        raise ValueError(
            f"unknown format or language {unknown}; formats {FORMATS}, languages {LANGS}"
        )
    monday = week_monday(week)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[Path, dict] = {}
    with contextlib.ExitStack() as stack:
        if "pdf" in formats and chromium is None:
            chromium = stack.enter_context(browser())
        for lang in langs:
            t = translator(lang)
            report = build_context(conn, monday, lang)  # the one content model every format reads
            if "html" in formats:
                path = report_path(out_dir, lang, "html")
                path.write_text(render_html(report), encoding="utf-8")
                written[path] = {}
            if "pdf" in formats:
                printable = out_dir / f".print.{lang}.html"
                printable.write_text(render_html(report, static=True), encoding="utf-8")
                path = report_path(out_dir, lang, "pdf")
                header = html_lib.escape(f"{t('bureau')} · {t('short_title')} · {iso_week(monday)}")
                try:
                    pages = print_pdf(printable, path, chromium, header, t("page"))
                finally:
                    printable.unlink(missing_ok=True)
                written[path] = {"pages": pages}
            if "xlsx" in formats:
                path = report_path(out_dir, lang, "xlsx")
                written[path] = {"rows": write_xlsx(report, path)}
    for path, facts in written.items():
        facts["bytes"] = path.stat().st_size
    return written
