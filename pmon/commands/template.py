"""`pmon template SOURCE`: a blank workbook a district clerk fills in and delivers.

The first sheet is named after the source (the loader reads that sheet) and carries the
contract's Chinese headers, with drop-down lists for enumerations, text format for identifiers
(so Excel never turns an identity number into a rounded number) and date format for dates. A
second sheet (说明 notes) lists every column in Chinese and English with its rules, and the
file-naming rule.
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "Write a blank XLSX template for a source: Chinese headers, allowed values, naming rule."
TEXT_TYPES = {"uscc", "resident_id", "phone", "district", "province", "string", "measure_id"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", help="the source, e.g. training (see catalog/contract.yaml)")
    parser.add_argument(
        "-o", "--out", type=Path, default=None, help="file to write (default <source>_模板.xlsx)"
    )


def _rule(column) -> tuple[str, str]:
    """What a cell must hold, in Chinese and English."""
    zh, en = (
        ["必填" if column.required else "选填"],
        ["required" if column.required else "optional"],
    )
    if column.values:
        zh.append("可选值：" + "、".join(column.values))
        en.append("one of: " + ", ".join(column.values))
    if column.min is not None or column.max is not None:
        low = "" if column.min is None else f"{column.min:g}"
        high = "" if column.max is None else f"{column.max:g}"
        zh.append(f"范围 {low}–{high}")
        en.append(f"range {low}-{high}")
    kinds = {
        "date": ("日期，如 2026-11-16", "a date, e.g. 2026-11-16"),
        "bool": ("是/否", "yes/no"),
        "resident_id": ("18位公民身份号码（按文本录入）", "18-character resident ID (as text)"),
        "uscc": ("18位统一社会信用代码", "18-character unified social credit code"),
        "district": ("区划代码，如 110108", "district code, e.g. 110108"),
        "phone": ("11位手机号", "11-digit mobile number"),
    }
    if column.type in kinds:
        zh.append(kinds[column.type][0])
        en.append(kinds[column.type][1])
    return "；".join(zh), "; ".join(en)


def naming_rule(source) -> tuple[str, str]:
    """Where the file goes and what to call it, in Chinese and English."""
    folder = f"inbox/{source.name}/<年-W周，如 2026-W47>/"
    if source.district is None and source.expected_from == "districts":
        return (
            f"放入 {folder}；文件名须含区名或区划代码，如 海淀区.xlsx、haidian.xlsx、110108.xlsx",
            f"put it in inbox/{source.name}/<YYYY-Www>/; the file name must name the district, "
            "e.g. 海淀区.xlsx, haidian.xlsx or 110108.xlsx",
        )
    return (
        f"放入 {folder}；文件名可用报送单位名称，如 市商务局.xlsx",
        f"put it in inbox/{source.name}/<YYYY-Www>/; name it after the delivering unit",
    )


def write_template(source, out: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(out)
    header = book.add_format({"bold": True, "bg_color": "#DDE5F0", "border": 1})
    text, date = book.add_format({"num_format": "@"}), book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet(source.name)
    for index, (name, column) in enumerate(source.columns.items()):
        sheet.write_string(0, index, column.zh[0] if column.zh else name, header)
        fmt = date if column.type == "date" else text if column.type in TEXT_TYPES else None
        sheet.set_column(index, index, 18, fmt)
        if column.values:
            sheet.data_validation(
                1, index, 5000, index, {"validate": "list", "source": list(column.values)}
            )
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet("说明 notes")
    rows = [("列（表头）", "column", "类型 type", "规则", "rule")]
    rows += [(c.zh[0] if c.zh else n, n, c.type, *_rule(c)) for n, c in source.columns.items()]
    for r, row in enumerate(rows):
        notes.write_row(r, 0, row, header if r == 0 else None)
    zh, en = naming_rule(source)
    notes.write_row(len(rows) + 1, 0, ("文件命名", "file naming", "", zh, en), header)
    notes.set_column(0, 1, 22)
    notes.set_column(3, 4, 60)
    book.close()


def run(args: argparse.Namespace) -> int:
    from core.contract import load_contract
    from pmon.errors import UserError

    contract = load_contract()
    if args.source not in contract.sources:
        raise UserError(f"unknown source {args.source!r} (one of: {', '.join(contract.names)})")
    source = contract.sources[args.source]
    out = args.out or Path(f"{source.name}_模板.xlsx")
    if out.is_dir():
        raise UserError(f"{out} is a folder: give a file name")
    write_template(source, out)
    print(f"{out}: {source.title.zh} / {source.title.en}, {len(source.columns)} columns")
    print(naming_rule(source)[0])
    return 0
