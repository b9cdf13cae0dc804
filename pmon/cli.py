"""`pmon`: the command line.

Each subcommand lives in `pmon/commands/<name>.py` and defines `HELP`, `configure(parser)`
and `run(args) -> int`. Command modules import only the standard library at module level, so
`pmon --help` answers at once; heavy libraries load inside `run`.

Every command takes `--data-dir`, `-q` and `-v`. A mistake a user can fix ends in one line
naming the problem and the fix; anything else is a bug: one line on the console and the whole
traceback in `<data dir>/logs/pmon-errors.log`, exit 70.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import importlib.util
import os
import sys
import warnings
from pathlib import Path

COMMANDS = (
    "demo", "generate", "run", "status", "report", "explain", "check", "retract", "sql",
    "template", "doctor", "backup", "restore", "rotate-key", "ui", "bench",
)  # fmt: skip
EXIT_BUG = 70


def _version() -> str:
    try:
        return importlib.metadata.version("policy-monitor")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _common() -> argparse.ArgumentParser:
    """Options every command takes, after the command's name as well as before it."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="runtime state: inbox, warehouse, reports, Dagster storage (env PMON_DATA_DIR)",
    )
    loudness = common.add_mutually_exclusive_group()
    loudness.add_argument(
        "-q", "--quiet", dest="verbosity", action="store_const", const="quiet",
        default=argparse.SUPPRESS, help="print results and errors only",
    )  # fmt: skip
    loudness.add_argument(
        "-v", "--verbose", dest="verbosity", action="store_const", const="verbose",
        default=argparse.SUPPRESS, help="print Dagster's whole event log (DEBUG)",
    )  # fmt: skip
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="pmon",
        parents=[common],
        description="Domestic-service policy monitor: the weekly pipeline for the policy's measures.",
    )
    parser.add_argument("--version", action="version", version=f"pmon {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if importlib.util.find_spec(f"pmon.commands.{name.replace('-', '_')}") is None:
            continue  # a command lands with the issue that builds it
        module = importlib.import_module(f"pmon.commands.{name.replace('-', '_')}")
        sub = subparsers.add_parser(
            name, help=module.HELP, description=module.HELP, parents=[common]
        )
        module.configure(sub)
        sub.set_defaults(handler=module.run)
    return parser


def _apply_common(args: argparse.Namespace) -> None:
    if getattr(args, "verbosity", "normal") != "verbose":
        # Dagster's beta/preview notices are for the project's developers, not its users
        warnings.filterwarnings("ignore", module=r"dagster(\.|$)")
    if getattr(args, "data_dir", None) is not None:
        os.environ["PMON_DATA_DIR"] = str(args.data_dir.expanduser().resolve())
        os.environ.pop("PMON_WAREHOUSE", None)  # follows the data dir chosen here
    if not hasattr(args, "verbosity"):
        args.verbosity = "normal"


def _report_bug(error: BaseException) -> int:
    """A code error: say so in one line, keep the traceback for whoever fixes it."""
    import traceback

    from core import settings

    try:
        log = settings.data_dir() / "logs" / "pmon-errors.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as handle:
            handle.write("".join(traceback.format_exception(error)) + "\n")
        where = f"traceback in {log}"
    except OSError:
        traceback.print_exception(error)
        where = "traceback above"
    print(f"pmon: internal error ({type(error).__name__}: {error}); {where}", file=sys.stderr)
    return EXIT_BUG


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _apply_common(args)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    from pmon.errors import UserError, explain

    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("pmon: interrupted", file=sys.stderr)
        return 130
    except UserError as error:
        print(f"pmon {args.command}: {error}", file=sys.stderr)
        return error.exit_code
    except Exception as error:  # the last line of defence for the console
        known = explain(error)
        if known:
            print(f"pmon {args.command}: {known}", file=sys.stderr)
            return 1
        return _report_bug(error)


if __name__ == "__main__":
    sys.exit(main())
