"""The measure catalog and the input contract load, are complete, and refuse bad edits precisely."""

from pathlib import Path

import pytest
import yaml

from core.catalog import load_catalog
from core.contract import CatalogError, load_contract, load_reference
from core.settings import catalog_dir


def test_catalog_has_the_policys_measures_each_with_an_indicator():
    catalog = load_catalog()
    assert [m.id for m in catalog.measures] == [f"M{n:02d}" for n in range(1, 23)]
    assert [a.id for a in catalog.areas] == [f"A{n}" for n in range(1, 8)]
    assert all(m.indicators for m in catalog.measures)
    assert (
        len(catalog.indicators) == 47
    )  # 42 + register, enterprises, orders, spending (outcomes), M21 and M22 redefined
    assert all(m.title.zh and m.title.en and m.lead_agency.zh for m in catalog.measures)


def test_indicators_resolve_sources_thresholds_and_query_files():
    catalog = load_catalog()
    satisfaction = catalog.indicator("M10.satisfaction")
    assert satisfaction.sources == ("complaints",)
    assert satisfaction.thresholds.on_track == 0.95 and satisfaction.thresholds.at_risk == 0.80
    assert satisfaction.query == "M10.satisfaction.sql"
    assert catalog.indicator("M10.median_days_to_resolve").direction == "lower"
    assert all(i.target_illustrative for i in catalog.indicators)


def write_broken_catalog(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load((catalog_dir() / "measures.yaml").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "measures.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["measures"][3]["indicators"][0].update(kind="weekly"),
            "measures[M04].indicators[M04.training_completions].kind",
        ),
        (lambda d: d["measures"][9].update(area="A9"), "area: unknown area 'A9'"),
        (
            lambda d: d["measures"][0]["indicators"][0].update(sources=["crm"]),
            "measures[M01].indicators[M01.rural_placements]: Value error, unknown source(s) ['crm']",
        ),
        (
            lambda d: d["measures"][1]["indicators"][0].update(
                thresholds={"on_track": 0.7, "at_risk": 0.9}
            ),
            "measures[M02].indicators[M02.out_of_town_placements].thresholds",
        ),
        (
            lambda d: d["measures"][0]["indicators"].append(d["measures"][0]["indicators"][0]),
            "indicator ids repeated: ['M01.rural_placements']",
        ),
    ],
)
def test_a_broken_catalog_is_refused_naming_entry_and_field(tmp_path, edit, expected):
    with pytest.raises(CatalogError) as caught:
        load_catalog(write_broken_catalog(tmp_path, edit))
    assert expected in str(caught.value)


def test_contract_sources_have_tags_titles_and_chinese_headers():
    contract = load_contract()
    assert {s.tag for s in contract.sources.values()} >= {"ent", "trn", "ins", "cmp", "plc", "mil"}
    assert contract.by_tag_or_name("trn") is contract.sources["training"]
    for source in contract.sources.values():
        assert source.title.zh and source.title.en
        assert all(column.zh for column in source.columns.values()), source.name
        aliases = source.header_aliases()
        assert all(aliases[name] == name for name in source.columns)
    assert load_contract().sources["training"].pii_columns == ["worker_id", "phone"]


def test_reference_has_17_reporting_units():
    reference = load_reference()
    assert len(reference.districts) == 17
    assert reference.district_by_slug_or_code("haidian").code == "110108"
    assert "110190" in reference.district_codes


def test_every_measure_has_tasks_and_task_measures_are_rated_by_them():
    catalog = load_catalog()
    assert all(m.tasks for m in catalog.measures)
    by_tasks = {m.id for m in catalog.measures if m.status_from == "tasks"}
    assert {"M06", "M08", "M18", "M21"} <= by_tasks
    assert all(t.dates_illustrative and t.reporters for t in catalog.tasks)
    assert [i.id for i in catalog.outcome_indicators] == [
        "M01.registered_workers", "M14.active_enterprises", "M16.orders", "M16.consumer_spending",
    ]  # fmt: skip
    assert (
        catalog.indicator("M06.competitions_held").query.unit == "场"
    )  # from the indicator's unit


def test_status_from_tasks_without_tasks_is_refused(tmp_path):
    data = yaml.safe_load((catalog_dir() / "measures.yaml").read_text(encoding="utf-8"))
    data["measures"][5].pop("tasks")
    path = tmp_path / "measures.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogError, match="status_from: tasks, but measure M06 lists no tasks"):
        load_catalog(path)
