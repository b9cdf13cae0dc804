"""An indicator's SQL: its hand-written file, or its catalog template rendered with its parameters.

Parameter contract of an indicator query (DuckDB named parameters; a query uses any subset):
  $week_start     DATE    Monday of the week; a flow is run a second time with 1 January of the
                          year the week ends in here, which gives its year-to-date value (so a
                          flow filters on its event DATE, `event_date(source)`, not on event_week)
  $week_end       DATE    the next Monday (exclusive)
  $week_last      DATE    the Sunday: "at week end" means the end of this day
  $weeks4_start   DATE    Monday 3 weeks earlier: "the last 4 weeks" = [weeks4_start, week_end)
  $weeks52_start  DATE    Monday 51 weeks earlier: "the last 52 weeks" = [weeks52_start, week_end)
  $year_start     DATE    1 January of the calendar year the week ends in (where year-to-date begins)
  $measure_count  BIGINT  measures in the catalog

Temp tables prepared for the week (sql/context/*.sql and the reference data):
  grid(district_code)                      the reference districts plus '110000' (all Beijing)
  districts(district_code)                 the reference districts
  subdistricts(district_code, subdistrict) reference subdistricts (may be empty)
  enterprises_at_week_end, active_enterprises   registry records valid at week end (active: status)
  covering_enrollments, active_workers(worker_id_hash, district_code, enterprise_uscc)
  indicator_results                        meta queries only: the week's results computed so far

A query returns one row per district it can show, and the '110000' row, with columns
district_code, value, numerator, denominator, base_count (the people, enterprises or complaints
the figure rests on; NULL where there are none to protect). Rows a source cannot place in a
district (milestones) are simply absent for districts.

Templates (`sql/templates/<name>.sql`) take the parameters the catalog validated (core/catalog.py:
columns of the contract, filters parsed by DuckDB, known values) and are rendered by Jinja; the date
parameters stay DuckDB named parameters. Every file, hand-written or template, may import the shared
grouping-sets-and-grid tail from `sql/templates/_grid.sql`.
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


def indicator_sql(indicator: Indicator) -> str:
    """The SQL text that computes `indicator` for a week."""
    query = indicator.query
    if isinstance(query, str):
        return _environment().get_template(query).render()
    return _environment().get_template(f"{query.template}.sql").render(query.parameters())
