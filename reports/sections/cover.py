"""The cover: who issues the report, for which week, and how fresh its data is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from reports.common import beijing_time
from reports.model import Frame, Part, Section


def build(frame: Frame, results: Mapping[str, Any]) -> Part:
    # 数据截至: the day the last file behind the figures arrived, Beijing time (the day the
    # figures were computed when the warehouse keeps no load log)
    last = results["last_delivery"] or results["data_as_of"]
    return Part(
        {
            "week_start": frame.week.isoformat(),
            "week_end": (frame.week + dt.timedelta(days=6)).isoformat(),
            "data_as_of": beijing_time(last, "%Y-%m-%d") if last else frame.t("no_data"),
            "generated": f"{beijing_time(dt.datetime.now(dt.UTC))} {frame.t('beijing_time')}",
            "policy": frame.catalog.policy,
            "issue": frame.issue,
        }
    )


SECTION = Section.titled(
    "cover", queries=("data_as_of", "last_delivery"), build=build, in_toc=False
)
