"""Plotly figures as plain JSON-ready dicts: plotly.js draws them, so Python never imports plotly here.

Suppressed district cells arrive from the queries with no figure; they are left out of the chart
and named in a footnote instead. Numbers read as people write them: counts as integers with
thousands separators, shares as %, never SI prefixes (500m, 1.2k); hover labels name the figure
and its unit in the report's language.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from core.catalog import Indicator

# screen: Noto CJK; the printed PDF swaps in PRINT_FONT (reports/html.py): Chromium embeds Noto
# CJK (CFF outlines) as Type 3 fonts, a TrueType CJK font as a real CID font
FONT = "Noto Sans CJK SC, Noto Sans SC, Noto Sans, sans-serif"
PRINT_FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
COLOURS = ("#1f4e79", "#2e7d32", "#b7791f", "#6a1b9a", "#c62828")
ROW_HEIGHT = 150
GAP = 0.06
HOVER_FORMATS = {
    "percent": ".1%",
    "decimal": ",.2f",
    "score": ",.2f",
    "days": ",.1f",
    "amount": ",.2f",
    "count": ",.0f",
}


def _axis_format(indicator: Indicator, values: list | None = None) -> dict:
    """Tick labels as people write numbers: shares as %, counts as integers with separators."""
    if indicator.display == "percent":
        return {"tickformat": ".0%"}
    if indicator.display == "count":
        small = max((v for v in values or [] if v is not None), default=0) < 5
        return {"tickformat": ",d", **({"dtick": 1} if small else {})}
    return {"tickformat": ",~f"}


def _unit(indicator: Indicator, lang: str) -> str:
    return "" if indicator.display == "percent" else f" {getattr(indicator.unit, lang)}"


def _panel_title(text: str, top: float) -> dict:
    """A stacked panel's title, left-aligned at the top of its domain."""
    return {
        "text": text, "xref": "paper", "yref": "paper", "x": 0, "y": top,
        "xanchor": "left", "yanchor": "top", "showarrow": False,
        "font": {"size": 11, "color": "#374151"},
    }  # fmt: skip


def _titled(indicator: Indicator, lang: str) -> str:
    """The indicator's name with its unit, as a panel title."""
    unit = getattr(indicator.unit, lang)
    if indicator.display == "percent" or not unit:
        return getattr(indicator.name, lang)
    return (
        f"{getattr(indicator.name, lang)}（{unit}）"
        if lang == "zh"
        else f"{indicator.name.en} ({unit})"
    )


def hover(indicator: Indicator, lang: str, x: str = "%{x}", y: str = "%{y}") -> str:
    """A hover label: the figure's name, where or when, the value with its unit (no trace box)."""
    value = y.replace("}", f":{HOVER_FORMATS.get(indicator.display, ',.2f')}}}")
    name = getattr(indicator.name, lang)
    return f"<b>{name}</b><br>{x}<br>{value}{_unit(indicator, lang)}<extra></extra>"


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
                "hovertemplate": hover(indicator, lang),
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
            **_axis_format(indicator, series["value"].to_list()),
        }
        layout["annotations"].append(_panel_title(getattr(indicator.name, lang), top))
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
                "hovertemplate": hover(indicator, lang, x="%{y}", y="%{x}"),
            }
        )
        layout[f"xaxis{suffix}"] = {
            "domain": [left, right],
            "anchor": "y",
            "gridcolor": "#e5e7eb",
            "rangemode": "tozero",
            "nticks": 4,
            **_axis_format(indicator, shown["value"].to_list()),
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


def projection_figure(
    indicators: list[Indicator], rows: pl.DataFrame, week: dt.date, lang: str, labels: dict
) -> dict | None:
    """Per flow with a target: the year to date week by week, the annual target, the schedule
    (target × share of the year) and the year-end projection with its 80 % band, stacked. None
    when no indicator of the measure has a year to date this year.

    `labels`: the legend words in the report's language (ytd, target, schedule, projection, band).
    """
    shown = [i for i in indicators if i.target and (rows["indicator_id"] == i.id).any()]
    if not shown:
        return None
    count = len(shown)
    layout = _base_layout(int(ROW_HEIGHT * 1.3) * count + 70)
    layout["showlegend"] = True
    layout["legend"] = {
        "orientation": "h", "x": 0, "y": 1, "yanchor": "bottom", "font": {"size": 10},
    }  # fmt: skip
    layout["margin"] = {"l": 64, "r": 16, "t": 40, "b": 28}
    year = (week + dt.timedelta(days=6)).year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    data = []
    for index, indicator in enumerate(shown):
        suffix = "" if index == 0 else str(index + 1)
        top = 1 - index / count
        bottom = 1 - (index + 1) / count + (GAP if count > 1 else 0)
        series = rows.filter(pl.col("indicator_id") == indicator.id).sort("week")
        days = [(w + dt.timedelta(days=6)).isoformat() for w in series["week"]]
        ytd = series["ytd_value"].to_list()
        target = indicator.target
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}  # no legend groups: one line
        first = index == 0  # one legend for every panel
        unit = _unit(indicator, lang)
        fmt = HOVER_FORMATS.get(indicator.display, ",.2f")
        data += [
            {"type": "scatter", "mode": "lines", "x": [start.isoformat(), end.isoformat()],
             "y": [0, target], "name": labels["schedule"], "showlegend": first,
             "line": {"color": "#9ca3af", "dash": "dot", "width": 1},
             "hovertemplate": f"{labels['schedule']}<br>%{{x}}<br>%{{y:{fmt}}}{unit}<extra></extra>",
             **axes},
            {"type": "scatter", "mode": "lines", "x": [start.isoformat(), end.isoformat()],
             "y": [target, target], "name": labels["target"], "showlegend": first,
             "line": {"color": "#c62828", "dash": "dash", "width": 1},
             "hovertemplate": f"{labels['target']} %{{y:{fmt}}}{unit}<extra></extra>",
             **axes},
            {"type": "scatter", "mode": "lines+markers", "x": days, "y": ytd,
             "name": labels["ytd"], "showlegend": first,
             "line": {"color": COLOURS[0], "width": 2}, "marker": {"size": 4},
             "hovertemplate": hover(indicator, lang, x=f"{labels['ytd']} %{{x}}"), **axes},
        ]  # fmt: skip
        last = series.tail(1).to_dicts()[0]
        top_value = max([target, *(v for v in ytd if v is not None)])
        if last["projected_year_end"] is not None:
            low, high = last["projection_low"], last["projection_high"]
            point = last["projected_year_end"]
            data += [
                {"type": "scatter", "mode": "lines", "fill": "toself", "x": [days[-1], end.isoformat(), end.isoformat(), days[-1]],
                 "y": [ytd[-1], high, low, ytd[-1]], "name": labels["band"], "showlegend": first,
                 "line": {"width": 0}, "fillcolor": "rgba(31,78,121,0.15)", "hoverinfo": "skip",
                 **axes},
                {"type": "scatter", "mode": "lines+markers", "x": [days[-1], end.isoformat()],
                 "y": [ytd[-1], point], "name": labels["projection"], "showlegend": first,
                 "line": {"color": COLOURS[0], "dash": "dash", "width": 1.5}, "marker": {"size": 5},
                 "customdata": [[low, high]] * 2,
                 "hovertemplate": f"<b>{getattr(indicator.name, lang)}</b><br>{labels['projection']} "
                 f"%{{y:{fmt}}}{unit}<br>{labels['band']} %{{customdata[0]:{fmt}}} – "
                 f"%{{customdata[1]:{fmt}}}{unit}<extra></extra>",
                 **axes},
            ]  # fmt: skip
            top_value = max(top_value, high)
        layout[f"xaxis{suffix}"] = {
            "anchor": f"y{suffix}",
            "type": "date",
            "range": [start.isoformat(), end.isoformat()],
            "tickformat": "%-m月" if lang == "zh" else "%b",
            "dtick": "M2",
            "showgrid": False,
        }
        layout[f"yaxis{suffix}"] = {
            "domain": [max(bottom, 0), top - 0.16 / count],
            "anchor": f"x{suffix}",
            "gridcolor": "#e5e7eb",
            "rangemode": "tozero",
            **_axis_format(indicator, [top_value]),
        }
        layout["annotations"].append(_panel_title(_titled(indicator, lang), top))
    return {"data": data, "layout": layout}
