"""The suites run as plain DuckDB SQL: the submitter's pre-check, where GX would cost 12 s to import.

Each expectation's `unexpected_query` is the same text GX runs as an UnexpectedRowsExpectation
(or the SQL equivalent of its native expectation), so a file passes here iff it passes there.
"""

from __future__ import annotations

import polars as pl

from quality_checks.results import Outcome
from quality_checks.suites import Expectation


def unexpected_rows(conn, expectation: Expectation, batch_sql: str) -> pl.DataFrame:
    """The rows of `batch_sql` that break `expectation` (format un-doubles regex braces)."""
    query = expectation.unexpected_query().format(batch=f"({batch_sql})")
    return conn.sql(query).pl()


def run_suite(conn, suite: list[Expectation], batch_sql: str) -> list[tuple[Outcome, pl.DataFrame]]:
    """Every expectation's outcome and its unexpected rows."""
    total = conn.execute(f"select count(*) from ({batch_sql})").fetchall()[0][0]
    out = []
    for e in suite:
        bad = unexpected_rows(conn, e, batch_sql)
        observed = f"{bad.height} of {total} rows"
        outcome = Outcome(e.name, e.column, e.severity, bad.height == 0, observed, bad.height,
                          e.rule_zh, e.rule_en)  # fmt: skip
        out.append((outcome, bad))
    return out
