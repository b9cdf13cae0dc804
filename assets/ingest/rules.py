"""The contract's row rules, typing and PII hashing, vectorized in Polars.

`conform()` turns a file's text rows into three aligned frames: `raw` (as delivered, PII
hashed), `typed` (staging columns) and `reasons` (every `column: rule` a row breaks). The clear
identity number exists only inside `conform()`: it is checked, hashed, then dropped.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from assets.ingest.reading import NUMBER as NUMBER_LOST
from assets.ingest.reading import REASON_SEPARATOR, ROW_NUMBER, read_problem_text
from core.catalog import load_catalog
from core.contract import Column, Source, load_reference
from core.masking import FORMAT_CHARACTERS, mask_expr, may_hold_runs

INT64_LIMIT = 2.0**63
# a comma groups thousands only in threes: `1,234` is 1234; `12,5` and `1,2,3` are not numbers
_NUMBER_SHAPE = r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?$|^[+-]?\.\d+$"
_INTEGER_SHAPE = r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)$"
_NOT_ASCII = r"[^\x00-\x7F]"
_IDENTIFIER_TYPES = ("uscc", "resident_id", "measure_id", "phone")
TRUE_WORDS = ("true", "1", "是", "yes", "y", "t")
FALSE_WORDS = ("false", "0", "否", "no", "n", "f")
_DATE_SHAPE = (
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)


@dataclass(frozen=True)
class Conformed:
    raw: pl.DataFrame  # contract columns as text (PII as `<col>_hash`) + row_number
    typed: pl.DataFrame  # staging columns without lineage + row_number
    reasons: pl.Series  # list[str]: every `column: rule` the row breaks, empty when clean
    masked: pl.DataFrame | None  # PII values masked for a submitter's messages (check only)

    def with_reason(self, broken: pl.Series, reason: str) -> Conformed:
        """Add one reason to the rows where `broken` is true."""
        extra = pl.select(
            pl.when(pl.lit(broken))
            .then(pl.concat_list(pl.lit(self.reasons), pl.lit([reason])))
            .otherwise(pl.lit(self.reasons))
        ).to_series()
        return Conformed(self.raw, self.typed, extra.alias("reasons"), self.masked)

    @property
    def is_clean(self) -> pl.Series:
        return self.reasons.list.len() == 0


def pii_name(name: str, column: Column) -> str:
    return f"{name}_hash" if column.pii else name


def keyed_sha256(key: bytes) -> Callable[[bytes], bytes]:
    """HMAC-SHA-256 with the key set up once: each value copies the keyed state of the standard
    library's HMAC object instead of `hmac.digest` setting up the key again (about 2.5 µs a
    value against 1.1 µs; tests compare the digests with `hmac.digest`)."""
    keyed = hmac.new(key, digestmod="sha256")

    def digest(message: bytes) -> bytes:
        hashed = keyed.copy()
        hashed.update(message)
        return hashed.digest()

    return digest


def hmac_hex(values: pl.Series, key: bytes) -> pl.Series:
    """Hex HMAC-SHA-256 of each value, computed once per distinct value; nulls stay null.

    The keyed digest over the distinct values is the only per-value Python step (about 0.7 µs
    each); DuckDB has no HMAC, and the clear value must not reach it anyway.
    """
    distinct = values.drop_nulls().unique()
    digests = map(keyed_sha256(key), distinct.cast(pl.Binary).to_list())
    hexed = pl.Series(list(digests), dtype=pl.Binary).bin.encode("hex")
    table = pl.DataFrame({"v": distinct, "h": hexed})
    hashed = values.to_frame("v").join(table, on="v", how="left", maintain_order="left")
    return hashed["h"]


def mask(expr: pl.Expr) -> pl.Expr:
    """`110***********12X`-style masking: enough for a clerk to find the row, not the person."""
    n = expr.str.len_chars()
    return (
        pl.when(n >= 8)
        .then(
            pl.concat_str(
                expr.str.head(3), pl.lit("*").repeat_by(n - 5).list.join(""), expr.str.tail(2)
            )
        )
        .when(expr.is_not_null())
        .then(pl.lit("***"))
    )


def _value(name: str) -> str:
    return f"__v_{name}"


def normalize_text(expr: pl.Expr, ascii_only: bool = False) -> pl.Expr:
    """NFKC (full-width letters and digits folded), invisible characters removed, trimmed.

    Two keys a reader cannot tell apart (`T１` and `T1`, `T1` with a zero-width space) are the
    same key, so duplicates cannot hide behind them. `ascii_only`: the caller knows every value
    is ASCII, which NFKC leaves as it is and where no invisible (format) character exists, so
    only the trim is left to do (NFKC is the costliest step of ingesting an id column).
    """
    if ascii_only:
        return expr.str.strip_chars()
    return expr.str.replace_all(FORMAT_CHARACTERS, "").str.normalize("NFKC").str.strip_chars()


def normalize_identifier(expr: pl.Expr, ascii_only: bool = False) -> pl.Expr:
    """An identifier as typed by a clerk, canonical: no spaces or dashes inside, no leading
    apostrophe (Excel's text prefix), upper case."""
    text = normalize_text(expr, ascii_only).str.strip_chars_start("'").str.strip_chars()
    return text.str.replace_all(r"[\s\-]", "").str.to_uppercase()


def _clean(
    name: str, column: Column, free_text: bool = False, ascii_only: bool = False, runs: bool = True
) -> pl.Expr:
    """Normalised text, empty as null; identifiers canonical, phones without separators; free
    text with anything that looks like an identity number or phone masked. `ascii_only`: see
    `normalize_text`; `runs`: see `mask_expr`."""
    text = normalize_text(pl.col(name), ascii_only)
    if column.type in _IDENTIFIER_TYPES:
        text = normalize_identifier(pl.col(name), ascii_only)
    elif column.type == "enum":
        text = text.str.to_lowercase()
    if column.type == "phone":
        text = text.str.replace_all(r"[()]", "")
    if free_text:  # kept as typed (no NFKC: full-width punctuation is the writer's), masked
        text = mask_expr(
            pl.col(name).str.replace_all(FORMAT_CHARACTERS, "").str.strip_chars(), runs
        )
    return text.replace("", None).alias(_value(name))  # `text` once: when/then runs it twice


def is_free_text(name: str, column: Column, source: Source) -> bool:
    """A string column that is not the source's sole key: personal data until shown otherwise."""
    return column.type == "string" and not (len(source.key) == 1 and name in source.key)


def parse_number(
    value: pl.Expr, integer: bool
) -> tuple[pl.Expr, pl.Expr, list[tuple[str, pl.Expr]]]:
    """(number as Float64, ok, rules) for a number as delivered: thousands commas in threes only;
    an integer beyond 64 bits is a row problem, never an error for the whole file."""
    shaped = value.str.contains(_NUMBER_SHAPE)
    number = pl.when(shaped).then(value.str.replace_all(",", "")).cast(pl.Float64, strict=False)
    ok = shaped & number.is_not_null() & number.is_finite()
    present = value.is_not_null()
    if not integer:
        return number, ok, [("not a number", present & ~ok)]
    in_range = number.abs() < INT64_LIMIT
    integral = ok & (number == number.round(0))
    rules = [
        ("not an integer", present & ~integral),
        ("out of range", integral & ~in_range),
    ]
    return number, integral & in_range, rules


def _resident_id_problem(value: pl.Expr, name: str, week_end: dt.date) -> pl.Expr:
    """The identifier's rule, or `stored as a number` when Excel turned it into `1.10105E+17`:
    its last digits are gone, which a clerk fixes differently from a typo."""
    from core.identifiers import resident_id_problem_expr  # lazily: Definitions load without it

    scientific = value.str.contains(r"^[0-9](?:\.[0-9]+)?E\+?[0-9]+$").fill_null(False)
    return (
        pl.when(scientific)
        .then(pl.lit(NUMBER_LOST))
        .otherwise(resident_id_problem_expr(_value(name), week_end))
    )


def monitoring_start() -> dt.date:
    """The policy's entry into force: events dated earlier are outside the monitoring period."""
    return dt.date.fromisoformat(str(load_catalog().policy["in_force"]))


def _integer_value(value: pl.Expr, number: pl.Expr, ok: pl.Expr) -> pl.Expr:
    """Digits parse exactly (no float rounding above 2^53); `12.0` goes through the float."""
    digits = value.str.replace_all(",", "")
    exact = pl.when(value.str.contains(_INTEGER_SHAPE)).then(digits.cast(pl.Int64, strict=False))
    rounded = pl.when(ok).then(number).cast(pl.Int64, strict=False)
    return pl.when(ok).then(pl.coalesce(exact, rounded))


def _lookup(value: pl.Expr, table: dict[str, str]) -> pl.Expr:
    return value.replace_strict(
        list(table), list(table.values()), default=None, return_dtype=pl.Utf8
    )


def measure_ids() -> list[str]:
    """The measure catalog's ids: a ledger row must name a measure that exists, however many."""
    return [measure.id for measure in load_catalog().measures]


def _district_table() -> dict[str, str]:
    ref = load_reference()
    table = {}
    for d in ref.districts:
        table.update({d.code: d.code, d.slug: d.code, d.zh: d.code, d.en.lower(): d.code})
    return table


def _province_table() -> dict[str, str]:
    provinces = load_reference().provinces
    return {code: code for code in provinces} | {zh: code for code, zh in provinces.items()}


def _typed_and_rules(
    name: str, column: Column, week_end: dt.date, event_date: str | None
) -> tuple[pl.Expr, list[tuple[str, pl.Expr]]]:
    """The typed value of one column and its (rule, broken) pairs."""
    v = pl.col(_value(name))
    present = v.is_not_null()
    rules: list[tuple[str, pl.Expr]] = []
    if column.required:
        rules.append(("missing", ~present))
    kind = column.type
    if kind in ("int", "float"):
        number, ok, number_rules = parse_number(v, kind == "int")
        typed = _integer_value(v, number, ok) if kind == "int" else pl.when(ok).then(number)
        rules.extend(number_rules)
        if column.min is not None:
            rules.append((f"below minimum {column.min:g}", ok & (number < column.min)))
        if column.max is not None:
            rules.append((f"above maximum {column.max:g}", ok & (number > column.max)))
    elif kind == "bool":
        lower = v.str.to_lowercase()
        typed = (
            pl.when(lower.is_in(TRUE_WORDS)).then(True).when(lower.is_in(FALSE_WORDS)).then(False)
        )
        rules.append(("not a yes/no value", present & typed.is_null()))
    elif kind == "date":
        parts = v.str.extract_groups(_DATE_SHAPE)
        iso = pl.concat_str(
            parts.struct.field("1"),
            parts.struct.field("2").str.zfill(2),
            parts.struct.field("3").str.zfill(2),
            separator="-",
        )
        typed = iso.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
        shaped = parts.struct.field("1").is_not_null()
        rules.append(("not a date", present & ~shaped))
        rules.append(("impossible date", shaped & typed.is_null()))
        if not column.planned:
            rules.append(("after the reporting week", typed > week_end))
        if name == event_date:
            rules.append(("before the monitoring period", typed < monitoring_start()))
    elif kind == "enum":
        typed = v
        rules.append(("not an allowed value", present & ~v.is_in(column.values)))
    elif kind == "district":
        typed = _lookup(v.str.to_lowercase(), _district_table())
        rules.append(("unknown district", present & typed.is_null()))
    elif kind == "province":
        typed = _lookup(v, _province_table())
        rules.append(("unknown province", present & typed.is_null()))
    elif kind == "measure_id":
        number = v.str.extract(r"^M0*(\d{1,3})$")  # M7, M07 and M007 name the same measure
        canonical = pl.concat_str(pl.lit("M"), number.str.zfill(2))
        ok = canonical.is_in(measure_ids())
        typed = pl.when(ok).then(canonical)
        rules.append(("unknown measure", present & ~ok.fill_null(False)))
    elif kind == "uscc":
        from core.identifiers import uscc_problem_expr  # lazily: Definitions must load without it

        typed = v
        rules.append(("__expr__", uscc_problem_expr(_value(name))))
    elif kind == "resident_id":
        typed = v
        rules.append(("__expr__", _resident_id_problem(v, name, week_end)))
    elif kind == "phone":
        typed = v
        rules.append(("not a phone number", present & ~v.str.contains(r"^\+?\d{7,15}$")))
    else:
        typed = v
    return typed.alias(name), rules


def joined_reasons(reasons: list[pl.Expr]) -> pl.Expr:
    """The reasons that are not null, joined by newlines in their order; null when none.

    Rows carry their reasons as one string until the end, split into a list once: Polars joins
    strings some thirty times faster than it concatenates lists (no rule text holds a newline).
    """
    if not reasons:
        return pl.lit(None, pl.Utf8)
    return pl.concat_str(reasons, separator=REASON_SEPARATOR, ignore_nulls=True).replace("", None)


def _reason_exprs(name: str, rules: list[tuple[str, pl.Expr]]) -> list[pl.Expr]:
    exprs = []
    for rule, broken in rules:
        if rule == "__expr__":  # identifier checks return the rule name, null when valid
            exprs.append(pl.concat_str(pl.lit(f"{name}: "), broken))  # null stays null
        else:
            exprs.append(pl.when(broken.fill_null(False)).then(pl.lit(f"{name}: {rule}")))
    return exprs


def cross_field_reasons(source: Source, typed: dict[str, pl.Expr]) -> list[pl.Expr]:
    """Rows whose own dates contradict each other (`not_before` in the contract: insurance ending
    before it starts, a complaint resolved before it was received) are impossible records:
    quarantined, so they never enter a figure (a negative resolution time, a rate)."""
    return [
        pl.when((typed[name] < typed[column.not_before]).fill_null(False)).then(
            pl.lit(f"{name}: before {column.not_before}")
        )
        for name, column in source.columns.items()
        if column.not_before
    ]


def _typed_name(name: str) -> str:
    return f"__t_{name}"


def _kept_name(name: str) -> str:
    return f"__r_{name}"


def _why_name(name: str) -> str:
    return f"__w_{name}"


def _derive(
    values: pl.DataFrame, name: str, column: Column, source: Source, week_end: dt.date,
    pii_key: bytes,
) -> pl.DataFrame:  # fmt: skip
    """What one column's delivered values become, aligned with `values`' rows: the value the raw
    layer keeps (hashed or masked), the typed value and the column's reasons in rule order.

    Every step depends on the delivered value alone, so it may run on distinct values."""
    free = is_free_text(name, column, source)
    ascii_only = not values[name].str.contains(_NOT_ASCII).any()
    runs = free and may_hold_runs(values[name])
    work = values.with_columns(_clean(name, column, free, ascii_only, runs))
    typed, rules = _typed_and_rules(name, column, week_end, source.event_date)
    why = joined_reasons(_reason_exprs(name, rules))
    work = work.with_columns(typed.alias(_typed_name(name)), why.alias(_why_name(name)))
    if column.pii:
        hashed = hmac_hex(work[_value(name)], pii_key)
        kept = [hashed.alias(_typed_name(name)), hashed.alias(_kept_name(name))]
    else:
        kept = [(mask_expr(pl.col(name), runs) if free else pl.col(name)).alias(_kept_name(name))]
    return work.with_columns(kept).select(_kept_name(name), _typed_name(name), _why_name(name))


def _derive_column(
    frame: pl.DataFrame, name: str, column: Column, source: Source, week_end: dt.date,
    pii_key: bytes,
) -> pl.DataFrame:  # fmt: skip
    """`_derive` for a whole column, run once per distinct value when values repeat (an enum, a
    date, a price: a handful of values over 200 000 rows) and mapped back to the rows."""
    values = frame.select(name)
    distinct = values.unique()
    if distinct.height * 2 > values.height:  # mostly distinct (ids): a join would cost more
        return _derive(values, name, column, source, week_end, pii_key)
    table = pl.concat(
        [distinct, _derive(distinct, name, column, source, week_end, pii_key)], how="horizontal"
    )
    mapped = values.join(table, on=name, how="left", nulls_equal=True, maintain_order="left")
    return mapped.drop(name)


def conform(
    frame: pl.DataFrame,
    source: Source,
    week: dt.date,
    file_district: str | pl.Series | None,
    pii_key: bytes,
    *,
    with_masked: bool = False,
) -> Conformed:
    """Type a file's text rows, check every rule, hash PII; `week` is the reporting Monday.
    The frame may hold several files of the week (the loader conforms a source-week at once):
    `file_district` is then a Series, each row's delivering district."""
    week_end = week + dt.timedelta(days=6)
    columns = source.columns
    derived = [_derive_column(frame, n, c, source, week_end, pii_key) for n, c in columns.items()]
    work = pl.concat([frame, *derived], how="horizontal")
    typed_columns = {n: pl.col(_typed_name(n)) for n in columns}
    joined = joined_reasons(
        [pl.col(_why_name(n)) for n in columns]
        + read_problem_text(frame)
        + cross_field_reasons(source, typed_columns)
    )
    reasons = joined.str.split(REASON_SEPARATOR).fill_null(pl.lit([], pl.List(pl.Utf8)))
    work = work.with_columns(reasons.alias("reasons"))
    masked = None
    if with_masked:
        masked = work.select(ROW_NUMBER, *[mask(pl.col(n)).alias(n) for n in source.pii_columns])
    raw = work.select(
        [pl.col(_kept_name(n)).alias(pii_name(n, c)) for n, c in columns.items()]
        + [pl.col(ROW_NUMBER)]
    )
    typed = work.select(
        [pl.col(_typed_name(n)).alias(pii_name(n, c)) for n, c in columns.items()]
        + [pl.col(ROW_NUMBER)]
    )
    typed = _add_placement(typed, source, week, file_district)
    return Conformed(raw, typed, work["reasons"], masked)


def _add_placement(
    typed: pl.DataFrame, source: Source, week: dt.date, file_district: str | pl.Series | None
) -> pl.DataFrame:
    """District, event week and lateness: where and when a row counts."""
    extra = []
    if source.district is None and isinstance(file_district, pl.Series):
        extra.append(file_district.cast(pl.Utf8).alias("district_code"))
    elif source.district is None:
        extra.append(pl.lit(file_district, pl.Utf8).alias("district_code"))
    elif source.district != "district_code":
        extra.append(pl.col(source.district).alias("district_code"))
    if source.event_date:
        event_week = pl.col(source.event_date).dt.truncate("1w")
    else:
        event_week = pl.lit(week, pl.Date)
    typed = typed.with_columns(*extra, event_week.alias("event_week"))
    return typed.with_columns((pl.col("event_week") < pl.lit(week, pl.Date)).alias("is_late"))
