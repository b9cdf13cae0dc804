"""The methodology appendix: every indicator's definition, sources, kind, window and target, how
progress and status are derived (thresholds from the catalog), and every task of the ledger."""

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
            "window": _window(frame, i),
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
            "tasks": [_task(frame, m, task) for m in frame.catalog.measures for task in m.tasks],
        }
    )


def _window(frame: Frame, indicator) -> str:
    """The period an indicator's figure covers, as the catalog defines it."""
    sep = frame.t("list_sep")
    parts = [
        frame.t("window.lookback", n=indicator.lookback_weeks)
        if indicator.lookback_weeks
        else frame.t("window.week" if indicator.kind == "flow" else "window.state")
    ]
    if indicator.monitoring_start:
        parts.append(frame.t("window.since", d=indicator.monitoring_start.isoformat()))
    if indicator.opening_balance:
        parts.append(frame.t("window.opening", n=fmt(indicator.opening_balance, indicator.display)))
    return sep.join(parts)


def _task(frame: Frame, measure, task) -> dict:
    sep = frame.t("list_sep")
    reporters = task.reporters or (task.lead_unit,)
    return {
        "id": task.id,
        "measure": measure.id,
        "text": frame.text(task.text),
        "lead": task.lead_unit,
        "responsible": sep.join(task.responsible_units),
        "due": sep.join(d.isoformat() for d in task.due),
        "illustrative": task.dates_illustrative,
        "reporters": f"{sep.join(reporters)}{frame.t('lp')}{frame.t(f'frequency.{task.frequency}')}"
        f"{frame.t('rp')}",
    }


SECTION = Section.titled("methodology", build=build)
