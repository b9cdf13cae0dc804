"""`pmon ui`: the Dagster webserver and daemon over the project's instance.

`pmon ui` runs both in one process tree (`dagster dev`), for a workstation. A server runs them as
two services (`deploy/systemd/`): `pmon ui --only webserver` and `pmon ui --only daemon`, each
with DAGSTER_HOME prepared under the data dir and the code location `pipelines.definitions`.
"""

from __future__ import annotations

import argparse
import os

HELP = "Start the Dagster UI and daemon on the project's instance (dagster dev, or one of them)."
MODULE = "pipelines.definitions"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=3000, help="port (default 3000)")
    parser.add_argument(
        "--only",
        choices=("webserver", "daemon"),
        help="run just the webserver or just the daemon (for services)",
    )


def command(args: argparse.Namespace) -> list[str]:
    """The Dagster command line this invocation becomes."""
    if args.only == "webserver":
        return ["dagster-webserver", "-h", args.host, "-p", str(args.port), "-m", MODULE]
    if args.only == "daemon":
        return ["dagster-daemon", "run", "-m", MODULE]
    return ["dagster", "dev", "-h", args.host, "-p", str(args.port)]


def run(args: argparse.Namespace) -> int:
    import shutil
    import sys
    from pathlib import Path

    from core import settings

    env = {**os.environ, **settings.dagster_env(settings.data_dir())}
    argv = command(args)
    beside = Path(sys.executable).parent / argv[0]  # the venv's own script, when run from it
    program = str(beside) if beside.exists() else shutil.which(argv[0]) or argv[0]
    # exec: the webserver or daemon takes this process's place and its signals
    os.execve(program, [program, *argv[1:]], env)
    return 0  # not reached
