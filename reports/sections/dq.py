"""Data quality: deliveries by source, the district × source delivery matrix, what is missing and
which expectations failed. Who owes which file comes from the contract's `expected_from`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from core.contract import load_reference
from reports.common import source_title, sources_expected_from
from reports.model import Frame, Part, Section


def _by_source(delivery: pl.DataFrame, frame: Frame) -> list[dict]:
    """The week's totals per delivered source, named as the contract names them."""
    totals = delivery.group_by("source").agg(pl.exclude("district_code").sum()).sort("source")
    return [
        row | {"source_name": source_title(row["source"], frame.t, frame.lang)}
        for row in totals.to_dicts()
    ]


def _missing(files: dict[tuple[str | None, str], int], frame: Frame) -> list[dict]:
    """Every owed file not received: each district's per district source, the city's once."""
    districts = [(d.code, getattr(d, frame.lang)) for d in load_reference().districts]
    delivered = {source for _, source in files}
    missing = [
        {"district": name, "source": source_title(s.name, frame.t, frame.lang)}
        for code, name in districts
        for s in sources_expected_from("districts")
        if not files.get((code, s.name))
    ]
    return missing + [
        {"district": frame.t("all_beijing"), "source": source_title(s.name, frame.t, frame.lang)}
        for s in sources_expected_from("city")
        if s.name not in delivered
    ]


def build(frame: Frame, results: Mapping[str, Any]) -> Part:
    delivery: pl.DataFrame = results["data_delivery"]
    failed: pl.DataFrame | None = results["dq_failed"]
    files = {(r["district_code"], r["source"]): r["files"] for r in delivery.to_dicts()}
    columns = sources_expected_from("districts")
    matrix = [
        {"name": getattr(d, frame.lang), "cells": [files.get((d.code, s.name), 0) for s in columns]}
        for d in load_reference().districts
    ]
    missing = _missing(files, frame)
    expected = len(matrix) * len(columns) + len(sources_expected_from("city"))
    return Part(
        {
            "by_source": _by_source(delivery, frame),
            "sources": [source_title(s.name, frame.t, frame.lang) for s in columns],
            "matrix": matrix,
            "missing": missing,
            "completeness": f"{(expected - len(missing)) / expected:.0%}" if expected else "–",
            "validated": failed is not None,
            "misfiled": results["inbox_anomalies"].to_dicts(),
            "failed": [
                row | {"source_name": source_title(row["source"], frame.t, frame.lang)}
                for row in ([] if failed is None else failed.to_dicts())
            ],
        }
    )


# staff notes: per-district delivered rows could be set against a suppressed district cell
SECTION = Section.titled(
    "dq",
    queries=("data_delivery", "dq_failed", "inbox_anomalies"),
    build=build,
    editions=("internal",),
)
