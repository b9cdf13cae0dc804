"""The generator's `--dirty` defects, each caught by the rule meant for it: row and file defects
in `pmon check`'s pre-check, orphans and empty weeks by the warehouse checks in a real run."""

import json
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from assets.ingest.assets import ingest_assets
from core.contract import source_names
from core.partitions import weekly_partitions
from quality_checks.checks import quality_checks
from quality_checks.precheck import precheck, render
from quality_checks.suites import build_suite

# the suite expectation (or contract rule) each row defect must trip at its row
ROW_RULE = {
    "uscc_check_char": ("_check_character]",),
    "resident_id_check_digit": ("[worker_id_check_digit]",),
    "unknown_district": ("[district_code_in_set]",),
    "impossible_date": ("impossible date",),
    "future_date": ("_not_after_week]",),
    "negative_hours": ("[hours_in_range]",),
    "duplicate_key": ("_unique]",),
    "html_in_name": ("[name_no_markup]",),
}
FILE_SAYS = {
    "missing_required_column": "file rejected",
    "not_a_table": "file rejected",
    "empty_file": "no data rows",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, list[dict]]:
    from sample_data import generate

    out = tmp_path_factory.mktemp("data") / "inbox"
    generate(out, scale="small", weeks=2, seed=1, dirty=0.05)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return out, manifest["defects"]


def _check(path: Path, source: str):
    result = precheck(path, source, None, b"test-key")
    return result, render(result, limit=1_000_000)


def test_each_row_defect_fails_its_rule_at_its_row(generated):
    inbox, defects = generated
    files = {(d["source"], d["file"]) for d in defects if d["kind"] in ROW_RULE}
    missed = []
    for source, file in sorted(files):
        result, _ = _check(inbox / file, source)
        problems = result.problems
        for d in (d for d in defects if d["file"] == file and d["kind"] in ROW_RULE):
            at_row = problems.filter(pl.col("row_number") == d["row_number"])["rule"].to_list()
            if not any(says in rule for rule in at_row for says in ROW_RULE[d["kind"]]):
                missed.append((file, d["row_number"], d["kind"], at_row))
        blocking = {d["kind"] for d in defects if d["file"] == file} - {
            "html_in_name",
            "orphan_enterprise",
        }
        assert result.ok == (not blocking), file
    assert missed == []


def test_each_file_defect_is_reported_for_the_file(generated):
    inbox, defects = generated
    for d in (d for d in defects if d["row_number"] is None):
        result, text = _check(inbox / d["file"], d["source"])
        if d["kind"] in FILE_SAYS:
            assert FILE_SAYS[d["kind"]] in text, (d, text)
        else:  # gb18030_encoding, duplicate_file: the file itself reads fine
            assert result.file.rejection is None, (d, text)


@pytest.mark.slow
def test_a_dirty_run_warns_about_orphans_and_blocks_nothing(generated, tmp_path):
    """Ingestion quarantines every row defect, so the blocking checks pass and the warnings stay."""
    inbox, defects = generated
    base = inbox.parent
    (base / "dagster").mkdir(exist_ok=True)
    from pipelines.resources import build_resources

    job = dg.define_asset_job("dirty", partitions_def=weekly_partitions,
                              executor_def=dg.in_process_executor)  # fmt: skip
    defs = dg.Definitions(assets=ingest_assets, asset_checks=quality_checks, jobs=[job],
                          resources=build_resources(base))  # fmt: skip
    weeks = sorted({Path(d["file"]).parts[1] for d in defects})
    from core.partitions import partition_key

    keys = [partition_key(w) for w in weeks]
    with dg.DagsterInstance.local_temp(tempdir=str(base / "dagster")) as instance:
        result = defs.resolve_job_def("dirty").execute_in_process(
            instance=instance, raise_on_error=False,
            tags={"dagster/asset_partition_range_start": keys[0],
                  "dagster/asset_partition_range_end": keys[-1]},
        )  # fmt: skip
    checks = {(e.asset_key.path[1], e.check_name): e for e in result.get_asset_check_evaluations()}
    assert all(checks[(s, "contract")].passed for s in source_names()), {
        k: e.description for k, e in checks.items() if not e.passed}  # fmt: skip
    orphaned = {d["source"] for d in defects if d["kind"] == "orphan_enterprise"}
    for source in orphaned:
        assert "enterprise_uscc_registered" in checks[(source, "consistency")].description
    for d in (d for d in defects if d["kind"] == "empty_file"):
        assert "no_empty_files" in checks[(d["source"], "consistency")].description
    with duckdb.connect(str(base / "warehouse.duckdb"), read_only=True) as conn:
        counts = conn.execute(
            "select source, week, count(*) from dq.results group by all"
        ).fetchall()  # fmt: skip
    import datetime as dt

    for source, week, n in counts:
        assert n == len(build_suite(source, week)), (source, week)
    assert {(s, w) for s, w, _ in counts} == {
        (s, dt.date.fromisoformat(k)) for s in source_names() for k in keys
    }
