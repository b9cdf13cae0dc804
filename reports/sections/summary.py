"""The executive summary: how many measures stand where, which moved, which districts lag."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from reports.common import district_names, status_badge
from reports.i18n import STATUS_ORDER
from reports.model import Frame, Part, Section


def _moved(frame: Frame, by_measure: dict[str, dict]) -> list[dict]:
    """Measures whose status differs from last week's, in catalog order."""
    moved = []
    for measure in frame.catalog.measures:
        row = by_measure.get(measure.id, {})
        now = status_badge(row.get("status"), frame.t)
        before = row.get("previous_status")
        if before and before != now["key"]:
            moved.append(
                {
                    "id": measure.id,
                    "title": frame.text(measure.title),
                    "now": now,
                    "before": status_badge(before, frame.t),
                }
            )
    return moved


def build(frame: Frame, results: Mapping[str, Any]) -> Part:
    by_measure = {r["measure_id"]: r for r in results["measure_status"].to_dicts()}
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for measure in frame.catalog.measures:  # a measure missing from the mart counts as no data
        counts[status_badge(by_measure.get(measure.id, {}).get("status"), frame.t)["key"]] += 1
    lagging: pl.DataFrame = results["lagging_districts"].join(
        district_names(frame.lang), on="district_code", how="left"
    )
    return Part(
        {
            "measure_count": len(frame.catalog.measures),
            "counts": [{"status": status_badge(k, frame.t), "count": v} for k, v in counts.items()],
            "moved": _moved(frame, by_measure),
            "lagging": lagging.to_dicts(),
        }
    )


SECTION = Section.titled("summary", queries=("measure_status", "lagging_districts"), build=build)
