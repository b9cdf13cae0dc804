"""Ingestion: formats and encodings, every rule, rejections, corrections, PII, Dagster assets."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from deliveries import (
    ENTERPRISE,
    FOLDER,
    KEY,
    TRAINING_HEADER,
    TRAINING_ROWS,
    TRAINING_ZH,
    WEEK,
    WORKER_A,
    WORKER_B,
    inbox_file,
    load,
    write_csv,
    write_xlsx,
    wrong_last,
)
from identity_codes import resident_id, uscc
from polars.testing import assert_frame_equal

from assets.ingest import load as load_module
from assets.ingest.assets import ingest_assets
from assets.ingest.check import check_file
from assets.ingest.load import load_week
from assets.ingest.reading import READ_PROBLEMS, ROW_NUMBER
from assets.ingest.rules import conform, hmac_hex, normalize_identifier, normalize_text
from assets.ingest.warehouse import ensure_warehouse
from core.contract import load_contract
from sample_data import generate


def query(db: Path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.sql(sql).pl()


def hashed(value: str) -> str:
    return hmac.new(KEY, value.encode(), hashlib.sha256).hexdigest()


# formats and encodings


@pytest.mark.parametrize("variant", ["utf-8-sig", "gb18030", "xlsx"])
def test_bom_gb18030_with_chinese_headers_and_xlsx_load_like_utf8(tmp_path: Path, variant: str):
    base = write_csv(
        inbox_file(tmp_path / "a" / "inbox", "training", "haidian.csv"),
        TRAINING_HEADER,
        TRAINING_ROWS,
    )
    name = "haidian.xlsx" if variant == "xlsx" else "haidian.csv"
    path = inbox_file(tmp_path / "b" / "inbox", "training", name)
    if variant == "xlsx":
        write_xlsx(path, TRAINING_ZH, TRAINING_ROWS, sheet="training")
    else:
        header = TRAINING_ZH if variant == "gb18030" else TRAINING_HEADER
        write_csv(path, header, TRAINING_ROWS, encoding=variant)
    assert base.read_bytes() != path.read_bytes()
    report_a = load(tmp_path / "a.duckdb", tmp_path / "a" / "inbox")
    report_b = load(tmp_path / "b.duckdb", tmp_path / "b" / "inbox")
    assert [f.rows_loaded for f in report_a.files] == [3]
    assert [f.rows_loaded for f in report_b.files] == [3]
    cols = "* exclude (loaded_at, file_sha256, source_file)"
    a = query(tmp_path / "a.duckdb", f"select {cols} from staging.training order by row_number")
    b = query(tmp_path / "b.duckdb", f"select {cols} from staging.training order by row_number")
    assert a.equals(b)
    assert a["hours"].to_list() == [12.5, 40.0, 8.0]
    assert a["completed_on"].to_list() == [
        dt.date(2026, 11, 17),
        dt.date(2026, 11, 18),
        dt.date(2026, 11, 9),
    ]
    assert a["skill_level"].to_list() == [5, None, 0]
    assert a["dual_degree"].to_list() == [True, False, True]
    assert a["district_code"].to_list() == ["110108"] * 3
    assert a["worker_id_hash"].to_list() == [hashed(WORKER_A), hashed(WORKER_B), hashed(WORKER_A)]
    assert a["phone_hash"].to_list() == [hashed("13800138000"), None, None]


def test_gb18030_file_is_detected_not_configured(tmp_path: Path):
    path = write_csv(tmp_path / "x" / "东城.csv", TRAINING_ZH, TRAINING_ROWS, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    checked = check_file(path, "training", "2026-W47", KEY)
    assert checked.rejection is None
    assert checked.good.height == 3


# rules

RULE_CASES = {  # row_number -> (row, expected reasons)
    2: (["R1", WORKER_A, "", ENTERPRISE, "cooking", "enterprise", "10", "2026-11-20", "", ""], []),
    3: (["R2", wrong_last(WORKER_A), "", "", "cooking", "enterprise", "10", "2026-11-20", "", ""],
        ["worker_id: bad check digit"]),
    4: (["R3", WORKER_A, "", wrong_last(ENTERPRISE), "cooking", "enterprise", "10", "2026-11-20", "", ""],
        ["enterprise_uscc: bad check character"]),
    5: (["R4", WORKER_A, "", "", "baking", "enterprise", "-2", "2026-11-20", "7", "maybe"],
        ["course: not an allowed value", "hours: below minimum 0", "skill_level: above maximum 5",
         "dual_degree: not a yes/no value"]),
    6: (["R5", WORKER_A, "", "", "cooking", "enterprise", "ten", "2026-02-30", "2.5", ""],
        ["hours: not a number", "completed_on: impossible date", "skill_level: not an integer"]),
    7: (["R6", WORKER_A, "", "", "cooking", "enterprise", "10", "2026-11-23", "", ""],
        ["completed_on: after the reporting week"]),
    8: (["R7", WORKER_A, "", "", "cooking", "enterprise", "10", "1999-12-31", "", ""],
        ["completed_on: before the monitoring period"]),
    9: (["", "", "", "", "", "", "", "yesterday", "", ""],
        ["record_id: missing", "worker_id: missing", "course: missing", "provider_type: missing",
         "hours: missing", "completed_on: not a date"]),
    10: (["R1", WORKER_B, "", "", "cooking", "enterprise", "10", "2026-11-20", "", ""],
         ["record_id: duplicate key"]),
    11: (["R8", WORKER_A, "12-34", "", "other", "university", "2000", "2026-11-22", "", "Y"], ["phone: not a phone number"]),
    12: (["R9", resident_id("11010520301231123"), "", "", "cooking", "enterprise", "1", "2026-11-20", "", ""],
         ["worker_id: bad birth date"]),  # born after the reporting week
}  # fmt: skip


def test_every_rule_quarantines_with_all_its_reasons(tmp_path: Path):
    inbox = tmp_path / "inbox"
    rows = [row for row, _ in RULE_CASES.values()]
    write_csv(inbox_file(inbox, "training", "chaoyang.csv"), TRAINING_HEADER, rows)
    (file,) = load(tmp_path / "w.duckdb", inbox).files
    outcome = (file.outcome, file.rows_read, file.rows_loaded, file.rows_quarantined)
    assert outcome == ("loaded", 11, 1, 10)
    quarantined = query(
        tmp_path / "w.duckdb", "select row_number, reasons from quarantine.training"
    )
    got = {r: sorted(reasons) for r, reasons in quarantined.iter_rows()}
    assert got == {r: sorted(reasons) for r, (_, reasons) in RULE_CASES.items() if reasons}
    log = query(tmp_path / "w.duckdb", "select * from meta.load_log").row(0, named=True)
    assert log["rows_read"] == log["rows_loaded"] + log["rows_quarantined"] == 11
    raw_count = query(tmp_path / "w.duckdb", "select count(*) n from raw.training")["n"][0]
    assert raw_count == 11


@pytest.mark.parametrize("key_length", [0, 1, 32, 63, 64, 65, 200])
def test_keyed_hash_is_hmac_sha256_for_keys_of_any_length(key_length: int):
    """The keyed hash copies the key's two SHA-256 states instead of calling `hmac` per value:
    for short, block-sized and long keys it must be RFC 2104's HMAC-SHA-256 all the same."""
    key = bytes((i * 37 + 11) % 256 for i in range(key_length))
    values = pl.Series(
        ["110101199001011237", "", "中文 ＡＢ", None, "x" * 300, "110101199001011237"]
    )
    expected = [
        None if v is None else hmac.new(key, v.encode(), hashlib.sha256).hexdigest() for v in values
    ]
    assert hmac_hex(values, key).to_list() == expected


def _training_frame(rows: list[list[str]]) -> pl.DataFrame:
    """Rows as the reader hands them to `conform`: text columns, row numbers, no read problem."""
    columns = list(load_contract().sources["training"].columns)
    cells = {h: [r[i] for r in rows] for i, h in enumerate(TRAINING_HEADER)}
    return pl.DataFrame(
        {c: pl.Series(cells.get(c, [None] * len(rows)), dtype=pl.Utf8) for c in columns}
    ).with_columns(
        pl.int_range(2, len(rows) + 2, dtype=pl.Int64).alias(ROW_NUMBER),
        pl.lit(None, pl.Utf8).alias(READ_PROBLEMS),
    )


def test_conform_gives_each_row_what_it_gives_that_row_alone():
    """`conform` derives a column once per distinct value when values repeat, per row when they
    do not, and folds Unicode only in columns that are not all ASCII: none of it may change
    what a row becomes."""
    source = load_contract().sources["training"]
    odd = ["Ｔ１", "T1\u200b", " t-1 ", "'110105198503121233", "１２.５", "2026年11月17日", "Yes"]
    rows = [row for row, _ in RULE_CASES.values()] * 3 + [[*odd, "", "", ""]] + TRAINING_ROWS
    frame = _training_frame(rows)
    whole = conform(frame, source, WEEK, "110108", KEY)
    alone = [conform(frame.slice(i, 1), source, WEEK, "110108", KEY) for i in range(len(rows))]
    assert_frame_equal(whole.raw, pl.concat([a.raw for a in alone]))
    assert_frame_equal(whole.typed, pl.concat([a.typed for a in alone]))
    assert whole.reasons.to_list() == [r for a in alone for r in a.reasons.to_list()]


def test_ascii_text_needs_no_unicode_folding():
    """ASCII is its own NFKC form and holds no invisible format character, so an all-ASCII
    column is only trimmed: the same values as the full normalization gives."""
    ascii_text = [
        " T1 ",
        "t-1",
        "'110105198503121233",
        "a\tb",
        "  ",
        "",
        "x\x00y",
        "(010) 1234-5678",
    ]
    frame = pl.DataFrame({"v": ascii_text + [chr(c) for c in range(128)]})
    for normalize in (normalize_text, normalize_identifier):
        full = frame.select(normalize(pl.col("v")))
        assert_frame_equal(frame.select(normalize(pl.col("v"), ascii_only=True)), full)


def test_check_file_reports_the_same_problems_with_pii_masked(tmp_path: Path):
    rows = [row for row, _ in RULE_CASES.values()]
    path = write_csv(
        tmp_path / "inbox" / "training" / FOLDER / "chaoyang.csv", TRAINING_HEADER, rows
    )
    checked = check_file(path, "training", None, KEY)
    assert checked.week == WEEK and checked.district_code == "110105"
    assert checked.rows_read == 11 and checked.good.height == 1 and checked.quarantined.height == 10
    bad_id = checked.problems.filter(pl.col("rule") == "bad check digit").row(0, named=True)
    assert bad_id["row_number"] == 3 and bad_id["column"] == "worker_id"
    assert bad_id["value"] == WORKER_A[:3] + "*" * 13 + wrong_last(WORKER_A)[-2:]
    assert WORKER_A[:17] not in str(checked.problems.rows())
    negative = checked.problems.filter(pl.col("rule") == "below minimum 0").row(0, named=True)
    assert (negative["row_number"], negative["column"], negative["value"]) == (5, "hours", "-2")


def test_districts_provinces_and_measures_checked_against_reference(tmp_path: Path):
    inbox = tmp_path / "inbox"
    header = ["placement_id", "worker_id", "enterprise_uscc", "placed_on", "district_code",
              "origin_province_code", "origin_type", "channel"]  # fmt: skip
    rows = [
        ["P1", WORKER_A, ENTERPRISE, "2026-11-16", "110190", "13", "rural", "job_fair"],
        ["P2", WORKER_A, ENTERPRISE, "2026-11-16", "海淀区", "河北省", "urban", "referral"],
        ["P3", WORKER_A, ENTERPRISE, "2026-11-16", "110103", "99", "rural", "job_fair"],
    ]
    write_csv(inbox_file(inbox, "placements", "etown.csv"), header, rows)
    write_csv(
        inbox_file(inbox, "milestones", "商务局.csv"),
        ["measure_id", "agency", "reported_on", "action", "quantity"],
        [
            ["M22", "商务局", "2026-11-20", "标准发布", "1"],
            ["M23", "商务局", "2026-11-20", "x", "1"],
        ],
    )
    assert load(tmp_path / "w.duckdb", inbox, "placements").total("rows_loaded") == 2
    assert load(tmp_path / "w.duckdb", inbox, "milestones").total("rows_loaded") == 1
    staged = query(
        tmp_path / "w.duckdb",
        "select district_code, origin_province_code from staging.placements order by row_number",
    )
    assert staged.rows() == [("110190", "13"), ("110108", "13")]
    reasons = query(tmp_path / "w.duckdb", "select reasons from quarantine.placements")[
        "reasons"
    ].to_list()
    assert reasons == [
        ["district_code: unknown district", "origin_province_code: unknown province"]
    ]
    reasons = query(tmp_path / "w.duckdb", "select reasons from quarantine.milestones")[
        "reasons"
    ].to_list()
    assert reasons == [["measure_id: unknown measure"]]
    assert query(tmp_path / "w.duckdb", "select district_code from staging.milestones")[
        "district_code"
    ].to_list() == [None]


# files: rejection, unchanged, corrected


def test_unknown_or_missing_column_rejects_that_file_only(tmp_path: Path):
    inbox = tmp_path / "inbox"
    write_csv(inbox_file(inbox, "training", "a_haidian_ok.csv"), TRAINING_HEADER, TRAINING_ROWS)
    write_csv(
        inbox_file(inbox, "training", "b_extra.csv"),
        [*TRAINING_HEADER, "备注栏"],
        [[*TRAINING_ROWS[0], "x"]],
    )
    missing = [c for c in TRAINING_HEADER if c != "worker_id"]
    write_csv(
        inbox_file(inbox, "training", "c_missing.csv"),
        missing,
        [TRAINING_ROWS[0][:1] + TRAINING_ROWS[0][2:]],
    )
    inbox_file(inbox, "training", "d_notes.pdf").write_bytes(b"%PDF-1.4 \x00\x01")
    report = load(tmp_path / "w.duckdb", inbox)
    outcomes = {f.source_file.rsplit("/", 1)[1]: (f.outcome, f.message) for f in report.files}
    assert outcomes["a_haidian_ok.csv"][0] == "loaded"
    assert outcomes["b_extra.csv"] == (
        "rejected",
        "training/2026-W47/b_extra.csv: 无法识别的列 / unknown column(s) '备注栏': "
        "rename to a contract column or delete",
    )
    assert outcomes["c_missing.csv"] == (
        "rejected",
        "training/2026-W47/c_missing.csv: 缺少必填列 / missing required column(s) worker_id: "
        "add the column",
    )
    assert (
        outcomes["d_notes.pdf"][0] == "rejected"
        and "not a CSV or XLSX" in outcomes["d_notes.pdf"][1]
    )
    assert query(tmp_path / "w.duckdb", "select count(*) n from staging.training")["n"][0] == 3


def test_same_content_is_unchanged_and_same_name_new_content_is_a_correction(tmp_path: Path):
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    first = write_csv(inbox_file(inbox, "training", "haidian.csv"), TRAINING_HEADER, TRAINING_ROWS)
    load(db, inbox)
    copy = inbox_file(inbox, "training", "haidian_copy.csv")
    copy.write_bytes(first.read_bytes())
    (again,) = load(db, inbox).files  # the original name is skipped: already recorded
    assert (again.outcome, again.rows_loaded) == ("unchanged", 0)
    assert "haidian.csv" in again.message
    old_sha = hashlib.sha256(first.read_bytes()).hexdigest()
    write_csv(first, TRAINING_HEADER, TRAINING_ROWS[:2])  # the district corrects its file
    (fix,) = load(db, inbox).files
    assert fix.outcome == "corrected" and old_sha in fix.message and fix.rows_loaded == 2
    for schema in ("raw", "staging"):
        ids = query(db, f"select record_id from {schema}.training order by record_id")[
            "record_id"
        ].to_list()
        assert ids == ["T1", "T2"]
    assert load(db, inbox).files == []
    log = query(
        db, "select source_file, outcome from meta.load_log order by loaded_at, source_file"
    )
    assert log.rows() == [
        ("training/2026-W47/haidian.csv", "loaded"),
        ("training/2026-W47/haidian_copy.csv", "unchanged"),
        ("training/2026-W47/haidian.csv", "corrected"),
    ]


def test_late_row_is_loaded_and_flagged_future_row_quarantined(tmp_path: Path):
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    rows = [
        TRAINING_ROWS[0],
        TRAINING_ROWS[2],
        ["T9", WORKER_B, "", "", "other", "enterprise", "1", "2026-11-24", "", ""],
    ]
    write_csv(inbox_file(inbox, "training", "haidian.csv"), TRAINING_HEADER, rows)
    (file,) = load(db, inbox).files
    assert (file.rows_loaded, file.rows_late, file.rows_quarantined) == (2, 1, 1)
    staged = query(
        db, "select record_id, event_week, is_late from staging.training order by record_id"
    )
    assert staged.rows() == [("T1", WEEK, False), ("T3", dt.date(2026, 11, 9), True)]
    reasons = query(db, "select reasons from quarantine.training")["reasons"].to_list()
    assert reasons == [["completed_on: after the reporting week"]]


# enterprises: a slowly changing registry


def test_enterprise_history_keeps_versions_and_current_view_the_latest(tmp_path: Path):
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    header = [
        "uscc",
        "name",
        "district_code",
        "registered_on",
        "status",
        "business_model",
        "workers_count",
    ]
    other = uscc("91110105MA02XY712")
    write_csv(
        inbox_file(inbox, "enterprises", "haidian.csv", "2026-W46"),
        header,
        [[ENTERPRISE, "好帮手家政", "110108", "2019-05-01", "active", "employee_based", "40"],
         [other, "安心家政", "110105", "1998-01-01", "active", "mixed", "12"]],
    )  # fmt: skip
    write_csv(
        inbox_file(inbox, "enterprises", "haidian.csv"),
        header,
        [[ENTERPRISE, "好帮手家政", "110108", "2019-05-01", "suspended", "employee_based", "35"]],
    )
    load(db, inbox, "enterprises", dt.date(2026, 11, 9))
    load(db, inbox, "enterprises", WEEK)
    history = query(
        db,
        "select uscc, status, valid_from, valid_to from staging.enterprise_history order by uscc, valid_from",
    )
    assert history.rows() == [
        (other, "active", dt.date(2026, 11, 9), None),
        (ENTERPRISE, "active", dt.date(2026, 11, 9), WEEK),
        (ENTERPRISE, "suspended", WEEK, None),
    ]
    current = query(db, "select uscc, workers_count from staging.enterprises_current order by uscc")
    assert current.rows() == [(other, 12), (ENTERPRISE, 35)]
    assert query(db, "select count(*) n from quarantine.enterprises")["n"][0] == 0


def test_record_key_seen_in_an_earlier_week_is_a_duplicate(tmp_path: Path):
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    write_csv(
        inbox_file(inbox, "training", "haidian.csv", "2026-W46"),
        TRAINING_HEADER,
        [TRAINING_ROWS[2]],
    )
    write_csv(inbox_file(inbox, "training", "xicheng.csv"), TRAINING_HEADER, TRAINING_ROWS)
    load(db, inbox, week=dt.date(2026, 11, 9))
    (file,) = load(db, inbox).files
    assert (file.rows_loaded, file.rows_quarantined) == (2, 1)
    assert query(db, "select row_number, reasons from quarantine.training").rows() == [
        (4, ["record_id: duplicate key"])
    ]


def test_ensure_warehouse_is_idempotent_and_has_the_documented_columns(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        ensure_warehouse(conn)
        ensure_warehouse(conn)
        log_cols = [r[0] for r in conn.execute("describe meta.load_log").fetchall()]
        q_cols = [r[0] for r in conn.execute("describe quarantine.training").fetchall()]
        s_cols = [r[0] for r in conn.execute("describe staging.insurance").fetchall()]
    assert log_cols == ["source", "week", "source_file", "file_sha256", "district_code", "rows_read",
                        "rows_loaded", "rows_quarantined", "outcome", "message", "loaded_at"]  # fmt: skip
    assert q_cols[:3] == ["record_id", "worker_id_hash", "phone_hash"] and q_cols[-1] == "reasons"
    assert s_cols[-8:] == ["district_code", "event_week", "is_late", "source_file", "file_sha256",
                           "row_number", "loaded_at", "week"]  # fmt: skip


# the Dagster assets, end to end


def _materialize(instance, resources, partition: str = "2026-11-16") -> dg.ExecuteInProcessResult:
    return dg.materialize(
        ingest_assets, instance=instance, resources=resources, partition_key=partition
    )


def test_assets_materialize_every_source_idempotently_without_clear_pii(
    data_dir, resources, instance
):
    inbox = data_dir / "inbox"
    write_csv(inbox_file(inbox, "training", "haidian.csv"), TRAINING_HEADER, TRAINING_ROWS)
    bad = [
        [
            "T7",
            wrong_last(WORKER_B),
            "13912345678",
            "",
            "other",
            "enterprise",
            "2",
            "2026-11-19",
            "",
            "",
        ]
    ]
    write_csv(inbox_file(inbox, "training", "haidian_bad.csv"), TRAINING_HEADER, bad)
    write_csv(
        inbox_file(inbox, "insurance", "110108.csv"),
        ["record_id", "worker_id", "phone", "insurance_type", "start_on", "end_on", "premium_cny"],
        [["I1", WORKER_B, "13912345678", "accident", "2026-11-16", "2027-11-15", "120"]],
    )
    result = _materialize(instance, resources)
    assert result.success
    meta = result.asset_materializations_for_node("staging__training")[0].metadata
    assert (meta["files"].value, meta["rows_read"].value, meta["rows_loaded"].value) == (2, 4, 3)
    assert (meta["rows_quarantined"].value, meta["rows_late"].value) == (1, 1)
    assert "preview" in meta
    db = data_dir / "warehouse.duckdb"
    tables = "select * exclude (loaded_at) from {} order by all"
    before = {
        t: query(db, tables.format(t))
        for t in ("staging.training", "raw.training", "quarantine.training", "staging.insurance")
    }
    assert _materialize(instance, resources).success
    for table, frame in before.items():
        assert query(db, tables.format(table)).equals(frame), table
    assert query(db, "select count(*) n from meta.load_log")["n"][0] == 3
    assert_no_clear_pii(
        data_dir, [WORKER_A, WORKER_B, wrong_last(WORKER_B), "13800138000", "13912345678"]
    )


def assert_no_clear_pii(data_dir: Path, secrets: list[str]) -> None:
    """Every text value of every warehouse table, then the bytes of everything else stored."""
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as conn:
        columns = conn.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns "
            "where data_type like 'VARCHAR%' and table_schema not in ('information_schema', 'pg_catalog')"
        ).fetchall()
        assert len(columns) > 50
        for schema, table, column, kind in columns:
            text = f'"{column}"' if kind == "VARCHAR" else f"array_to_string(\"{column}\", '|')"
            for secret in secrets:
                hits = conn.execute(
                    f'select count(*) from "{schema}"."{table}" where contains({text}, ?)',
                    [secret[-12:]],
                ).fetchone()[0]
                assert hits == 0, f"{schema}.{table}.{column} holds a clear identifier"
    for path in data_dir.rglob("*"):
        if path.is_file() and "inbox" not in path.parts:
            data = path.read_bytes()
            for secret in secrets:
                assert secret[-12:].encode() not in data, f"{path} holds a clear identifier"


def test_empty_binary_and_html_named_files(tmp_path: Path):
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox_file(inbox, "training", "daxing.csv").parent.mkdir(parents=True)
    inbox_file(inbox, "training", "daxing.csv").write_bytes(b"")
    write_csv(inbox_file(inbox, "training", "fengtai_header_only.csv"), TRAINING_HEADER, [])
    inbox_file(inbox, "training", "image.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    html = inbox_file(inbox, "training", "tongzhou<img src=x onerror=alert(1)>.csv")
    write_csv(html, TRAINING_HEADER, TRAINING_ROWS[:1])
    outcomes = {f.source_file.rsplit("/", 1)[1]: f for f in load(db, inbox).files}
    assert {name: (o.outcome, o.rows_read) for name, o in outcomes.items()} == {
        "daxing.csv": ("loaded", 0),
        "fengtai_header_only.csv": ("loaded", 0),
        "image.csv": ("rejected", 0),
        html.name: ("loaded", 1),
    }
    assert outcomes["image.csv"].message.startswith(
        "training/2026-W47/image.csv: 不是CSV或XLSX文件 / is not a CSV or XLSX file"
    )
    assert outcomes[html.name].district_code == "110112"  # the district named in it, no markup


def test_xlsx_first_sheet_when_none_is_named_after_the_source(tmp_path: Path):
    import xlsxwriter

    path = tmp_path / "inbox" / "training" / FOLDER / "110108.xlsx"
    path.parent.mkdir(parents=True)
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Sheet1")
    sheet.write_row(
        0, 0, ["  记录编号 ", "\ufeff身份证号", "课程类别", "培训机构类型", "学时", "结业日期"]
    )
    sheet.write_row(1, 0, ["X1", WORKER_A, "cooking", "enterprise", 4])
    sheet.write_datetime(
        1, 5, dt.datetime(2026, 11, 19, 14, 30), book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    )
    book.close()
    checked = check_file(path, "training", None, KEY)
    assert checked.rejection is None and checked.district_code == "110108"
    assert checked.good.select("record_id", "hours", "completed_on").rows() == [
        ("X1", 4.0, dt.date(2026, 11, 19))
    ]


def test_correction_reports_old_and_new_event_weeks_as_affected(tmp_path: Path):
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    path = write_csv(
        inbox_file(inbox, "training", "haidian.csv"), TRAINING_HEADER, TRAINING_ROWS[2:]
    )
    assert load(db, inbox).affected_weeks == {dt.date(2026, 11, 9), WEEK}  # + its deliveries
    write_csv(path, TRAINING_HEADER, TRAINING_ROWS[:1])
    assert load(db, inbox).affected_weeks == {dt.date(2026, 11, 9), WEEK}


def _load_everything(db: Path, inbox: Path, weeks: list[dt.date]) -> None:
    with duckdb.connect(str(db)) as conn:
        for week in weeks:
            for source in load_contract().sources:
                load_week(conn, inbox, source, week, KEY)


def test_a_week_loaded_in_batches_of_files_equals_it_loaded_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Batches bound a national week's memory and change no row: the generator's dirty weeks
    (duplicates, every rule, copies), plus a key whose first row, in an earlier file, is itself
    quarantined, load the same with every file a batch of its own as in one batch."""
    inbox = tmp_path / "inbox"
    generate(inbox, scale="small", weeks=2, start=WEEK - dt.timedelta(days=7), seed=11, dirty=0.05)
    bad_date = [*TRAINING_ROWS[0][:7], "2026-13-01", *TRAINING_ROWS[0][8:]]
    write_csv(inbox_file(inbox, "training", "0_haidian.csv"), TRAINING_HEADER, [bad_date])
    write_csv(inbox_file(inbox, "training", "z_haidian.csv"), TRAINING_HEADER, TRAINING_ROWS[:1])
    weeks = [WEEK - dt.timedelta(days=7), WEEK]
    for limit, name in ((10**9, "once"), (1, "batched")):
        monkeypatch.setattr(load_module, "BATCH_ROWS", limit)
        _load_everything(tmp_path / f"{name}.duckdb", inbox, weeks)
    tables = [
        f"{schema}.{source}"
        for source in load_contract().sources
        for schema in ("raw", "staging", "quarantine")
    ] + ["meta.load_log", "meta.week_changes"]
    with duckdb.connect() as conn:
        conn.execute(f"attach '{tmp_path / 'once.duckdb'}' as once (read_only)")
        conn.execute(f"attach '{tmp_path / 'batched.duckdb'}' as batched (read_only)")
        compared: dict[str, int] = {}
        for table in tables:
            columns = (
                "* exclude (loaded_at)"
                if table != "meta.week_changes"
                else ("* exclude (changed_at, run_id)")
            )
            counts = conn.execute(
                f"select (select count(*) from once.{table}), "
                f"(select count(*) from (select {columns} from once.{table} except all "
                f"select {columns} from batched.{table})), "
                f"(select count(*) from (select {columns} from batched.{table} except all "
                f"select {columns} from once.{table}))"
            ).fetchone()
            assert counts[1:] == (0, 0), table
            compared[table.split(".")[0]] = compared.get(table.split(".")[0], 0) + counts[0]
        reasons = conn.execute(
            "select reasons from batched.quarantine.training where source_file like '%z_haidian.csv'"
        ).fetchall()
    assert reasons == [(["record_id: duplicate key"],)]
    assert min(compared.values()) > 100, compared  # raw, staging, quarantine and meta rows


def test_one_run_loads_a_range_of_weeks_oldest_first(data_dir, resources, instance):
    inbox = data_dir / "inbox"
    write_csv(
        inbox_file(inbox, "training", "haidian.csv", "2026-W46"),
        TRAINING_HEADER,
        [TRAINING_ROWS[2]],
    )
    write_csv(inbox_file(inbox, "training", "haidian.csv"), TRAINING_HEADER, TRAINING_ROWS)
    training = [a for a in ingest_assets if a.key == dg.AssetKey(["staging", "training"])]
    result = dg.materialize(
        training,
        instance=instance,
        resources=resources,
        tags={
            "dagster/asset_partition_range_start": "2026-11-09",
            "dagster/asset_partition_range_end": "2026-11-16",
        },
    )
    assert result.success
    meta = result.asset_materializations_for_node("staging__training")
    assert {m.partition for m in meta} == {"2026-11-09", "2026-11-16"}
    assert meta[0].metadata["weeks"].value == "2026-11-09, 2026-11-16"
    staged = query(
        data_dir / "warehouse.duckdb", "select week, record_id from staging.training order by all"
    )
    assert staged.rows() == [(dt.date(2026, 11, 9), "T3"), (WEEK, "T1"), (WEEK, "T2")]
    reasons = query(data_dir / "warehouse.duckdb", "select reasons from quarantine.training")[
        "reasons"
    ]
    assert reasons.to_list() == [["record_id: duplicate key"]]


# the contract in the warehouse, and measure ids from the catalog


def test_a_load_after_a_rolled_back_first_load_creates_the_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The tables are created once per connection, remembered only when a load commits: a first
    load that fails rolls its tables back, and the next load on that connection makes them."""
    import assets.ingest.load as loader

    def broken(*args, **kwargs):
        raise KeyError("a bug in the loader, not in the delivery")

    inbox = tmp_path / "inbox"
    write_csv(inbox_file(inbox, "training", "haidian.csv"), TRAINING_HEADER, TRAINING_ROWS)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        with monkeypatch.context() as patch:
            patch.setattr(loader, "conform", broken)
            with pytest.raises(KeyError):
                loader.load_week(conn, inbox, "training", WEEK, KEY)
        assert conn.execute("select count(*) from duckdb_tables()").fetchone() == (0,)
        report = loader.load_week(conn, inbox, "training", WEEK, KEY)
        again = loader.load_week(conn, inbox, "insurance", WEEK, KEY)
        staged = conn.execute("select count(*) from staging.training").fetchone()
    assert [f.rows_loaded for f in report.files] == [3] and staged == (3,)
    assert again.files == []


def test_meta_tables_and_views_follow_the_contract(tmp_path: Path):
    from core.contract import load_contract, load_reference

    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    write_csv(inbox_file(inbox, "training", "haidian.csv"), TRAINING_HEADER, TRAINING_ROWS)
    bad = [["T9", wrong_last(WORKER_A), "", "", "other", "enterprise", "1", "2026-11-17", "", ""]]
    write_csv(inbox_file(inbox, "training", "chaoyang.csv"), TRAINING_HEADER, bad)
    load(db, inbox)
    contract, districts = load_contract(), load_reference().district_codes
    sources = query(db, "select source, tag, expected_from from meta.sources")
    assert sources.rows() == [(n, s.tag, s.expected_from) for n, s in contract.sources.items()]
    owed = query(
        db,
        "select source, count(*) as n, count(district_code) as districts "
        "from meta.expected_deliveries group by all order by all",
    ).rows()
    assert owed == sorted(
        (n, len(districts), len(districts)) if s.expected_from == "districts" else (n, 1, 0)
        for n, s in contract.sources.items()
    )
    staged = query(db, "select source, source_file, is_late from meta.staged_rows order by all")
    assert staged.rows() == [
        ("training", "training/2026-W47/haidian.csv", False),
        ("training", "training/2026-W47/haidian.csv", False),
        ("training", "training/2026-W47/haidian.csv", True),
    ]
    quarantined = query(db, "select source, source_file from meta.quarantined_rows")
    assert quarantined.rows() == [("training", "training/2026-W47/chaoyang.csv")]


def test_meta_tables_are_restored_from_the_contract(tmp_path: Path):
    from core.contract import load_reference

    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        ensure_warehouse(conn)
        conn.execute("delete from meta.expected_deliveries where source = 'training'")
        conn.execute("update meta.sources set title_en = 'stale' where source = 'training'")
        ensure_warehouse(conn)
        titles = conn.execute("select title_en from meta.sources where source = 'training'")
        assert titles.fetchall() == [("Training completions",)]
        owed = conn.execute(
            "select count(*) from meta.expected_deliveries where source = 'training'"
        )
        assert owed.fetchall() == [(len(load_reference().district_codes),)]


def test_measure_ids_are_the_catalog_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A ledger row names a measure of the catalog: one more measure there is one more accepted."""
    import shutil

    import yaml

    from core import settings
    from quality_checks.suites import build_suite

    catalog = tmp_path / "catalog"
    shutil.copytree(settings.PROJECT_ROOT / "catalog", catalog)
    measures = yaml.safe_load((catalog / "measures.yaml").read_text(encoding="utf-8"))
    extra = {k: v for k, v in measures["measures"][-1].items() if k != "tasks"} | {"id": "M23"}
    extra["indicators"] = [i | {"id": "M23" + i["id"][3:]} for i in extra["indicators"]]
    measures["measures"].append(extra)
    (catalog / "measures.yaml").write_text(yaml.safe_dump(measures, allow_unicode=True), "utf-8")
    monkeypatch.setenv("PMON_CATALOG_DIR", str(catalog))
    inbox = tmp_path / "inbox"
    write_csv(
        inbox_file(inbox, "milestones", "商务局.csv"),
        ["measure_id", "agency", "reported_on", "action", "quantity"],
        [[m, "商务局", "2026-11-20", f"a{m}", "1"] for m in ("M7", "M23", "M24", "M0")],
    )
    load(tmp_path / "w.duckdb", inbox, "milestones")
    staged = query(tmp_path / "w.duckdb", "select measure_id from staging.milestones order by 1")
    assert staged["measure_id"].to_list() == ["M07", "M23"]
    (in_set,) = [e for e in build_suite("milestones", WEEK) if e.name == "measure_id_in_set"]
    assert in_set.values[-2:] == ("M22", "M23") and len(in_set.values) == 23


def test_ingest_assets_name_the_tables_they_write():
    training = next(a for a in ingest_assets if a.key == dg.AssetKey(["staging", "training"]))
    metadata = training.specs_by_key[training.key].metadata
    assert metadata["dagster/table_name"] == "staging.training"
    with duckdb.connect() as conn:
        ensure_warehouse(conn)
        for key, table in (
            ("dagster/column_schema", "staging.training"),
            ("raw_table", "raw.training"),
            ("quarantine_table", "quarantine.training"),
            ("load_log_table", "meta.load_log"),
        ):
            described = conn.execute(f"describe {table}").fetchall()
            schema = metadata[key].schema
            assert [(c.name, c.type) for c in schema.columns] == [
                (row[0], row[1].lower()) for row in described
            ], table
    for table in ("raw.training", "quarantine.training", "meta.load_log"):
        assert table in metadata["writes"].md_str
