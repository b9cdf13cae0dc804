"""`pmon doctor`: is this installation able to run the weekly job? Each check says what to fix."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

HELP = "Check the installation: Chromium, CJK fonts, the PII key, the data dir, storage."
CHROMIUM = "/usr/bin/chromium"
MIN_FREE_GIB = 2.0


class Problem(Exception):
    """A check that failed; the message says what to fix."""


def configure(parser: argparse.ArgumentParser) -> None:
    del parser  # no options of its own


def check_chromium() -> str:
    if not Path(CHROMIUM).exists():
        raise Problem("Chromium is missing (PDF reports need it): apt-get install chromium")
    out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise Problem(
            f"{CHROMIUM} does not start: reinstall with apt-get install --reinstall chromium"
        )
    return out.stdout.strip()


def check_fonts() -> str:
    if not shutil.which("fc-list"):
        raise Problem("fontconfig is missing: apt-get install fontconfig fonts-noto-cjk")
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    families = {line.split(",")[0].strip() for line in out.stdout.splitlines() if line.strip()}
    if not families:
        raise Problem("no Chinese font: apt-get install fonts-noto-cjk (reports would show boxes)")
    from reports.pdf import PRINT_FAMILY

    if PRINT_FAMILY not in families:
        raise Problem(
            f"the PDF font {PRINT_FAMILY} is missing: apt-get install fonts-wqy-microhei "
            "(PDF reports are refused without it)"
        )
    return f"{len(families)} Chinese font families; PDFs print in {PRINT_FAMILY}"


def check_data_dir() -> str:
    from core import settings

    base = settings.data_dir()
    probe = base / ".doctor-probe"
    try:
        probe.write_text("ok", encoding="ascii")
        probe.unlink()
    except OSError as error:
        raise Problem(f"cannot write to the data dir {base}: {error.strerror}") from None
    free = shutil.disk_usage(base).free / 2**30
    if free < MIN_FREE_GIB:
        raise Problem(f"only {free:.1f} GiB free under {base}: free space or move PMON_DATA_DIR")
    return f"{base} writable, {free:.0f} GiB free"


def check_pii_key() -> str:
    from core import settings

    if os.environ.get("PMON_PII_KEY"):
        return "PMON_PII_KEY set from the environment"
    key_file = settings.data_dir() / ".pii_key"
    if not key_file.exists():
        raise Problem(
            "no PII key: set PMON_PII_KEY from your secret store (or run once to create a local "
            "key file, for trials only), and back it up: a new key breaks links with past weeks"
        )
    if key_file.stat().st_mode & 0o077:
        raise Problem(f"{key_file} is readable by others: chmod 600 {key_file}")
    return f"local key file {key_file} (fine for trials; production sets PMON_PII_KEY)"


def check_warehouse() -> str:
    from core import settings
    from pipelines.launch import check_warehouse as opens

    path = settings.warehouse_path()
    if not path.exists():
        return f"no warehouse yet at {path} (the first run creates it)"
    try:
        opens(path)
    except Exception as error:  # any failure to open is the finding
        raise Problem(
            f"{path} does not open ({error}): restore it or rebuild with pmon run --all"
        ) from None
    return f"{path} opens ({path.stat().st_size / 2**20:.0f} MiB)"


def check_dagster_storage() -> str:
    import dagster as dg

    from core import settings

    os.environ.update(settings.dagster_env())
    try:
        with dg.DagsterInstance.get() as instance:
            runs = instance.get_runs_count()
            kind = type(instance.run_storage).__name__
    except Exception as error:  # unreachable storage is the finding
        raise Problem(f"Dagster storage unreachable ({error}); check PMON_POSTGRES_URL") from None
    return f"{kind}, {runs} runs"


CHECKS: dict[str, Callable[[], str]] = {
    "chromium": check_chromium,
    "fonts": check_fonts,
    "data dir": check_data_dir,
    "PII key": check_pii_key,
    "warehouse": check_warehouse,
    "Dagster storage": check_dagster_storage,
}


def run(args: argparse.Namespace) -> int:
    del args
    problems = 0
    for name, check in CHECKS.items():
        try:
            print(f"✓ {name}: {check()}")
        except Problem as problem:
            problems += 1
            print(f"✗ {name}: {problem}")
    print("all good" if not problems else f"{problems} problem(s) to fix")
    return 1 if problems else 0
