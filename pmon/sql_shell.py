"""Read-only ad-hoc SQL over the analyst database: the engine behind `pmon sql`.

The boundary is the file: `pmon sql` opens an analyst database (assets/analyst/database.py:
`analyst.duckdb`, internal, or `analyst_public.duckdb`, public), which holds only analyst views'
rows, attached read-only as the catalog `analyst`, with external access disabled and the
configuration locked. `refusal()` and `outside()` only turn a write, or a reach for the
warehouse's other schemas or a hashed identifier, into a clear message before anything runs.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pmon import exports

FORMATS = ("table", "csv", "json", "parquet", "xlsx")
BINARY_FORMATS = ("parquet", "xlsx")
EXTENSIONS_OFF = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# set once the database is attached (attaching is external access), in this order
LOCKED_SETTINGS = (("enable_external_access", "false"), ("lock_configuration", "true"))
_ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
# read-only introspection that DuckDB files under other statement kinds
_ALLOWED_TEXT = re.compile(
    r"^\s*(use\s+\w+|pragma\s+(version|table_info|show_tables|show_tables_expanded|database_size)\b"
    r"|call\s+(pragma_|duckdb_)\w*\s*\()",
    re.IGNORECASE,
)
_KIND_NAMES = {
    duckdb.StatementType.LOAD: "INSTALL/LOAD",
    duckdb.StatementType.COPY: "COPY",
    duckdb.StatementType.COPY_DATABASE: "COPY",
    duckdb.StatementType.VARIABLE_SET: "SET VARIABLE",
    duckdb.StatementType.CREATE_FUNC: "CREATE",
    duckdb.StatementType.MERGE_INTO: "MERGE",
}
_NAMED_BY_WORD = {
    "INSTALL",
    "LOAD",
    "COPY",
    "EXPORT",
    "SET",
    "RESET",
    "PRAGMA",
    "CALL",
    "CHECKPOINT",
}
# schemas of the warehouse that are not in the analyst database, and hashed identifiers
_OUTSIDE_SCHEMA = re.compile(
    r"\b(raw|staging|quarantine|meta|dq|marts|warehouse)\s*\.\s*\"?[a-z_]", re.IGNORECASE
)
_HASHED = re.compile(r"\b[a-z_]*_hash\b", re.IGNORECASE)
DICTIONARY_SQL = (Path(__file__).parent / "sql" / "analyst_dictionary.sql").read_text(
    encoding="utf-8"
)


class Refused(ValueError):
    """A statement `pmon sql` will not run: the message says which and why."""


@dataclass(frozen=True)
class Statement:
    text: str
    kind: duckdb.StatementType


def statements(sql: str) -> list[Statement]:
    """Split a script into statements with their kind, as DuckDB's own parser sees them."""
    try:
        parsed = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        raise Refused(f"cannot parse the query: {error}") from error
    return [Statement(s.query.strip().rstrip(";").strip(), s.type) for s in parsed]


def refusal(statement: Statement) -> str | None:
    """Why a statement is refused, or None when it only reads."""
    if statement.kind in _ALLOWED or _ALLOWED_TEXT.match(statement.text):
        return None
    word = statement.text.split(None, 1)[0].upper() if statement.text else "?"
    kind = word if word in _NAMED_BY_WORD else _KIND_NAMES.get(statement.kind, statement.kind.name)
    preview = " ".join(statement.text.split())[:60]
    return (
        f"refused: {kind} statements are not allowed; pmon sql is read-only "
        f"(only SELECT, WITH, FROM, DESCRIBE, SHOW, EXPLAIN). Statement: {preview}"
    )


def outside(statement: Statement) -> str | None:
    """Why a statement reaches past the analyst boundary, or None. The analyst database does
    not hold these at all; this names the reason instead of a bare 'table not found'."""
    text = re.sub(r"--[^\n]*", " ", statement.text)
    schema = _OUTSIDE_SCHEMA.search(text)
    if schema:
        return (
            f"refused: {schema.group(1).lower()}.* is not open to pmon sql; it reads only the "
            "analyst database (analyst.* views and name tables: pmon sql --schema lists them). "
            "Raw, staging, quarantine, meta and the marts stay in the warehouse."
        )
    hashed = _HASHED.search(text)
    if hashed:
        return (
            f"refused: {hashed.group(0)} is a hashed personal identifier (still personal data "
            "under PIPL); the analyst database holds no identity number or phone, not even hashed."
        )
    return None


def check(sql: str) -> list[Statement]:
    """Every statement of a script, or `Refused` for the first that would write, reconfigure or
    reach past the analyst boundary."""
    parsed = statements(sql)
    if not parsed:
        raise Refused("no statement to run")
    for statement in parsed:
        reason = refusal(statement) or outside(statement)
        if reason:
            raise Refused(reason)
    return parsed


def connect(database: Path, *, wait_seconds: float = 60.0) -> duckdb.DuckDBPyConnection:
    """An analyst database attached read-only as the catalog `analyst` (whatever the file is
    called, so queries read `analyst.x` in either edition), no files or network beyond it,
    configuration locked.

    The pipeline replaces the file atomically, so a reader has the old rows or the new ones;
    a lock (a writer on an older layout) is waited for.
    """
    if not database.exists():
        raise FileNotFoundError(
            f"no analyst database at {database}: run the weekly job first (pmon run or pmon demo)"
        )
    from core.resources import is_lock_error

    conn = duckdb.connect(":memory:", config=dict(EXTENSIONS_OFF))
    try:
        literal = "'" + str(database).replace("'", "''") + "'"
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                conn.execute(f"attach {literal} as analyst (read_only)")
                break
            except duckdb.IOException as error:
                if not is_lock_error(error) or time.monotonic() >= deadline:
                    raise
                time.sleep(1.0)
        conn.execute("use analyst")
        for name, value in LOCKED_SETTINGS:  # the lock last: nothing can be turned back on
            conn.execute(f"set {name} = {value}")
    except BaseException:
        conn.close()
        raise
    return conn


def run_sql(conn: duckdb.DuckDBPyConnection, sql: str) -> pl.DataFrame:
    """Run a checked script; the result of its last statement as a Polars frame."""
    parsed = check(sql)
    for statement in parsed[:-1]:
        conn.execute(statement.text)
    relation = conn.sql(parsed[-1].text)
    if relation is None:
        return pl.DataFrame()
    return pl.from_arrow(relation.to_arrow_table())


def dictionary(conn: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The data dictionary of the analyst database, from its COMMENTs."""
    return pl.from_arrow(conn.sql(DICTIONARY_SQL).to_arrow_table())


def render_dictionary(frame: pl.DataFrame) -> str:
    """The data dictionary as text: each view with its comment, then its columns."""
    lines: list[str] = []
    for (view, comment), columns in frame.group_by(["view", "view_comment"], maintain_order=True):
        lines += ["", f"{view}", f"  {comment or ''}"]
        width = max(columns["column"].str.len_chars().max() or 0, 6)
        for name, kind, text in columns.select("column", "type", "comment").iter_rows():
            lines.append(f"    {name:<{width}}  {kind:<10}  {text or ''}")
    return "\n".join(lines).lstrip("\n") + "\n"


def write(
    frame: pl.DataFrame, fmt: str, out: Path | None, *, max_rows: int = 50, bom: bool = True
) -> None:
    """Print or save a result in a format; parquet and xlsx need a file."""
    if fmt in BINARY_FORMATS and out is None:
        raise ValueError(f"--format {fmt} writes a binary file: give -o FILE")
    if fmt == "table":
        _emit(exports.to_table(frame, max_rows), out)
    elif fmt == "csv":
        _emit(exports.to_csv(frame, bom=bom), out)
    elif fmt == "json":
        _emit(exports.to_json(frame), out)
    elif fmt == "parquet":
        exports.plain_numbers(frame).write_parquet(out)
    elif fmt == "xlsx":
        exports.write_xlsx(frame, out)
    else:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def interactive(conn: duckdb.DuckDBPyConnection, history: Path, edition: str = "internal") -> int:
    """A prompt with readline history: statements end with `;`, `.schema` and `.quit` work."""
    import readline

    history.parent.mkdir(parents=True, exist_ok=True)
    if history.exists():
        readline.read_history_file(history)
    readline.set_history_length(2000)
    print(
        f"pmon sql (read-only, {edition} edition). End statements with ';'. "
        ".schema lists the views, .quit leaves."
    )
    buffer: list[str] = []
    try:
        while True:
            try:
                line = input("pmon sql> " if not buffer else "     ...> ")
            except EOFError:
                print()
                break
            stripped = line.strip()
            if not buffer and stripped in {".quit", ".exit", "\\q"}:
                break
            if not buffer and stripped == ".schema":
                sys.stdout.write(render_dictionary(dictionary(conn)))
                continue
            buffer.append(line)
            if stripped.endswith(";"):
                _answer(conn, "\n".join(buffer))
                buffer = []
    finally:
        readline.write_history_file(history)
    return 0


def _answer(conn: duckdb.DuckDBPyConnection, sql: str) -> None:
    try:
        write(run_sql(conn, sql), "table", None)
    except Refused as refused:
        print(refused, file=sys.stderr)
    except duckdb.Error as error:
        print(f"error: {error}", file=sys.stderr)
