"""The Dagster webserver serves the code location: assets, checks, schedule and sensors over GraphQL."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from core import settings
from core.contract import source_names

ROOT = Path(__file__).resolve().parent.parent
QUERY = """
{
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes {
        location { name }
        schedules { name cronSchedule executionTimezone pipelineName }
        sensors { name }
        assetNodes {
          assetKey { path }
          assetChecksOrError { ... on AssetChecks { checks { name blocking } } }
        }
      }
    }
    ... on PythonError { message }
  }
}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def _default_signals() -> None:
    """A child started from a script inherits ignored SIGINT/SIGTERM: restore the defaults."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)


@pytest.fixture
def webserver(data_dir: Path):
    port = free_port()
    env = {**os.environ, **settings.dagster_env(data_dir), "PYTHONWARNINGS": "ignore"}
    log = (data_dir / "webserver.log").open("wb")
    process = subprocess.Popen(
        ["dagster-webserver", "-h", "127.0.0.1", "-p", str(port), "-m", "pipelines.definitions"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True, preexec_fn=_default_signals,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, (data_dir / "webserver.log").read_text()[-3000:]
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, "webserver did not answer within 180 s"
                time.sleep(1)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the webserver and its `dagster api grpc` child
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
        log.close()


@pytest.mark.slow
def test_graphql_lists_assets_checks_schedule_and_sensors(webserver: int):
    answer = graphql(webserver, QUERY)
    assert "errors" not in answer, answer
    (repo,) = answer["data"]["repositoriesOrError"]["nodes"]
    assets = {"/".join(node["assetKey"]["path"]): node for node in repo["assetNodes"]}
    expected = {f"staging/{source}" for source in source_names()} | {
        "marts/indicator_weekly",
        "marts/measure_status",
        "analyst/views",
        "reports/implementation_report",
    }
    assert expected <= set(assets)
    checks = assets["staging/training"]["assetChecksOrError"]["checks"]
    assert any(check["blocking"] for check in checks), checks
    (schedule,) = repo["schedules"]
    assert schedule == {
        "name": "weekly_schedule",
        "cronSchedule": "0 6 * * 1",
        "executionTimezone": "Asia/Shanghai",
        "pipelineName": "weekly_job",
    }
    assert {"inbox_sensor", "run_failure_log"} <= {sensor["name"] for sensor in repo["sensors"]}
