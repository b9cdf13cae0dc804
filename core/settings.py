"""Every environment switch the project reads, in one place.

PMON_DATA_DIR      runtime state: inbox, warehouse, reports, Dagster storage (default ./data)
PMON_PII_KEY       secret for the keyed hash of identity numbers and phones; when unset, a local
                   key file is created under the data dir (fine for the demo and tests only)
PMON_WAREHOUSE     the DuckDB warehouse file (default <data dir>/warehouse.duckdb)
PMON_CATALOG_DIR   the catalog folder: measures, contract, reference (default ./catalog)
PMON_POSTGRES_URL  when set, Dagster keeps runs, events and schedules in PostgreSQL
PMON_DUCKDB_MEMORY DuckDB's memory budget for a run, e.g. `2GB` (default); beyond it DuckDB
                   spills to `<warehouse>.tmp` instead of growing with the data

Nothing here runs at import: paths are resolved when asked for, so a test or a deployment can
point the whole project elsewhere with the environment alone.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TIMEZONE = "Asia/Shanghai"


def catalog_dir() -> Path:
    """The catalog folder: the measure catalog, the input contract and the reference data."""
    return Path(os.environ.get("PMON_CATALOG_DIR") or PROJECT_ROOT / "catalog").resolve()


def data_dir(create: bool = True) -> Path:
    """Root of all runtime state; created on first use (unless `create` is false: a look only)."""
    path = Path(os.environ.get("PMON_DATA_DIR", PROJECT_ROOT / "data")).resolve()
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def inbox_dir(base: Path | None = None) -> Path:
    return (base or data_dir()) / "inbox"


def warehouse_path(base: Path | None = None) -> Path:
    if base is None and os.environ.get("PMON_WAREHOUSE"):
        return Path(os.environ["PMON_WAREHOUSE"]).resolve()
    return (base or data_dir()) / "warehouse.duckdb"


def reports_dir(base: Path | None = None) -> Path:
    return (base or data_dir()) / "reports"


def sample_data_marker(base: Path | None = None) -> Path:
    """Written by the sample-data generator: every report of this data dir is marked 样例数据."""
    return (base or data_dir()) / "SAMPLE_DATA"


def is_sample_data(base: Path | None = None) -> bool:
    return sample_data_marker(base).exists()


def dagster_storage_dir(base: Path | None = None) -> Path:
    return (base or data_dir()) / "dagster"


CHECKPOINT_THRESHOLD = "256MiB"
DEFAULT_DUCKDB_MEMORY = "2GB"


def duckdb_config() -> dict[str, str]:
    """Settings every pipeline connection to the warehouse opens with. DuckDB would otherwise
    size its buffer pool at 80 % of the machine and hold whatever it has read: a budget keeps a
    national run within a small worker, spilling the rest to disk.

    The checkpoint threshold: at DuckDB's 16 MiB a week of insurance rows checkpointed at every
    commit, and a checkpoint's cost grows with the table (0.03 s in week 1, 0.3 s in week 52:
    15 s of a Beijing backfill's 34 s of insurance); at 256 MiB the commits take 6 s in all."""
    return {
        "memory_limit": os.environ.get("PMON_DUCKDB_MEMORY") or DEFAULT_DUCKDB_MEMORY,
        "checkpoint_threshold": CHECKPOINT_THRESHOLD,
    }


def postgres_url() -> str | None:
    return os.environ.get("PMON_POSTGRES_URL") or None


def pii_key(base: Path | None = None) -> bytes:
    """The HMAC key for personal data: from the environment, else a local key file.

    The key file exists so the demo and tests run without set-up; production sets PMON_PII_KEY
    from a secret store, and the file is never committed (the data dir is git-ignored).
    """
    from_env = os.environ.get("PMON_PII_KEY")
    if from_env:
        return from_env.encode("utf-8")
    key_file = (base or data_dir()) / ".pii_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32), encoding="ascii")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="ascii").strip().encode("utf-8")


def dagster_home(base: Path | None = None) -> Path:
    """DAGSTER_HOME: a folder under the data dir holding the instance's dagster.yaml, so that
    everything Dagster writes (.nux, .telemetry, logs) stays out of the working tree."""
    return dagster_storage_dir(base) / "home"


def dagster_env(base: Path | None = None) -> dict[str, str]:
    """Environment for any Dagster process, with its DAGSTER_HOME prepared: the project's
    dagster.yaml (deploy/postgres/'s when PMON_POSTGRES_URL is set), storage under the data dir."""
    base = base or data_dir()
    storage = dagster_storage_dir(base)
    home = dagster_home(base)
    home.mkdir(parents=True, exist_ok=True)
    template = PROJECT_ROOT / ("deploy/postgres" if postgres_url() else "") / "dagster.yaml"
    instance_yaml = home / "dagster.yaml"
    text = template.read_text(encoding="utf-8")
    if not instance_yaml.exists() or instance_yaml.read_text(encoding="utf-8") != text:
        instance_yaml.write_text(text, encoding="utf-8")
    return {
        "DAGSTER_HOME": str(home),
        "PMON_DATA_DIR": str(base),
        "PMON_WAREHOUSE": str(warehouse_path(base)),
        "PMON_DAGSTER_STORAGE": str(storage),
    }
