"""`pmon ui`: the Dagster webserver and daemon over the project's instance."""

from __future__ import annotations

import argparse
import os

HELP = "Start the Dagster UI and daemon (dagster dev) on the project's instance and data dir."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=3000, help="port (default 3000)")


def run(args: argparse.Namespace) -> int:
    import shutil

    from core import settings

    env = {**os.environ, **settings.dagster_env(settings.data_dir())}
    dagster = shutil.which("dagster") or "dagster"
    # exec: the webserver and daemon take this process's place and its signals
    os.execvpe(dagster, [dagster, "dev", "-h", args.host, "-p", str(args.port)], env)
    return 0  # not reached
