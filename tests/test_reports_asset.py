"""The report asset end to end: a real Dagster instance, a real warehouse, every format and language.

Kept apart from test_reports.py, whose module-wide browser holds Playwright's event loop: the asset
starts its own browser, as it does in a weekly run.
"""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from report_marts import build_marts

from assets.indicators.disclosure import refresh_public
from core import settings
from core.catalog import load_catalog
from reports.definitions import implementation_report


@pytest.mark.slow
def test_report_asset_renders_a_range_of_weeks_in_one_run(
    data_dir: Path, resources: dict, instance
) -> None:
    with duckdb.connect(str(settings.warehouse_path(data_dir))) as conn:
        build_marts(conn)
        refresh_public(conn, load_catalog())
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
        assert names == sorted(
            [
                f"{week}_{kind}_{edition}_{lang}.{ext}"
                for kind, exts in (("report", ("html", "pdf", "xlsx")), ("brief", ("html", "pdf")))
                for edition in ("internal", "public")
                for lang in ("zh", "en")
                for ext in exts
            ]
        )  # the brief and the report, both editions, every language and format
    [materialization] = [
        m
        for m in result.asset_materializations_for_node("reports__implementation_report")
        if m.partition == "2026-11-16"
    ]
    metadata = materialization.metadata
    assert metadata["2026-W47_report_public_zh_pdf_pages"].value > 10
    assert 1 <= metadata["2026-W47_brief_internal_zh_pdf_pages"].value <= 2
    assert not (data_dir / "reports" / "2026-11").exists()  # November has not closed
    size = (data_dir / "reports" / "2026-W47" / "2026-W47_report_internal_zh.xlsx").stat().st_size
    assert metadata["2026-W47_report_internal_zh_xlsx_bytes"].value == size


def test_report_asset_declares_every_mart_its_sql_reads() -> None:
    """Lineage in the UI: each mart any report SQL selects from is a dep, and an asset of the code
    location (dq.results is read too, but the asset checks write it: no asset owns it)."""
    from pipelines.definitions import defs
    from reports.queries import SQL_DIR

    read = set()
    for path in [*SQL_DIR.glob("*.sql"), *(SQL_DIR.parent / "brief" / "sql").glob("*.sql")]:
        read |= set(re.findall(r"\b(?:from|join)\s+marts\.(\w+)", path.read_text(encoding="utf-8")))
    [spec] = implementation_report.specs
    deps = {dep.asset_key for dep in spec.deps}
    assert deps == {dg.AssetKey(["marts", name]) for name in read}
    assert read >= {
        "indicator_weekly",
        "indicator_public",
        "measure_status",
        "data_delivery",
        "milestone_notes",
        "task_status",
        "indicator_period",
        "indicator_period_public",
    }
    known = set(defs.resolve_asset_graph().get_all_asset_keys())
    assert deps <= known


def test_a_week_renders_the_month_and_quarter_it_closes(tmp_path: Path) -> None:
    """The first run after a period closes renders it: the week holding its last day, once the
    period mart holds it."""
    from assets.indicators import periods
    from assets.indicators.statements import sql_text
    from reports.definitions import closed_by

    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        assert closed_by(conn, "2026-09-28") == []  # no period mart yet
        conn.execute(sql_text("marts/period_schema.sql"))
        for label in ("2026-09", "2026-Q3", "2026-10"):
            conn.execute(
                "insert into marts.indicator_period (period, period_kind, period_start, "
                "period_end, measure_id, indicator_id, district_code, suppressed, computed_at) "
                "values ($p, 'month', current_date, current_date, 'M01', 'x', '110000', false, "
                "now())",
                {"p": label},
            )
        # 30 September 2026 is a Wednesday: the week of 28 September closes September and Q3
        assert [p.label for p in closed_by(conn, "2026-09-28")] == ["2026-09", "2026-Q3"]
        assert [p.label for p in closed_by(conn, "2026-W44")] == ["2026-10"]  # 31 Oct: a Saturday
        assert closed_by(conn, "2026-11-02") == []
        assert closed_by(conn, "2026-11-30") == []  # November closes then, but is not held
    assert periods.month(2026, 11).closing_week.isoformat() == "2026-11-30"
