"""`pmon demo` tells the same story every day: a fixed reference week, the demo overlay's targets,
a status mix a real year might show, and the data problems the pipeline exists to catch."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from core import settings
from core.catalog import DEMO_OVERLAY, load_catalog
from core.contract import CatalogError, load_reference
from sample_data import demo
from sample_data.population import LAGGING

REFERENCE = dt.date(2026, 11, 16)  # 2026-W47's Monday
STAMPS = ("computed_at",)  # when a row was computed: the only columns allowed to differ


def _env(base: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMON_", "DAGSTER_"))}
    return env | {"PMON_DATA_DIR": str(base), "PMON_PII_KEY": "test-only-pii-key"}


def _rows(base: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path(base)), read_only=True) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One `pmon demo`, as a user runs it (a subprocess, the default weeks): (data dir, output)."""
    base = tmp_path_factory.mktemp("demo") / "data"
    done = subprocess.run(
        [sys.executable, "-m", "pmon.cli", "--data-dir", str(base), "demo"],
        cwd=settings.PROJECT_ROOT, env=_env(base), capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return base, done.stdout + done.stderr


# ---- without the pipeline ----------------------------------------------------------------------


def test_the_demo_inbox_ends_at_the_reference_week_and_marks_the_data_dir(tmp_path: Path):
    summary = demo.generate_demo(tmp_path, weeks=3)
    assert summary.weeks == ["2026-W45", "2026-W46", "2026-W47"]
    assert summary.start == REFERENCE - dt.timedelta(weeks=2)
    assert settings.is_sample_data(tmp_path)
    inbox = settings.inbox_dir(tmp_path)
    assert not list(inbox.glob("placements/2026-W47/yanqing.*"))  # 未报送
    assert list(inbox.glob("placements/2026-W46/yanqing.*"))
    [(rel, corrected)] = summary.corrections.items()
    assert rel.startswith("training/2026-W46/chaoyang.")
    first = (inbox / rel).read_bytes()
    assert corrected != first and len(corrected) > len(first)  # sent short, corrected later


def test_the_overlay_applies_only_to_sample_data_of_its_scale(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PMON_DATA_DIR", str(tmp_path))
    bureau = {i.id: i.target for i in load_catalog().indicators}
    demo.mark_sample_data(tmp_path)
    overlaid = {i.id: i.target for i in load_catalog().indicators}
    overlay = (settings.catalog_dir() / DEMO_OVERLAY).read_text(encoding="utf-8")
    changed = {k for k in bureau if bureau[k] != overlaid[k]}
    assert len(changed) >= 10 and all(k in overlay for k in changed)
    demo.mark_sample_data(tmp_path, scale="beijing")  # sized for the small scale only
    assert {i.id: i.target for i in load_catalog().indicators} == bureau
    settings.sample_data_marker(tmp_path).unlink()
    assert {i.id: i.target for i in load_catalog().indicators} == bureau


def test_an_overlay_naming_an_unknown_indicator_is_refused(tmp_path: Path, monkeypatch):
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    for name in ("measures.yaml", "contract.yaml", "reference.yaml"):
        (catalog / name).write_bytes((settings.catalog_dir() / name).read_bytes())
    (catalog / DEMO_OVERLAY).write_text(
        "version: 1\nnote: x\nscale: small\nindicators:\n  M99.nothing: {target: 5}\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    data.mkdir()
    demo.mark_sample_data(data)
    monkeypatch.setenv("PMON_CATALOG_DIR", str(catalog))
    monkeypatch.setenv("PMON_DATA_DIR", str(data))
    with pytest.raises(CatalogError, match=r"M99\.nothing.*不在指标目录中"):
        load_catalog()


# ---- the demo, run as a user runs it -----------------------------------------------------------

LATEST = "date '2026-11-16'"


@pytest.mark.slow
def test_the_console_stays_short_and_quiet(demo_run):
    _, output = demo_run
    lines = output.splitlines()
    assert len(lines) <= 80, output
    assert not [line for line in lines if "DEBUG" in line]
    assert "as of 2026-11-23" in output and "2026-W47" in output


@pytest.mark.slow
def test_the_latest_week_shows_every_status_at_least_three_times(demo_run):
    base, _ = demo_run
    sql = f"select status, count(*) from marts.measure_status where week = {LATEST} group by 1"
    counts = dict(_rows(base, sql))
    assert all(counts.get(s, 0) >= 3 for s in ("on_track", "at_risk", "off_track")), counts


@pytest.mark.slow
def test_the_lagging_districts_are_at_the_bottom(demo_run):
    """On the year to date of the district flows, the designed laggards rank last: 延庆区 and
    门头沟区 the last two, 怀柔区 (as small as 密云区 or 平谷区 otherwise) among the last four."""
    base, _ = demo_run
    lagging = {d.code for d in load_reference().districts if d.slug in LAGGING}
    ranks = pl.DataFrame(
        _rows(
            base,
            "select district_code, avg(r) from (select district_code, percent_rank() over "
            "(partition by indicator_id order by ytd_value) as r from marts.indicator_weekly "
            f"where week = {LATEST} and district_code <> '110000' and ytd_value is not null and "
            "indicator_id in ('M04.training_completions', 'M01.rural_placements', "
            "'M02.out_of_town_placements')) group by district_code order by 2",
        ),
        schema=["district", "rank"],
        orient="row",
    )
    bottom = ranks["district"].to_list()
    named = {d.code for d in load_reference().districts if d.slug in ("mentougou", "yanqing")}
    assert set(bottom[:2]) == named and lagging <= set(bottom[:4]), ranks


@pytest.mark.slow
def test_the_data_problems_show(demo_run):
    base, _ = demo_run
    delivery = "from marts.data_delivery where week = " + LATEST
    assert _rows(base, f"select sum(files_rejected) {delivery}")[0][0] == 1
    assert _rows(base, f"select sum(rows_quarantined) {delivery}")[0][0] > 0
    # about 1 % of the rows of the flows over the demo's weeks
    quarantined, read = _rows(
        base,
        "select sum(rows_quarantined), sum(rows_read) from marts.data_delivery "
        "where source in ('training', 'insurance', 'complaints', 'placements')",
    )[0]
    assert 0.004 <= quarantined / read <= 0.02, (quarantined, read)
    yanqing = next(d for d in load_reference().districts if d.slug == "yanqing")
    assert not _rows(
        base, f"select * {delivery} and source = 'placements' and district_code = '{yanqing.code}'"
    )
    status = subprocess.run(
        [sys.executable, "-m", "pmon.cli", "--data-dir", str(base), "status", "--week", "2026-W47"],
        cwd=settings.PROJECT_ROOT, env=_env(base), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert status.returncode == 0, status.stdout + status.stderr
    [line] = [line for line in status.stdout.splitlines() if line.strip().startswith(yanqing.zh)]
    assert "未报送" in line, status.stdout
    assert "✗ 退回" in status.stdout


@pytest.mark.slow
def test_the_correction_restates_the_week_before(demo_run):
    base, _ = demo_run
    restated = _rows(base, "select week, files from marts.restatements")
    assert any(
        week == REFERENCE - dt.timedelta(weeks=1) and any("chaoyang" in f for f in files)
        for week, files in restated
    ), restated


@pytest.mark.slow
def test_two_tasks_are_overdue_and_a_unit_owes_reports(demo_run):
    base, _ = demo_run
    tasks = _rows(
        base,
        "select task_id, status, missing_reporters from marts.task_status "
        f"where week = {LATEST} order by task_id",
    )
    assert sorted(t for t, s, _ in tasks if s == "overdue") == ["M08.T2", "M15.T1"], tasks
    assert any("市妇联" in (m or []) for _, s, m in tasks if s == "not_reported"), tasks


# ---- the same figures on any day --------------------------------------------------------------


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _figures(base: Path) -> dict[str, pl.DataFrame]:
    out = {}
    with duckdb.connect(str(settings.warehouse_path(base)), read_only=True) as conn:
        for table in ("indicator_weekly", "measure_status", "task_status"):
            frame = pl.from_arrow(conn.execute(f"from marts.{table}").to_arrow_table())
            out[table] = frame.drop(STAMPS).sort(frame.drop(STAMPS).columns)
    return out


def _demo_on(day: dt.date, base: Path, monkeypatch) -> None:
    """A short demo (what `pmon demo` runs, reports aside), in this process, with the clock the
    generator reads set to `day`."""
    import sample_data.core
    from pmon.commands.demo import run_demo

    with monkeypatch.context() as patch:
        patch.setattr(sample_data.core, "beijing_today", lambda: day)
        patch.setenv("PMON_PII_KEY", "test-only-pii-key")
        # the demo points this process at the data dir's instance: restored after
        for name, value in settings.dagster_env(base).items():
            patch.setenv(name, value)
        assert sample_data.core.default_start(2) != sample_data.core.default_start(2, REFERENCE)
        with contextlib.redirect_stdout(io.StringIO()):
            results = run_demo(base, weeks=2, seed=demo.SEED, verbosity="quiet", reports=False)
        assert results and all(r.success for r in results)


@pytest.mark.slow
def test_the_demo_on_two_dates_gives_the_same_inbox_and_figures(tmp_path: Path, monkeypatch):
    one, two = tmp_path / "one", tmp_path / "two"
    _demo_on(dt.date(2027, 3, 3), one, monkeypatch)
    _demo_on(dt.date(2031, 8, 19), two, monkeypatch)
    assert _tree(settings.inbox_dir(one)) == _tree(settings.inbox_dir(two))
    first, second = _figures(one), _figures(two)
    assert first["indicator_weekly"].height > 0
    for table, frame in first.items():
        assert frame.equals(second[table]), table
