"""Monthly and quarterly figures as assets: `marts.indicator_period` and its public rows."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from core.partitions import weekly_partitions

INDICATOR_PERIOD = dg.AssetKey(["marts", "indicator_period"])
INDICATOR_PERIOD_PUBLIC = dg.AssetKey(["marts", "indicator_period_public"])


@dg.multi_asset(
    name="indicator_periods",
    specs=[
        dg.AssetSpec(
            INDICATOR_PERIOD,
            description="Every catalog indicator per closed calendar month and quarter and "
            "district, from the rows dated in the period (not sums of ISO weeks), with 环比 "
            "against the previous period and 同比 against the same period a year earlier.",
            deps=[dg.AssetKey(["marts", "indicator_weekly"])],
            group_name="indicators",
            kinds={"duckdb", "polars"},
        ),
        dg.AssetSpec(
            INDICATOR_PERIOD_PUBLIC,
            description="公开数据 / the public rows of marts.indicator_period: the weekly "
            "disclosure rule, 环比/同比 withheld beside a hidden cell.",
            # after the weekly public rows: a period holding a hidden week hides its cell too
            deps=[INDICATOR_PERIOD, dg.AssetKey(["marts", "indicator_public"])],
            group_name="indicators",
            kinds={"duckdb", "polars"},
        ),
    ],
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool="duckdb",
)
def indicator_periods(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    """(Re)compute every closed month and quarter the mart lacks or whose weeks were computed
    since (this run's, and those a late row restated)."""
    from assets.indicators.periods import materialize_periods
    from core.catalog import load_catalog

    with warehouse.get_connection() as conn:
        periods, frame = materialize_periods(conn, load_catalog())
    computed = ", ".join(p.label for p in periods) or "none"
    context.log.info(f"periods computed: {computed}")
    yield dg.MaterializeResult(
        asset_key=INDICATOR_PERIOD,
        metadata={"rows": frame.height, "periods_computed": computed},
    )
    yield dg.MaterializeResult(asset_key=INDICATOR_PERIOD_PUBLIC, metadata={"rows": frame.height})
