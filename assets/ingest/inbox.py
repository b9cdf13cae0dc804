"""Every delivery accounted for: what in the inbox the loader will not read, and why.

The loader reads `inbox/<source>/<YYYY-Www>/<file>`; a file anywhere else (a misspelt week
folder `2026-w47`, an impossible week `2026-W99`, a folder `junk`, a file beside the week
folders, a link or a device) would otherwise be ignored without a word. `misfiled()` lists
them; each run records the list in `meta.inbox_anomalies` (for status pages and the report)
and warns about them in its log. Names are shown masked: a file name may hold an id number.
"""

from __future__ import annotations

import datetime as dt
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from assets.ingest.limits import MAX_FILE_BYTES
from core.contract import source_names
from core.masking import mask_text
from core.partitions import week_monday

_WEEK_FOLDER = re.compile(r"^\d{4}-W\d{2}$")
SCHEMA = {"path": pl.Utf8, "problem": pl.Utf8, "seen_at": pl.Datetime("us")}


@dataclass(frozen=True)
class Misfiled:
    path: str  # inbox-relative, masked
    problem: str


def _ignored(name: str) -> bool:
    """Hidden files and Excel's lock files are not deliveries and not mistakes."""
    return name.startswith((".", "~$"))


def is_week_folder(name: str) -> bool:
    """`2026-W47` exactly, and a week that exists."""
    if not _WEEK_FOLDER.match(name):
        return False
    try:
        week_monday(name)
    except ValueError:
        return False
    return True


def _file_problem(path: Path) -> str | None:
    """Why the loader will not read a file in a week folder, or None when it will."""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return "链接，未读取 / a link, not read: deliver the file itself"
    if stat.S_ISDIR(info.st_mode):
        return "周文件夹内的文件夹，未读取 / a folder inside a week folder, not read"
    if not stat.S_ISREG(info.st_mode):
        return "不是普通文件，未读取 / not a regular file, not read"
    if info.st_size > MAX_FILE_BYTES:
        return f"超过 {MAX_FILE_BYTES // 2**20} MB / larger than {MAX_FILE_BYTES // 2**20} MB"
    return None


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not _ignored(p.name))


def misfiled(inbox: Path, source: str | None = None) -> list[Misfiled]:
    """Everything under the inbox the loader will not read, with the reason, sorted by path.

    With a `source`, only the inbox's top level and that source's folder: what the source's
    ingest step scans, so that a run lists every week folder once, not once per source (the
    inbox only grows, a week folder per source and week)."""
    if not inbox.is_dir():
        return []
    found: list[tuple[Path, str]] = []
    sources = set(source_names())
    for entry in _entries(inbox):
        if entry.is_symlink() or not entry.is_dir():
            found.append(
                (entry, "不在来源文件夹中 / not in a source folder (inbox/<source>/<YYYY-Www>/)")
            )
        elif entry.name not in sources:
            found.append((entry, "未知来源文件夹 / not a source of the contract"))
        elif source in (None, entry.name):
            found += _source_folder(entry)
    return [Misfiled(mask_text(p.relative_to(inbox).as_posix()), why) for p, why in found]


def top_level(item: Misfiled) -> bool:
    """An item beside the source folders, not inside one."""
    return "/" not in item.path


def _source_folder(folder: Path) -> list[tuple[Path, str]]:
    found = []
    for entry in _entries(folder):
        if entry.is_symlink() or not entry.is_dir():
            found.append((entry, "不在周文件夹中 / not in a week folder (<source>/<YYYY-Www>/)"))
        elif not is_week_folder(entry.name):
            found.append(
                (
                    entry,
                    "不是周文件夹（应为 2026-W47 格式）/ not a week folder: name it like 2026-W47",
                )
            )
        else:
            found += [(p, why) for p in _entries(entry) if (why := _file_problem(p))]
    return found


def record(conn, items: list[Misfiled], source: str | None = None) -> None:
    """`meta.inbox_anomalies`: the inbox's current anomalies. The rows of what was scanned are
    replaced: everything, or with a `source` (misfiled's) the top level and that source's folder."""
    conn.execute("create schema if not exists meta")
    conn.execute(
        "create table if not exists meta.inbox_anomalies "
        "(path varchar not null, problem varchar not null, seen_at timestamp not null)"
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    frame = pl.DataFrame(
        {"path": [i.path for i in items], "problem": [i.problem for i in items]},
        schema={"path": pl.Utf8, "problem": pl.Utf8},
    ).with_columns(pl.lit(now, pl.Datetime("us")).alias("seen_at"))
    conn.execute("begin transaction")
    if source is None:
        conn.execute("delete from meta.inbox_anomalies")
    else:
        conn.execute(
            "delete from meta.inbox_anomalies "
            "where not contains(path, '/') or starts_with(path, $folder)",
            {"folder": f"{source}/"},
        )
    conn.register("__anomalies", frame.to_arrow())
    conn.execute("insert into meta.inbox_anomalies by name select * from __anomalies")
    conn.unregister("__anomalies")
    conn.execute("commit")
