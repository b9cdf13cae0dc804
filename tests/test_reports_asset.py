"""The report asset end to end: a real Dagster instance, a real warehouse, every format and language.

Kept apart from test_reports.py, whose module-wide browser holds Playwright's event loop: the asset
starts its own browser, as it does in a weekly run.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest
from test_reports import build_marts

from core import settings
from reports.definitions import implementation_report


@pytest.mark.slow
def test_report_asset_renders_a_range_of_weeks_in_one_run(
    data_dir: Path, resources: dict, instance
) -> None:
    with duckdb.connect(str(settings.warehouse_path(data_dir))) as conn:
        build_marts(conn)
    result = dg.materialize(
        [implementation_report],
        instance=instance,
        resources=resources,
        tags={
            "dagster/asset_partition_range_start": "2026-11-09",
            "dagster/asset_partition_range_end": "2026-11-16",
        },
    )
    assert result.success
    for week in ("2026-W46", "2026-W47"):
        names = sorted(p.name for p in (data_dir / "reports" / week).iterdir())
        assert names == [f"report.{x}{f}" for x in ("en.", "") for f in ("html", "pdf", "xlsx")]
    [materialization] = [
        m
        for m in result.asset_materializations_for_node("reports__implementation_report")
        if m.partition == "2026-11-16"
    ]
    metadata = materialization.metadata
    assert metadata["2026-W47_report_pdf_pages"].value > 10
    size = (data_dir / "reports" / "2026-W47" / "report.xlsx").stat().st_size
    assert metadata["2026-W47_report_xlsx_bytes"].value == size
