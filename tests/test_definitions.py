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
