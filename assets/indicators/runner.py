"""The indicator layer's entry points for callers outside it (the mart asset, the benchmark,
other layers' tests). Each concern lives in its own module:

  statements  running SQL files (split by DuckDB's parser)     queries  an indicator's SQL text
  compute     one week's figures and deliveries                  rating   targets, progress, status
  marts       build, write and restate the marts' weeks

Adding an indicator is a catalog entry (a template with parameters, or `sql/<indicator id>.sql`);
nothing here changes.
"""

from assets.indicators.compute import week_values
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
    "rate",
    "restated_weeks",
    "run_sql",
    "sql_text",
    "week_values",
    "write_weeks",
]
