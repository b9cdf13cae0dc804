"""How a run talks: a quiet console for people, and the whole log in a file under the data dir.

The console shows one line per finished step (with its time), what the assets themselves report
(`context.log.info`: files and rows of a week, restated weeks) and every warning or failure; its
level is `INFO` by default, `DEBUG` (Dagster's full event stream) with `pmon -v`, `ERROR` with
`pmon -q`. The file `<data dir>/logs/runs/<run id>.log` always gets everything, for CLI and
daemon runs alike, so a failure can be read after the console has scrolled away.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import dagster as dg

from core import settings

_TERSE_EVENTS = {"STEP_SUCCESS", "STEP_FAILURE", "RUN_FAILURE", "ASSET_CHECK_EVALUATION"}


def run_log_path(base: Path, run_id: str) -> Path:
    return base / "logs" / "runs" / f"{run_id}.log"


def _event(record: logging.LogRecord):
    meta = getattr(record, "dagster_meta", None) or {}
    return meta.get("dagster_event"), meta


def _step_name(step_key: str | None) -> str:
    return (step_key or "run").replace("__", "/")


class ProgressFormatter(logging.Formatter):
    """One short line per record the progress filter lets through."""

    def format(self, record: logging.LogRecord) -> str:
        event, meta = _event(record)
        step = _step_name(meta.get("step_key"))
        if event is None:
            return f"  · {meta.get('orig_message', record.getMessage())}"
        kind = event.event_type_value
        data = event.event_specific_data
        if kind == "STEP_SUCCESS":
            return f"  ✓ {step} ({data.duration_ms / 1000:.1f} s)"
        if kind == "ASSET_CHECK_EVALUATION":
            key = data.asset_check_key
            return (
                f"  ! check {key.asset_key.to_user_string()}:{key.name} "
                f"failed ({data.severity.value})"
            )
        message = meta.get("orig_message") or event.message or ""
        if kind == "RUN_FAILURE" and "interrupted" in message:
            return "  ✗ run interrupted"
        first = next((line for line in message.splitlines() if line.strip()), "")
        return f"  ✗ {step}: {first[:300]}"


class ProgressFilter(logging.Filter):
    """Finished steps, failed checks and failures (Dagster logs these events at DEBUG), and the
    assets' own messages at or above the console's level."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        event, _ = _event(record)
        if event is None:
            return record.levelno >= self.level
        kind = event.event_type_value
        if kind == "ASSET_CHECK_EVALUATION":
            return not event.event_specific_data.passed and self.level <= logging.WARNING
        if kind == "STEP_SUCCESS":
            return self.level <= logging.INFO
        return kind in _TERSE_EVENTS or record.levelno >= max(self.level, logging.WARNING)


def _level(name: str) -> int:
    return logging.getLevelName(name.upper()) if isinstance(name, str) else int(name)


@dg.logger(
    config_schema={"log_level": dg.Field(str, default_value="INFO", is_required=False)},
    description="进度（每步一行） / progress: one line per step; DEBUG shows every event",
)
def progress_console(init_context: dg.InitLoggerContext) -> logging.Logger:
    level = _level(init_context.logger_config["log_level"])
    logger = logging.Logger("pmon.progress", level=logging.DEBUG)
    handler = logging.StreamHandler(sys.stdout)
    if level > logging.DEBUG:
        handler.addFilter(ProgressFilter(level))
        handler.setFormatter(ProgressFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    return logger


@dg.logger(description="整个运行日志写入数据目录 / the whole run's log in <data dir>/logs/runs/")
def run_log_file(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("pmon.run_log", level=logging.DEBUG)
    path = run_log_path(settings.data_dir(), init_context.run_id or "no-run-id")
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    return logger


LOGGERS = {"console": progress_console, "run_log": run_log_file}


def logger_config(level: str = "INFO") -> dict:
    """Run config that turns both loggers on: Dagster instantiates only the loggers a run's
    config names, and falls back to its DEBUG console when it names none."""
    return {"loggers": {"console": {"config": {"log_level": level}}, "run_log": {}}}
