"""Data-quality pages of the project's own, rendered from `dq.results`: every validated week,
every suite and severity, one self-contained HTML file per week plus an index, with no script,
font or style from a network (they must open on the bureau's intranet).

Great Expectations' own Data Docs load CSS and JavaScript from public CDNs and keep one suite in
their index; these pages are the ones analysts are sent to (`<data dir>/dq/index.html`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import polars as pl

from core.contract import load_contract
from core.partitions import iso_week
from core.settings import TIMEZONE
from quality_checks.suites import build_suite

TEMPLATES = Path(__file__).parent / "templates"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True
    )


def _results(conn) -> pl.DataFrame:
    return pl.from_arrow(
        conn.sql(
            "select week, source, expectation, column_name, severity, success, observed_value "
            "from dq.results order by week desc, source, severity, expectation"
        ).to_arrow_table()
    )


def _rules(source: str, weeks: list[dt.date]) -> dict[str, str]:
    """Each expectation's rule in Chinese and English, from the suite over all the weeks shown
    (a rule's text does not change with the week; one suite a source, not one a page)."""
    try:
        return {e.name: f"{e.rule_zh} / {e.rule_en}" for e in build_suite(source, weeks)}
    except KeyError:  # a source no longer in the contract: its old results keep no rule text
        return {}


def _page_name(week: dt.date) -> str:
    return f"week-{iso_week(week)}.html"


def _suites(frame: pl.DataFrame, rule_texts: dict[str, dict[str, str]]) -> list[dict]:
    contract = load_contract()
    suites = []
    for (source, severity), rows in frame.group_by(["source", "severity"], maintain_order=True):
        rules = rule_texts[source]
        title = contract.sources[source].title if source in contract.sources else None
        suites.append(
            {
                "source": source,
                "severity": severity,
                "title": f"{title.zh} / {title.en}" if title else source,
                "rows": [
                    {
                        "expectation": r["expectation"],
                        "column": r["column_name"],
                        "rule": rules.get(r["expectation"], ""),
                        "success": r["success"],
                        "observed": r["observed_value"],
                    }
                    for r in rows.to_dicts()  # expectations of one suite, not data rows
                ],
            }
        )
    return suites


def render_pages(conn, out_dir: Path, weeks: list[dt.date] | None = None) -> Path | None:
    """Write `index.html` (latest week, and every week at a glance) and the page of each of
    `weeks` (every validated week when None): a run re-renders only the weeks it validated."""
    frame = _results(conn)
    if frame.is_empty():
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    template = _environment().get_template("dq.html.j2")
    generated = dt.datetime.now(ZoneInfo(TIMEZONE)).strftime("%Y-%m-%d %H:%M")
    weeks_validated = frame["week"].unique().sort(descending=True).to_list()
    links = [{"file": _page_name(w), "label": iso_week(w)} for w in weeks_validated]
    summary = (
        frame.group_by("week", "source", maintain_order=True)
        .agg(
            pl.len().alias("total"),
            (~pl.col("success") & (pl.col("severity") == "error")).sum().alias("errors"),
            (~pl.col("success") & (pl.col("severity") == "warn")).sum().alias("warnings"),
        )
        .sort("week", "source", descending=[True, False])
    )
    shown = weeks_validated if weeks is None else sorted(set(weeks) & set(weeks_validated))
    rule_texts = {
        source: _rules(source, sorted({*shown, weeks_validated[0]}))
        for source in frame["source"].unique()
    }
    for week in shown:
        page = template.render(
            title=f"数据质量 Data quality · {iso_week(week)}",
            generated=generated,
            weeks=links,
            summary=None,
            suites=_suites(frame.filter(pl.col("week") == week), rule_texts),
        )
        (out_dir / _page_name(week)).write_text(page, encoding="utf-8")
    index = template.render(
        title=f"数据质量 Data quality · {iso_week(weeks_validated[0])}",
        generated=generated,
        weeks=links,
        summary=[
            r | {"label": iso_week(r["week"]), "file": _page_name(r["week"])}
            for r in summary.to_dicts()
        ],
        suites=_suites(frame.filter(pl.col("week") == weeks_validated[0]), rule_texts),
    )
    (out_dir / "index.html").write_text(index, encoding="utf-8")
    return out_dir / "index.html"
