"""An indicator's SQL: its hand-written file, or its catalog template rendered with its parameters.

Every query computes its indicator for every period of the run's grid at once (compute.py). The
grid is tables, one row per period [week_start, week_end) (a week, or any date range):
  periods(week_start, week_end, week_last, weeks4_start, weeks52_start, year_start, register_week)
    week_start     DATE  first day of the period (a Monday for a week); names the period
    week_end       DATE  the day after it (exclusive)
    week_last      DATE  its last day: "at period end" means the end of this day
    weeks4_start   DATE  week_end - 4 weeks: "the last 4 weeks" = [weeks4_start, week_end)
    weeks52_start  DATE  week_end - 52 weeks: "the last 52 weeks" = [weeks52_start, week_end)
    year_start     DATE  1 January of the year of week_last (where year-to-date begins)
    register_week  DATE  the Monday of week_last's week: the registers' state at period end is
                         the version valid in that reporting week (week_start for a week)
  period_grid(week_start, district_code)   every period x the reference districts and '110000'
  segments(seg_start, seg_end)             [earliest year_start, last week_end) cut at every
                                           period bound and 1 January: a flow's year-to-date is
                                           a running sum over its year's segments (a window)
A flow filters on its event DATE, `event_date(source)`, not on event_week, so a year-to-date from
1 January splits the week that straddles it.

Temp tables prepared for the grid (sql/context/*.sql and the reference data), each with the
period's week_start:
  grid(district_code), districts(district_code), subdistricts(district_code, subdistrict)
  enterprises_at_week_end, active_enterprises   registry records valid at period end (active: status)
  covering_enrollments (a view), active_workers(week_start, worker_id_hash, district_code,
                                                enterprise_uscc, skill_level)
  indicator_results                        meta queries only: the results computed so far

A query file may begin with statements that prepare what it reads and does not depend on the
periods (a person's spells of insurance cover): temp tables named `{{ run_tables }}_<name>`, a
prefix of the indicator's own. They read staging only (never the grid or the context), run once
a run, before its first pass, and are dropped when the run's figures are done (compute.py). The
file ends with the query proper, which runs once per pass.

A query returns, per period (week_start), one row per district it can show and the '110000' row,
with columns week_start, district_code, value, numerator, denominator, base_count (the people,
enterprises or complaints the figure rests on; NULL where there are none to protect), and for a
flow ytd_value. Rows a source cannot place in a district (milestones) are simply absent for
districts.

Templates (`sql/templates/<name>.sql`) take the parameters the catalog validated (core/catalog.py:
columns of the contract, filters parsed by DuckDB, known values) and are rendered by Jinja. Every
file, hand-written or template, may import the shared macros (grouping sets, the grid, periods,
year-to-date) from `sql/templates/_grid.sql`. `indicator_sql(indicator)` gives a standalone
script for one week: the grid built from the named parameters $week_start ... $year_start (the
week_params of compute.py), then the query.
"""

from __future__ import annotations

from functools import cache

import jinja2

from assets.indicators.statements import SQL_DIR
from core.catalog import Indicator
from core.contract import load_contract

TEMPLATE_DIR = SQL_DIR / "templates"


def _literal(value: object) -> str:
    """A catalog value (already validated) as a SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([TEMPLATE_DIR, SQL_DIR]),
        undefined=jinja2.StrictUndefined,  # a parameter a template names but the catalog lacks fails
        autoescape=False,  # SQL, not HTML: values were validated by the catalog instead
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["literal"] = _literal
    environment.globals["event_date"] = event_date
    return environment


def event_date(source: str) -> str:
    """The column that dates a source's events (the reporting week for a registry): a period is
    a range of dates, so a year-to-date from 1 January splits the week that straddles it."""
    return load_contract().sources[source].event_date or "week"


RUN_TABLES = "run_tables_"


def run_tables(indicator: Indicator) -> str:
    """The prefix of the temp tables an indicator's query prepares once a run."""
    return RUN_TABLES + "".join(c if c.isalnum() else "_" for c in indicator.id.lower())


def indicator_sql(indicator: Indicator, standalone: bool = True) -> str:
    """The SQL text that computes `indicator` over the grid; `standalone`: preceded by the
    statements that build a one-week grid from the named parameters (as `pmon explain` shows it;
    the context tables of sql/context/ are the engine's)."""
    query = indicator.query
    names = {"run_tables": run_tables(indicator)}
    if isinstance(query, str):
        text = _environment().get_template(query).render(names)
    else:
        template = _environment().get_template(f"{query.template}.sql")
        text = template.render(query.parameters() | names)
    if not standalone:
        return text
    grid = (SQL_DIR / "grid" / "periods.sql").read_text(encoding="utf-8")
    segments = (SQL_DIR / "grid" / "segments.sql").read_text(encoding="utf-8")
    return f"{grid}\n{segments}\n{text}"
