"""The HTML report: Jinja2 with autoescape, plotly.js inlined once, no request leaves the page.

The page is the registry's sections in order, each drawn by its own partial
(`templates/sections/<id>.html.j2`) inside a `<section id="<id>">` the contents link to.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jinja2

from reports.model import Report

TEMPLATES = Path(__file__).parent / "templates"


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
    """The plotly.js bundle, inlined so the report works offline; imported only when rendering."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


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
        sections=report.sections,
        toc=report.toc,
        figures_json=figures_json(report),
        css=css,
        plotly_js=plotly_js(),
        static=static,
    )
