"""The HTML report: Jinja2 with autoescape, plotly.js inlined once, no request leaves the page.

The page is the registry's sections in order, each drawn by its own partial
(`templates/sections/<id>.html.j2`) inside a `<section id="<id>">` the contents link to.
plotly.js is the partial bundle with the scatter and bar traces the charts use (reports/vendor/,
1.2 MB; the Python package ships only the 4.6 MB full bundle), with its Chinese locale for the
Chinese edition, so a report stays under 2 MB and offline. A few lines of inline script filter the
district breakdowns by district and offer every table as a CSV download.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jinja2

from reports.charts import PRINT_FONT
from reports.model import Report

TEMPLATES = Path(__file__).parent / "templates"
VENDOR = Path(__file__).parent / "vendor"


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # warehouse text (milestone notes, dq values) must show as text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def plotly_js() -> str:
    """The partial plotly.js bundle (scatter, bar), inlined so the report works offline."""
    return (VENDOR / "plotly-basic.min.js").read_text(encoding="utf-8")


@cache
def plotly_locale(lang: str) -> str:
    """The script that registers plotly.js's words in the language ('' for English, built in)."""
    if lang != "zh":
        return ""
    return (VENDOR / "plotly-locale-zh-cn.js").read_text(encoding="utf-8")


def districts(report: Report) -> list[str]:
    """The district names the filter offers, in the reference's order."""
    from core.contract import load_reference

    return [getattr(d, report.frame.lang) for d in load_reference().districts]


def figures_json(report: Report) -> str:
    """The figures as JSON safe inside a <script> element (no `</script>` can close it early)."""
    return json.dumps(report.figures, ensure_ascii=False, default=str).replace("<", "\\u003c")


def render_html(report: Report, *, static: bool = False) -> str:
    """The report page; `static` draws non-interactive charts, for printing to PDF."""
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    template = environment().get_template("report.html.j2")
    return template.render(
        lang=report.frame.lang,
        internal=report.frame.internal,
        t=report.frame.t,
        week=report.frame.week_label,
        issue=report.frame.issue,
        sections=report.sections,
        toc=report.toc,
        figures_json=figures_json(report),
        css=css,
        plotly_js=plotly_js(),
        plotly_locale=plotly_locale(report.frame.lang),
        plotly_locale_name="zh-CN" if report.frame.lang == "zh" else "en",
        print_font=PRINT_FONT,
        sample=report.frame.sample,
        districts=districts(report),
        static=static,
    )
