"""Disclosure control for every published output: primary plus complementary suppression.

The primary rule (rating.py) flags district cells resting on fewer than `suppression_min_count`
people, enterprises or complaints. Alone it can be undone from what is published beside the
cell, so `disclose()` decides, once, what the public may see (marts.indicator_public):

- **totals over districts**: all Beijing minus the visible districts leaves the hidden
  districts' sum. Per indicator and week, for every additive figure (counts' value, numerator,
  denominator, base count), the hidden cells must be at least two and sum to at least
  `PROTECTION`, so every hidden cell's feasible range [0, sum] is wider than ±2. Complementary
  cells are the smallest visible ones (by base count, then value), added one at a time until
  that holds. When even every district together cannot reach it, the all-Beijing figure is
  withheld instead (its total is itself that small).
- **differences over weeks**: week-over-week is withheld where the cell or the previous week's
  is hidden, so next week's value minus its change never gives a hidden value.
- **year to date**: a cell's year-to-date figure is withheld from its first hidden week to the
  year's end, so no two published year-to-date figures differ by a hidden week; their totals
  over districts then tell no more than the weekly totals above.
- **numerator/denominator, progress, status** of a hidden cell are withheld with it (progress
  is value ÷ target; a flow's progress and status follow its year-to-date figure).

Decisions for a week depend only on that week and earlier ones, so a published week's report
stays what it was when later weeks arrive.
"""

from __future__ import annotations

import polars as pl

from assets.indicators.compute import CITY
from assets.indicators.statements import run_sql, sql_text, to_frame
from core.catalog import Catalog
from core.partitions import year_start

# a hidden total below this leaves every hidden cell in [0, total], within ±2 of its midpoint
PROTECTION = 5
ADDITIVE = ("value", "numerator", "denominator", "base_count")
COUNT_KINDS = ("flow", "state")  # whose value is a count, summed over districts
KEY = ["indicator_id", "week"]
SHOWN, PRIMARY, COMPLEMENTARY = "published", "suppressed", "complementary"


def _quantities(weekly: pl.DataFrame, kinds: pl.DataFrame) -> pl.DataFrame:
    """The additive figures as `q_<name>`; a ratio's or meta's value is not additive."""
    return weekly.join(kinds, on="indicator_id", how="left").with_columns(
        pl.when(pl.col("kind").is_in(COUNT_KINDS)).then(pl.col("value")).alias("q_value"),
        *(pl.col(c).cast(pl.Float64).alias(f"q_{c}") for c in ADDITIVE[1:]),
    )


def _short(prefix_sums: dict[str, pl.Expr], hidden_count: pl.Expr) -> pl.Expr:
    """True while the hidden cells do not yet protect each other (per quantity the city has)."""
    short = hidden_count < 2
    for q, total in prefix_sums.items():
        city_has = pl.col(f"city_{q}").is_not_null()
        short = short | (city_has & (total < PROTECTION))
    return short


def _complementary(frame: pl.DataFrame) -> pl.DataFrame:
    """Flag the smallest visible district cells to hide with each week's primary cells."""
    quantities = [f"q_{c}" for c in ADDITIVE]
    district = (pl.col("district_code") != CITY) & pl.col("value").is_not_null()
    city = frame.filter(pl.col("district_code") == CITY).select(
        *KEY, *(pl.col(q).alias(f"city_{q}") for q in quantities)
    )
    primary = pl.col("suppressed") & district
    groups = (
        frame.filter(district)
        .group_by(KEY)
        .agg(
            primary.sum().alias("n_primary"),
            *(pl.col(q).filter(primary).fill_null(0).sum().alias(f"p_{q}") for q in quantities),
            *(pl.col(q).fill_null(0).sum().alias(f"all_{q}") for q in quantities),
            pl.len().alias("n_all"),
        )
        .join(city, on=KEY, how="left")
    )
    candidates = (
        frame.filter(district & ~pl.col("suppressed"))
        .join(groups, on=KEY, how="inner")
        .filter(pl.col("n_primary") > 0)
        .sort([*KEY, "base_count", "value", "district_code"], nulls_last=True)
    )
    before = {  # hidden so far when this candidate is considered: primary + smaller candidates
        q: pl.col(f"p_{q}") + pl.col(q).fill_null(0).cum_sum().over(KEY) - pl.col(q).fill_null(0)
        for q in quantities
    }
    taken = pl.col("n_primary") + pl.int_range(pl.len()).over(KEY)
    protectable = ~_short({q: pl.col(f"all_{q}") for q in quantities}, pl.col("n_all"))
    chosen = candidates.filter(protectable & _short(before, taken)).select(
        *KEY, "district_code", pl.lit(True).alias("complementary")
    )
    unprotectable = groups.filter(
        (pl.col("n_primary") > 0)
        & _short({q: pl.col(f"all_{q}") for q in quantities}, pl.col("n_all"))
    ).select(*KEY, pl.lit(CITY).alias("district_code"), pl.lit(True).alias("complementary"))
    return pl.concat([chosen, unprotectable])


def _years(weeks: pl.Series) -> pl.DataFrame:
    """Each distinct week's monitoring year (a handful of weeks, not data rows)."""
    distinct = sorted(set(weeks.to_list()))
    return pl.DataFrame(
        {"week": distinct, "year": [year_start(w) for w in distinct]},
        schema={"week": pl.Date, "year": pl.Date},
    )


def _withheld(frame: pl.DataFrame) -> pl.DataFrame:
    """Week-over-week and year-to-date withheld where they would bridge a hidden cell."""
    cell = ["indicator_id", "district_code"]
    previous = frame.select(
        *cell,
        (pl.col("week") + pl.duration(weeks=1)).alias("week"),
        pl.col("hidden").alias("prev_hidden"),
    )
    return (
        frame.join(previous, on=[*cell, "week"], how="left")
        .join(_years(frame["week"]), on="week", how="left")
        .sort([*cell, "week"])
        .with_columns(
            (pl.col("hidden") | pl.col("prev_hidden").fill_null(False)).alias("wow_withheld"),
            pl.col("hidden")
            .cast(pl.Int8)
            .cum_max()
            .over([*cell, "year"])
            .cast(pl.Boolean)
            .alias("ytd_withheld"),
        )
    )


def disclose(weekly: pl.DataFrame, kinds: pl.DataFrame) -> pl.DataFrame:
    """The public rows of marts.indicator_weekly: every figure a reader could use to work out a
    suppressed cell is null, `suppressed` marks every hidden cell and `disclosure` says why
    (`published`, `suppressed` by the primary rule, `complementary` to protect one).

    `weekly` holds every week published so far (its columns as in the mart); `kinds` maps
    `indicator_id` to the catalog kind.
    """
    if weekly.is_empty():
        return weekly.with_columns(pl.lit(None, pl.Utf8).alias("disclosure"))
    frame = _quantities(weekly, kinds)
    extra = _complementary(frame)
    primary = pl.col("suppressed") & (pl.col("district_code") != CITY)
    frame = (
        frame.join(extra, on=[*KEY, "district_code"], how="left")
        .with_columns(pl.col("complementary").fill_null(False))
        .with_columns(
            (primary | pl.col("complementary")).alias("hidden"),
            pl.when(primary)
            .then(pl.lit(PRIMARY))
            .when(pl.col("complementary"))
            .then(pl.lit(COMPLEMENTARY))
            .otherwise(pl.lit(SHOWN))
            .alias("disclosure"),
        )
    )
    frame = _withheld(frame)
    hidden, ytd_out = pl.col("hidden"), pl.col("ytd_withheld")
    progress_out = hidden | ((pl.col("kind") == "flow") & ytd_out)

    def unless(out: pl.Expr, column: str) -> pl.Expr:
        return pl.when(~out).then(pl.col(column)).alias(column)

    withheld = pl.concat_str(
        pl.when(pl.col("wow_withheld") & ~hidden).then(pl.lit("wow_change")),
        pl.when(ytd_out & ~hidden & (pl.col("kind") == "flow")).then(pl.lit("ytd_value")),
        separator=",",
        ignore_nulls=True,
    )
    # figures derived from year-to-date go with it: a projection or a schedule gap of a withheld
    # year-to-date would give it back
    derived = [
        *(unless(ytd_out | hidden, c) for c in PROJECTIONS if c in frame.columns),
        *(unless(progress_out, c) for c in ("schedule_gap_pp",) if c in frame.columns),
    ]
    return (
        frame.with_columns(
            *(unless(hidden, c) for c in ("value", *ADDITIVE[1:])),
            unless(ytd_out, "ytd_value"),
            *derived,
            unless(pl.col("wow_withheld"), "wow_change"),
            unless(progress_out, "progress"),
            unless(progress_out, "status"),
            pl.when(withheld != "").then(withheld).alias("withheld"),
            hidden.alias("suppressed"),
        )
        .select(*weekly.columns, "disclosure", "withheld")
        .sort(["indicator_id", "week", "district_code"])
    )


PROJECTIONS = ("projected_year_end", "projection_low", "projection_high")


def catalog_kinds(catalog: Catalog) -> pl.DataFrame:
    """indicator_id → kind, from the catalog (entries, not data rows)."""
    return pl.DataFrame(
        [(i.id, i.kind) for i in catalog.indicators],
        schema={"indicator_id": pl.Utf8, "kind": pl.Utf8},
        orient="row",
    )


def refresh_public(conn, catalog: Catalog) -> pl.DataFrame:
    """Recompute marts.indicator_public from every week of marts.indicator_weekly and replace it
    in one transaction (a few thousand rows a week: recomputing all is simpler than tracking
    which later weeks a restated week touches)."""
    run_sql(conn, sql_text("marts/schema.sql"), {})
    weekly = to_frame(conn.sql("select * from marts.indicator_weekly"))
    public = disclose(weekly, catalog_kinds(catalog))
    conn.execute("begin transaction")
    try:
        conn.execute("delete from marts.indicator_public")
        conn.register("__public", public.to_arrow())
        columns = ", ".join(public.columns)
        conn.execute(
            f"insert into marts.indicator_public ({columns}) select {columns} from __public"
        )
        conn.unregister("__public")
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return public
