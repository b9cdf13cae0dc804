"""Expectation outcomes and their home in the warehouse, `dq.results`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

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


def save_outcomes(conn, source: str, by_week: Mapping[dt.date, Sequence[Outcome]]) -> None:
    """Replace these weeks' rows of the source's expectations, in one transaction and one Arrow
    hand-over (a row-by-row insert per week cost a year's backfill seconds)."""
    checked_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    # outcomes of expectations (a few dozen a week), not data rows
    rows = [
        (week, source, o.expectation, o.column_name, o.severity, o.success,
         o.observed_value, o.unexpected_count, checked_at)
        for week, outcomes in by_week.items()
        for o in outcomes
    ]  # fmt: skip
    columns = pl.from_arrow(conn.sql("select * from dq.results limit 0").to_arrow_table()).schema
    saved = pl.DataFrame(rows, schema=columns, orient="row").to_arrow()
    conn.execute("begin transaction")
    try:
        conn.register("dq_saved_outcomes", saved)
        conn.execute(
            "delete from dq.results r using dq_saved_outcomes o "
            "where r.week = o.week and r.source = o.source and r.expectation = o.expectation"
        )
        conn.execute("insert into dq.results select * from dq_saved_outcomes")
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    finally:
        conn.unregister("dq_saved_outcomes")
