"""PMON_POSTGRES_URL: a real PostgreSQL server keeps Dagster's runs, events and schedules."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import dagster as dg
import pytest

from core import settings
from pipelines import launch as runner

ROOT = Path(__file__).resolve().parent.parent
INSTALL_HINT = (
    "install the PostgreSQL server (Debian: apt-get install postgresql; `make test` does)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_tool(name: str) -> str | None:
    """A server tool on PATH, else where Debian's postgresql package puts it (not on PATH)."""
    found = shutil.which(name) or sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(found[-1]) if isinstance(found, list) and found else found or None


def as_postgres(*argv: str) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else list(argv)


@pytest.fixture
def postgres_url():
    for tool in ("initdb", "pg_ctl"):
        assert pg_tool(tool), f"{tool} not found: {INSTALL_HINT}"
    if os.geteuid() == 0:
        assert subprocess.run(["id", "postgres"], capture_output=True).returncode == 0, (
            "no postgres user to run the server as: useradd --system postgres"
        )
    # outside pytest's root-only temp tree, so the postgres user can reach it
    cluster = Path(tempfile.mkdtemp(prefix="pmon-pg-"))
    if os.geteuid() == 0:
        shutil.chown(cluster, "postgres")
    port = free_port()
    run("initdb", "-D", str(cluster / "db"), "-U", "dagster", "--auth=trust", "-E", "UTF8")
    options = f"-h 127.0.0.1 -p {port} -k {cluster}"
    run(
        "pg_ctl",
        "-D",
        str(cluster / "db"),
        "-o",
        options,
        "-l",
        str(cluster / "log"),
        "-w",
        "start",
    )
    try:
        yield f"postgresql://dagster@127.0.0.1:{port}/postgres"
    finally:
        run("pg_ctl", "-D", str(cluster / "db"), "-m", "fast", "-w", "stop")
        shutil.rmtree(cluster, ignore_errors=True)


def run(*argv: str) -> None:
    done = subprocess.run(as_postgres(pg_tool(argv[0]), *argv[1:]), capture_output=True, text=True)
    assert done.returncode == 0, f"{argv[0]} failed: {done.stdout}{done.stderr}"


@pytest.mark.slow
def test_a_partition_runs_through_postgres_and_reads_back(
    postgres_url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PMON_POSTGRES_URL", postgres_url)
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-m", "pmon.cli", "run", "--week", "2026-W46", "--select", "group:analyst"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "week 2026-11-09: succeeded" in done.stdout

    # read it back from PostgreSQL through the instance the runner chose
    monkeypatch.setattr(os, "environ", dict(os.environ))
    os.environ.update(runner.settings.dagster_env(data_dir))
    home = Path(os.environ["DAGSTER_HOME"])
    assert "postgres_url" in (home / "dagster.yaml").read_text()
    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        (run,) = instance.get_runs(dg.RunsFilter(job_name="weekly_job"))
        assert run.status == dg.DagsterRunStatus.SUCCESS
        assert run.tags["dagster/partition"] == "2026-11-09"
        event = instance.get_latest_materialization_event(dg.AssetKey(["analyst", "views"]))
        assert event is not None and event.run_id == run.run_id
        assert event.asset_materialization.partition == "2026-11-09"
    # nothing went to the embedded SQLite storage
    assert not list(settings.dagster_storage_dir(data_dir).rglob("runs.db"))
