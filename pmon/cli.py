"""`pmon`: the command line.

Each subcommand lives in `pmon/commands/<name>.py` and defines `HELP`, `configure(parser)`
and `run(args) -> int`. Command modules import only the standard library at module level, so
`pmon --help` answers at once; heavy libraries load inside `run`.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

COMMANDS = ("demo", "generate", "run", "report", "check", "sql", "ui", "bench")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pmon",
        description="Domestic-service policy monitor: the weekly pipeline for Beijing's 22 measures.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if importlib.util.find_spec(f"pmon.commands.{name}") is None:
            continue  # a command lands with the issue that builds it
        module = importlib.import_module(f"pmon.commands.{name}")
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.configure(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
