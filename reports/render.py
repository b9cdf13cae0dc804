"""One entry point for the Dagster asset and `pmon report`: the week's reports in every format."""

from __future__ import annotations

import contextlib
import datetime as dt
import html as html_lib
from functools import partial
from pathlib import Path

import duckdb

from core.partitions import iso_week, week_monday
from reports.i18n import LANGS, translator

FORMATS = ("html", "pdf", "xlsx")
EDITIONS = ("internal", "public")
KIND = "report"


def report_dir(reports_root: Path, week: dt.date | str) -> Path:
    """`<data dir>/reports/<YYYY-Www>/`."""
    return reports_root / iso_week(week)


def report_path(out_dir: Path, week: dt.date | str, edition: str, lang: str, fmt: str) -> Path:
    """`<period>_<kind>_<edition>_<lang>.<ext>`, e.g. `2026-W47_report_public_zh.pdf`."""
    return out_dir / f"{iso_week(week)}_{KIND}_{edition}_{lang}.{fmt}"


def render_reports(
    conn: duckdb.DuckDBPyConnection,
    week: dt.date | str,
    out_dir: Path,
    langs: tuple[str, ...] = ("zh",),
    formats: tuple[str, ...] = FORMATS,
    chromium=None,
    editions: tuple[str, ...] = EDITIONS,
) -> dict[Path, dict]:
    """Render the week's reports into out_dir; returns each written file with its facts.

    `conn` may be read-only: reports only read the marts. `chromium` is a Playwright browser
    (reports.pdf.browser()) to reuse across calls; one is started when a PDF is asked for and
    none is given. Facts per file: `pages` for PDFs, `rows` for workbooks, always `bytes`.
    Both editions render from the same sections: `internal` (every figure, 内部资料 on every
    page), `public` (marts.indicator_public, no staff notes).
    """
    from reports.context import build_context
    from reports.html import render_html
    from reports.pdf import browser, print_pdf
    from reports.xlsx import write_xlsx

    unknown = [f for f in formats if f not in FORMATS] + [x for x in langs if x not in LANGS]
    unknown += [e for e in editions if e not in EDITIONS]
    if unknown:
        raise ValueError(
            f"unknown format, language or edition {unknown}; formats {FORMATS}, "
            f"languages {LANGS}, editions {EDITIONS}"
        )
    monday = week_monday(week)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[Path, dict] = {}
    with contextlib.ExitStack() as stack:
        if "pdf" in formats and chromium is None:
            chromium = stack.enter_context(browser())
        for edition, lang in ((e, x) for e in editions for x in langs):
            t = translator(lang)
            # the one content model every format of this edition and language reads
            report = build_context(conn, monday, lang, edition=edition)
            name = partial(report_path, out_dir, monday, edition, lang)
            if "html" in formats:
                name("html").write_text(render_html(report), encoding="utf-8")
                written[name("html")] = {}
            if "pdf" in formats:
                printable = out_dir / f".print.{edition}.{lang}.html"
                printable.write_text(render_html(report, static=True), encoding="utf-8")
                parts = [t("bureau"), t("short_title"), iso_week(monday)]
                if report.frame.internal:
                    parts.insert(0, t("internal_mark"))
                header = html_lib.escape(" · ".join(parts))
                try:
                    pages = print_pdf(printable, name("pdf"), chromium, header, t("page"))
                finally:
                    printable.unlink(missing_ok=True)
                written[name("pdf")] = {"pages": pages}
            if "xlsx" in formats:
                written[name("xlsx")] = {"rows": write_xlsx(report, name("xlsx"))}
    for path, facts in written.items():
        facts["bytes"] = path.stat().st_size
    return written
