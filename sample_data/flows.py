"""One week of each source, as districts would report it: polars frames of contract columns.

Every frame carries `_district` (index of the reporting unit whose file it goes into); values
are typed (dates, ints, bools) and turned into text when written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from sample_data.population import (
    BUSINESS_MODEL,
    FLAGS,
    STATUS,
    Enterprises,
    Workers,
    pick_in_blocks,
)

# Chinese New Year's Day: the Spring Festival dip centres on it.
SPRING_FESTIVAL = [dt.date(2024, 2, 10), dt.date(2025, 1, 29), dt.date(2026, 2, 17),
                   dt.date(2027, 2, 6), dt.date(2028, 1, 26), dt.date(2029, 2, 13)]  # fmt: skip
COURSES = np.array(
    ["housekeeping", "maternity_infant", "elderly_care", "nursing", "cooking", "other"]
)
COURSE_P = np.array([0.32, 0.22, 0.2, 0.1, 0.1, 0.06])
COURSE_HOURS = np.array([40, 80, 64, 120, 24, 16])
PROVIDERS = np.array(["enterprise", "training_center", "vocational_school", "university"])
PROVIDER_P = np.array([0.45, 0.35, 0.14, 0.06])
SKILL_LEVELS = np.array(["", "0", "5", "4", "3", "2", "1"])
SKILL_P = np.array([0.45, 0.1, 0.18, 0.14, 0.08, 0.04, 0.01])
INSURANCE = np.array(
    ["pension", "medical", "unemployment", "work_injury", "maternity", "liability", "accident"]
)
INSURANCE_P = np.array([0.2, 0.2, 0.1, 0.12, 0.06, 0.19, 0.13])
PLACEMENT_CHANNELS = np.array(["live_stream", "short_video", "recruitment_site", "job_fair",
                               "rural_cooperation", "referral", "other"])  # fmt: skip
COMPLAINT_CHANNELS = np.array(["12345", "12315", "app", "online", "other"])
COMPLAINT_CATEGORIES = np.array(
    ["service_quality", "price", "contract", "safety", "worker_rights", "other"]
)


@dataclass(frozen=True)
class Rates:
    """Rows a week for all Beijing at the run's end, before seasonality and district lag."""

    training: float
    insurance: float
    complaints: float
    placements: float


def week_factor(monday: dt.date, index: int, weeks: int) -> float:
    """Growth toward the targets over the run, times the Spring Festival dip."""
    growth = 0.7 + 0.3 * index / max(weeks - 1, 1)
    for festival in SPRING_FESTIVAL:
        offset = (festival - monday).days
        if 0 <= offset <= 6:  # the festival's week
            return growth * 0.35
        if -13 <= offset < 0:  # the two weeks after: workers still at home
            return growth * 0.55
        if 7 <= offset <= 13:  # the week before: workers leave early
            return growth * 0.75
    return growth


def district_counts(rng, mean: float, share: np.ndarray, perf: np.ndarray) -> np.ndarray:
    weights = share * perf
    return rng.poisson(mean * weights / (share.sum()))


def _rows_for(rng, counts: np.ndarray, block_start, block_count) -> tuple[np.ndarray, np.ndarray]:
    district = np.repeat(np.arange(counts.size), counts)
    return district, pick_in_blocks(rng, district, block_start, block_count, skew=2.0)


def _event_dates(rng, monday: dt.date, n: int, late_share: float, first: dt.date) -> np.ndarray:
    """Days inside the week, a small share 1-3 weeks earlier (late reports), never before `first`."""
    day = np.datetime64(monday, "D") + rng.integers(0, 7, n)
    late = rng.random(n) < late_share
    day = np.where(late, day - 7 * rng.integers(1, 4, n), day)
    return np.maximum(day, np.datetime64(first, "D"))


def _ids(prefix: str, monday: dt.date, district_codes: np.ndarray) -> pl.Expr:
    """`T2026W47110108-00012`: unique within a week and district, hence unique in the run."""
    year, week, _ = monday.isocalendar()
    seq = pl.int_range(pl.len()).over("_district").cast(pl.Utf8).str.zfill(5)
    return pl.concat_str([pl.lit(f"{prefix}{year}W{week:02d}"), pl.col("_code"), pl.lit("-"), seq])


def _frame(district: np.ndarray, codes: list[str], **columns) -> pl.DataFrame:
    return pl.DataFrame({"_district": district, "_code": np.array(codes)[district], **columns})


def training(rng, monday, n_by_district, workers: Workers, enterprises, codes, share, first):
    district, worker = _rows_for(rng, n_by_district, workers.start, workers.count)
    n = district.size
    w = workers.frame[worker]
    course = rng.choice(COURSES.size, size=n, p=COURSE_P)
    provider = rng.choice(PROVIDERS.size, size=n, p=PROVIDER_P)
    college = provider >= 2
    progress = share  # 0..1 through the run: digital certificates spread
    frame = _frame(
        district, codes,
        worker_id=w["worker_id"], phone=w["phone"],
        enterprise_uscc=enterprises.uscc[w["employer"].to_numpy()],
        course=COURSES[course], provider_type=PROVIDERS[provider],
        hours=COURSE_HOURS[course] * rng.choice([0.5, 1.0, 1.0, 1.5], size=n),
        completed_on=_event_dates(rng, monday, n, 0.02, first),
        skill_level=SKILL_LEVELS[rng.choice(SKILL_LEVELS.size, size=n, p=SKILL_P)],
        dual_degree=college & (rng.random(n) < 0.3),
        competition=rng.random(n) < 0.03,
        digital_certificate=rng.random(n) < 0.15 + 0.3 * progress,
    )  # fmt: skip
    return frame.with_columns(record_id=_ids("T", monday, codes))


def insurance(rng, monday, n_by_district, workers: Workers, enterprises, codes, share, first):
    district, worker = _rows_for(rng, n_by_district, workers.start, workers.count)
    n = district.size
    w = workers.frame[worker]
    kind = rng.choice(INSURANCE.size, size=n, p=INSURANCE_P)
    start = _event_dates(rng, monday, n, 0.02, first)
    commercial = kind >= 5
    lapsed = ~commercial & (rng.random(n) < 0.08)
    end = np.where(commercial, start + 364, start + rng.integers(30, 300, n))
    premium = np.where(commercial, rng.integers(60, 320, n), rng.integers(300, 1300, n)).astype(
        float
    )
    frame = _frame(
        district, codes,
        worker_id=w["worker_id"], phone=w["phone"],
        enterprise_uscc=enterprises.uscc[w["employer"].to_numpy()],
        insurance_type=INSURANCE[kind], start_on=start,
        end_on=pl.Series(end).zip_with(pl.Series(commercial | lapsed), pl.Series([None] * n, dtype=pl.Date)),
        premium_cny=premium,
    )  # fmt: skip
    return frame.with_columns(record_id=_ids("I", monday, codes))


def insurance_stock(rng, monday, workers: Workers, enterprises, codes, covered: float = 0.6):
    """The social-insurance enrollments workers already held when monitoring began, delivered
    with the first week (late rows: they started before it): three workers in five are
    covered (with the weeks' new enrollments, about a third of the register has none)."""
    frame = workers.frame
    chosen = np.flatnonzero(rng.random(frame.height) < covered)
    w = frame[chosen]
    district = w["district"].to_numpy()
    opening = np.datetime64(dt.date(2025, 1, 1), "D")
    span = max(1, (np.datetime64(monday, "D") - opening).astype(int))
    start = opening + rng.integers(0, span, chosen.size)
    stock = _frame(
        district, codes,
        worker_id=w["worker_id"], phone=w["phone"],
        enterprise_uscc=enterprises.uscc[w["employer"].to_numpy()],
        insurance_type=np.full(chosen.size, "pension"), start_on=start,
        end_on=pl.Series([None] * chosen.size, dtype=pl.Date),
        premium_cny=rng.integers(300, 1300, chosen.size).astype(float),
    )  # fmt: skip
    return stock.with_columns(record_id=_ids("S", monday, codes))


def placements(rng, monday, n_by_district, workers: Workers, enterprises, codes, share, first):
    district, worker = _rows_for(rng, n_by_district, workers.start, workers.count)
    n = district.size
    w = workers.frame[worker]
    online = 0.22 + 0.25 * share  # online recruitment grows through the run
    p = np.array([online * 0.4, online * 0.35, online * 0.25, 0.2, 0.18, 0.0, 0.06])
    p[5] = 1 - p.sum()
    frame = _frame(
        district, codes,
        worker_id=w["worker_id"], phone=w["phone"],
        enterprise_uscc=enterprises.uscc[w["employer"].to_numpy()],
        placed_on=_event_dates(rng, monday, n, 0.02, first),
        district_code=np.array(codes)[district],
        origin_province_code=w["province"], origin_type=w["origin_type"],
        channel=PLACEMENT_CHANNELS[rng.choice(PLACEMENT_CHANNELS.size, size=n, p=p)],
    )  # fmt: skip
    return frame.with_columns(placement_id=_ids("P", monday, codes))


def complaints(rng, monday, n_by_district, enterprises: Enterprises, codes, slow, share, remaining):
    """Complaints received this week, each with the week (0..3 weeks on) it will be reported in.

    A district reports a complaint once handled, so resolved ones arrive late; one still open
    after three weeks (or after the run's last week: `remaining`) is reported open in the week
    it was received.
    """
    district = np.repeat(np.arange(n_by_district.size), n_by_district)
    n = district.size
    received = np.datetime64(monday, "D") + rng.integers(0, 7, n)
    days = np.ceil(rng.gamma(1.6, 6.0, n) * slow[district]).astype(np.int64)
    rejected = rng.random(n) < 0.06
    days = np.where(rejected, rng.integers(1, 6, n), days)
    resolved = received + days
    monday64 = np.datetime64(monday, "D")
    delay = (resolved - monday64).astype(np.int64) // 7
    first = np.zeros(n, dtype=bool)  # each district's first complaint is reported this week
    first[np.concatenate([[0], np.cumsum(n_by_district)[:-1]])[n_by_district > 0]] = True
    closed = (delay <= min(3, remaining)) & (~first | (delay <= 0))
    status = np.where(~closed, "open", np.where(rejected, "rejected", "resolved"))
    sat_p = (
        np.array([0.05, 0.07, 0.15, 0.35, 0.38])
        + np.array([-0.02, -0.02, -0.02, 0.0, 0.06]) * share
    )
    satisfaction = rng.choice(5, size=n, p=sat_p / sat_p.sum()) + 1
    with_sat = (status == "resolved") & (rng.random(n) < 0.75)
    has_ent = rng.random(n) < 0.85
    ent = pick_in_blocks(rng, district, enterprises.start, enterprises.count)
    frame = _frame(
        district, codes,
        received_on=received,
        channel=COMPLAINT_CHANNELS[rng.choice(5, size=n, p=[0.45, 0.2, 0.15, 0.12, 0.08])],
        enterprise_uscc=pl.Series(enterprises.uscc[ent]).zip_with(pl.Series(has_ent), pl.Series([None] * n, dtype=pl.Utf8)),
        district_code=np.array(codes)[district],
        category=COMPLAINT_CATEGORIES[rng.choice(6, size=n, p=[0.38, 0.18, 0.14, 0.08, 0.12, 0.1])],
        status=status,
        resolved_on=pl.Series(resolved).zip_with(pl.Series(closed), pl.Series([None] * n, dtype=pl.Date)),
        satisfaction=pl.Series(satisfaction).zip_with(pl.Series(with_sat), pl.Series([None] * n, dtype=pl.Int64)),
        _delay=np.where(closed, np.maximum(delay, 0), 0),
    )  # fmt: skip
    return frame.with_columns(complaint_id=_ids("C", monday, codes))


def enterprise_changes(
    rng, index: int, ent: Enterprises, n_districts: int, share: float
) -> np.ndarray:
    """Apply this week's registry changes to the state; return the enterprises to report.

    Week 0 reports the whole registry; later weeks report new registrations, status changes
    and attribute changes (most flags spread over the run: growth toward the targets), and at
    least one record a district so every district delivers a file.
    """
    registered = ent.reg_week <= index
    if index == 0:
        return np.flatnonzero(registered)
    new = np.flatnonzero(ent.reg_week == index)
    pool = np.flatnonzero(registered & (ent.status == 0))
    k = min(rng.poisson(len(pool) * 0.006) + 1, len(pool))
    changed = rng.choice(pool, size=k, replace=False)
    kind = rng.random(k)
    status_change = changed[kind < 0.25]
    ent.status[status_change] = np.where(rng.random(status_change.size) < 0.6, 2, 1)
    flag_change = changed[kind >= 0.25]
    flag = rng.choice(len(FLAGS), size=flag_change.size, p=[0.2, 0.1, 0.25, 0.15, 0.2, 0.1])
    ent.flags[flag_change, flag] = True
    ent.outlets[flag_change] += rng.random(flag_change.size) < 0.3
    ent.workers_count[flag_change] += rng.integers(0, 4, flag_change.size)
    report = np.union1d(new, changed)
    missing = np.setdiff1d(np.arange(n_districts), ent.district[report])
    extra = [rng.choice(np.flatnonzero(registered & (ent.district == d))) for d in missing]
    return np.union1d(report, np.array(extra, dtype=np.int64))


def enterprise_rows(ent: Enterprises, idx: np.ndarray, codes: list[str]) -> pl.DataFrame:
    flags = {name: ent.flags[idx, i] for i, name in enumerate(FLAGS)}
    return _frame(
        ent.district[idx], codes,
        uscc=ent.uscc[idx], name=ent.name[idx],
        district_code=np.array(codes)[ent.district[idx]],
        subdistrict=ent.subdistrict[idx],
        registered_on=ent.registered_on[idx],
        status=STATUS[ent.status[idx]], business_model=BUSINESS_MODEL[ent.model[idx]],
        workers_count=ent.workers_count[idx], community_outlets=ent.outlets[idx],
        **flags,
    )  # fmt: skip
