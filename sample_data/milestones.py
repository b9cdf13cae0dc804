"""The milestone ledger: what agencies report for measures no transaction shows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

# agency slug -> (agency name, [(measure, action, unit, weekly rate, quantity low, high)])
AGENCIES: dict[str, tuple[str, list[tuple[str, str, str, float, int, int]]]] = {
    "commerce": ("北京市商务局", [
        ("M02", "签订省际劳务合作协议", "份", 0.35, 1, 2),
        ("M03", "举办直播带岗招聘会", "场", 0.3, 1, 2),
        ("M05", "发布家政培训教材", "册", 0.15, 1, 3),
        ("M08", "发布家政服务地方标准", "项", 0.1, 1, 2),
        ("M22", "开展家政服务宣传活动", "场", 0.4, 1, 4),
    ]),
    "hrss": ("北京市人力资源和社会保障局", [
        ("M06", "举办家政职业技能竞赛", "场", 0.12, 1, 1),
    ]),
    "finance": ("北京市地方金融管理局", [
        ("M13", "发放家政企业贷款及补贴", "万元", 0.3, 50, 600),
    ]),
    "justice": ("北京市司法局", [
        ("M17", "办理家政从业人员法律援助案件", "件", 2.5, 1, 6),
    ]),
    "union": ("北京市总工会", [
        ("M18", "家政从业人员获评表彰", "人次", 0.2, 1, 10),
    ]),
    "housing": ("北京市住房和城乡建设委员会", [
        ("M19", "配租保障性租赁住房", "套", 0.3, 5, 60),
    ]),
}  # fmt: skip


def milestone_rows(rng: np.random.Generator, monday: dt.date, index: int, weeks: int):
    """(agency slug, frame) for each agency with something to report this week."""
    growth = 0.6 + 0.8 * index / max(weeks - 1, 1)
    for slug, (agency, measures) in AGENCIES.items():
        rows = []
        for measure, action, unit, rate, low, high in measures:
            for n in range(1, rng.poisson(rate * growth) + 1):
                rows.append(
                    {
                        "measure_id": measure, "agency": agency,
                        "reported_on": monday + dt.timedelta(days=int(rng.integers(0, 5))),
                        "action": f"{action}（第{index + 1}周第{n}项）",
                        "quantity": float(rng.integers(low, high + 1)), "unit": unit,
                        "note": "",
                    }
                )  # fmt: skip
        if rows:
            yield slug, pl.DataFrame(rows).with_columns(_district=pl.lit(-1))
