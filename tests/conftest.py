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
    # the warehouse follows this data dir, whatever an earlier in-process `pmon` command left set
    monkeypatch.delenv("PMON_WAREHOUSE", raising=False)
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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The PII scan after the whole suite: no clear id or phone a test delivered may be stored
    anywhere under the test temp dirs (warehouses, Dagster storage, logs, reports)."""
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None or getattr(session.config, "workerinput", None) is not None:
        return
    try:
        root = factory.getbasetemp()
    except (OSError, ValueError):
        return
    from pii_registry import scan

    hits = scan(root)
    if hits:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                "PII scan: clear personal data stored after the test session:", red=True
            )
            for hit in hits[:50]:
                reporter.write_line(f"  {hit}", red=True)
