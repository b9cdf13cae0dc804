"""The report's content model for one week and language, built section by section from the registry.

Every renderer (HTML, PDF through HTML, XLSX) reads this one model, so the three formats agree;
none of them queries the warehouse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import duckdb

from core.catalog import load_catalog
from reports import queries, sections
from reports.common import is_sample
from reports.i18n import translator
from reports.model import BuiltSection, Frame, Part, Report, Section


def build_context(
    conn: duckdb.DuckDBPyConnection,
    week: dt.date,
    lang: str,
    registry: Sequence[Section] | None = None,
    edition: str = "internal",
    issue: Mapping[str, str] | None = None,
) -> Report:
    """Run every section's queries once, then let each section build its part, in report order.

    `registry` defaults to `reports.sections.SECTIONS`, read at call time. `edition` is
    `internal` (every figure) or `public` (marts.indicator_public, disclosure-controlled).
    `issue`: the masthead (title, 第N期, date of issue, period) the cover and title show.
    """
    registry = sections.SECTIONS if registry is None else registry
    registry = [s for s in registry if edition in s.editions]
    frame = Frame(
        week=week,
        lang=lang,
        t=translator(lang),
        catalog=load_catalog(),
        edition=edition,
        sample=is_sample(conn),
        issue=dict(issue or {}),
    )
    results = queries.run(conn, (q for s in registry for q in s.queries), week, edition)
    built = tuple(
        BuiltSection(
            section=s,
            title=frame.text(s.title),
            part=s.build(frame, {q: results[q] for q in s.queries}) if s.build else Part({}),
        )
        for s in registry
    )
    return Report(frame=frame, sections=built)
