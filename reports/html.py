"""The HTML report: Jinja2 with autoescape, plotly.js inlined once, no request leaves the page."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

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


def render_html(context: dict, *, static: bool = False) -> str:
    """The report page; `static` draws non-interactive charts, for printing to PDF."""
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    template = environment().get_template("report.html.j2")
    return template.render(**context, css=css, plotly_js=plotly_js(), static=static)
