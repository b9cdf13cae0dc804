"""Shared fixtures: a temp data dir with its own DuckDB file and Dagster instance.

Area-specific fixtures live in the test module that uses them.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from pipelines.resources import build_resources

TEST_PII_KEY = "test-only-pii-key-not-a-secret"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir, set as PMON_DATA_DIR for the test, with a fixed test PII key."""
    base = tmp_path / "data"
    base.mkdir()
    monkeypatch.setenv("PMON_DATA_DIR", str(base))
    monkeypatch.setenv("PMON_DAGSTER_STORAGE", str(base / "dagster"))
    monkeypatch.setenv("PMON_PII_KEY", TEST_PII_KEY)
    return base


@pytest.fixture
def resources(data_dir: Path) -> dict:
    """The project's resources pointed at the temp data dir (a real DuckDB file in it)."""
    return build_resources(data_dir)


@pytest.fixture
def instance(data_dir: Path):
    """A real Dagster instance whose storage lives in the temp data dir."""
    (data_dir / "dagster").mkdir(exist_ok=True)
    with dg.DagsterInstance.local_temp(tempdir=str(data_dir / "dagster")) as inst:
        yield inst
