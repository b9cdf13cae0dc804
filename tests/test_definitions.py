"""The code location loads, and loading it stays light."""

import subprocess
import sys

from core.settings import PROJECT_ROOT


def test_definitions_load_and_resolve_the_weekly_job():
    from pipelines.definitions import defs

    job = defs.resolve_job_def("weekly_job")
    assert job.partitions_def is not None


def test_loading_definitions_imports_neither_great_expectations_nor_plotly():
    code = (
        "import sys, pipelines.definitions;"
        "heavy = [m for m in ('great_expectations', 'plotly') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def test_loading_definitions_has_no_side_effects(tmp_path):
    """No directory made, no path frozen: resources resolve the environment when a run starts."""
    import os

    data_dir = tmp_path / "not-yet"
    code = (
        "import pipelines.definitions as d;"
        "r = d.defs.resources;"
        "print(type(r['warehouse'].database).__name__, type(r['data_dir'].path).__name__)"
    )
    env = {**os.environ, "PMON_DATA_DIR": str(data_dir)}
    env.pop("PMON_WAREHOUSE", None)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    assert out.stdout.split() == ["EnvVar", "EnvVar"]
    assert not any(tmp_path.iterdir())  # neither the data dir nor Dagster files in the cwd
