"""The brief's sections: what each reads from the marts and the sentences it words from them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from assets.indicators.periods import Period
from core.catalog import Catalog, Indicator, load_catalog
from reports.common import district_names, fmt, is_sample, status_badge
from reports.i18n import STATUS_ORDER, translator
from reports.model import BuiltSection, Frame, Part, Report, Section

SQL_DIR = Path(__file__).parent / "sql"
RANK = {"off_track": 0, "at_risk": 1, "on_track": 2}
MAX_ACHIEVEMENTS = 3  # measures, and as many districts
MAX_PROBLEMS = 8  # lagging measures worded one by one; the rest counted (two pages at most)
MAX_NEXT = 6
MAX_OVERDUE = 5
REPORT_WINDOW_DAYS = {"monthly": 31, "quarterly": 92}  # a reporting unit's text stays current


@cache
def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query(conn: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any]) -> pl.DataFrame:
    """`sql/<name>.sql` with the named parameters it uses ($week, $previous_week, $period, $public)."""
    text = sql(name)
    return conn.sql(text, params={k: v for k, v in params.items() if f"${k}" in text}).pl()


def issue_number(conn: duckdb.DuckDBPyConnection, period: Period) -> int:
    """第N期: a week's rank among the weeks with figures in its ISO year; a month's number
    (1-12); a quarter's (1-4). Read from the marts, so a re-render gives the same number."""
    if period.kind == "month":
        return period.start.month
    if period.kind == "quarter":
        return (period.start.month - 1) // 3 + 1
    return query(conn, "brief_number", {"week": period.start}).item()


# ---- sections


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _pp(value: float) -> str:
    return f"{abs(value):.1f}"


def _indicator(catalog: Catalog, indicator_id: str) -> Indicator:
    return next(i for i in catalog.indicators if i.id == indicator_id)


def _counts(frame: Frame, status: pl.DataFrame) -> dict[str, int]:
    by_measure = {r["measure_id"]: r for r in status.to_dicts()}
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for measure in frame.catalog.measures:  # a measure missing from the mart counts as no data
        counts[status_badge(by_measure.get(measure.id, {}).get("status"), frame.t)["key"]] += 1
    return counts


def build_status(frame: Frame, results: Mapping[str, Any]) -> Part:
    counts = _counts(frame, results["brief_measure_status"])
    return Part(
        {
            "measure_count": len(frame.catalog.measures),
            "counts": [{"status": status_badge(k, frame.t), "count": v} for k, v in counts.items()],
        }
    )


def _change(rate: float | None, change: float | None, display: str, t) -> str:
    """环比/同比 as people write it: a share's in percentage points, a count's as a rate."""
    if display == "percent":
        if change is None:
            return "–"
        sign = "+" if change > 0 else ("±" if change == 0 else "−")
        return f"{sign}{abs(change) * 100:.1f} {t('pp')}"
    if rate is None:
        return "–"
    sign = "+" if rate > 0 else ("±" if rate == 0 else "−")
    return f"{sign}{abs(rate) * 100:.1f}%"


def build_outcomes(frame: Frame, results: Mapping[str, Any]) -> Part:
    """The policy's outcome figures: the closing week's (a week) or the period's, with 环比/同比."""
    city = results["brief_indicators"].filter(pl.col("week") == frame.week)
    by_id = {r["indicator_id"]: r for r in city.to_dicts()}
    period = {r["indicator_id"]: r for r in results["brief_period"].to_dicts()}
    rows = []
    for indicator in frame.catalog.outcome_indicators:
        week_row, period_row = by_id.get(indicator.id, {}), period.get(indicator.id)
        hidden = week_row.get("suppressed") or (period_row or {}).get("suppressed")
        source = period_row if period_row is not None else week_row
        display = indicator.display
        rows.append(
            {
                "name": frame.text(indicator.name),
                "unit": frame.text(indicator.unit),
                "value": frame.t("suppressed_mark")
                if hidden
                else fmt(source.get("value"), display),
                "ytd": fmt(source.get("ytd_value"), display) if indicator.kind == "flow" else "–",
                "target": fmt(indicator.target, display),
                "progress": _pct(week_row.get("progress")),
                "mom": _change(source.get("mom_rate"), source.get("mom_change"), display, frame.t)
                if period_row
                else "–",
                "yoy": _change(source.get("yoy_rate"), source.get("yoy_change"), display, frame.t)
                if period_row
                else "–",
                "status": status_badge(week_row.get("status"), frame.t),
            }
        )
    return Part({"rows": rows, "periodic": bool(period)})


def build_overall(frame: Frame, results: Mapping[str, Any]) -> Part:
    """总体进展: one sentence with the counts, one on what changed since the previous period."""
    status = results["brief_measure_status"]
    counts = _counts(frame, status)
    sentences = [
        frame.t(
            "overall_sentence",
            n=len(frame.catalog.measures),
            on=counts["on_track"],
            risk=counts["at_risk"],
            off=counts["off_track"],
            none=counts["no_data"],
        )
    ]
    better = worse = 0
    for row in status.to_dicts():  # one row per measure
        now, before = RANK.get(row["status"]), RANK.get(row["previous_status"])
        if now is not None and before is not None:
            better += now > before
            worse += now < before
    kind = results["period_kind"]
    sentences.append(
        frame.t(
            "overall_compare",
            previous=frame.t(f"previous_period.{kind}"),
            better=better,
            worse=worse,
        )
    )
    return Part({"sentences": sentences})


def build_achievements(frame: Frame, results: Mapping[str, Any]) -> Part:
    """主要成效: the measures whose indicators' progress rose most since the previous period, and
    the districts whose rated indicators rose most on average."""
    city = results["brief_indicators"].filter(pl.col("progress").is_not_null())
    now = city.filter(pl.col("week") == frame.week).select("indicator_id", "measure_id", "progress")
    before = city.filter(pl.col("week") != frame.week).select(
        "indicator_id", pl.col("progress").alias("before")
    )
    rose = (
        now.join(before, on="indicator_id", how="inner")
        .with_columns((pl.col("progress") - pl.col("before")).alias("delta"))
        .filter(pl.col("delta") > 0)
        .sort(["delta", "indicator_id"], descending=[True, False])
        .unique("measure_id", keep="first", maintain_order=True)
        .head(MAX_ACHIEVEMENTS)
    )
    titles = {m.id: frame.text(m.title) for m in frame.catalog.measures}
    items = [
        frame.t(
            "achievement_measure",
            id=r["measure_id"],
            title=titles[r["measure_id"]],
            indicator=frame.text(_indicator(frame.catalog, r["indicator_id"]).name),
            before=_pct(r["before"]),
            now=_pct(r["progress"]),
            delta=_pp(r["delta"] * 100),
        )
        for r in rose.to_dicts()
    ]
    districts = (
        results["brief_districts"]
        .filter(pl.col("progress_change") > 0)
        .head(MAX_ACHIEVEMENTS)
        .join(district_names(frame.lang), on="district_code", how="left")
    )
    items += [
        frame.t(
            "achievement_district",
            district=r["district_name"] or r["district_code"],
            delta=_pp(r["progress_change"] * 100),
            n=r["indicators"],
        )
        for r in districts.to_dicts()
    ]
    return Part({"items": items})


def _problem(frame: Frame, measure, rows: list[dict]) -> str:
    """A lagging measure in one sentence: its worst indicator's projection or gap to schedule."""
    title = frame.text(measure.title)
    rated = [r for r in rows if r["status"] == "off_track"] or [
        r for r in rows if r["status"] in RANK
    ]
    if not rated:
        return frame.t("problem_tasks", id=measure.id, title=title)
    worst = min(rated, key=lambda r: (r["schedule_gap_pp"] is None, r["schedule_gap_pp"] or 0,
                                      r["progress"] or 0))  # fmt: skip
    indicator = _indicator(frame.catalog, worst["indicator_id"])
    display = indicator.display
    fields = {
        "id": measure.id,
        "title": title,
        "indicator": frame.text(indicator.name),
        "target": fmt(worst["target"], display),
    }
    gap = worst["schedule_gap_pp"]
    if gap is not None and gap < 0 and worst["projected_year_end"] is not None:
        projected = fmt(round(worst["projected_year_end"]), display)
        return frame.t("problem_projection", projected=projected, gap=_pp(gap), **fields)
    if gap is not None and gap < 0:
        return frame.t("problem_gap", value=fmt(worst["value"], display), gap=_pp(gap), **fields)
    return frame.t(
        "problem_progress",
        value=fmt(worst["value"], display),
        progress=_pct(worst["progress"]),
        **fields,
    )


def _tasks(frame: Frame) -> dict[str, Any]:
    return {t.id: (m, t) for m in frame.catalog.measures for t in m.tasks}


def build_problems(frame: Frame, results: Mapping[str, Any]) -> Part:
    """存在问题: each measure off track, the overdue tasks, the units that owe a report."""
    status = {r["measure_id"]: r["status"] for r in results["brief_measure_status"].to_dicts()}
    city = results["brief_indicators"].filter(pl.col("week") == frame.week)
    outcome = {i.id for i in frame.catalog.outcome_indicators}
    lagging = [m for m in frame.catalog.measures if status.get(m.id) == "off_track"]
    problems = []
    for measure in lagging[:MAX_PROBLEMS]:
        rows = city.filter(
            (pl.col("measure_id") == measure.id)
            & ~pl.col("indicator_id").is_in(list(outcome))
            & ~pl.col("suppressed")
        ).to_dicts()
        problems.append(_problem(frame, measure, rows))
    if len(lagging) > MAX_PROBLEMS:
        problems.append(frame.t("problem_more", n=len(lagging) - MAX_PROBLEMS))
    tasks = results["brief_tasks"]
    known = _tasks(frame)
    overdue = [
        frame.t(
            "overdue_task",
            task=frame.text(known[r["task_id"]][1].text),
            lead=known[r["task_id"]][1].lead_unit,
            due=r["due_on"].isoformat() if r["due_on"] else "–",
        )
        for r in tasks.filter(pl.col("status") == "overdue").to_dicts()
        if r["task_id"] in known
    ]
    if len(overdue) > MAX_OVERDUE:
        overdue = [*overdue[:MAX_OVERDUE], frame.t("overdue_more", n=len(overdue) - MAX_OVERDUE)]
    owed = sorted({u for units in tasks["missing_reporters"].to_list() if units for u in units})
    return Part(
        {
            "measures": problems,
            "overdue": overdue,
            "owed": frame.t("owed_reports", units=frame.t("list_sep").join(owed)) if owed else None,
        }
    )


def _next_due(task, row: dict | None, week: dt.date) -> dt.date:
    """The task's next due date: the ledger's, else the catalog's first stage not yet past."""
    if row and row.get("due_on"):
        return row["due_on"]
    return next((d for d in task.due if d >= week), task.due[-1])


def build_next(frame: Frame, results: Mapping[str, Any]) -> Part:
    """下一步工作: each task not done (a task the ledger has no row for is not done), with its next
    due date and its lead unit's latest ledger text within the task's reporting window, or 未报送
    (the public edition: no agency text)."""
    status = {r["task_id"]: r for r in results["brief_tasks"].to_dicts()}
    notes = results["brief_notes"]
    week_end = frame.week + dt.timedelta(days=7)
    open_tasks = [
        (measure, task, status.get(task.id))
        for measure in frame.catalog.measures
        for task in measure.tasks
        if (status.get(task.id) or {}).get("status") != "done"
    ]
    open_tasks.sort(key=lambda e: (_next_due(e[1], e[2], frame.week), e[1].id))
    items = []
    for measure, task, row in open_tasks[:MAX_NEXT]:
        fields = {
            "task": frame.text(task.text),
            "lead": task.lead_unit,
            "due": _next_due(task, row, frame.week).isoformat(),
        }
        if not frame.internal:
            items.append(frame.t("next_step_public", **fields))
            continue
        since = week_end - dt.timedelta(days=REPORT_WINDOW_DAYS[task.frequency])
        latest = notes.filter(
            (pl.col("measure_id") == measure.id)
            & (pl.col("agency") == task.lead_unit)
            & (pl.col("reported_on") >= since)
        ).head(1)
        if latest.height:
            note = latest.row(0, named=True)
            text = note["action"] + (f"{frame.t('comma')}{note['note']}" if note["note"] else "")
        else:
            text = frame.t("not_reported")
        items.append(frame.t("next_step", text=text, **fields))
    more = len(open_tasks) - len(items)
    return Part({"items": items, "more": frame.t("next_more", n=more) if more else None})


SECTIONS: tuple[Section, ...] = (
    Section.titled("brief_status", queries=("brief_measure_status",), build=build_status),
    Section.titled(
        "brief_outcomes", queries=("brief_indicators", "brief_period"), build=build_outcomes
    ),
    Section.titled("brief_overall", queries=("brief_measure_status",), build=build_overall),
    Section.titled(
        "brief_achievements",
        queries=("brief_indicators", "brief_districts"),
        build=build_achievements,
    ),
    Section.titled(
        "brief_problems",
        queries=("brief_measure_status", "brief_indicators", "brief_tasks"),
        build=build_problems,
    ),
    Section.titled("brief_next", queries=("brief_tasks", "brief_notes"), build=build_next),
)


def build_brief(
    conn: duckdb.DuckDBPyConnection,
    period: Period,
    lang: str,
    edition: str = "internal",
    results: Mapping[str, Any] | None = None,
) -> tuple[Report, dict]:
    """The brief's content model for a period, and its masthead (title, number, date, period).
    `results`: `brief_results` of the same period and edition, when the caller has them from
    another language."""
    frame = Frame(
        week=period.closing_week,
        lang=lang,
        t=translator(lang),
        catalog=load_catalog(),
        edition=edition,
        sample=is_sample(conn),
    )
    if results is None:
        results = brief_results(conn, period, edition)
    built = tuple(
        BuiltSection(
            section=s,
            title=frame.text(s.title),
            part=s.build(frame, {q: results[q] for q in (*s.queries, "period_kind")}),
        )
        for s in SECTIONS
    )
    return Report(frame=frame, sections=built), masthead(conn, period, frame.t)


def brief_results(
    conn: duckdb.DuckDBPyConnection, period: Period, edition: str = "internal"
) -> dict[str, Any]:
    """Every query of the brief's sections, each run once. A query sees the period and the
    edition, never the language, so both languages of an edition build from one run."""
    params = {
        "week": period.closing_week,
        "previous_week": period.previous().closing_week,
        "period": period.label,
        "public": edition == "public",
    }
    names = dict.fromkeys(q for s in SECTIONS for q in s.queries)
    results: dict[str, Any] = {
        name: query(conn, name, params)
        for name in names
        if name != "brief_period" or period.kind != "week"
    }
    if period.kind == "week":
        results["brief_period"] = pl.DataFrame()
    results["period_kind"] = period.kind
    return results


def masthead(conn: duckdb.DuckDBPyConnection, period: Period, t) -> dict:
    """Title, 第N期 and date of issue (the Monday the weekly run renders the period), for the
    brief's and the full report's titles."""
    issued = period.issued_on
    start, end = period.start.isoformat(), period.last_day.isoformat()
    fields = {"label": period.label, "start": start, "end": end, "year": period.start.year}
    fields |= {"month": period.start.month, "q": (period.start.month - 1) // 3 + 1}
    kind = t(f"report_kind.{period.kind}")
    return {
        "title": t("brief_title", kind=kind),
        "number": t("issue_number", year=period.last_day.year, n=issue_number(conn, period)),
        "date": t("issue_date", y=issued.year, m=issued.month, d=issued.day),
        "period": t(f"period.{period.kind}", **fields),
        "bureau": t("bureau"),
    }
