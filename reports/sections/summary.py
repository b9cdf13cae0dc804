"""The executive summary: how many measures stand where, which moved, which districts lag (the
foot of the fair league table, not a count of red cells)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reports.common import status_badge
from reports.i18n import STATUS_ORDER
from reports.model import Frame, Part, Section
from reports.sections import league

LAGGING_SHOWN = 3  # the foot of the league table the summary names


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
    table = league.build(frame, {"league_table": results["league_table"]}).content
    lagging = table["rows"][::-1][:LAGGING_SHOWN]
    return Part(
        {
            "measure_count": len(frame.catalog.measures),
            "counts": [{"status": status_badge(k, frame.t), "count": v} for k, v in counts.items()],
            "moved": _moved(frame, by_measure),
            "lagging": lagging,
            "insufficient": table["insufficient"],
        }
    )


SECTION = Section.titled("summary", queries=("measure_status", "league_table"), build=build)
