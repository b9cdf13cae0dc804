"""Corrections (更正说明): the weeks the latest runs restated, what triggered each (the late or
corrected files) and every published figure that changed, old → new, from marts.restatements."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.contract import load_reference
from core.partitions import iso_week
from reports.common import CITY_CODE, beijing_time, fmt, fmt_change
from reports.model import Cell, Frame, Part, Section, Sheet


def _district_name(code: str, frame: Frame, names: dict[str, str]) -> str:
    return frame.t("all_beijing") if code == CITY_CODE else names.get(code, code)


def _status(status: str | None, frame: Frame) -> str:
    return frame.t(f"status.{status or 'no_data'}")


def build(frame: Frame, results: Mapping[str, Any]) -> Part:
    names = {d.code: getattr(d, frame.lang) for d in load_reference().districts}
    indicators = {i.id: i for i in frame.catalog.indicators}
    weeks = []
    for record in results["restatements"].to_dicts():  # one per restated week, a handful
        changes = []
        for change in record["changes"]:
            indicator = indicators.get(change["indicator_id"])
            display = indicator.display if indicator else "count"
            old_status, new_status = change["old_status"], change["new_status"]
            changes.append(
                {
                    "indicator_id": change["indicator_id"],
                    "indicator": frame.text(indicator.name)
                    if indicator
                    else change["indicator_id"],
                    "district": _district_name(change["district_code"], frame, names),
                    "old": fmt(change["old_value"], display),
                    "new": fmt(change["new_value"], display),
                    "old_value": change["old_value"],
                    "new_value": change["new_value"],
                    "difference": fmt_change(
                        None
                        if change["old_value"] is None or change["new_value"] is None
                        else change["new_value"] - change["old_value"],
                        display,
                        frame.t,
                    ),
                    "status": None
                    if old_status == new_status
                    else f"{_status(old_status, frame)} → {_status(new_status, frame)}",
                    "display": display,
                }
            )
        weeks.append(
            {
                "week": iso_week(record["week"]),
                "recorded": beijing_time(record["computed_at"]),
                "files": record["files"],
                "reasons": record["reasons"],
                "figures_changed": record["figures_changed"],
                "changes": changes,
                "withheld": record["figures_changed"] - len(changes),
            }
        )
    return Part({"weeks": weeks})


def sheets(frame: Frame, content: Mapping[str, Any]) -> list[Sheet]:
    t = frame.t
    rows = []
    for week in content["weeks"]:
        reasons = t("list_sep").join(week["reasons"])
        for change in week["changes"] or [{}]:
            style = "percent" if change.get("display") == "percent" else "count"
            rows.append(
                (
                    Cell(week["week"]),
                    Cell(change.get("indicator_id")),
                    Cell(change.get("indicator")),
                    Cell(change.get("district")),
                    Cell(change.get("old_value"), style),
                    Cell(change.get("new_value"), style),
                    Cell(change.get("status")),
                    Cell(reasons),
                )
            )
    return [
        Sheet(
            name=t("revisions"),
            title=f"{t('revisions')} · {frame.week_label}",
            header=(
                t("revision_week"),
                "ID",
                t("indicator"),
                t("district"),
                t("revision_old"),
                t("revision_new"),
                t("status"),
                t("revision_reason"),
            ),
            rows=rows,
            widths=(12, 30, 30, 12, 12, 12, 20, 80),
        )
    ]


SECTION = Section.titled("revisions", queries=("restatements",), build=build, sheets=sheets)
