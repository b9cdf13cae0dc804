"""The indicator layer's entry points for callers outside it (the mart asset, the benchmark,
other layers' tests). Each concern lives in its own module:

  statements  running SQL files (split by DuckDB's parser)     queries  an indicator's SQL text
  compute     the set-based engine: every indicator once over a grid of periods x districts
              (deliveries masking included)                      rating   targets, progress, status
  marts       build, write and restate the marts' weeks

Figures without the marts (columns measure_id, indicator_id, district_code, value, ytd_value,
numerator, denominator, base_count):
  range_values(conn, catalog, start, end)  every indicator for ONE date range [start, end): a
                                           calendar month or quarter as well as a week
  week_values(conn, catalog, week)         the same for the week starting on `week` (a Monday)
  weeks_values(conn, catalog, weeks)       many weeks at once (one query per indicator), with `week`

Adding an indicator is a catalog entry (a template with parameters, or `sql/<indicator id>.sql`);
nothing here changes.
"""

from assets.indicators.compute import range_values, week_values, weeks_values
from assets.indicators.marts import (
    MartWeeks,
    build_weeks,
    materialize_weeks,
    restated_weeks,
    write_weeks,
)
from assets.indicators.rating import rate
from assets.indicators.statements import SQL_DIR, run_sql, sql_text

__all__ = [
    "SQL_DIR",
    "MartWeeks",
    "build_weeks",
    "materialize_weeks",
    "range_values",
    "rate",
    "restated_weeks",
    "run_sql",
    "sql_text",
    "week_values",
    "weeks_values",
    "write_weeks",
]
