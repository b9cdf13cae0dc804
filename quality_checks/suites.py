"""One expectation suite per source, built from the contract (and the measure catalog's ids).

A suite covers one or more weeks of a source at once: every rule reads the week from the row's own
`week` column (a date is late if it falls after *its* week's Sunday), and every unexpected query
returns that `week`, so one evaluation over a run's weeks can be split back into each week's
outcome. Validating a run costs one evaluation per expectation, not one per expectation and week.

A suite is plain data (`Expectation`s), so it can be reviewed, printed and run by two engines:
Great Expectations over the warehouse (`quality_checks.validate`, Data Docs, `dq.results`) and
plain DuckDB SQL for a submitter's pre-check (`quality_checks.precheck`), where importing GX
(12 s cold) would cost more than the check. Every expectation also states, as one SQL query,
which rows break it, so both engines agree by construction.

Severity `error` = a contract break that would corrupt indicators: blocks downstream assets.
Severity `warn` = looks wrong, reported, does not block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.catalog import load_catalog
from core.contract import Column, Source, load_contract, load_reference

ERROR, WARN = "error", "warn"
EARLIEST_EVENT = "2000-01-01"
VOLUME_FLOOR = 0.5  # a district's week below half its trailing 4-week median is a warning
SQL_DIR = Path(__file__).parent / "sql"
HASH_SHAPE = "[0-9a-f]{{64}}"  # braces doubled: GX formats the query with {batch}


@dataclass(frozen=True)
class Expectation:
    """One rule of a suite; `kind` picks the GX expectation, `unexpected` names the bad rows."""

    name: str
    kind: str  # not_null | in_set | between | unique | rows
    column: str | None
    severity: str
    rule_zh: str
    rule_en: str
    values: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    columns: tuple[str, ...] = ()
    where: str | None = None  # rows kind: predicate over one row of {batch}
    query: str | None = None  # rows kind: a whole query over {batch} (aggregates)
    scope: str = "both"  # both | warehouse (needs other tables) | file (needs clear PII)
    pii: bool = False  # the column may hold personal data: never return its values
    weeks: tuple[dt.date, ...] = ()  # the weeks it applies to (a due week); () = every week

    def applies_to(self, week: dt.date) -> bool:
        return not self.weeks or week in self.weeks

    def unexpected_query(self, lineage: bool = False) -> str:
        """SQL over `{batch}` returning the rows (or groups) that break the expectation.

        Rows come back as row_number, their week and the checked column, never a personal value:
        GX keeps the rows in its results and Data Docs. `lineage` adds each row's `source_file`
        (staging has it, a submitter's file does not), so a failed check can name the files.
        """
        col = self.column
        files = ["source_file"] if lineage and col != "source_file" else []
        shown = ", ".join(["row_number", "week", *files, *([] if self.pii or not col else [col])])
        if self.kind == "not_null":
            return f"select {shown} from {{batch}} where {col} is null"
        if self.kind == "in_set":
            listed = ", ".join(_quote(v) for v in self.values)
            return (
                f"select {shown} from {{batch}} where {col} is not null and {col} not in ({listed})"
            )
        if self.kind == "between":
            bounds = []
            if self.min is not None:
                bounds.append(f"{col} < {self.min!r}")
            if self.max is not None:
                bounds.append(f"{col} > {self.max!r}")
            return f"select {shown} from {{batch}} where {' or '.join(bounds)}"
        if self.kind == "unique":
            keys = ", ".join(self.columns)
            present = " and ".join(f"{c} is not null" for c in self.columns)
            return (
                f"select row_number, week, {', '.join([*files, keys])} from {{batch}} "
                f"where {present} qualify count(*) over (partition by week, {keys}) > 1"
            )
        if self.query is not None:
            return self.query
        return f"select {shown} from {{batch}} where {self.where}"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _staging_name(name: str, pii: bool) -> str:
    return f"{name}_hash" if pii else name


def _dates(weeks: Sequence[dt.date]) -> str:
    """A SQL list of dates: `[date '2026-11-16', ...]`."""
    return "[" + ", ".join(f"date '{w.isoformat()}'" for w in weeks) + "]"


def _allowed_values(column: Column) -> tuple[str, ...] | None:
    """The values a coded column may take; only a measure id reads the catalog."""
    if column.type == "enum":
        return column.values
    if column.type == "district":
        return tuple(load_reference().district_codes)
    if column.type == "province":
        return tuple(load_reference().provinces)
    if column.type == "measure_id":
        return tuple(m.id for m in load_catalog().measures)
    return None


def column_expectations(source: Source) -> list[Expectation]:
    """Types, required values, enumerations, ranges, identifiers and date sanity per column."""
    week_end = "week + 6"  # the Sunday of the row's own week
    out: list[Expectation] = []
    for name, col in source.columns.items():
        staged = _staging_name(name, col.pii)
        if col.required:
            out.append(Expectation(f"{staged}_not_null", "not_null", staged, ERROR,
                                   "必填项为空", "required value missing"))  # fmt: skip
        allowed = _allowed_values(col)
        if allowed:
            out.append(Expectation(f"{name}_in_set", "in_set", name, ERROR,
                                   "取值不在允许范围", "not an allowed value", values=allowed))  # fmt: skip
        if col.type in ("int", "float") and (col.min is not None or col.max is not None):
            out.append(Expectation(f"{name}_in_range", "between", name, ERROR,
                                   "数值超出范围", "outside the allowed range",
                                   min=col.min, max=col.max))  # fmt: skip
        if col.type == "date":
            if not col.planned:
                out.append(Expectation(f"{name}_not_after_week", "rows", name, ERROR,
                                       "日期晚于报送周", "date after the reporting week",
                                       where=f"{name} > {week_end}"))  # fmt: skip
            if name == source.event_date:
                out.append(Expectation(f"{name}_not_before_2000", "rows", name, ERROR,
                                       "日期早于2000年", "date before 2000",
                                       where=f"{name} < date '{EARLIEST_EVENT}'"))  # fmt: skip
        if col.type == "uscc":
            out.append(Expectation(f"{name}_check_character", "rows", name, ERROR,
                                   "统一社会信用代码校验位错误", "bad USCC check character",
                                   where=f"{name} is not null and not dq.uscc_ok({name})"))  # fmt: skip
        if col.type == "resident_id":
            out.append(Expectation(f"{name}_check_digit", "rows", name, ERROR,
                                   "身份证号校验位或出生日期错误", "bad resident ID check digit or birth date",
                                   where=f"{name} is not null and not dq.resident_id_ok({name}, "
                                         f"{week_end})", scope="file", pii=True))  # fmt: skip
        if col.pii:
            out.append(Expectation(f"{staged}_is_hash", "rows", staged, ERROR,
                                   "个人信息未脱敏", "personal data not hashed",
                                   where=f"{staged} is not null and not regexp_full_match("
                                         f"{staged}, '{HASH_SHAPE}')", scope="warehouse", pii=True))  # fmt: skip
        if col.type == "string":
            out.append(Expectation(f"{name}_no_markup", "rows", name, WARN,
                                   "含有网页标记", "contains HTML markup",
                                   where=f"regexp_matches({name}, '<[^<>]+>')"))  # fmt: skip
    return out


STAGING_TYPES = {"int": "BIGINT", "float": "DOUBLE", "date": "DATE", "bool": "BOOLEAN"}


def types_expectation(source: Source) -> Expectation:
    """Every contract column holds its staging type (a loader bug would change a week's type)."""
    probes = []
    for name, col in source.columns.items():
        staged = _staging_name(name, col.pii)
        want = "VARCHAR" if col.pii else STAGING_TYPES.get(col.type, "VARCHAR")
        probes.append(
            f"select * from (select week, '{staged}' as column_name, any_value(typeof({staged})) "
            f"as got, '{want}' as wanted from {{batch}} group by week) where got <> wanted"
        )
    return Expectation("column_types", "rows", None, ERROR, "列类型错误", "column has the wrong type",
                       query="\nunion all\n".join(probes))  # fmt: skip


def source_expectations(source: Source) -> list[Expectation]:
    """Column types, key uniqueness and the district of every row of one week."""
    key = "+".join(source.key)
    out = [
        types_expectation(source),
        Expectation(f"{key}_unique", "unique", key, ERROR, "主键重复", "duplicate key",
                    columns=tuple(source.key)),
        Expectation("district_code_in_set", "in_set", "district_code", ERROR,
                    "未知区划", "unknown district", values=tuple(load_reference().district_codes)),
    ]  # fmt: skip
    if source.expected_from == "city":
        out.pop()  # a city-wide file's rows belong to agencies, not districts
    elif "district_code" in source.columns:
        out.pop()  # already in the column expectations
    # dates of one row that contradict each other (`not_before`) are quarantined by the
    # loader's row rules, so no staged row can break them: no expectation repeats them
    return out


def warehouse_expectations(source: Source, weeks: Sequence[dt.date]) -> list[Expectation]:
    """Rules that need the rest of the warehouse: orphans, repeated files, volume and drift."""
    out = [
        Expectation("file_loaded_once", "rows", "file_sha256", WARN,
                    "同一文件内容重复报送", "the same file content loaded under two names",
                    query="select week, file_sha256 from {batch} group by week, file_sha256 "
                          "having count(distinct source_file) > 1", scope="warehouse"),
        # a delivered file without rows: meta.load_log knows it, staging cannot ({batch} is
        # only there because GX requires it)
        Expectation("no_empty_files", "rows", "source_file", WARN,
                    "报送文件没有数据行", "a delivered file has no rows",
                    query=f"select week, source_file from meta.load_log where source = "
                          f"'{source.name}' and list_contains({_dates(weeks)}, week) "
                          "and rows_read = 0 and outcome in ('loaded', 'corrected') "
                          "and (select count(*) from {batch}) >= 0", scope="warehouse"),
    ]  # fmt: skip
    out += [_registered(name, col) for name, col in source.columns.items() if col.references]
    due = tuple(week for week in weeks if source.due_in(week))
    if not due:
        pass  # nothing is due (a monthly file outside its month-end week)
    elif source.expected_from == "districts":
        out.append(Expectation("district_volume", "rows", "district_code", WARN,
                               "本周数据量骤降或为空", "week empty or below half its recent level",
                               query=_volume_query(source.name, due), scope="warehouse",
                               weeks=due))  # fmt: skip
    else:
        out.append(Expectation("week_not_empty", "rows", None, WARN, "本周无数据", "week arrived empty",
                               query=f"select week from unnest({_dates(due)}) as due(week) "
                                     "where week not in (select week from {batch})",
                               scope="warehouse", weeks=due))  # fmt: skip
    return out


def _registered(name: str, col: Column) -> Expectation:
    """A value naming no record of the registry it references (as registered by its week)."""
    registry = load_contract().sources[col.references]
    (key,) = registry.key
    if name in registry.columns:  # the subquery below reads `name` from the checked row
        raise ValueError(f"{name} is also a column of the registry {registry.name}")
    first = f"(select min(registry.week) from staging.{registry.name} as registry " \
            f"where registry.{key} = {name})"  # fmt: skip
    return Expectation(f"{name}_registered", "rows", name, WARN,
                       f"{registry.title.zh}中无此记录", f"not in the registry ({registry.title.en})",
                       where=f"{name} is not null and coalesce({first}, date '9999-12-31') > week",
                       scope="warehouse")  # fmt: skip


def _volume_query(source: str, weeks: Sequence[dt.date]) -> str:
    """Districts whose week is empty or below VOLUME_FLOOR x their trailing 4-week median."""
    lines = (SQL_DIR / "district_volume.sql").read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.startswith("--"))  # GX nests the query
    for name, value in (("source", source), ("weeks", _dates(weeks)), ("floor", VOLUME_FLOOR)):
        text = text.replace(f"{{{name}}}", str(value))
    return text


def build_suite(
    source_name: str, weeks: dt.date | Sequence[dt.date], scope: str = "warehouse"
) -> list[Expectation]:
    """The suite of one source over one week or several; `scope` = where it runs (warehouse or
    file). An expectation that applies to some of the weeks only (a due week) says which."""
    source = load_contract().sources[source_name]
    weeks = [weeks] if isinstance(weeks, dt.date) else sorted(weeks)
    every = [*column_expectations(source), *source_expectations(source)]
    if scope == "warehouse":
        every += warehouse_expectations(source, weeks)
    return [e for e in every if e.scope in ("both", scope)]
