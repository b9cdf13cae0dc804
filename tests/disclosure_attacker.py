"""A careful reader of the published figures, trying to work out suppressed cells again.

Written apart from the suppression code (it never imports `assets.indicators.disclosure`): it
knows only what is published (the analyst database, the public workbook and HTML) and the
relations a reader can guess between the figures:

- totals over districts: all Beijing = the sum of the districts (value of counts, year to
  date, numerator, denominator, base count);
- differences over weeks: value this week - value last week = week-over-week change;
- year to date: ytd this week - ytd last week = this week's value (same year);
- numerator/denominator: a flow's value is its numerator; a ratio's value × denominator is its
  numerator when both are shown.

- side tables: every other table of a published database (`read_tables`) is summed by week
  and district, whole and per value of each of its categorical columns, each numeric column
  and each difference of two; a series that equals an indicator's figure (value, numerator,
  denominator or base) wherever both exist, and that the reader can see doing so on published
  cells, stands in for that figure on the hidden cells too.

It keeps a relation only where the true figures satisfy it (so it is never misled, a stronger
reader than a real one), then bounds every suppressed cell by linear programming (each unknown
≥ 0): a cell is recovered when its feasible range is at most 4 wide, i.e. some guess is within
±2 of it whatever its true value.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import openpyxl
from scipy.optimize import linprog

CITY = "110000"
QUANTITIES = ("value", "ytd_value", "numerator", "denominator", "base_count")
ADDITIVE_VALUE_KINDS = ("flow", "state")
WITHIN = 2.0
Cell = tuple[str, dt.date, str]  # indicator, week, district
Fact = tuple[str, dt.date, str, str]  # indicator, week, district, quantity


@dataclass
class Published:
    """Every number a reader sees, by (indicator, week, district, quantity), and the week-over-week
    changes; `hidden` are the cells marked suppressed."""

    facts: dict[Fact, float] = field(default_factory=dict)
    wow: dict[Cell, float] = field(default_factory=dict)
    hidden: set[Cell] = field(default_factory=set)
    conflicts: list[str] = field(default_factory=list)
    # side series from the other tables: name -> {(week, district): figure}
    side: dict[str, dict[tuple[dt.date, str], float]] = field(default_factory=dict)
    tables: list[str] = field(default_factory=list)  # every table read

    def add(self, key: Fact, value: float | None) -> None:
        if value is None:
            return
        known = self.facts.get(key)
        if known is not None and abs(known - value) > 1e-6 * max(1, abs(value)):
            self.conflicts.append(f"{key}: {known} vs {value}")
        self.facts[key] = float(value)


# ---- reading what is published ----------------------------------------------------------------


def read_analyst(conn, published: Published) -> None:
    """analyst.indicator_weekly, every week, as `pmon sql` shows it."""
    rows = conn.sql(
        "select indicator_id, week, district_code, value, ytd_value, wow_change, numerator, "
        "denominator, base_count, suppressed from analyst.indicator_weekly"
    ).fetchall()
    for ind, week, code, value, ytd, wow, num, den, base, suppressed in rows:
        for name, figure in zip(QUANTITIES, (value, ytd, num, den, base), strict=True):
            published.add((ind, week, code, name), figure)
        if wow is not None:
            published.wow[(ind, week, code)] = float(wow)
        if suppressed:
            published.hidden.add((ind, week, code))


SIDE_CATEGORIES = 60  # a text column with at most this many values is a category to split by


def read_database(conn, published: Published) -> None:
    """Every table of a published analyst database: indicator_weekly as figures, every other
    one as side series (`read_tables`)."""
    names = [n for (n,) in conn.sql(
        "select table_name from duckdb_tables() where database_name = current_database() "
        "union select view_name from duckdb_views() where database_name = current_database() "
        "and not internal order by 1").fetchall()]  # fmt: skip
    for name in names:
        if name == "indicator_weekly":
            read_analyst(conn, published)
        else:
            read_table(conn, name, published)
        published.tables.append(name)


def read_table(conn, name: str, published: Published) -> None:
    """One table as side series: numeric and yes/no columns (and a row count) summed per week
    and district (`110000` for the sum over districts, or for a table without districts), for
    all rows and per value of each categorical column; and each difference of two columns. A
    table without a week column (the name tables) holds no weekly figure."""
    columns = dict(conn.sql(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = current_database() and table_name = ?", params=[name]
    ).fetchall())  # fmt: skip
    if columns.get("week") != "DATE":
        return
    numeric = [c for c, t in columns.items()
               if c != "week" and (t in ("BIGINT", "INTEGER", "HUGEINT", "DOUBLE", "BOOLEAN")
                                   or t.startswith("DECIMAL"))]  # fmt: skip
    figures = ['count(*)::double as "rows"'] + [
        f'sum("{c}"::double) as "{c}"' if columns[c] != "BOOLEAN"
        else f'count(*) filter (where "{c}")::double as "{c}"' for c in numeric
    ]  # fmt: skip
    measures = ["rows", *numeric]
    text = [c for c, t in columns.items() if t == "VARCHAR" and c != "district_code"]
    splits: list[str | None] = [None]
    for column in text:
        distinct = conn.sql(f'select count(distinct "{column}") from "{name}"').fetchall()[0][0]
        if 0 < distinct <= SIDE_CATEGORIES:
            splits.append(column)
    district = "district_code" if "district_code" in columns else None
    for split in splits:
        keys = ["week"] + ([f'"{split}"'] if split else [])
        for by_district in [True, False] if district else [False]:
            group = keys + (["district_code"] if by_district else [])
            rows = conn.sql(
                f'select {", ".join(group)}, {", ".join(figures)} from "{name}" '
                f"group by {', '.join(group)}"
            ).fetchall()
            _add_series(published, name, split, by_district, measures, rows)


def _add_series(published: Published, table: str, split: str | None, by_district: bool,
                measures: list[str], rows: list[tuple]) -> None:  # fmt: skip
    """Each measure and difference of two as a series; a district absent from a week a table
    covers had none of it (0)."""
    width = 1 + (split is not None) + by_district
    weeks = {r[0] for r in rows}
    codes = {r[width - 1] for r in rows} if by_district else {CITY}
    categories = {r[1] for r in rows} if split else {None}
    pairs = [(a, None) for a in range(len(measures))] + [
        (a, b) for a in range(len(measures)) for b in range(len(measures)) if a != b
    ]
    for category in categories:
        for a, b in pairs:
            label = measures[a] + ("" if b is None else f"-{measures[b]}")
            where = f"[{split}={category}]" if split else ""
            series = {(w, c): 0.0 for w in weeks for c in codes if c is not None}
            for row in rows:
                if split and row[1] != category:
                    continue
                code = row[width - 1] if by_district else CITY
                if code is None:
                    continue
                values = [v or 0.0 for v in row[width:]]  # a sum over no value is none of it
                figure = values[a] - (0.0 if b is None else values[b])
                series[(row[0], code)] = series.get((row[0], code), 0.0) + figure
            key = f"{table}{where}.{label}" + ("" if by_district else "@city")
            published.side[key] = series


def read_workbook(path, week: dt.date, published: Published) -> None:
    """The public workbook's all-indicator sheet: code in D, this week F, YTD G, change J (a
    share's change in percentage points: the cell's format says so, read back as a fraction)."""
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book[book.sheetnames[1]]
    for cells in sheet.iter_rows(min_row=4):
        row = [c.value for c in cells]
        if not row[1] or not row[3]:
            continue
        ind, code = row[1], str(row[3])
        published.add((ind, week, code, "value"), _number(row[5]))
        published.add((ind, week, code, "ytd_value"), _number(row[6]))
        if _number(row[9]) is not None:
            points = "百分点" in cells[9].number_format or " pp" in cells[9].number_format
            published.wow[(ind, week, code)] = float(row[9]) / (100 if points else 1)
        if row[11]:
            published.hidden.add((ind, week, code))


def _number(cell) -> float | None:
    return float(cell) if isinstance(cell, int | float) else None


class _Figures(html.parser.HTMLParser):
    """The report page's embedded chart data (`<script id="figures">`)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.text = False, ""

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "script" and ("id", "figures") in attrs

    def handle_data(self, data):
        if self.inside:
            self.text += data

    def handle_endtag(self, tag):
        self.inside = False


def read_html(text: str, week: dt.date, names: dict[str, str], indicator_names: dict[str, str],
              published: Published) -> None:  # fmt: skip
    """Every district bar the public page draws: indicator by trace name, district by label."""
    parser = _Figures()
    parser.feed(text)
    figures = json.loads(parser.text)
    by_name = {label: code for code, label in names.items()}
    for figure_id, figure in figures.items():
        if not figure_id.startswith("districts-"):
            continue
        for trace in figure["data"]:
            ind = indicator_names[trace["name"]]
            for x, label in zip(trace["x"], trace["y"], strict=True):
                code = by_name.get(re.sub(r"\s*※$", "", label))
                if code is None:
                    published.conflicts.append(f"unknown district label {label!r}")
                    continue
                published.add((ind, week, code, "value"), x)


# ---- the attack -------------------------------------------------------------------------------


@dataclass
class Truth:
    """The true figures (the internal mart), used to keep only relations that really hold and to
    judge a recovery."""

    figures: dict[Fact, float]
    kinds: dict[str, str]
    suppressed: set[Cell]

    def get(self, key: Fact) -> float | None:
        return self.figures.get(key)


def _relations(ind: str, truth: Truth, published: Published, weeks: list[dt.date],
               codes: list[str]) -> list[tuple[dict[Fact, float], float]]:  # fmt: skip
    """Linear relations Σ coef·fact = constant that hold for the true figures."""
    kind = truth.kinds[ind]
    relations: list[tuple[dict[Fact, float], float]] = []
    districts = [c for c in codes if c != CITY]
    for week in weeks:
        for q in QUANTITIES:
            if q == "value" and kind not in ADDITIVE_VALUE_KINDS:
                continue
            terms = {
                (ind, week, c, q): 1.0
                for c in districts
                if truth.get((ind, week, c, q)) is not None
            }
            if truth.get((ind, week, CITY, q)) is None or not terms:
                continue
            terms[(ind, week, CITY, q)] = -1.0
            relations.append((terms, 0.0))
        for code in codes:
            cell = (ind, week, code)
            prev = week - dt.timedelta(weeks=1)
            if cell in published.wow and prev in weeks:
                terms = {(ind, week, code, "value"): 1.0, (ind, prev, code, "value"): -1.0}
                relations.append((terms, published.wow[cell]))
            if kind == "flow" and prev in weeks and prev.year == week.year:  # same monitoring year
                relations.append(({(ind, week, code, "ytd_value"): 1.0,
                                   (ind, prev, code, "ytd_value"): -1.0,
                                   (ind, week, code, "value"): -1.0}, 0.0))  # fmt: skip
            if kind == "flow":
                relations.append(({(ind, week, code, "value"): 1.0,
                                   (ind, week, code, "numerator"): -1.0}, 0.0))  # fmt: skip
    return [
        r for r in relations if _holds(r, truth) and all(truth.get(k) is not None for k in r[0])
    ]


def _holds(relation: tuple[dict[Fact, float], float], truth: Truth) -> bool:
    terms, constant = relation
    values = [truth.get(k) for k in terms]
    if any(v is None for v in values):
        return False
    total = sum(coef * v for coef, v in zip(terms.values(), values, strict=True))
    return abs(total - constant) <= 1e-6 * max(1.0, *(abs(v) for v in values))


def _ratio_facts(ind: str, truth: Truth, published: Published) -> None:
    """A shown share and denominator give the numerator (and back)."""
    if truth.kinds[ind] != "ratio":
        return
    for (i, week, code, q), value in list(published.facts.items()):
        if i != ind or q != "value":
            continue
        den = published.facts.get((ind, week, code, "denominator"))
        if den is not None and truth.get((ind, week, code, "numerator")) is not None:
            published.add((ind, week, code, "numerator"), value * den)


@dataclass
class Recovery:
    cell: Cell
    quantity: str
    low: float
    high: float
    true: float


SIDE_QUANTITIES = ("value", "numerator", "denominator", "base_count")
SIDE_EVIDENCE = 3  # published cells a series must be seen to match
SIDE_SPAN = 2 * WITHIN + 1  # ... over a range wider than a guess within ±2 could cover


def _side_matches(ind: str, truth: Truth, published: Published):
    """Side series that track one of the indicator's figures: within ±2 of it on every cell both
    hold (exactly, or not), and seen to be so on published cells spanning more than a ±2 guess
    (so no constant or coincidence passes). Yields (series, quantity, exact, cells)."""
    for q in SIDE_QUANTITIES:
        figures = {(w, c): v for (i, w, c, qq), v in truth.figures.items()
                   if i == ind and qq == q}  # fmt: skip
        if not figures:
            continue
        for name, series in published.side.items():
            common = figures.keys() & series.keys()
            gaps = [abs(figures[k] - series[k]) for k in common]
            if not common or max(gaps) > WITHIN + 1e-6:
                continue
            seen = [figures[k] for k in common if (ind, *k, q) in published.facts]
            if len(seen) < SIDE_EVIDENCE or max(seen) - min(seen) < SIDE_SPAN:
                continue
            yield name, q, max(gaps) <= 1e-6, common


def _side_facts(ind: str, truth: Truth, published: Published) -> list[Recovery]:
    """An exact series' figures become facts (for the relations); an approximate one recovers
    every suppressed cell it covers within ±2 directly."""
    found = []
    for name, q, exact, cells in _side_matches(ind, truth, published):
        series = published.side[name]
        for week, code in sorted(cells):
            if exact:
                published.add((ind, week, code, q), series[(week, code)])
            elif (ind, week, code) in truth.suppressed:
                guess = series[(week, code)]
                true = truth.figures[(ind, week, code, q)]
                found.append(Recovery((ind, week, code), q, guess - WITHIN, guess + WITHIN, true))
    return found


def attack_indicator(ind: str, truth: Truth, published: Published) -> list[Recovery]:
    """Bound every suppressed cell of one indicator over all weeks; the recovered ones."""
    found = _side_facts(ind, truth, published)
    _ratio_facts(ind, truth, published)
    weeks = sorted({w for (i, w, _) in truth.suppressed | published.hidden if i == ind}
                   | {w for (i, w, _, _) in truth.figures if i == ind})  # fmt: skip
    codes = sorted({c for (i, _, c, _) in truth.figures if i == ind})
    relations = _relations(ind, truth, published, weeks, codes)
    unknowns = sorted({k for terms, _ in relations for k in terms if k not in published.facts})
    index = {k: n for n, k in enumerate(unknowns)}
    rows, rhs = [], []
    for terms, constant in relations:
        row = np.zeros(len(unknowns))
        known = constant
        for key, coef in terms.items():
            if key in index:
                row[index[key]] += coef
            else:
                known -= coef * published.facts[key]
        if row.any():
            rows.append(row)
            rhs.append(known)
    for cell in sorted(c for c in truth.suppressed if c[0] == ind):
        for q in ("value", "numerator", "denominator", "base_count"):
            key = (*cell, q)
            true = truth.get(key)
            if true is None or (q == "value" and truth.kinds[ind] not in ADDITIVE_VALUE_KINDS):
                continue
            if key in published.facts:
                found.append(Recovery(cell, q, published.facts[key], published.facts[key], true))
                continue
            if key not in index or not rows:
                continue  # in no relation: unbounded
            low, high = _bounds(np.array(rows), np.array(rhs), index[key])
            if high - low <= 2 * WITHIN + 1e-6:
                found.append(Recovery(cell, q, low, high, true))
    return found


def _bounds(a_eq: np.ndarray, b_eq: np.ndarray, target: int) -> tuple[float, float]:
    """min and max of one unknown subject to the relations, every unknown ≥ 0."""
    c = np.zeros(a_eq.shape[1])
    c[target] = 1.0
    low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if low.status != 0 or high.status != 0:  # unbounded (or, never for true data, infeasible)
        return (low.fun if low.status == 0 else 0.0), float("inf")
    return float(low.fun), float(-high.fun)


def attack(truth: Truth, published: Published, indicators: Iterable[str]) -> list[Recovery]:
    """Every recovered suppressed cell of the given indicators."""
    return [r for ind in indicators for r in attack_indicator(ind, truth, published)]
