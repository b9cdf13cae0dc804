"""Delivered files as clerks write them, and one week's load: shared by the ingestion tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
from identity_codes import resident_id, uscc

from assets.ingest.load import load_week
from tests.conftest import TEST_PII_KEY

WEEK = dt.date(2026, 11, 16)  # 2026-W47, Monday
FOLDER = "2026-W47"
KEY = TEST_PII_KEY.encode()


def wrong_last(value: str) -> str:
    return value[:-1] + ("3" if value[-1] != "3" else "4")


WORKER_A = resident_id("11010519850312123")
WORKER_B = resident_id("11022819900101456")  # retired region code (密云县): still valid
ENTERPRISE = uscc("91110108MA01ABCDE")
TRAINING_HEADER = ["record_id", "worker_id", "phone", "enterprise_uscc", "course", "provider_type",
                   "hours", "completed_on", "skill_level", "dual_degree"]  # fmt: skip
TRAINING_ZH = ["记录编号", "身份证号", "手机号", "企业统一社会信用代码", "课程类别", "培训机构类型",
               "学时", "结业日期", "技能等级", "双学历"]  # fmt: skip
TRAINING_ROWS = [
    ["T1", WORKER_A, "13800138000", ENTERPRISE, "housekeeping", "enterprise", "12.5", "2026-11-17", "5", "是"],
    ["T2", WORKER_B, "", "", "elderly_care", "university", "40", "2026/11/18", "", "no"],
    ["T3", WORKER_A, "", ENTERPRISE, "nursing", "training_center", "8", "2026-11-09", "0", "1"],
]  # fmt: skip


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8"
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [",".join(header), *(",".join(r) for r in rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[str]], sheet: str) -> Path:
    """Numbers as number cells and dates as date cells, the way Excel stores them."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("说明").write(0, 0, "cover sheet")  # first sheet is not the data
    sheet_ = book.add_worksheet(sheet)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet_.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if c == 7:
                sheet_.write_datetime(
                    r, c, dt.datetime.fromisoformat(value.replace("/", "-")), date_format
                )
            elif c in (6, 8) and value:
                sheet_.write_number(r, c, float(value))
            else:
                sheet_.write_string(r, c, value)
    book.close()
    return path


def inbox_file(inbox: Path, source: str, name: str, folder: str = FOLDER) -> Path:
    return inbox / source / folder / name


def load(db: Path, inbox: Path, source: str = "training", week: dt.date = WEEK):
    with duckdb.connect(str(db)) as conn:
        return load_week(conn, inbox, source, week, KEY)
