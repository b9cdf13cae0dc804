"""Data quality in plain words: who fell short (districts and files by name: missing deliveries,
refused files, quarantined rows), which rules the week's data broke (the rule's wording, not its
check code), deliveries by source and the district × source matrix; a link to the offline
data-quality pages. Who owes which file comes from the contract's `expected_from`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from core.contract import load_reference
from reports.common import source_title, sources_expected_from
from reports.model import Frame, Part, Section

# the offline data-quality pages (quality_checks/pages.py) from <data dir>/reports/<period>/
DQ_PAGES = "../../dq/index.html"


def _rules(source: str, week) -> dict[str, tuple[str, str]]:
    """Each expectation's rule in Chinese and English, from the suite that produced it."""
    from quality_checks.suites import build_suite

    try:
        return {e.name: (e.rule_zh, e.rule_en) for e in build_suite(source, week)}
    except KeyError:  # a source no longer in the contract keeps no rule text
        return {}


def _shortfalls(delivery: pl.DataFrame, rejected: pl.DataFrame, frame: Frame) -> list[dict]:
    """Per district that fell short, one line: each source's refused files and quarantined rows
    in plain words, the refused files named with the loader's reason."""
    names = {d.code: getattr(d, frame.lang) for d in load_reference().districts}
    files: dict[str | None, list[str]] = {}
    for row in rejected.to_dicts():  # the week's refused files: a handful
        files.setdefault(row["district_code"], []).append(row["message"])
    problems: dict[str | None, list[str]] = {}
    short = delivery.filter((pl.col("files_rejected") > 0) | (pl.col("rows_quarantined") > 0))
    for row in short.sort("district_code", "source", nulls_last=True).to_dicts():
        parts = []
        if row["files_rejected"]:
            parts.append(frame.t("dq_refused", n=row["files_rejected"]))
        if row["rows_quarantined"]:
            parts.append(
                frame.t(
                    "dq_quarantined",
                    n=f"{row['rows_quarantined']:,}",
                    read=f"{row['rows_read']:,}",
                )
            )
        source = source_title(row["source"], frame.t, frame.lang)
        problems.setdefault(row["district_code"], []).append(
            f"{source}{frame.t('colon')}{frame.t('list_sep').join(parts)}"
        )
    for code, messages in files.items():  # refused files behind no delivery row
        if code not in problems:
            problems[code] = [frame.t("dq_refused", n=len(messages))]
    order = [d.code for d in load_reference().districts]
    return [
        {
            "district": names.get(code, frame.t("all_beijing")),
            "text": frame.t("semi").join(problems[code]),
            "files": files.get(code, []),
        }
        for code in sorted(problems, key=lambda c: order.index(c) if c in order else len(order))
    ]


def _broken_rules(failed: pl.DataFrame | None, frame: Frame) -> list[dict]:
    """The week's failed expectations as sentences: the source, the rule, how many rows."""
    if failed is None:
        return []
    index = 0 if frame.lang == "zh" else 1
    rules: dict[str, dict] = {}
    out = []
    for row in failed.to_dicts():  # failed expectations of one week: a handful
        source = row["source"]
        if source not in rules:
            rules[source] = _rules(source, frame.week)
        rule = rules[source].get(row["expectation"])
        out.append(
            {
                "source": source_title(source, frame.t, frame.lang),
                "rule": rule[index] if rule else row["expectation"],
                "column": row["column_name"],
                "severity": frame.t(f"severity.{row['severity']}"),
                "blocking": row["severity"] == "error",
                "count": row["unexpected_count"],
            }
        )
    return out


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
            "shortfalls": _shortfalls(delivery, results["rejected_files"], frame),
            "rules": _broken_rules(failed, frame),
            "dq_pages": DQ_PAGES,
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
    queries=("data_delivery", "dq_failed", "inbox_anomalies", "rejected_files"),
    build=build,
    editions=("internal",),
)
