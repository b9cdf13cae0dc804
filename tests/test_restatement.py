"""Restatement is exact in both directions: every change to what is loaded for a week recomputes
the weeks whose figures depend on it, in the next run, and marts.restatements says why."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import dagster as dg
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from weekly_runs import deliver, figure_marts, query, run, training_row, value

from pipelines.resources import build_resources

W45, W46, W47 = dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)
COMPLETIONS = "M04.training_completions"


def _warehouse(resources) -> Path:
    return Path(resources["warehouse"].database)


def test_a_correction_withdrawing_late_rows_returns_the_earlier_week_to_its_figures(
    data_dir, resources, instance
):
    inbox, db = data_dir / "inbox", _warehouse(resources)
    deliver(
        inbox, "training", W46, "haidian.csv", [training_row("A1", W46), training_row("A2", W46)]
    )
    run(resources, instance, [W46])
    before = value(db, COMPLETIONS, W46)
    late = training_row("B2", W46 + dt.timedelta(days=3))
    deliver(inbox, "training", W47, "haidian.csv", [training_row("B1", W47), late])
    run(resources, instance, [W47])
    assert value(db, COMPLETIONS, W46)["value"] == before["value"] + 1  # the late row counts
    deliver(inbox, "training", W47, "haidian.csv", [training_row("B1", W47)])  # withdrawn
    run(resources, instance, [W47])
    after = value(db, COMPLETIONS, W46)
    assert (after["value"], after["ytd_value"]) == (before["value"], before["ytd_value"])
    restated = query(db, "select * from marts.restatements where week = $w order by computed_at",
                     {"w": W46})  # fmt: skip
    last = restated.row(-1, named=True)
    assert last["files"] == ["training/2026-W47/haidian.csv"]
    assert any("rows withdrawn (2026-W46)" in r for r in last["reasons"]), last["reasons"]
    city = [c for c in last["changes"] if c["indicator_id"] == COMPLETIONS and c["district_code"] == "110000"]  # fmt: skip
    assert (city[0]["old_value"], city[0]["new_value"]) == (3.0, 2.0)


def test_a_correction_of_an_earlier_week_recomputes_the_later_weeks_exactly(
    data_dir, resources, instance, tmp_path
):
    inbox, db = data_dir / "inbox", _warehouse(resources)
    for n, week in enumerate((W45, W46, W47)):
        deliver(inbox, "training", week, "haidian.csv", [training_row(f"R{n}", week, worker=n)])
        run(resources, instance, [week])
    assert value(db, COMPLETIONS, W47)["ytd_value"] == 3
    corrected = [training_row("C1", W45), training_row("C2", W45 + dt.timedelta(days=1), 1)]
    deliver(inbox, "training", W45, "haidian.csv", corrected)
    result = run(resources, instance, [W45])
    assert result.success
    assert value(db, COMPLETIONS, W46)["ytd_value"] == 3  # later weeks' year to date moved (was 2)
    assert value(db, COMPLETIONS, W47)["ytd_value"] == 4
    restated = query(
        db, "select week, run_id, run_partitions, figures_changed from marts.restatements"
    )
    assert set(restated["week"]) == {W45, W46, W47}
    assert set(restated["run_id"]) == {result.run_id} and set(restated["run_partitions"]) == {
        "2026-11-02"
    }
    scratch = _from_scratch(inbox, [W45, W46, W47])
    assert_same_marts(figure_marts(db), scratch)


def assert_same_marts(incremental: dict, scratch: dict) -> None:
    for table, frame in scratch.items():
        assert incremental[table].equals(frame), (table, incremental[table], frame)


def _from_scratch(inbox: Path, weeks: list[dt.date]) -> dict[str, pl.DataFrame]:
    """One range run over a copy of the final inbox, in a fresh warehouse and instance."""
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        shutil.copytree(inbox, base / "inbox")
        (base / "dagster").mkdir()
        resources = build_resources(base)
        with dg.DagsterInstance.local_temp(tempdir=str(base / "dagster")) as instance:
            assert run(resources, instance, weeks).success
        return figure_marts(_warehouse(resources))


# --------------------------------------------------------------------------- the property
WEEKS = (W45, W46, W47)
FILES = ("haidian.csv", "chaoyang.csv")

step = st.tuples(
    st.integers(0, len(WEEKS) - 1),  # the week folder delivered into
    st.sampled_from(FILES),  # a new file, or a correction of one already there
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 6), st.integers(0, 2)), max_size=3),
)  # rows: (weeks earlier than the folder's: late when > 0, day of that week, worker)


def _rows(step_no: int, week: int, rows: list[tuple[int, int, int]]) -> list[list[str]]:
    """Record ids unique to the step: a key never repeats across files (duplicates are another
    rule, whose outcome depends on load order by design)."""
    out = []
    for i, (back, day, worker) in enumerate(rows):
        event_week = WEEKS[max(0, week - back)]
        out.append(training_row(f"S{step_no}_{i}", event_week + dt.timedelta(days=day), worker))
    return out


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=2))
def test_incremental_runs_equal_one_run_over_the_final_inbox(data_dir, steps):
    """Deliveries, corrections, late rows arriving and withdrawn, in any order, each followed by
    the run of its week: the marts equal one from-scratch run over the final inbox."""
    with tempfile.TemporaryDirectory(dir=data_dir) as tmp:
        base = Path(tmp)
        (base / "dagster").mkdir()
        resources, inbox = build_resources(base), base / "inbox"
        with dg.DagsterInstance.local_temp(tempdir=str(base / "dagster")) as instance:
            for n, week in enumerate(WEEKS):  # every week delivered and computed once
                deliver(inbox, "training", week, "haidian.csv", _rows(100 + n, n, [(0, n, n)]))
                assert run(resources, instance, [week]).success
            for n, (week, name, rows) in enumerate(steps):
                deliver(inbox, "training", WEEKS[week], name, _rows(n, week, rows))
                assert run(resources, instance, [WEEKS[week]]).success
            incremental = figure_marts(_warehouse(resources))
        assert_same_marts(incremental, _from_scratch(inbox, list(WEEKS)))
