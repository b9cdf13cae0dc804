"""The worker register (从业人员登记) of the credit platform and the monthly order statistics: the
denominator of the worker shares, and the policy's outcome (orders and spending)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from sample_data.population import Enterprises, Workers

REGISTER_STATUS = np.array(["active", "suspended", "left"])
REGISTER_LEVELS = np.array([0, 5, 4, 3, 2, 1])
REGISTER_LEVEL_P = np.array([0.5, 0.2, 0.15, 0.1, 0.04, 0.01])
SERVICE_TYPES = np.array(
    ["housekeeping", "maternity_infant", "elderly_care", "nursing", "cleaning", "other"]
)
SERVICE_SHARE = np.array([0.34, 0.14, 0.18, 0.08, 0.2, 0.06])
SERVICE_PRICE = np.array([150.0, 450.0, 260.0, 320.0, 120.0, 100.0])  # 元 an order
CHANNEL_SHARE = {"platform": 0.62, "enterprise": 0.38}
# orders a month by calendar month: the Spring Festival month low, the year's end high
SEASON = np.array([1.2, 0.6, 0.9, 0.95, 1.0, 1.0, 1.05, 1.05, 0.95, 1.0, 1.05, 1.25])


class Register:
    """Each worker's registration, drawn once per run; statuses change week by week."""

    def __init__(self, rng: np.random.Generator, workers: Workers, start: dt.date) -> None:
        n = workers.frame.height
        self.workers = workers
        self.status = rng.choice(3, size=n, p=[0.9, 0.04, 0.06])
        self.level = REGISTER_LEVELS[rng.choice(REGISTER_LEVELS.size, size=n, p=REGISTER_LEVEL_P)]
        span = (start - dt.date(2016, 1, 1)).days
        self.registered = np.datetime64(dt.date(2016, 1, 1), "D") + rng.integers(0, span, n)

    def changes(self, rng: np.random.Generator, index: int, n_districts: int) -> np.ndarray:
        """Week 0: the whole register; later weeks: status changes, and at least one record a
        district so every district delivers a file."""
        n = self.status.size
        if index == 0:
            return np.arange(n)
        changed = rng.choice(n, size=max(1, rng.poisson(n * 0.004)), replace=False)
        self.status[changed] = rng.choice(3, size=changed.size, p=[0.6, 0.15, 0.25])
        district = self.workers.frame["district"].to_numpy()
        missing = np.setdiff1d(np.arange(n_districts), district[changed])
        extra = [int(self.workers.start[d]) for d in missing if self.workers.count[d]]
        return np.union1d(changed, np.array(extra, dtype=np.int64))

    def rows(self, idx: np.ndarray, enterprises: Enterprises, codes: list[str]) -> pl.DataFrame:
        w = self.workers.frame[idx]
        district = w["district"].to_numpy()
        code = np.array(codes)[district]
        return pl.DataFrame(
            {
                "_district": district,
                "registration_id": np.char.add(np.char.add("R", code), np.char.zfill(idx.astype(str), 7)),
                "worker_id": w["worker_id"],
                "enterprise_uscc": enterprises.uscc[w["employer"].to_numpy()],
                "district_code": code,
                "registered_on": self.registered[idx],
                "status": REGISTER_STATUS[self.status[idx]],
                "skill_level": pl.Series(self.level[idx]).cast(pl.Utf8).replace("0", ""),
            }
        )  # fmt: skip


def month_end_in_week(monday: dt.date) -> dt.date | None:
    """The last day of a month falling in the week of `monday`, if one does."""
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        if (day + dt.timedelta(days=1)).day == 1:
            return day
    return None


def orders(
    rng: np.random.Generator, month_end: dt.date, workers: Workers, codes: list[str], growth: float
) -> pl.DataFrame:
    """A month's order statistics by district, service type and channel (platforms, enterprises):
    about 1.2 orders a registered worker a month, seasonal, growing through the run."""
    per_district = workers.count * 1.2 * SEASON[month_end.month - 1] * growth
    rows = []
    for d, code in enumerate(codes):
        for t, service in enumerate(SERVICE_TYPES):
            for channel, share in CHANNEL_SHARE.items():
                n = int(rng.poisson(per_district[d] * SERVICE_SHARE[t] * share))
                price = SERVICE_PRICE[t] * rng.uniform(0.9, 1.1)
                rows.append(
                    {"_district": -1, "period_end": month_end, "district_code": code,
                     "service_type": service, "channel": channel, "orders": n,
                     "spending_cny": round(n * price, 1)}
                )  # fmt: skip
    return pl.DataFrame(rows)
