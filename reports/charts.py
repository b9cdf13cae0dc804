"""Plotly figures as plain JSON-ready dicts: plotly.js draws them, so Python never imports plotly here.

Suppressed district cells arrive from the queries with no figure; they are left out of the chart
and named in a footnote instead.
"""

from __future__ import annotations

import polars as pl

from core.catalog import Indicator

FONT = "Noto Sans CJK SC, Noto Sans SC, Noto Sans, sans-serif"
COLOURS = ("#1f4e79", "#2e7d32", "#b7791f", "#6a1b9a", "#c62828")
ROW_HEIGHT = 150
GAP = 0.06


def _axis_format(indicator: Indicator) -> dict:
    return {"tickformat": ".0%"} if indicator.display == "percent" else {"tickformat": "~s"}


def _wrap(text: str, width: int) -> str:
    """Break a long CJK or English label into lines plotly can show (annotations understand <br>)."""
    if " " in text:
        lines, line = [], ""
        for word in text.split():
            if line and len(line) + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        return "<br>".join([*lines, line])
    return "<br>".join(text[i : i + width] for i in range(0, len(text), width))


def _base_layout(height: int) -> dict:
    return {
        "height": height,
        "margin": {"l": 56, "r": 16, "t": 28, "b": 32},
        "font": {"family": FONT, "size": 11},
        "showlegend": False,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "annotations": [],
    }


def trend_figure(indicators: list[Indicator], trend: pl.DataFrame, lang: str) -> dict:
    """One small line chart per indicator, stacked, over every loaded week (all Beijing)."""
    count = len(indicators)
    layout = _base_layout(ROW_HEIGHT * count + 40)
    data = []
    for index, indicator in enumerate(indicators):
        suffix = "" if index == 0 else str(index + 1)
        top = 1 - index / count
        bottom = 1 - (index + 1) / count + (GAP if count > 1 else 0)
        series = trend.filter(pl.col("indicator_id") == indicator.id).sort("week")
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": series["week_label"].to_list(),
                "y": series["value"].to_list(),
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                "name": indicator.name.zh if lang == "zh" else indicator.name.en,
                "line": {"color": COLOURS[index % len(COLOURS)], "width": 2},
                "marker": {"size": 5},
                "connectgaps": False,
            }
        )
        layout[f"xaxis{suffix}"] = {
            "anchor": f"y{suffix}",
            "type": "category",
            "tickangle": 0,
            "nticks": 8,
            "showgrid": False,
        }
        layout[f"yaxis{suffix}"] = {
            "domain": [max(bottom, 0), top - 0.07 / count],
            "anchor": f"x{suffix}",
            "gridcolor": "#e5e7eb",
            "rangemode": "tozero",
            **_axis_format(indicator),
        }
        layout["annotations"].append(
            {
                "text": getattr(indicator.name, lang),
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": top,
                "xanchor": "left",
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 11, "color": "#374151"},
            }
        )
    return {"data": data, "layout": layout}


def district_figure(
    indicators: list[Indicator], districts: pl.DataFrame, lang: str
) -> tuple[dict | None, list[str]]:
    """Horizontal bars per indicator side by side, districts shared down the left.

    Suppressed cells are not drawn: their district keeps its row, labelled with the mark, and is
    returned by name for the footnote. Indicators without district figures this week (milestones,
    or no data) are left out; the figure is None when none has any.
    """
    shown_any = districts.filter(pl.col("suppressed") | pl.col("value").is_not_null())
    indicators = [i for i in indicators if (shown_any["indicator_id"] == i.id).any()]
    if not indicators:
        return None, []
    hidden = districts.filter(pl.col("suppressed"))["district_code"].unique()
    labelled = districts.with_columns(
        pl.when(pl.col("district_code").is_in(hidden.implode()))
        .then(pl.col("district_name") + " ※")
        .otherwise(pl.col("district_name"))
        .alias("label")
    )
    names = (
        labelled.select("district_code", "district_name", "label").unique().sort("district_code")
    )
    order = names["label"].to_list()
    count = len(indicators)
    layout = _base_layout(18 * len(order) + 90)
    per_line = max(5, 30 // count) if lang == "zh" else max(8, 60 // count)
    titles = [_wrap(getattr(i.name, lang), per_line) for i in indicators]
    lines = max(t.count("<br>") + 1 for t in titles)
    layout["margin"] = {"l": 150 if lang == "en" else 120, "r": 16, "t": 16 + 14 * lines, "b": 28}
    layout["height"] += 14 * lines
    layout["yaxis"] = {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": order,
        "range": [len(order) - 0.5, -0.5],
        "tickfont": {"size": 10},
    }
    data = []
    for index, indicator in enumerate(indicators):
        suffix = "" if index == 0 else str(index + 1)
        left = index / count
        right = (index + 1) / count - (0.04 if index < count - 1 else 0)
        rows = labelled.filter(pl.col("indicator_id") == indicator.id)
        shown = rows.filter(~pl.col("suppressed") & pl.col("value").is_not_null())
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "x": shown["value"].to_list(),
                "y": shown["label"].to_list(),
                "xaxis": f"x{suffix}",
                "yaxis": "y",
                "marker": {"color": COLOURS[index % len(COLOURS)]},
                "name": getattr(indicator.name, lang),
            }
        )
        layout[f"xaxis{suffix}"] = {
            "domain": [left, right],
            "anchor": "y",
            "gridcolor": "#e5e7eb",
            "rangemode": "tozero",
            **_axis_format(indicator),
        }
        layout["annotations"].append(
            {
                "text": titles[index],
                "xref": "paper",
                "yref": "paper",
                "x": (left + right) / 2,
                "y": 1,
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 10, "color": "#374151"},
            }
        )
    suppressed = names.filter(pl.col("district_code").is_in(hidden.implode()))
    return {"data": data, "layout": layout}, suppressed["district_name"].to_list()
