"""The PII key is fingerprinted: a changed key refuses to load; `pmon rotate-key` rehashes from
the inbox, or changes nothing and says why."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest
from deliveries import TRAINING_HEADER, TRAINING_ROWS, inbox_file, write_csv

from assets.ingest.assets import ingest_assets
from pmon.cli import main

NEW_KEY = "a-new-test-key-of-enough-length"
WEEK = "2026-11-16"


def materialize(instance, resources) -> dg.ExecuteInJobResult:
    return dg.materialize(
        ingest_assets,
        instance=instance,
        resources=resources,
        partition_key=WEEK,
        raise_on_error=False,
    )


def hashes(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(
            "select record_id, worker_id_hash, phone_hash from staging.training order by 1"
        ).fetchall()


@pytest.fixture
def loaded(data_dir, resources, instance) -> Path:
    write_csv(
        inbox_file(data_dir / "inbox", "training", "haidian.csv"), TRAINING_HEADER, TRAINING_ROWS
    )
    assert materialize(instance, resources).success
    return data_dir / "warehouse.duckdb"


def test_a_run_under_another_key_refuses_to_load(loaded, resources, instance, monkeypatch):
    before = hashes(loaded)
    monkeypatch.setenv("PMON_PII_KEY", NEW_KEY)
    result = materialize(instance, resources)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "pmon rotate-key" in failure.event_specific_data.error.message
    assert hashes(loaded) == before


def test_rotate_key_rehashes_like_a_load_under_the_new_key(
    loaded, data_dir, resources, instance, monkeypatch, tmp_path
):
    monkeypatch.setenv("PMON_NEW_PII_KEY", NEW_KEY)
    assert main(["rotate-key"]) == 0
    rotated = hashes(loaded)
    fresh_dir = tmp_path / "fresh"
    write_csv(
        inbox_file(fresh_dir / "inbox", "training", "haidian.csv"), TRAINING_HEADER, TRAINING_ROWS
    )
    monkeypatch.setenv("PMON_PII_KEY", NEW_KEY)
    from pipelines.resources import build_resources

    with dg.DagsterInstance.ephemeral() as other:
        assert materialize(other, build_resources(fresh_dir)).success
    assert rotated == hashes(fresh_dir / "warehouse.duckdb")
    assert rotated[0][1] is not None
    assert materialize(instance, resources).success  # the new key now loads


def test_rotate_key_changes_nothing_when_a_delivery_is_gone(loaded, data_dir, monkeypatch, capsys):
    before = hashes(loaded)
    (data_dir / "inbox" / "training" / "2026-W47" / "haidian.csv").unlink()
    monkeypatch.setenv("PMON_NEW_PII_KEY", NEW_KEY)
    assert main(["rotate-key"]) == 2
    err = capsys.readouterr().err
    assert "nothing changed" in err and "gone or changed" in err and "Traceback" not in err
    assert hashes(loaded) == before
