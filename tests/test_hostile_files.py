"""Hostile and clumsy deliveries (issues 19 and 13): every file is loaded, quarantined row by row
or rejected with one bilingual message that quotes nothing but a short masked excerpt."""

from __future__ import annotations

import codecs
import os
import zipfile
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import xlsxwriter
from deliveries import (
    FOLDER,
    TRAINING_HEADER,
    TRAINING_ROWS,
    TRAINING_ZH,
    WORKER_A,
    inbox_file,
    load,
    write_csv,
)
from identity_codes import resident_id
from pii_registry import delivered

from assets.ingest import limits
from assets.ingest.assets import ingest_assets
from assets.ingest.inbox import misfiled
from pmon.cli import main

SECRET_ID = delivered(resident_id("11010819770707123"))[0]
SECRET_PHONE = delivered("13611112222")[0]
EXCEPTION_NAMES = ("Error", "Exception", "polars", "calamine", "fastexcel", "Traceback", "zip")


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def outcomes(report) -> dict[str, tuple[str, str, int, int]]:
    return {
        f.source_file.rsplit("/", 1)[1]: (f.outcome, f.message, f.rows_loaded, f.rows_quarantined)
        for f in report.files
    }


def assert_clean_message(message: str) -> None:
    assert SECRET_ID not in message and SECRET_ID[3:16] not in message
    assert SECRET_PHONE not in message
    assert not any(name in message for name in EXCEPTION_NAMES), message


def sparse_xlsx(path: Path) -> Path:
    """2 KB on disk, A1 and XFD1048576: calamine would ask for 512 GiB and abort the process."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("training")
    sheet.write(0, 0, "record_id")
    sheet.write(1048575, 16383, "x")
    book.close()
    return path


# broken: a file without a header row leaked its first data row


def test_a_file_without_header_quotes_nothing_of_its_first_row(tmp_path: Path, capsys):
    inbox = tmp_path / "inbox"
    row = ["T1", SECRET_ID, SECRET_PHONE, "", "cooking", "enterprise", "8", "2026-11-17", "", ""]
    path = write_csv(inbox_file(inbox, "training", "haidian.csv"), row, [TRAINING_ROWS[1]])
    (file,) = load(tmp_path / "w.duckdb", inbox).files
    assert file.outcome == "rejected" and "not a header row" in file.message
    assert_clean_message(file.message)
    (stored,) = query(tmp_path / "w.duckdb", "select message from meta.load_log")[0]
    assert_clean_message(stored)
    assert main(["check", str(path), "--source", "training", "--week", "2026-W47"]) == 1
    out = capsys.readouterr().out
    assert "not a header row" in out
    assert_clean_message(out)


def test_unknown_headers_are_short_masked_excerpts(tmp_path: Path):
    inbox = tmp_path / "inbox"
    huge = "备注" * 200_000  # a 1.2 MB header cell
    header = [*TRAINING_HEADER, huge, f"电话{SECRET_PHONE}"]
    write_csv(inbox_file(inbox, "training", "haidian.csv"), header, [[*TRAINING_ROWS[0], "", ""]])
    (file,) = load(tmp_path / "w.duckdb", inbox).files
    assert file.outcome == "rejected" and "unknown column(s)" in file.message
    assert len(file.message) < 400
    assert "电话136******22" in file.message
    assert_clean_message(file.message)


# broken: symlinks were followed and their target quoted


def test_links_and_outside_files_are_refused_unread(tmp_path: Path, data_dir, resources, instance):
    outside = tmp_path / "secret.txt"
    outside.write_text(f"{SECRET_ID},{SECRET_PHONE}\n", encoding="utf-8")
    inbox = data_dir / "inbox"
    write_csv(inbox_file(inbox, "training", "haidian.csv"), TRAINING_HEADER, TRAINING_ROWS)
    link = inbox_file(inbox, "training", "chaoyang.csv")
    link.symlink_to(outside)
    result = dg.materialize(
        ingest_assets, instance=instance, resources=resources, partition_key="2026-11-16"
    )
    assert result.success
    db = data_dir / "warehouse.duckdb"
    assert query(db, "select source_file, outcome from meta.load_log") == [
        ("training/2026-W47/haidian.csv", "loaded")
    ]
    anomalies = query(db, "select path, problem from meta.inbox_anomalies")
    assert anomalies == [("training/2026-W47/chaoyang.csv", anomalies[0][1])]
    assert "link" in anomalies[0][1]
    warnings = [
        e.message
        for e in instance.all_logs(result.run_id)
        if e.level >= 30 and "chaoyang.csv" in (e.message or "")
    ]
    assert warnings and all(SECRET_ID not in w for w in warnings)
    assert main(["check", str(link), "--source", "training", "--week", "2026-W47"]) == 1


# broken: a 2 KB XLSX killed the process; weak: a deflate bomb took 2.2 GB


def test_sparse_xlsx_is_refused_and_the_other_files_of_its_week_load(data_dir, resources, instance):
    inbox = data_dir / "inbox"
    write_csv(inbox_file(inbox, "training", "haidian.csv"), TRAINING_HEADER, TRAINING_ROWS[:2])
    write_csv(inbox_file(inbox, "training", "xicheng.csv"), TRAINING_HEADER, TRAINING_ROWS[2:])
    sparse = sparse_xlsx(inbox_file(inbox, "training", "chaoyang.xlsx"))
    assert sparse.stat().st_size < 10_000
    result = dg.materialize(
        ingest_assets, instance=instance, resources=resources, partition_key="2026-11-16"
    )
    assert result.success
    rows = query(
        data_dir / "warehouse.duckdb",
        "select source_file, outcome, rows_loaded, message from meta.load_log order by 1",
    )
    assert [(r[0].rsplit("/", 1)[1], r[1], r[2]) for r in rows] == [
        ("chaoyang.xlsx", "rejected", 0),
        ("haidian.csv", "loaded", 2),
        ("xicheng.csv", "loaded", 1),
    ]
    assert "1048576 rows x 16384 columns" in rows[0][3]


def test_pmon_check_refuses_the_sparse_xlsx_in_its_own_process(tmp_path: Path, capsys):
    path = sparse_xlsx(tmp_path / "clerk" / "chaoyang.xlsx")
    assert main(["check", str(path), "--source", "training", "--week", "2026-W47"]) == 1
    out = capsys.readouterr().out
    assert "Ctrl+End" in out and "file rejected" in out


def test_a_declared_dimension_alone_is_refused(tmp_path: Path):
    path = tmp_path / "inbox" / "training" / FOLDER / "a.xlsx"
    path.parent.mkdir(parents=True)
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("training").write_row(0, 0, TRAINING_HEADER)
    book.close()
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(
        b'<dimension ref="A1:J1"/>', b'<dimension ref="A1:XFD1048576"/>'
    )
    assert b"XFD1048576" in parts[sheet]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    (file,) = load(tmp_path / "w.duckdb", tmp_path / "inbox").files
    assert file.outcome == "rejected" and "16384 columns" in file.message


def test_a_deflate_bomb_is_refused_before_it_is_inflated(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNZIPPED_BYTES", 4 * 2**20)
    path = tmp_path / "inbox" / "training" / FOLDER / "bomb.xlsx"
    path.parent.mkdir(parents=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xl/workbook.xml", b"<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b" " * (16 * 2**20))
    assert path.stat().st_size < 100_000
    (file,) = load(tmp_path / "w.duckdb", tmp_path / "inbox").files
    assert file.outcome == "rejected" and "decompresses to more than 4 MB" in file.message
    assert_clean_message(file.message)


def test_a_big_file_is_refused_unread(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    rows = TRAINING_ROWS * 20
    write_csv(inbox_file(tmp_path / "inbox", "training", "haidian.csv"), TRAINING_HEADER, rows)
    (file,) = load(tmp_path / "w.duckdb", tmp_path / "inbox").files
    assert file.outcome == "rejected" and "split it into smaller files" in file.message


# intake as districts deliver (issue 13)


@pytest.mark.parametrize("variant", ["utf-16-tab", "semicolon", "bom-gb18030", "tab-utf8"])
def test_encodings_and_separators_load_like_plain_utf8(tmp_path: Path, variant: str):
    base = write_csv(
        inbox_file(tmp_path / "a", "training", "haidian.csv"), TRAINING_HEADER, TRAINING_ROWS
    )
    separator = {"semicolon": ";", "bom-gb18030": ",", "utf-16-tab": "\t", "tab-utf8": "\t"}[
        variant
    ]
    header = TRAINING_ZH if variant in ("bom-gb18030", "utf-16-tab") else TRAINING_HEADER
    text = "\r\n".join(separator.join(r) for r in [header, *TRAINING_ROWS]) + "\r\n"
    if variant == "utf-16-tab":
        data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    elif variant == "bom-gb18030":
        data = codecs.BOM_UTF8 + text.encode("gb18030")
    else:
        data = text.encode("utf-8")
    path = inbox_file(tmp_path / "b", "training", "haidian.csv")
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    a, b = load(tmp_path / "a.duckdb", tmp_path / "a"), load(tmp_path / "b.duckdb", tmp_path / "b")
    assert [f.rows_loaded for f in b.files] == [f.rows_loaded for f in a.files] == [3]
    cols = "* exclude (loaded_at, file_sha256, source_file)"
    sql = f"select {cols} from staging.training order by row_number"
    assert query(tmp_path / "a.duckdb", sql) == query(tmp_path / "b.duckdb", sql)
    assert base.read_bytes() != data


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"PK\x03\x04junk",
    ],
)
def test_a_renamed_image_or_pdf_is_not_a_csv_or_xlsx_file(tmp_path: Path, content: bytes):
    path = inbox_file(tmp_path / "inbox", "training", "haidian.csv")
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    (file,) = load(tmp_path / "w.duckdb", tmp_path / "inbox").files
    assert (
        file.outcome == "rejected"
        and "不是CSV或XLSX文件 / is not a CSV or XLSX file" in file.message
    )
    assert_clean_message(file.message)


def test_missing_columns_are_named_in_the_clerk_s_header_language(tmp_path: Path):
    header = [h for h in TRAINING_ZH if h != "身份证号"]
    rows = [r[:1] + r[2:] for r in TRAINING_ROWS]
    write_csv(inbox_file(tmp_path / "inbox", "training", "haidian.csv"), header, rows)
    (file,) = load(tmp_path / "w.duckdb", tmp_path / "inbox").files
    assert "缺少必填列 / missing required column(s) 身份证号 (worker_id)" in file.message


# rows a reader would mangle


def test_ragged_rows_are_quarantined_with_the_reason(tmp_path: Path):
    inbox = tmp_path / "inbox"
    good = TRAINING_ROWS[0]
    lines = [",".join(TRAINING_HEADER), ",".join(good), ",".join(TRAINING_ROWS[1][:-3]),
             ",".join(["T9", WORKER_A, "", "", "cooking", "enterprise", "12", "5", "2026-11-17", "", ""])]  # fmt: skip
    path = inbox_file(inbox, "training", "haidian.csv")
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (file,) = load(tmp_path / "w.duckdb", inbox).files
    assert (file.outcome, file.rows_loaded, file.rows_quarantined) == ("loaded", 1, 2)
    reasons = dict(
        query(tmp_path / "w.duckdb", "select row_number, reasons from quarantine.training")
    )
    assert any("7 fields where the header has 10" in r for r in reasons[3])
    assert any("11 fields where the header has 10" in r for r in reasons[4])


def test_uncomputed_formulas_and_ids_stored_as_numbers_are_quarantined(tmp_path: Path):
    path = inbox_file(tmp_path / "inbox", "training", "haidian.xlsx")
    path.parent.mkdir(parents=True)
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("training")
    sheet.write_row(0, 0, TRAINING_HEADER)
    for r, row in enumerate(TRAINING_ROWS, start=1):
        sheet.write_row(r, 0, row)
    sheet.write_formula(1, 6, "=10+2.5")  # xlsxwriter stores 0 and asks Excel to recalculate
    sheet.write_number(2, 1, int(TRAINING_ROWS[1][1]))  # an 18-digit id as an Excel number
    book.close()
    (file,) = load(tmp_path / "w.duckdb", tmp_path / "inbox").files
    assert (file.rows_loaded, file.rows_quarantined) == (1, 2)
    reasons = dict(
        query(tmp_path / "w.duckdb", "select row_number, reasons from quarantine.training")
    )
    assert any(r.startswith("hours: formula without a computed value") for r in reasons[2])
    assert any(r.startswith("worker_id: stored as a number, precision lost") for r in reasons[3])


# numbers and keys parsed strictly


def test_numbers_are_strict_and_an_overflow_quarantines_only_its_row(tmp_path: Path):
    inbox = tmp_path / "inbox"
    rows = [
        [*TRAINING_ROWS[0][:6], value, *TRAINING_ROWS[0][7:]]
        for value in ("1,234", "12,5", "1,2,3")
    ]
    rows = [[f"N{i}", *r[1:]] for i, r in enumerate(rows)]
    lines = [",".join(TRAINING_HEADER), *(",".join(f'"{c}"' for c in r) for r in rows)]
    path = inbox_file(inbox, "training", "haidian.csv")
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    header = [
        "uscc",
        "name",
        "district_code",
        "registered_on",
        "status",
        "business_model",
        "workers_count",
    ]
    from identity_codes import uscc

    ents = [[uscc("91110108MA01ABCD" + c), "n", "110108", "2020-01-01", "active", "mixed", w]
            for c, w in (("E", "99999999999999999999"), ("F", "12"))]  # fmt: skip
    write_csv(inbox_file(inbox, "enterprises", "haidian.csv"), header, ents)
    db = tmp_path / "w.duckdb"
    load(db, inbox)
    assert query(db, "select record_id, hours from staging.training") == [("N0", 1234.0)]
    reasons = query(db, "select reasons from quarantine.training order by row_number")
    assert reasons == [(["hours: not a number"],), (["hours: not a number"],)]
    report = load(db, inbox, "enterprises")
    assert [(f.outcome, f.rows_loaded, f.rows_quarantined) for f in report.files] == [
        ("loaded", 1, 1)
    ]
    assert query(db, "select reasons from quarantine.enterprises") == [
        (["workers_count: out of range"],)
    ]


def test_disguised_duplicate_keys_are_caught(tmp_path: Path):
    inbox = tmp_path / "inbox"
    first = TRAINING_ROWS[0]
    disguised = [["T\u200b1", *first[1:]], ["Ｔ１", *first[1:]], [" T1\ufeff", *first[1:]]]
    write_csv(inbox_file(inbox, "training", "haidian.csv"), TRAINING_HEADER, [first, *disguised])
    (file,) = load(tmp_path / "w.duckdb", inbox).files
    assert (file.rows_loaded, file.rows_quarantined) == (1, 3)


def test_pmon_check_survives_every_common_id_mistake(tmp_path: Path, capsys):
    ids = ["110108770707123", f"{SECRET_ID[:6]} {SECRET_ID[6:]}", SECRET_ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
           f"'{SECRET_ID}", "1.10108E+17", "abc"]  # fmt: skip
    lines = ["record_id,worker_id,course,provider_type,hours,completed_on,skill_level"]
    lines += [f"T{i},{v},cooking,enterprise,1,2026-11-17," for i, v in enumerate(ids)]
    lines.append("T9,110108770707123,cooking,enterprise,1,2026-11-17,99999999999999999999")
    path = tmp_path / "clerk" / "haidian.csv"
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["check", str(path), "--source", "training", "--week", "2026-W47"]) == 1
    out = capsys.readouterr().out
    assert "Traceback" not in out and "stored as a number" in out and "out of range" in out
    assert_clean_message(out)
    ok_rows = {line.split()[1] for line in out.splitlines()[3:] if line.startswith("contract")}
    assert not {"3", "4", "5"} & ok_rows  # spaced, full-width and apostrophe ids are valid


# free text, monitoring period, misfiled deliveries


def test_ids_and_phones_typed_into_notes_are_masked_at_ingest(tmp_path: Path):
    inbox = tmp_path / "inbox"
    note = f"联系人身份证{SECRET_ID}，电话{SECRET_PHONE}"
    header = ["measure_id", "agency", "reported_on", "action", "quantity", "unit", "note"]
    rows = [["M01", "市商务局", "2026-11-17", f"回访 {SECRET_PHONE}", "1", "次", note],
            ["M01", "市商务局", "2024-10-23", "before", "1", "次", ""]]  # fmt: skip
    write_csv(inbox_file(inbox, "milestones", "agency.csv"), header, rows)
    db = tmp_path / "w.duckdb"
    load(db, inbox, "milestones")
    staged = query(db, "select action, note from staging.milestones")
    assert staged == [
        (
            "回访 136******22",
            "联系人身份证108*************3X，电话136******22".replace("108", SECRET_ID[:3]).replace(
                "3X", SECRET_ID[-2:]
            ),
        )
    ]
    assert SECRET_ID not in str(query(db, "select * from raw.milestones"))
    assert query(db, "select reasons from quarantine.milestones") == [
        (["reported_on: before the monitoring period"],)
    ]


def test_misfiled_folders_and_files_are_listed(tmp_path: Path):
    inbox = tmp_path / "inbox"
    for folder in ("2026-w47", "2026-W99", "junk"):
        write_csv(inbox / "training" / folder / "haidian.csv", TRAINING_HEADER, TRAINING_ROWS)
    write_csv(inbox / "training" / "haidian.csv", TRAINING_HEADER, TRAINING_ROWS)
    write_csv(inbox / "stray.csv", TRAINING_HEADER, TRAINING_ROWS)
    write_csv(inbox / "training" / FOLDER / "sub" / "a.csv", TRAINING_HEADER, TRAINING_ROWS)
    os.mkfifo(inbox / "training" / FOLDER / "pipe.csv")
    write_csv(inbox / "training" / f"{SECRET_ID}.csv", TRAINING_HEADER, TRAINING_ROWS)
    write_csv(inbox / "training" / FOLDER / "xicheng.csv", TRAINING_HEADER, TRAINING_ROWS)
    listed = {m.path: m.problem for m in misfiled(inbox)}
    masked = f"training/{SECRET_ID[:3]}{'*' * 13}{SECRET_ID[-2:]}.csv"  # a name may hold an id
    assert set(listed) == {"stray.csv", "training/2026-W99", "training/2026-w47", "training/junk",
                           "training/haidian.csv", "training/2026-W47/sub", "training/2026-W47/pipe.csv",
                           masked}  # fmt: skip
    assert "2026-W47" in listed["training/2026-w47"]
    report = load(tmp_path / "w.duckdb", inbox)  # the fifo is skipped, never opened
    assert [f.source_file for f in report.files] == ["training/2026-W47/xicheng.csv"]


def test_each_ingest_step_scans_its_own_folder_and_a_run_records_the_whole_inbox(
    data_dir, resources, instance
):
    inbox = data_dir / "inbox"
    write_csv(inbox_file(inbox, "training", "haidian.csv"), TRAINING_HEADER, TRAINING_ROWS)
    write_csv(inbox / "training" / "junk" / "a.csv", TRAINING_HEADER, TRAINING_ROWS)
    write_csv(inbox / "placements" / "2026-w47" / "a.csv", TRAINING_HEADER, TRAINING_ROWS)
    write_csv(inbox / "stray.csv", TRAINING_HEADER, TRAINING_ROWS)
    whole = {m.path for m in misfiled(inbox)}
    assert whole == {"stray.csv", "training/junk", "placements/2026-w47"}
    assert {m.path for m in misfiled(inbox, "training")} == {"stray.csv", "training/junk"}
    result = dg.materialize(
        ingest_assets, instance=instance, resources=resources, partition_key="2026-11-16"
    )
    assert result.success
    db = data_dir / "warehouse.duckdb"
    assert query(db, "select path from meta.inbox_anomalies order by 1") == [
        (p,) for p in sorted(whole)
    ]
    warned = [
        e.message
        for e in instance.all_logs(result.run_id)
        if e.level >= 30 and "inbox/" in e.message
    ]
    assert sorted(w.split(":")[0] for w in warned) == sorted(f"inbox/{p}" for p in whole)

    # the placements folder is put right; the placements step alone replaces only what it scanned
    (inbox / "placements" / "2026-w47" / "a.csv").unlink()
    (inbox / "placements" / "2026-w47").rmdir()
    placements = [a for a in ingest_assets if a.key == dg.AssetKey(["staging", "placements"])]
    again = dg.materialize(
        placements, instance=instance, resources=resources, partition_key="2026-11-16"
    )
    assert again.success
    assert query(db, "select path from meta.inbox_anomalies order by 1") == [
        ("stray.csv",),
        ("training/junk",),
    ]


def test_a_file_named_like_a_source_beside_the_source_folders_is_warned_about_once(
    data_dir, resources, instance
):
    inbox = data_dir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "training").write_text("a file where the training folder belongs\n")
    write_csv(inbox_file(inbox, "placements", "haidian.csv"), TRAINING_HEADER, TRAINING_ROWS)
    result = dg.materialize(
        ingest_assets, instance=instance, resources=resources, partition_key="2026-11-16"
    )
    assert result.success
    warned = [
        e.message
        for e in instance.all_logs(result.run_id)
        if e.level >= 30 and (e.message or "").startswith("inbox/training:")
    ]
    assert len(warned) == 1 and "not in a source folder" in warned[0]
    assert query(data_dir / "warehouse.duckdb", "select path from meta.inbox_anomalies") == [
        ("training",)
    ]


def test_a_file_named_with_an_identity_number_is_refused_and_its_name_masked(tmp_path: Path):
    inbox = tmp_path / "inbox"
    write_csv(inbox_file(inbox, "training", f"haidian_{SECRET_ID}.csv"), TRAINING_HEADER,
              TRAINING_ROWS)  # fmt: skip
    write_csv(
        inbox_file(inbox, "training", "haidian_20261116.csv"),
        TRAINING_HEADER,
        [["T9", *TRAINING_ROWS[0][1:]]],
    )  # a date in a name is not personal data
    db = tmp_path / "w.duckdb"
    load(db, inbox, "training")
    logged = query(db, "select source_file, outcome, message from meta.load_log order by 2")
    assert SECRET_ID not in str(logged) and SECRET_ID not in str(query(db, "from raw.training"))
    (loaded, rejected) = logged
    assert loaded[1] == "loaded" and loaded[0].endswith("haidian_20261116.csv")
    assert rejected[1] == "rejected" and "rename it" in rejected[2] and "*" in rejected[0]
    load(db, inbox, "training")  # the same refused file again: nothing new is logged
    assert len(query(db, "select * from meta.load_log")) == 2


def test_markdown_in_delivered_cells_stays_text_in_the_ui():
    import polars as pl

    from assets.ingest.assets import _markdown

    cell = "![x](http://127.0.0.1:9/tracker.png) **bold** | pipe"
    table = _markdown(pl.DataFrame({"action": [cell]}))
    body = table.splitlines()[-1]
    assert "![x](" not in body and "**bold**" not in body
    assert "\\!\\[x\\]\\(" in body and "\\|" in body  # shown literally, one cell
