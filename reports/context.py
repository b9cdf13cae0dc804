"""The report's content model for one week and language, built section by section from the registry.

Every renderer (HTML, PDF through HTML, XLSX) reads this one model, so the three formats agree;
none of them queries the warehouse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

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
    results: Mapping[str, Any] | None = None,
) -> Report:
    """Run every section's queries once, then let each section build its part, in report order.

    `registry` defaults to `reports.sections.SECTIONS`, read at call time. `edition` is
    `internal` (every figure) or `public` (marts.indicator_public, disclosure-controlled).
    `issue`: the masthead (title, 第N期, date of issue, period) the cover and title show.
    `results`: `edition_results` of the same week, edition and registry, when the caller has
    them from another language (the queries do not depend on it).
    """
    registry = _registry(registry, edition)
    frame = Frame(
        week=week,
        lang=lang,
        t=translator(lang),
        catalog=load_catalog(),
        edition=edition,
        sample=is_sample(conn),
        issue=dict(issue or {}),
    )
    if results is None:
        results = edition_results(conn, week, edition, registry)
    built = tuple(
        BuiltSection(
            section=s,
            title=frame.text(s.title),
            part=s.build(frame, {q: results[q] for q in s.queries}) if s.build else Part({}),
        )
        for s in registry
    )
    return Report(frame=frame, sections=built)


def _registry(registry: Sequence[Section] | None, edition: str) -> list[Section]:
    """The sections of the edition, from `reports.sections.SECTIONS` unless given."""
    registry = sections.SECTIONS if registry is None else registry
    return [s for s in registry if edition in s.editions]


def edition_results(
    conn: duckdb.DuckDBPyConnection,
    week: dt.date,
    edition: str = "internal",
    registry: Sequence[Section] | None = None,
) -> dict[str, Any]:
    """Every query of the edition's sections, each run once. A query sees the week and the
    edition, never the language, so both languages of an edition build from one run."""
    registry = _registry(registry, edition)
    return queries.run(conn, (q for s in registry for q in s.queries), week, edition)
