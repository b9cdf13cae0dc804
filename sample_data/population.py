"""The people and businesses behind the sample data: a worker pool and an enterprise registry.

Both are drawn once per run (vectorized) and sorted by district, so a week's flows can pick
a district's workers or enterprises by offset without a Python loop over rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from core.identifiers import make_resident_ids, make_usccs

# Rough shares of Beijing's domestic-service businesses and workers by reporting unit,
# in reference order (Dongcheng .. Yanqing, E-Town).
DISTRICT_SHARE = np.array([5, 6, 18, 10, 4, 14, 2, 4, 7, 5, 8, 7, 2, 2, 2, 1.5, 2.5], dtype=float)
LAGGING = ("mentougou", "huairou", "yanqing")  # districts that deliver and grow slowly

# Origins of workers outside Beijing: the provinces that send most domestic workers.
ORIGIN_PROVINCES = np.array(
    ["13", "41", "34", "37", "51", "14", "23", "22", "21", "15", "36", "42", "43", "50", "61", "62"]
)
ORIGIN_WEIGHTS = np.array([18, 14, 12, 10, 8, 6, 6, 5, 5, 4, 3, 3, 2, 2, 1.5, 1.5])
# A few prefectures a province, retired Beijing codes among the Beijing-issued ones.
BEIJING_REGIONS = np.array([110101, 110102, 110103, 110104, 110105, 110106, 110108, 110111, 110228])

STATUS = np.array(["active", "suspended", "cancelled"])
BUSINESS_MODEL = np.array(["employee_based", "intermediary", "mixed"])
FLAGS = (
    "has_training_center", "is_brand", "has_credit_record",
    "offers_senior_care", "on_digital_platform", "uses_ai",
)  # fmt: skip
FLAG_START = np.array([0.09, 0.015, 0.55, 0.22, 0.40, 0.06])  # share true at the start

_NAME_HEAD = np.array(list("京华安康宜佳德瑞福泰和美嘉悦馨蓝阳光慈惠爱邦诚信"))
_NAME_TAIL = np.array(["家政服务有限公司", "家庭服务有限公司", "保洁服务有限公司", "母婴护理服务有限公司",
                       "养老服务有限公司", "管家服务有限公司", "家政服务中心"])  # fmt: skip


@dataclass
class Workers:
    """One row a worker, sorted by district; `start`/`count` index each district's block."""

    frame: (
        pl.DataFrame
    )  # worker_id, phone, district, employer (enterprise index), province, origin_type
    start: np.ndarray
    count: np.ndarray


@dataclass
class Enterprises:
    """The registry's current state; mutated week by week as records change."""

    uscc: np.ndarray
    name: np.ndarray
    district: np.ndarray  # index into the reference districts
    subdistrict: np.ndarray
    registered_on: np.ndarray  # datetime64[D]
    reg_week: np.ndarray  # -1 for enterprises registered before the first week
    status: np.ndarray  # index into STATUS
    model: np.ndarray  # index into BUSINESS_MODEL
    workers_count: np.ndarray
    outlets: np.ndarray
    flags: np.ndarray  # (n, len(FLAGS)) bool
    start: np.ndarray  # block of initial enterprises per district
    count: np.ndarray


def pick_in_blocks(
    rng: np.random.Generator,
    district: np.ndarray,
    start: np.ndarray,
    count: np.ndarray,
    skew: float = 1.0,
) -> np.ndarray:
    """For each row's district, an index inside that district's block.

    `skew` > 1 favours the block's first members (blocks are in random order), so a core of
    active workers recurs across training, insurance and placements as real ones do.
    """
    u = rng.random(district.size) ** skew
    return start[district] + (u * count[district]).astype(np.int64)


def _district_draw(rng: np.random.Generator, n: int) -> np.ndarray:
    counts = rng.multinomial(n, DISTRICT_SHARE / DISTRICT_SHARE.sum())
    counts = np.maximum(counts, 3)  # every district has a few enterprises and workers
    return np.repeat(np.arange(DISTRICT_SHARE.size), counts)


def _blocks(district: np.ndarray, n_districts: int) -> tuple[np.ndarray, np.ndarray]:
    count = np.bincount(district, minlength=n_districts)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    return start, count


def _random_dates(rng, low: dt.date, high: dt.date, n: int) -> np.ndarray:
    span = (high - low).days + 1
    return np.datetime64(low, "D") + rng.integers(0, span, size=n)


def make_enterprises(
    rng: np.random.Generator,
    n_initial: int,
    n_new: int,
    weeks: int,
    first_monday: dt.date,
    district_codes: list[str],
    subdistricts: list[tuple[str, ...]],
) -> Enterprises:
    """Initial registry sorted by district, then the enterprises that register during the run."""
    initial = _district_draw(rng, n_initial)
    new = rng.choice(DISTRICT_SHARE.size, size=n_new, p=DISTRICT_SHARE / DISTRICT_SHARE.sum())
    district = np.concatenate([initial, new])
    n = district.size
    start, count = _blocks(initial, DISTRICT_SHARE.size)
    reg_week = np.concatenate(
        [np.full(initial.size, -1), np.sort(rng.integers(1, max(weeks, 2), n_new))]
    )
    registered = _random_dates(rng, dt.date(2005, 1, 1), first_monday - dt.timedelta(days=1), n)
    late = reg_week >= 0
    registered[late] = (
        np.datetime64(first_monday, "D") + reg_week[late] * 7 + rng.integers(0, 7, late.sum())
    )
    # E-Town's businesses register with its own administrative code, 110302.
    regions = np.array([110302 if c == "110190" else int(c) for c in district_codes])[district]
    sub_idx = (rng.random(n) * np.array([len(s) for s in subdistricts])[district]).astype(int)
    subdistrict = _subdistrict_names(district, sub_idx, subdistricts)
    name = np.char.add(
        np.char.add(np.char.add("北京", _NAME_HEAD[rng.integers(0, _NAME_HEAD.size, n)]),
                    _NAME_HEAD[rng.integers(0, _NAME_HEAD.size, n)]),
        _NAME_TAIL[rng.integers(0, _NAME_TAIL.size, n)],
    )  # fmt: skip
    flags = rng.random((n, len(FLAGS))) < FLAG_START
    return Enterprises(
        uscc=make_usccs(rng, n, regions),
        name=_dedupe_names(name),
        district=district,
        subdistrict=subdistrict,
        registered_on=registered,
        reg_week=reg_week,
        status=np.where(late | (rng.random(n) < 0.93), 0, np.where(rng.random(n) < 0.5, 1, 2)),
        model=rng.choice(3, size=n, p=[0.22, 0.48, 0.30]),
        workers_count=np.round(rng.lognormal(2.8, 1.0, n)).astype(np.int64),
        outlets=np.where(rng.random(n) < 0.12, rng.integers(1, 4, n), 0),
        flags=flags,
        start=start,
        count=count,
    )


def _subdistrict_names(district: np.ndarray, idx: np.ndarray, subdistricts) -> np.ndarray:
    """Look names up through one flat table rather than per row."""
    sizes = np.array([len(s) for s in subdistricts])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = np.array([name for names in subdistricts for name in names])
    return flat[offsets[district] + idx]


def _dedupe_names(name: np.ndarray) -> np.ndarray:
    """Suffix repeated names with a branch number, as registries do (…有限公司第二分公司 aside)."""
    series = pl.Series(name)
    rank = (
        pl.DataFrame({"n": series})
        .select(pl.int_range(pl.len()).over("n").alias("rank"))["rank"]
        .to_numpy()
    )
    suffix = np.where(rank == 0, "", np.char.add("（", np.char.add(rank.astype(str), "）")))
    return np.char.add(name.astype(str), suffix)


def make_workers(
    rng: np.random.Generator, n: int, enterprises: Enterprises, reference_today: dt.date
) -> Workers:
    """Workers sorted by district: ~95 % women, most over 50, a third born in Beijing."""
    district = _district_draw(rng, n)
    n = district.size
    age = rng.normal(51, 7.5, n)
    outside = (age < 19) | (age > 64)  # redraw, not clip: clipping piles people on one birthday
    age[outside] = rng.uniform(19, 64, outside.sum())
    birth = np.datetime64(reference_today, "D") - np.round(age * 365.25).astype(np.int64)
    local = rng.random(n) < 0.3
    province = np.where(
        local, "11", rng.choice(ORIGIN_PROVINCES, size=n, p=ORIGIN_WEIGHTS / ORIGIN_WEIGHTS.sum())
    )
    prefecture = rng.integers(1, 10, n) * 100 + rng.integers(1, 25, n)
    region = np.where(
        local,
        BEIJING_REGIONS[rng.integers(0, BEIJING_REGIONS.size, n)],
        province.astype(np.int64) * 10000 + prefecture,
    )
    female = rng.random(n) < 0.95
    ids = make_resident_ids(rng, birth, region, female)
    has_phone = rng.random(n) < 0.6
    phone = (13_000_000_000 + rng.integers(0, 7_000_000_000, n)).astype(str)
    start, count = _blocks(district, DISTRICT_SHARE.size)
    employer = pick_in_blocks(rng, district, enterprises.start, enterprises.count)
    frame = pl.DataFrame(
        {
            "worker_id": ids,
            "phone": pl.Series(phone).zip_with(
                pl.Series(has_phone), pl.Series([None] * n, dtype=pl.Utf8)
            ),
            "district": district,
            "employer": employer,
            "province": province,
            "origin_type": np.where(local, rng.random(n) < 0.1, rng.random(n) < 0.8),
        }
    ).with_columns(
        origin_type=pl.when(pl.col("origin_type")).then(pl.lit("rural")).otherwise(pl.lit("urban"))
    )
    return Workers(frame=frame, start=start, count=count)
