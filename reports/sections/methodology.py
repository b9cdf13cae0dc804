"""The methodology appendix: every indicator's definition, sources, kind and target, and how
progress and status are derived (thresholds from the catalog)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reports.common import fmt, source_title
from reports.model import Frame, Part, Section


def build(frame: Frame, results: Mapping[str, Any]) -> Part:
    thresholds = frame.catalog.defaults.thresholds
    sep = frame.t("list_sep")
    indicators = [
        {
            "id": i.id,
            "name": frame.text(i.name),
            "definition": frame.text(i.definition),
            "sources": sep.join(source_title(s, frame.t, frame.lang) for s in i.sources),
            "kind": frame.t(f"kind.{i.kind}"),
            "unit": frame.text(i.unit),
            "target": fmt(i.target, i.display),
            "illustrative": i.target is not None and i.target_illustrative,
        }
        for i in frame.catalog.indicators
    ]
    return Part(
        {
            "intro": frame.t(
                "method_intro", on=f"{thresholds.on_track:.0%}", risk=f"{thresholds.at_risk:.0%}"
            ),
            "suppression_min": frame.catalog.suppression_min_count,
            "indicators": indicators,
        }
    )


SECTION = Section.titled("methodology", build=build)
