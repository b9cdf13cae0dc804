"""Marts built by hand for the report tests, as docs/warehouse.md defines them."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from assets.indicators.runner import SQL_DIR as INDICATOR_SQL
from core.catalog import load_catalog
from core.contract import load_reference
from quality_checks.results import ensure_dq

WEEKS = [dt.date(2026, 10, 26), dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)]
WEEK = WEEKS[-1]
XSS = "<script>alert(1)</script>"
TELLTALE = 987654.0  # the value of every suppressed cell: it must never reach a report
SUPPRESSED = ("110109", "110119")  # Mentougou and Yanqing rest on fewer than 5 units
NO_DATA_MEASURE = "M19"  # no housing units reported in the reported week
# measures resting on the ledger alone: no district figures (M08, M13, M18, M19, M22 today)
CITY_ONLY = tuple(
    m.id for m in load_catalog().measures if all(i.sources == ("milestones",) for i in m.indicators)
)
MISSING_DELIVERY = ("110119", "insurance")
SOURCES = ("enterprises", "training", "insurance", "complaints", "placements")
MARTS_SCHEMA = INDICATOR_SQL / "marts" / "schema.sql"

COMPUTED = dt.datetime(2026, 11, 23, 2, 30)
WORST = ("no_data", "on_track", "at_risk", "off_track")


def _status(progress: float) -> str:
    return "on_track" if progress >= 0.95 else ("at_risk" if progress >= 0.80 else "off_track")


def indicator_rows() -> pl.DataFrame:
    """Every indicator × district × week: Beijing 100·(i+1) + 7·w, district 10·(i+1) + d + 5·w;
    percent indicators 0.30 + 0.01·d + 0.02·w. Progress cycles 0.7, 0.8, 0.9, 1.0."""
    catalog = load_catalog()
    codes = ["110000", *load_reference().district_codes]
    rows = []
    for w, week in enumerate(WEEKS):
        for i, ind in enumerate(catalog.indicators):
            for d, code in enumerate(codes if ind.sources != ("milestones",) else codes[:1]):
                percent = ind.display == "percent"
                if percent:
                    value = round(0.30 + 0.01 * d + 0.02 * w, 4)
                else:
                    value = float(100 * (i + 1) + 7 * w if d == 0 else 10 * (i + 1) + d + 5 * w)
                progress = 0.7 + 0.1 * ((i + d + w) % 4)
                row = {
                    "measure_id": ind.measure_id,
                    "indicator_id": ind.id,
                    "week": week,
                    "district_code": code,
                    "value": value,
                    "ytd_value": value * (w + 1) if ind.kind == "flow" else None,
                    "target": ind.target,
                    "progress": progress,
                    "wow_change": (0.02 if percent else (7.0 if d == 0 else 5.0)) if w else None,
                    # a district count is not rated (NULL), as the indicator runner does
                    "status": None if d and ind.kind in ("flow", "state") else _status(progress),
                    "suppressed": code in SUPPRESSED,
                    "numerator": None,
                    "denominator": None,
                    "base_count": 3 if code in SUPPRESSED else 50,
                    "computed_at": COMPUTED,
                }
                if d == 0 and ind.kind == "flow" and ind.target and week == WEEK:
                    point = row["ytd_value"] * 12  # the year-end projection and its 80 % band
                    row |= {
                        "projected_year_end": point,
                        "projection_low": point * 0.9,
                        "projection_high": point * 1.1,
                    }
                if code in SUPPRESSED:
                    row |= {"value": TELLTALE, "ytd_value": TELLTALE, "wow_change": TELLTALE}
                if ind.measure_id == NO_DATA_MEASURE and week == WEEK:
                    row |= {
                        "value": None,
                        "ytd_value": None,
                        "progress": None,
                        "wow_change": None,
                        "status": "no_data",
                    }
                rows.append(row)
    return pl.DataFrame(rows, infer_schema_length=None)


def measure_rows(indicators: pl.DataFrame) -> pl.DataFrame:
    """A measure's status is the worst of its Beijing indicators' statuses."""
    rank = {s: n for n, s in enumerate(WORST)}
    city = indicators.filter(pl.col("district_code") == "110000")
    worst = city.group_by("measure_id", "week").agg(
        pl.col("status").replace_strict(rank).max().alias("rank")
    )
    return worst.select(
        "measure_id",
        "week",
        pl.col("rank").replace_strict(dict(enumerate(WORST))).alias("status"),
        pl.lit(2).alias("indicators"),
        pl.lit(2).alias("indicators_with_data"),
        *(
            (pl.col("rank") == WORST.index(s)).cast(pl.Int64).alias(f"indicators_{s}")
            for s in ("on_track", "at_risk", "off_track")
        ),
        pl.lit(COMPUTED).alias("computed_at"),
    ).sort("measure_id", "week")


def delivery_rows() -> pl.DataFrame:
    codes = load_reference().district_codes
    rows = [
        {
            "week": week,
            "source": source,
            "district_code": code,
            "files": 1,
            "rows_read": 100 + d,
            "rows_loaded": 100 + d - d % 3,
            "rows_quarantined": d % 3,
            "rows_late": d % 2,
            "files_rejected": 0,
        }
        for week in WEEKS
        for source in SOURCES
        for d, code in enumerate(codes)
        if not (week == WEEK and (code, source) == MISSING_DELIVERY)
    ]
    rows += [
        {
            "week": week,
            "source": "milestones",
            "district_code": None,
            "files": 1,
            "rows_read": 6,
            "rows_loaded": 6,
            "rows_quarantined": 0,
            "rows_late": 0,
            "files_rejected": 0,
        }
        for week in WEEKS
    ]
    return pl.DataFrame(rows)


def note_rows() -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "measure_id": "M18",
                "week": WEEK,
                "agency": "市商务局",
                "reported_on": WEEK,
                "action": "推荐企业参评全国家政服务业先进单位",
                "quantity": 2.0,
                "unit": "家",
                "note": f"企业名称：{XSS}家政服务有限公司",
            },
            {
                "measure_id": "M02",
                "week": WEEK,
                "agency": "市人力资源社会保障局",
                "reported_on": WEEK + dt.timedelta(days=2),
                "action": "与河北省签订劳务协作协议",
                "quantity": 1.0,
                "unit": "份",
                "note": None,
            },
            {
                "measure_id": "M02",
                "week": WEEKS[0],
                "agency": "市人力资源社会保障局",
                "reported_on": WEEKS[0],
                "action": "上月旧事项",
                "quantity": 1.0,
                "unit": "份",
                "note": None,
            },
        ]
    )


TASK_STATUSES = ("done", "on_schedule", "due_soon", "overdue", "not_reported")
RESTATED = WEEKS[1]  # 2026-W45, restated by the run that computed the reported week
RESTATED_FILE = "training/2026-W45/110108_training_resent.csv"


def task_rows() -> pl.DataFrame:
    """Every catalog task in the reported week, statuses in turn; not_reported names who owes."""
    rows = []
    for n, task in enumerate(load_catalog().tasks):
        status = TASK_STATUSES[n % len(TASK_STATUSES)]
        rows.append(
            {
                "task_id": task.id,
                "measure_id": task.id.split(".")[0],
                "week": WEEK,
                "status": status,
                "due_on": task.due[0],
                "final_due_on": task.due[-1],
                "done_on": WEEK if status == "done" else None,
                "done_on_time": status == "done",
                "reported_quantity": 1.0 if status == "done" else 0.0,
                "quantity": 1.0,
                "unit": None,
                "last_reported_on": None,
                "missing_reporters": [task.lead_unit] if status == "not_reported" else [],
                "reports_owed": 1,
                "reports_received": 0 if status == "not_reported" else 1,
                "computed_at": COMPUTED,
            }
        )
    return pl.DataFrame(rows, infer_schema_length=None)


def restatement_rows() -> pl.DataFrame:
    """W45 restated: all-Beijing M01 placements 100 -> 107 (the mart's value now), and a
    suppressed district's figure, which only the internal edition may show."""
    change = {
        "indicator_id": "M01.rural_placements", "district_code": "110000",
        "old_value": 100.0, "old_ytd_value": 200.0, "old_wow_change": 0.0, "old_status": "at_risk",
        "new_value": 107.0, "new_ytd_value": 214.0, "new_wow_change": 7.0, "new_status": "on_track",
    }  # fmt: skip
    hidden = change | {
        "district_code": SUPPRESSED[1], "old_value": 3.0, "new_value": TELLTALE,
        "old_ytd_value": 3.0, "new_ytd_value": TELLTALE, "old_status": None, "new_status": None,
    }  # fmt: skip
    return pl.DataFrame(
        [
            {
                "week": RESTATED,
                "run_id": "run-1",
                "run_partitions": "2026-W47",
                "files": [RESTATED_FILE],
                "reasons": [f"{RESTATED_FILE}: resent with corrected rows (2026-W45)"],
                "figures_changed": 2,
                "changes": [change, hidden],
                "computed_at": COMPUTED,
            }
        ]
    )


def dq_rows() -> pl.DataFrame:
    checked = dt.datetime(2026, 11, 23, 2, 0)
    return pl.DataFrame(
        [
            {
                "week": WEEK,
                "source": "training",
                "expectation": "district_volume",
                "column_name": "district_code",
                "severity": "warn",
                "success": False,
                "observed_value": "3 unexpected",
                "unexpected_count": 3,
                "checked_at": checked,
            },
            {
                "week": WEEK,
                "source": "complaints",
                "expectation": "satisfaction between 1 and 5",
                "column_name": "satisfaction",
                "severity": "warn",
                "success": True,
                "observed_value": "0",
                "unexpected_count": 0,
                "checked_at": checked,
            },
        ]
    )


def build_marts(conn: duckdb.DuckDBPyConnection) -> None:
    """The marts and dq tables as docs/warehouse.md defines them, filled for WEEKS."""
    conn.execute(MARTS_SCHEMA.read_text(encoding="utf-8"))  # the marts exactly as built
    ensure_dq(conn)
    indicators = indicator_rows()
    for table, frame in (
        ("marts.indicator_weekly", indicators),
        ("marts.measure_status", measure_rows(indicators)),
        ("marts.data_delivery", delivery_rows().with_columns(computed_at=pl.lit(COMPUTED))),
        (
            "marts.milestone_notes",
            note_rows().with_columns(
                source_file=pl.lit("milestones/2026-W47/ledger.xlsx"),
                is_late=pl.lit(False),
                computed_at=pl.lit(COMPUTED),
            ),
        ),
        ("dq.results", dq_rows()),
        ("marts.task_status", task_rows()),
        ("marts.restatements", restatement_rows()),
    ):
        arrow = frame.to_arrow()  # noqa: F841  (read by DuckDB's replacement scan)
        conn.execute(f"insert into {table} by name select * from arrow")
