"""Mistakes a user can fix, in one line each: what is wrong and what to do."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; the message says how. Printed without a traceback."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def explain(error: BaseException) -> str | None:
    """One line for the errors of the environment a user meets (a locked, corrupt or missing
    warehouse, an unwritable data dir, a bad catalog); None for everything else, which is a bug."""
    text = str(error)
    name = type(error).__name__
    lowered = text.lower()
    if isinstance(error, PermissionError):
        return f"permission denied: {error.filename or text} (check the data dir's owner and mode)"
    if name == "CatalogError":
        return text
    if "could not set lock" in lowered or "conflicting lock" in lowered:
        return (
            "the warehouse is in use by another process (a run or a reader); wait for it to "
            "finish and try again"
        )
    if "not a valid duckdb database" in lowered or "invalid database file" in lowered:
        return (
            "the warehouse file is damaged or not a DuckDB file; restore it from a backup or "
            "move it aside and run `pmon run --all` to rebuild it from the inbox"
        )
    if isinstance(error, IsADirectoryError | NotADirectoryError | FileNotFoundError):
        return f"{text} (check the path)"
    return None
