"""The district league table (区县排名通报): a fair score per district, its rank and the change in
rank since the week before, its two weakest indicators; districts rated on too few indicators
are listed apart as 数据不足 instead of being ranked on a handful of figures.

Score = mean over the district's rated indicators (those with a target at district level and
enough base: never a suppressed cell) of progress capped at the catalog's
`league_progress_cap`, so one runaway figure cannot hide the others. A district needs
`league_min_indicators` such indicators to be ranked. Counting red cells instead ranks large
districts with many rated indicators below small ones with a few, all red.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import polars as pl

from core.contract import load_reference
from reports.model import Cell, Frame, Part, Section, Sheet


def scores(rows: pl.DataFrame, week: dt.date, cap: float, minimum: int) -> pl.DataFrame:
    """One row per district with a rated indicator in `week`: score, scored, rank (None below the
    minimum) and the indicators ordered weakest first. `rows`: indicator_id, week, district_code,
    progress (already restricted to rateable figures)."""
    week_rows = rows.filter(pl.col("week") == week).with_columns(
        pl.col("progress").clip(upper_bound=cap).alias("capped")
    )
    table = (
        week_rows.sort("capped", "indicator_id")
        .group_by("district_code")
        .agg(
            pl.col("capped").mean().alias("score"),
            pl.len().alias("scored"),
            pl.col("indicator_id").alias("weakest"),
            pl.col("progress").alias("weakest_progress"),
            (pl.col("status") == "off_track").sum().alias("off_track"),
        )
    )
    ranked = table.filter(pl.col("scored") >= minimum).with_columns(
        pl.col("score").rank("min", descending=True).cast(pl.Int64).alias("rank")
    )
    unranked = table.filter(pl.col("scored") < minimum).with_columns(
        pl.lit(None, pl.Int64).alias("rank")
    )
    return pl.concat([ranked, unranked]).sort(
        pl.col("rank").is_null(), "rank", pl.col("score").neg(), "district_code"
    )


def league(rows: pl.DataFrame, week: dt.date, cap: float, minimum: int) -> pl.DataFrame:
    """This week's table with `previous_rank` and `rank_change` (positive: moved up)."""
    now = scores(rows, week, cap, minimum)
    before = scores(rows, week - dt.timedelta(days=7), cap, minimum).select(
        "district_code", pl.col("rank").alias("previous_rank")
    )
    return now.join(before, on="district_code", how="left", maintain_order="left").with_columns(
        (pl.col("previous_rank") - pl.col("rank")).alias("rank_change")
    )


def _arrow(change: int | None, t) -> str:
    if change is None:
        return t("league_new")
    if change == 0:
        return "→"
    return f"↑{change}" if change > 0 else f"↓{-change}"


def build(frame: Frame, results: Mapping[str, Any]) -> Part:
    defaults = frame.catalog.defaults
    cap, minimum = defaults.league_progress_cap, defaults.league_min_indicators
    table = league(results["league_table"], frame.week, cap, minimum)
    names = {d.code: getattr(d, frame.lang) for d in load_reference().districts}
    indicator_names = {i.id: frame.text(i.name) for i in frame.catalog.indicators}
    rows, insufficient = [], []
    for row in table.to_dicts():  # one per district (17), not data rows
        name = names.get(row["district_code"], row["district_code"])
        weakest = [
            {"id": i, "name": indicator_names.get(i, i), "progress": f"{p * 100:.0f}%"}
            for i, p in zip(row["weakest"][:2], row["weakest_progress"][:2], strict=True)
        ]
        entry = {
            "code": row["district_code"],
            "name": name,
            "score": f"{row['score'] * 100:.1f}%",
            "score_value": row["score"],
            "scored": row["scored"],
            "off_track": row["off_track"],
            "rank": row["rank"],
            "previous_rank": row["previous_rank"],
            "rank_change": row["rank_change"],
            "arrow": _arrow(row["rank_change"], frame.t),
            "weakest": weakest,
        }
        (rows if row["rank"] is not None else insufficient).append(entry)
    scored = set(table["district_code"])
    insufficient += [
        {"code": d.code, "name": getattr(d, frame.lang), "scored": 0}
        for d in load_reference().districts
        if d.code not in scored
    ]
    return Part(
        {
            "intro": frame.t("league_intro", cap=f"{cap:.0%}", n=minimum),
            "rows": rows,
            "insufficient": insufficient,
            "minimum": minimum,
        }
    )


def sheets(frame: Frame, content: Mapping[str, Any]) -> list[Sheet]:
    t = frame.t
    rows = [
        (
            Cell(r["rank"], "count"),
            Cell(r["code"]),
            Cell(r["name"]),
            Cell(r["score_value"], "percent"),
            Cell(r["scored"], "count"),
            Cell(r["off_track"], "count"),
            Cell(r["previous_rank"], "count"),
            Cell(r["arrow"]),
            Cell(t("list_sep").join(f"{w['name']} {w['progress']}" for w in r["weakest"])),
        )
        for r in content["rows"]
    ]
    rows += [
        (Cell(t("league_insufficient")), Cell(r["code"]), Cell(r["name"]), Cell(None),
         Cell(r["scored"], "count"))
        for r in content["insufficient"]
    ]  # fmt: skip
    return [
        Sheet(
            name=t("league"),
            title=f"{t('league')} · {frame.week_label}",
            header=(
                t("league_rank"),
                t("district_code"),
                t("district"),
                t("league_score"),
                t("league_scored"),
                t("league_off_track"),
                t("league_previous"),
                t("league_change"),
                t("league_weakest"),
            ),
            rows=rows,
            notes=(content["intro"],),
            widths=(8, 12, 12, 12, 12, 12, 12, 10, 60),
        )
    ]


SECTION = Section.titled("league", queries=("league_table",), build=build, sheets=sheets)
