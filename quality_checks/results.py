"""Expectation outcomes and their home in the warehouse, `dq.results`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

SQL_DIR = Path(__file__).parent / "sql"


@dataclass(frozen=True)
class Outcome:
    """One expectation's result on one source's week (no row values: they may be personal)."""

    expectation: str
    column_name: str | None
    severity: str
    success: bool
    observed_value: str
    unexpected_count: int
    rule_zh: str = ""
    rule_en: str = ""


def ensure_dq(conn) -> None:
    """The dq schema, dq.results and the identifier macros the suites call."""
    conn.execute((SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    conn.execute((SQL_DIR / "results.sql").read_text(encoding="utf-8"))


def save_outcomes(conn, week: dt.date, source: str, outcomes: list[Outcome]) -> None:
    """Replace this week's and source's rows for these expectations, in one transaction."""
    names = [o.expectation for o in outcomes]
    checked_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = [
        (week, source, o.expectation, o.column_name, o.severity, o.success,
         o.observed_value, o.unexpected_count, checked_at)
        for o in outcomes
    ]  # fmt: skip
    conn.execute("begin transaction")
    try:
        conn.execute(
            "delete from dq.results where week = ? and source = ? and list_contains(?, expectation)",
            [week, source, names],
        )
        if rows:
            conn.executemany("insert into dq.results values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
