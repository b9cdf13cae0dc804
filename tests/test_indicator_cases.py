"""Every indicator on its own small case, like a dbt unit test: given staging rows (and load-log
rows), the week's value, numerator and denominator per district, computed by hand in the case file
`tests/indicator_cases/<indicator id>.yaml`, on a real DuckDB warehouse file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
import yaml
from builders import log, stage

from assets.indicators import compute
from assets.ingest.warehouse import ensure_warehouse
from core.catalog import Indicator, load_catalog
from core.contract import load_contract, load_reference

CASES = Path(__file__).parent / "indicator_cases"
CITY = "110000"


def _deliveries(case: dict, indicator: Indicator) -> list[dict]:
    """The case's load-log rows (a row may name an earlier `week`: where the monitoring began); by
    default each source of the indicator delivered a file from
    every district the case names (a city-wide file for a source owed by the city)."""
    if "deliveries" in case:
        return case["deliveries"]
    contract = load_contract()
    districts = {d for d in case["expect"] if d != CITY} | {
        row["district_code"]
        for rows in case.get("staging", {}).values()
        for row in rows
        if row.get("district_code")
    }
    return [
        {"source": source, "district": district}
        for source in indicator.sources
        for district in (
            [None] if contract.sources[source].expected_from == "city" else sorted(districts)
        )
    ]


def _load(conn, case: dict, indicator: Indicator) -> None:
    ensure_warehouse(conn)
    for source, rows in case.get("staging", {}).items():
        has_event_date = load_contract().sources[source].event_date is not None
        stage(conn, source, rows, None if has_event_date else case["week"])
    for delivery in _deliveries(case, indicator):
        log(
            conn,
            delivery["source"],
            delivery.get("week", case["week"]),
            delivery["district"],
            delivery.get("outcome", "loaded"),
        )


def _same(got: float | None, want: float | None) -> bool:
    return got is None if want is None else got is not None and got == pytest.approx(want)


@pytest.mark.parametrize("path", sorted(CASES.glob("*.yaml")), ids=lambda p: p.stem)
def test_indicator_case(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    indicator = load_catalog().indicator(path.stem)
    if "subdistricts" in case:
        subdistricts = {d: tuple(s) for d, s in case["subdistricts"].items()}
        reference = load_reference().model_copy(update={"subdistricts": subdistricts})
        monkeypatch.setattr(compute, "load_reference", lambda: reference)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        _load(conn, case, indicator)
        values = compute.week_values(conn, load_catalog(), case["week"])
    rows = {
        r["district_code"]: r
        for r in values.filter(values["indicator_id"] == indicator.id).iter_rows(named=True)
    }
    for district, expected in case["expect"].items():
        for figure, want in expected.items():
            got = rows[district][figure]
            assert _same(got, want), f"{indicator.id} {district} {figure}: got {got}, want {want}"


def test_every_catalog_indicator_has_a_case_and_every_case_an_indicator():
    cases = {p.stem for p in CASES.glob("*.yaml")}
    assert cases == {i.id for i in load_catalog().indicators}


def test_a_case_reads_its_week_as_a_monday():
    weeks = {yaml.safe_load(p.read_text(encoding="utf-8"))["week"] for p in CASES.glob("*.yaml")}
    assert all(isinstance(w, dt.date) and w.weekday() == 0 for w in weeks)
