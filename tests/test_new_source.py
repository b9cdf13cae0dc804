"""A seventh source is a contract entry, and a 23rd measure a catalog entry: nothing else in the
repository changes.

A copy of the catalog gets a `subsidies` source; the real weekly job runs as a subprocess (the
way `pmon run` is used) on a temp data dir pointed at that copy; then the DuckDB file shows the
new source loaded, quarantined, counted in the delivery mart (late rows too), restating the week
its late row belongs to, in the analyst's quarantine view and in delivery coverage's denominator.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from core import settings
from core.contract import load_contract, load_reference

W46, W47 = dt.date(2026, 11, 9), dt.date(2026, 11, 16)
HAIDIAN, CHAOYANG = "110108", "110105"
SUBSIDIES = {
    "tag": "sub",
    "expected_from": "districts",
    "title": {"zh": "家政补贴发放记录", "en": "Subsidy payments"},
    "key": ["payment_id"],
    "event_date": "paid_on",
    "district": "district_code",
    "columns": {
        "payment_id": {"type": "string", "required": True, "zh": ["发放编号"]},
        "district_code": {"type": "district", "required": True, "zh": ["所属区"]},
        "paid_on": {"type": "date", "required": True, "zh": ["发放日期"]},
        "amount_cny": {"type": "float", "required": True, "min": 0, "zh": ["金额（元）"]},
    },
}
HEADER = "发放编号,所属区,发放日期,金额（元）\n"

pytestmark = pytest.mark.slow


def catalog_with_subsidies(target: Path) -> Path:
    """The project's catalog, copied, with one more source in its contract."""
    shutil.copytree(settings.PROJECT_ROOT / "catalog", target)
    path = target / "contract.yaml"
    contract = yaml.safe_load(path.read_text(encoding="utf-8"))
    contract["sources"]["subsidies"] = SUBSIDIES
    path.write_text(yaml.safe_dump(contract, allow_unicode=True, sort_keys=False), "utf-8")
    return target


def deliver(inbox: Path, week: str, name: str, rows: list[str]) -> None:
    folder = inbox / "subsidies" / week
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")


def pmon_run(env: dict[str, str], *weeks: str) -> None:
    """The real weekly job without the report, as `pmon run` starts it."""
    argv = ["--week", weeks[0]] if len(weeks) == 1 else ["--from", weeks[0], "--to", weeks[1]]
    done = subprocess.run(
        [sys.executable, "-m", "pmon.cli", "run", *argv, "--select", "not group:reports"],
        cwd=settings.PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]


def rows(db: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(query).fetchall()


def computed_at(db: Path, week: dt.date) -> set:
    return {
        at
        for (at,) in rows(
            db, f"select distinct computed_at from marts.indicator_weekly where week = '{week}'"
        )
    }


@pytest.fixture
def project(tmp_path: Path) -> dict:
    """Environment of a project whose catalog has a seventh source, on an empty data dir."""
    data = tmp_path / "data"
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("PMON_", "DAGSTER_"))}
    env = keep | {
        "PMON_CATALOG_DIR": str(catalog_with_subsidies(tmp_path / "catalog")),
        "PMON_DATA_DIR": str(data),
        "PMON_PII_KEY": "test-only-pii-key-not-a-secret",
        "PYTHONWARNINGS": "ignore",
    }
    return {"env": env, "inbox": data / "inbox", "db": data / "warehouse.duckdb", "data": data}


def test_a_seventh_source_needs_only_its_contract_entry(project: dict):
    inbox, db = project["inbox"], project["db"]
    deliver(inbox, "2026-W46", "haidian.csv", [f"S1,{HAIDIAN},2026-11-10,500", f"S2,{HAIDIAN},2026-11-11,-5"])  # fmt: skip
    deliver(inbox, "2026-W47", "haidian.csv", [f"S3,{HAIDIAN},2026-11-17,300"])
    pmon_run(project["env"], "2026-W46", "2026-W47")
    first_w46 = computed_at(db, W46)

    # a later delivery for week 2 carries a payment made in week 1: week 1 is restated
    deliver(inbox, "2026-W47", "chaoyang.csv", [f"S4,{CHAOYANG},2026-11-12,200"])
    pmon_run(project["env"], "2026-W47")

    staged = "select payment_id, week, event_week, is_late from staging.subsidies order by 1"
    assert rows(db, staged) == [
        ("S1", W46, W46, False),
        ("S3", W47, W47, False),
        ("S4", W47, W46, True),
    ]
    assert rows(db, "select payment_id, reasons from quarantine.subsidies") == [
        ("S2", ["amount_cny: below minimum 0"])
    ]
    delivery = (
        "select week, district_code, files, rows_read, rows_loaded, rows_quarantined, rows_late "
        "from marts.data_delivery where source = 'subsidies' order by 1, 2"
    )
    assert rows(db, delivery) == [
        (W46, HAIDIAN, 1, 2, 1, 1, 0),
        (W47, CHAOYANG, 1, 1, 1, 0, 1),
        (W47, HAIDIAN, 1, 1, 1, 0, 0),
    ]

    # restated: week 1's marts were recomputed by the second run, together with week 2's
    assert computed_at(db, W46) == computed_at(db, W47) != first_w46
    assert "restated" in restatement_events(project["data"], "2026-11-09")

    reasons = (
        "select week, column_name, rows from analyst.quarantine_reasons where source = 'subsidies'"
    )
    assert rows(db, reasons) == [(W46, "amount_cny", 1)]

    districts = len(load_reference().district_codes)
    before = sum(s.expected_from == "districts" for s in load_contract().sources.values())
    coverage = (
        "select district_code, numerator, denominator from marts.indicator_weekly "
        "where indicator_id = 'M21.delivery_coverage' and week = '2026-11-09' "
        f"and district_code in ('110000', '{HAIDIAN}') order by 1"
    )
    # the project's own district sources, plus the new one: one more pair per district
    owed = before + 1
    assert rows(db, coverage) == [("110000", 1, owed * districts), (HAIDIAN, 1, owed)]


def restatement_events(data: Path, partition: str) -> str:
    """Descriptions of the marts/indicator_weekly materializations of one week, in the project
    instance the runs used."""
    env = settings.dagster_env(data)
    previous = dict(os.environ)
    os.environ.update(env)
    try:
        with dg.DagsterInstance.get() as instance:
            records = instance.fetch_materializations(
                dg.AssetRecordsFilter(
                    asset_key=dg.AssetKey(["marts", "indicator_weekly"]),
                    asset_partitions=[partition],
                ),
                limit=10,
            ).records
            return " ".join(r.asset_materialization.description or "" for r in records)
    finally:
        os.environ.clear()
        os.environ.update(previous)


M23 = {
    "id": "M23",
    "area": "A4",
    "title": {"zh": "发放家政服务补贴", "en": "Domestic-service subsidies paid"},
    "lead_agency": {"zh": "市商务局", "en": "Municipal Bureau of Commerce"},
    "indicators": [
        {
            "id": "M23.subsidy_payments",
            "name": {"zh": "补贴发放笔数", "en": "Subsidy payments"},
            "definition": {"zh": "本周发放的补贴笔数", "en": "Subsidy payments made in the week"},
            "unit": {"zh": "笔", "en": "payments"},
            "sources": ["sub"],
            "query": {"template": "period_count", "source": "subsidies", "base": "payment_id"},
            "kind": "flow",
            "target": 52,
        }
    ],
}


def test_a_23rd_measure_needs_only_its_catalog_entry(project: dict):
    catalog = Path(project["env"]["PMON_CATALOG_DIR"]) / "measures.yaml"
    measures = yaml.safe_load(catalog.read_text(encoding="utf-8"))
    measures["measures"].append(M23)
    catalog.write_text(yaml.safe_dump(measures, allow_unicode=True, sort_keys=False), "utf-8")
    inbox, db = project["inbox"], project["db"]
    deliver(inbox, "2026-W46", "haidian.csv", [f"S1,{HAIDIAN},2026-11-10,500"])
    deliver(inbox, "2026-W47", "haidian.csv", [f"S2,{HAIDIAN},2026-11-17,300", f"S3,{HAIDIAN},2026-11-18,300"])  # fmt: skip
    pmon_run(project["env"], "2026-W46", "2026-W47")

    figure = (
        "select value, ytd_value, target, status from marts.indicator_weekly "
        "where indicator_id = 'M23.subsidy_payments' and week = '2026-11-16' "
        "and district_code = '110000'"
    )
    ((value, ytd, target, status),) = rows(db, figure)
    assert (value, target) == (2, 52) and ytd >= 3  # this week; this year so far
    assert status in ("on_track", "at_risk", "off_track")  # rated against its target
    assert rows(db, "select count(*) from marts.measure_status where measure_id = 'M23'") == [(2,)]

    done = subprocess.run(
        [sys.executable, "-m", "pmon.cli", "report", "--week", "2026-W47", "--format", "html"],
        cwd=settings.PROJECT_ROOT, env=project["env"], capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    html = next((project["data"] / "reports" / "2026-W47").glob("*.html")).read_text("utf-8")
    assert "M23" in html and "补贴发放笔数" in html and "发放家政服务补贴" in html
    assert "23项措施状态分布" in html and "列示23项措施" in html  # counted from the catalog
    assert "家政补贴发放记录" in html  # the new source is named in the delivery section
