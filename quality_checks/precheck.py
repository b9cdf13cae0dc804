"""A district clerk's pre-check of one file: the contract and the suite, nothing written anywhere.

The contract rules are ingestion's own (`check_file`); the suite runs as DuckDB SQL on an
in-memory database (no warehouse is opened), including the resident-ID checksum on the clear
identity numbers, which exist only here, in memory, and are shown masked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from assets.ingest.check import FileCheck, check_file
from assets.ingest.reading import ROW_NUMBER, read_table
from assets.ingest.rules import conform, mask, normalize_identifier
from core.contract import load_contract
from core.masking import EXCERPT_CHARS, mask_expr
from quality_checks.engine import run_suite
from quality_checks.results import Outcome, ensure_dq
from quality_checks.suites import ERROR, build_suite

PROBLEMS = {"check": pl.Utf8, ROW_NUMBER: pl.Int64, "column": pl.Utf8, "value": pl.Utf8,
            "rule": pl.Utf8}  # fmt: skip
RULES_ZH = {
    "missing": "必填项为空",
    "not an integer": "不是整数",
    "not a number": "不是数字",
    "below minimum": "低于最小值",
    "above maximum": "超过最大值",
    "not a yes/no value": "不是是/否值",
    "not a date": "不是日期",
    "impossible date": "日期不存在",
    "after the reporting week": "日期晚于报送周",
    "before the monitoring period": "日期早于监测期（政策施行日）",
    "out of range": "数值超出范围",
    "stored as a number": "以数字格式存储，精度已丢失",
    "formula without a computed value": "公式未计算出值",
    "ragged row": "该行列数与表头不符",
    "not an allowed value": "取值不在允许范围",
    "unknown district": "未知区划",
    "unknown province": "未知省份",
    "unknown measure": "未知措施编号",
    "not a phone number": "不是电话号码",
    "duplicate key": "主键重复",
    "before ": "日期早于同行的另一日期（记录自相矛盾）",
    "check": "校验位错误",
}


@dataclass(frozen=True)
class PreCheck:
    file: FileCheck
    outcomes: list[Outcome]
    problems: pl.DataFrame  # check (contract|suite), row_number, column, value (masked), rule

    @property
    def ok(self) -> bool:
        """The file would load clean: not rejected, no row problem, no failed error expectation."""
        errors = [o for o in self.outcomes if o.severity == ERROR and not o.success]
        return self.file.ok and not errors


def _rule_zh(rule: pl.Expr) -> pl.Expr:
    """The Chinese wording of an ingestion rule (`below minimum 0` -> 低于最小值)."""
    zh = pl.lit("")
    for en, text in reversed(RULES_ZH.items()):
        zh = pl.when(rule.str.contains(en, literal=True)).then(pl.lit(text)).otherwise(zh)
    return zh


def _contract_problems(fc: FileCheck) -> pl.DataFrame:
    return fc.problems.select(
        pl.lit("contract").alias("check"),
        ROW_NUMBER,
        "column",
        "value",
        pl.concat_str(_rule_zh(pl.col("rule")), pl.lit(" / "), "rule").alias("rule"),
    )


def _suite_table(path: Path, fc: FileCheck, pii_key: bytes) -> pl.DataFrame:
    """Every row typed as staging would hold it, plus the clear identity numbers for the checksum."""
    spec = load_contract().sources[fc.source]
    table = read_table(path, spec)
    conformed = conform(table.frame, spec, fc.week, fc.district_code, pii_key)
    typed = conformed.typed
    # a code that does not type (unknown district, measure) stays as delivered, so the suite
    # reports it as not allowed rather than as missing
    text = [c for c, t in typed.schema.items() if t == pl.Utf8 and c in conformed.raw.columns]
    typed = typed.with_columns(
        [
            pl.coalesce(typed[c], conformed.raw[c].str.strip_chars().replace("", None)).alias(c)
            for c in text
            if c != ROW_NUMBER
        ]
    )
    clear = [n for n, c in spec.columns.items() if c.type == "resident_id"]
    ids = table.frame.select(
        ROW_NUMBER, *[normalize_identifier(pl.col(n)).replace("", None).alias(n) for n in clear]
    )
    return typed.join(ids, on=ROW_NUMBER, how="left") if clear else typed


def _suite_problems(results, frame: pl.DataFrame, pii: set[str]) -> pl.DataFrame:
    parts = []
    for outcome, bad in results:
        if outcome.success or ROW_NUMBER not in bad.columns:
            continue
        column = outcome.column_name
        if column in pii:  # the suite never returns personal values: mask them from the file
            bad = bad.select(ROW_NUMBER).join(frame.select(ROW_NUMBER, column), on=ROW_NUMBER)
            value = mask(pl.col(column))
        elif column in bad.columns:
            value = pl.col(column).cast(pl.Utf8)
        else:
            value = pl.lit(None, pl.Utf8)
        parts.append(
            bad.select(
                pl.lit("suite").alias("check"),
                ROW_NUMBER,
                pl.lit(column, pl.Utf8).alias("column"),
                value.alias("value"),
                pl.lit(f"{outcome.rule_zh} / {outcome.rule_en} [{outcome.expectation}]").alias(
                    "rule"
                ),
                pl.lit(outcome.expectation).alias("expectation"),
            )
        )
    return pl.concat(parts) if parts else pl.DataFrame(schema=PROBLEMS | {"expectation": pl.Utf8})


def _once(contract: pl.DataFrame, suite: pl.DataFrame) -> pl.DataFrame:
    """Each problem once: a cell the contract rules already reported (it would be quarantined)
    keeps that line, with the suite's expectation names appended, instead of a second line saying
    the same thing in the suite's words."""
    cell = [ROW_NUMBER, "column"]
    names = suite.group_by(cell).agg(
        pl.col("expectation").unique().sort().str.join("] [").alias("names")
    )
    merged = contract.join(names, on=cell, how="left").select(
        "check", ROW_NUMBER, "column", "value",
        pl.when(pl.col("names").is_not_null())
        .then(pl.concat_str("rule", pl.lit(" ["), "names", pl.lit("]")))
        .otherwise("rule")
        .alias("rule"),
    )  # fmt: skip
    rest = suite.join(contract, on=cell, how="anti").drop("expectation")
    return pl.concat([merged, rest])


def precheck(path: Path, source: str, week: str | dt.date | None, pii_key: bytes) -> PreCheck:
    """Contract and suite on one file, in memory."""
    fc = check_file(path, source, week, pii_key)
    if fc.rejection is not None:
        rejected = pl.DataFrame(
            [{"check": "file", ROW_NUMBER: None, "column": None, "value": None,
              "rule": f"文件被拒收 / file rejected: {fc.rejection}"}],
            schema=PROBLEMS,
        )  # fmt: skip
        return PreCheck(fc, [], rejected)
    frame = _suite_table(path, fc, pii_key)
    suite = build_suite(source, fc.week, scope="file")
    pii = set(load_contract().sources[source].pii_columns)
    with duckdb.connect(":memory:") as conn:
        ensure_dq(conn)
        conn.register("file_rows", frame.to_arrow())
        # the suite reads each row's week, as staging holds it
        week = "" if "week" in frame.columns else f", date '{fc.week.isoformat()}' as week"
        results = run_suite(conn, suite, f"select *{week} from file_rows")
    problems = _once(_contract_problems(fc), _suite_problems(results, frame, pii))
    return PreCheck(fc, [o for o, _ in results], problems.sort(ROW_NUMBER, "check"))


def _shown_value(value: pl.Expr) -> pl.Expr:
    """A delivered value as the clerk's report shows it: masked, at most EXCERPT_CHARS long."""
    masked = mask_expr(value)
    short = masked.str.head(EXCERPT_CHARS - 1) + pl.lit("…")
    return pl.when(masked.str.len_chars() > EXCERPT_CHARS).then(short).otherwise(masked)


def render(result: PreCheck, limit: int = 50) -> str:
    """The clerk's report: a summary line and a table of problems (personal data masked)."""
    fc = result.file
    verdict = "可以报送 / would load clean" if result.ok else "存在问题 / has problems"
    lines = [f"{fc.path.name} ({fc.source}, week of {fc.week}): {verdict}",
             f"rows read: {fc.rows_read}, rows with problems: {fc.quarantined.height}"]  # fmt: skip
    warned = [o for o in result.outcomes if not o.success and o.severity != ERROR]
    if fc.rejection is None and fc.rows_read == 0:
        lines.append("warning: 文件没有数据行 / the file has no data rows")
    lines += [f"warning: {o.rule_zh} / {o.rule_en} ({o.observed_value})" for o in warned]
    if result.problems.height:
        shown = result.problems.head(limit).with_columns(pl.all().cast(pl.Utf8).fill_null(""))
        # the column as the clerk wrote it in the header, with the contract's name beside it
        labels = {c: f"{h} ({c})" for c, h in fc.headers.items() if h != c}
        shown = shown.with_columns(_shown_value(pl.col("value")), pl.col("column").replace(labels))
        header = ["check", "row", "column", "value", "rule"]
        rows = [header, *shown.rows()]
        widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
        for r in rows:
            lines.append(
                "  ".join(str(v).ljust(w) for v, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
            )
        if result.problems.height > limit:
            lines.append(f"... {result.problems.height - limit} more problem(s)")
    return "\n".join(lines)
