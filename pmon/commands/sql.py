"""`pmon sql`: ad-hoc, read-only SQL over an analyst database (the analyst views, nothing else):
the internal edition by default, or with `--edition public` the one that is safe to hand outside."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HELP = "Query the analyst views read-only: a query, -f FILE, or an interactive prompt."
FORMATS = ("table", "csv", "json", "parquet", "xlsx")
# as assets.analyst.database.EDITIONS (not imported, so the parser builds fast)
EDITIONS = ("internal", "public")
_MISSING_TABLE = re.compile(r"Table with name (\w+) does not exist", re.IGNORECASE)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", help="SQL to run, e.g. 'from analyst.measure_status'")
    parser.add_argument("-f", "--file", type=Path, help="run the SQL in this file (see queries/)")
    parser.add_argument("--format", default="table", choices=FORMATS, help="output format")
    parser.add_argument("-o", "--output", type=Path, help="write the result to this file")
    parser.add_argument(
        "--edition",
        default="internal",
        choices=EDITIONS,
        help="internal (bureau staff: every view and district figure; default) or public "
        "(disclosure-controlled indicators, measure status, names, delivery; safe to hand out)",
    )
    parser.add_argument(
        "--schema", action="store_true", help="print the data dictionary of the edition's views"
    )
    parser.add_argument("--max-rows", type=int, default=50, help="rows shown as a table")
    parser.add_argument(
        "--no-bom",
        action="store_true",
        help="CSV without the UTF-8 byte-order mark (Excel on Windows needs it; some tools do not)",
    )


def _sql_text(args: argparse.Namespace) -> str | None:
    if args.file is not None:
        return args.file.read_text(encoding="utf-8")
    return args.query


def run(args: argparse.Namespace) -> int:
    if args.query and args.file:
        print("pmon sql: give a query or -f FILE, not both", file=sys.stderr)
        return 2
    if args.file is not None and not args.file.is_file():
        print(f"pmon sql: no such file: {args.file}", file=sys.stderr)
        return 2
    import duckdb

    from assets.analyst.database import analyst_path
    from core import settings
    from pmon import sql_shell
    from pmon.exports import check_output

    sql = _sql_text(args)
    try:
        if args.output is not None:
            managed_files = [settings.warehouse_path()] + [
                analyst_path(settings.warehouse_path(), edition) for edition in EDITIONS
            ]
            for managed in managed_files:
                check_output(args.output, settings.data_dir(), managed)
    except ValueError as bad_output:
        print(f"pmon sql: {bad_output}", file=sys.stderr)
        return 2
    try:
        if sql is not None:
            sql_shell.check(sql)  # refuse before even opening the warehouse
        conn = sql_shell.connect(analyst_path(settings.warehouse_path(), args.edition))
    except sql_shell.Refused as refused:
        print(f"pmon sql: {refused}", file=sys.stderr)
        return 2
    except FileNotFoundError as missing:
        print(f"pmon sql: {missing}", file=sys.stderr)
        return 1
    with conn:
        try:
            if args.schema:
                frame = sql_shell.dictionary(conn)
                if args.format == "table" and args.output is None:
                    sys.stdout.write(sql_shell.render_dictionary(frame))
                    return 0
            elif sql is None:
                history = settings.data_dir() / ".pmon_sql_history"
                return sql_shell.interactive(conn, history, args.edition)
            else:
                frame = sql_shell.run_sql(conn, sql)
            sql_shell.write(
                frame, args.format, args.output, max_rows=args.max_rows, bom=not args.no_bom
            )
        except sql_shell.Refused as refused:
            print(f"pmon sql: {refused}", file=sys.stderr)
            return 2
        except duckdb.CatalogException as error:
            print(f"pmon sql: {_not_in_edition(error, args.edition) or error}", file=sys.stderr)
            return 1
        except (duckdb.Error, ValueError) as error:
            print(f"pmon sql: {error}", file=sys.stderr)
            return 1
    if args.output is not None:
        print(f"{args.output} ({args.output.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


def _not_in_edition(error: Exception, edition: str) -> str | None:
    """A clear message for an internal table asked of the public edition, or None."""
    from assets.analyst.database import dictionary, public_objects

    found = _MISSING_TABLE.search(str(error))
    if edition != "public" or found is None:
        return None
    name = found.group(1).lower()
    public = public_objects()
    if name in public or name not in dictionary("internal"):
        return None
    return (
        f"公开版分析库不含 analyst.{name}（明细可反推被抑制的小数，仅限内部版）/ analyst.{name} is "
        "not in the public edition: its detail could work out suppressed small cells again, so "
        "it stays in the internal edition (pmon sql --edition internal, bureau staff). "
        f"The public edition holds: {', '.join(public)}."
    )
