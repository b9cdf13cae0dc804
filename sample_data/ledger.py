"""The task ledger as agencies report it: for every catalog task, each reporting unit's monthly row
(progress in the task's unit, or a zero report 本期无进展), some tasks done early, some late, some
stuck past their due date; one unit (SILENT_UNIT) never reports, as some do; a competition's
participants sometimes reported in 人 under the competition (the unit check quarantines them)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from core.catalog import Task, load_catalog

SILENT_UNIT = "市妇联"  # owes reports (M18, M22) and sends none: the demo's 应报未报
FATES = ("done", "done_late", "stuck", "ongoing")
FATE_P = (0.45, 0.1, 0.25, 0.2)
LEDGER_START = dt.date(2026, 1, 1)  # the ledger's first monthly round (illustrative)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _finish(rng: np.random.Generator, task: Task, fate: str) -> tuple[dt.date | None, float]:
    """When the task is done (None: not by the run's end) and the share of it done otherwise."""
    due = task.due[-1]
    if fate == "done":
        return due - dt.timedelta(days=int(rng.integers(5, 90))), 1.0
    if fate == "done_late":
        return due + dt.timedelta(days=int(rng.integers(5, 40))), 1.0
    return None, float(rng.uniform(0.3, 0.8))


def task_rows(
    task: Task, rng: np.random.Generator, end: dt.date, fate: str | None = None
) -> list[dict]:
    """Every row reported for the task from LEDGER_START to `end`; `fate` (one of FATES) as
    drawn unless given (the demo designs its overdue tasks)."""
    drawn = FATES[rng.choice(len(FATES), p=FATE_P)]
    fate = fate or drawn
    done_on, share = _finish(rng, task, fate)
    finish = done_on or task.due[-1]
    months = [m for m in _months(LEDGER_START, min(end, finish)) if m <= finish]
    steps = np.sort(rng.uniform(0, share, max(len(months) - 1, 0)))
    cumulative = np.append(steps, share) * task.quantity
    rows, before = [], 0.0
    for index, month in enumerate(months):
        day = min(month + dt.timedelta(days=int(rng.integers(0, 26))), finish)
        for unit in task.reporters:
            if unit == SILENT_UNIT:
                continue
            lead = unit == task.reporters[0]
            amount = round(float(cumulative[index]) - before, 1) if lead else 0.0
            if lead and done_on is not None and index == len(months) - 1:
                amount = round(task.quantity - before, 1)
            rows.append(_row(task, unit, day, amount))
            before += amount if lead else 0.0
    return rows


def _row(task: Task, unit: str, day: dt.date, amount: float) -> dict:
    progress = amount > 0
    return {
        "measure_id": task.measure_id, "agency": unit, "reported_on": day,
        "action": task.action if progress else f"本期无进展（{task.id}）",
        "quantity": amount if progress else 0.0, "unit": task.unit if progress else None,
        "note": "", "task_id": task.id,
    }  # fmt: skip


def extras(task: Task, rows: list[dict], rng: np.random.Generator) -> list[dict]:
    """Rows that ride along a task's: survey scores (M22), participants in 人 under a competition."""
    out = []
    for row in rows:
        if row["quantity"] <= 0:
            continue
        if task.id == "M22.T2":
            score = round(float(rng.uniform(82, 89)), 1)
            out.append(row | {"action": "满意度调查结果", "quantity": score, "unit": "分"})
        if task.id == "M06.T1":
            people = float(rng.integers(120, 400))
            out.append(
                row | {"action": "家政职业技能竞赛参赛人数", "quantity": people, "unit": "人"}
            )
    return out


def ledger(seed: int, end: dt.date, fates: dict[str, str] | None = None) -> pl.DataFrame:
    """The whole ledger up to `end`, one row a report, ordered by date; `fates`: task id -> fate
    for the tasks whose fate is designed rather than drawn."""
    fates = fates or {}
    tasks = load_catalog().tasks
    unknown = sorted(set(fates) - {t.id for t in tasks}) + sorted(
        f for f in fates.values() if f not in FATES
    )
    if unknown:
        raise ValueError(f"task fates: unknown task(s) or fate(s) {unknown}; fates are {FATES}")
    rows = []
    for index, task in enumerate(tasks):
        rng = np.random.default_rng([seed, 9, index])
        own = task_rows(task, rng, end, fates.get(task.id))
        rows += own + extras(task, own, rng)
    schema = {
        "measure_id": pl.Utf8, "agency": pl.Utf8, "reported_on": pl.Date, "action": pl.Utf8,
        "quantity": pl.Float64, "unit": pl.Utf8, "note": pl.Utf8, "task_id": pl.Utf8,
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema).sort("reported_on", "task_id", "agency")


def week_ledger(frame: pl.DataFrame, monday: dt.date, first: bool) -> pl.DataFrame:
    """The rows delivered in the week of `monday`: its own, and on the first week every earlier row
    (the ledger's opening: late rows, flagged as such)."""
    end = monday + dt.timedelta(days=7)
    start = dt.date.min if first else monday
    return frame.filter((pl.col("reported_on") >= start) & (pl.col("reported_on") < end))


# the file each reporting unit delivers its ledger rows in: milestones/<week>/<slug>.csv
AGENCY_SLUGS = {
    "市商务局": "commerce", "市人力资源社会保障局": "hrss", "市农业农村局": "agriculture",
    "市教委": "education", "市市场监管局": "samr", "市委金融办": "finance", "市民政局": "civil",
    "市经济和信息化局": "economy", "市司法局": "justice", "市总工会": "union",
    "市住房城乡建设委": "housing", "市发展改革委": "ndrc", "市委宣传部": "publicity",
    "市妇联": "women",
}  # fmt: skip


def agency_files(rows: pl.DataFrame):
    """(slug, frame) per reporting unit with rows this week."""
    for (agency,), frame in rows.partition_by("agency", as_dict=True, maintain_order=True).items():
        yield AGENCY_SLUGS.get(agency, "agency"), frame.with_columns(_district=pl.lit(-1))
