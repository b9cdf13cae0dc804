"""What validation costs: GX against the same suite as plain DuckDB SQL, for `pmon bench`."""

from __future__ import annotations

import datetime as dt
import sys
import time


def measure_cost(conn, source: str, week: dt.date) -> dict:
    """Seconds to import GX, run the suite with GX, and run it as SQL, on staging.<source>."""
    from quality_checks.engine import run_suite
    from quality_checks.suites import build_suite

    started = time.perf_counter()
    fresh = "great_expectations" not in sys.modules
    import great_expectations  # noqa: F401

    imported = time.perf_counter() - started
    from quality_checks.validate import validate_week

    started = time.perf_counter()
    outcomes = validate_week(conn, source, week)
    with_gx = time.perf_counter() - started
    batch = f"select * from staging.{source} where week = date '{week}'"
    started = time.perf_counter()
    plain = run_suite(conn, build_suite(source, week), batch)
    with_sql = time.perf_counter() - started
    rows = conn.execute(f"select count(*) from ({batch})").fetchall()[0][0]
    return {
        "source": source,
        "rows": rows,
        "expectations": len(outcomes),
        "gx_import_seconds": round(imported, 3) if fresh else None,
        "gx_seconds": round(with_gx, 3),
        "sql_seconds": round(with_sql, 3),
        "same_failures": sorted(o.expectation for o in outcomes if not o.success)
        == sorted(o.expectation for o, _ in plain if not o.success),
    }
