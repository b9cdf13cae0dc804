"""The cover: who issues the report, for which week, and how fresh its data is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from reports.model import Frame, Part, Section


def build(frame: Frame, results: Mapping[str, Any]) -> Part:
    as_of = results["data_as_of"]
    return Part(
        {
            "week_start": frame.week.isoformat(),
            "week_end": (frame.week + dt.timedelta(days=6)).isoformat(),
            "data_as_of": as_of.strftime("%Y-%m-%d %H:%M") if as_of else frame.t("no_data"),
            "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "policy": frame.catalog.policy,
        }
    )


SECTION = Section.titled("cover", queries=("data_as_of",), build=build, in_toc=False)
