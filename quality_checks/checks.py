"""Each source's suite as two Dagster asset checks on its staging asset, per weekly partition.

`contract` (blocking, ERROR): breaks that would corrupt indicators; a failure stops every
downstream asset of the run. `consistency` (WARN): cross-source references, date order, repeated
files, volume and drift; reported, never blocking. Both persist their outcomes in `dq.results`,
rebuild the Great Expectations Data Docs under `<data dir>/dq/docs` for the latest week of the
run, and re-render the project's offline data-quality pages (`<data dir>/dq/index.html`, every
validated week) from `dq.results`.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from core.contract import load_contract, source_names
from core.partitions import week_monday, weekly_partitions
from core.resources import DataDirResource
from quality_checks.results import Outcome, save_outcomes
from quality_checks.suites import ERROR, WARN

SEVERITY = {ERROR: dg.AssetCheckSeverity.ERROR, WARN: dg.AssetCheckSeverity.WARN}


def docs_dir(data_dir: DataDirResource):
    return data_dir.root / "dq" / "docs"


def _describe(failed: list[Outcome]) -> str:
    if not failed:
        return "all expectations passed"
    lines = [f"{o.expectation} ({o.column_name}): {o.rule_en} / {o.rule_zh}: {o.observed_value}"
             for o in failed]  # fmt: skip
    return f"{len(failed)} expectation(s) failed: " + "; ".join(lines)


def run_checks(
    context: dg.AssetCheckExecutionContext,
    warehouse: DuckDBResource,
    data_dir: DataDirResource,
    source: str,
    severity: str,
) -> dg.AssetCheckResult:
    """Validate every week of the run, save each week's outcomes, report the failures."""
    from quality_checks.pages import render_pages
    from quality_checks.validate import validate_weeks  # GX loads here, never with Definitions

    keys = sorted(context.partition_keys) if context.has_partition_key_range else []
    if not keys and context.has_partition_key:
        keys = [context.partition_key]
    weeks = [week_monday(key) for key in keys]
    failed: list[Outcome] = []
    with warehouse.get_connection() as conn:
        # Data Docs for the run's latest week only: rendering them costs more than validating
        by_week = validate_weeks(conn, source, weeks, docs_dir(data_dir), severity=severity)
        for week, outcomes in by_week.items():
            save_outcomes(conn, week, source, outcomes)
            failed += [o for o in outcomes if not o.success]
        page = render_pages(conn, data_dir.root / "dq")
    context.log.debug(f"{source} {severity}: {len(weeks)} week(s) validated")
    return dg.AssetCheckResult(
        passed=not failed,
        severity=SEVERITY[severity],
        description=_describe(failed)[:2000],
        metadata={
            "weeks": ", ".join(keys),
            "data_quality_page": dg.MetadataValue.path(str(page)) if page else "none",
            "failed_expectations": len(failed),
            "failures": dg.MetadataValue.md(
                "\n".join(f"- `{o.expectation}` {o.rule_en} ({o.observed_value})" for o in failed)
                or "none"
            ),
        },
    )


def build_source_checks(source: str) -> list[dg.AssetChecksDefinition]:
    """The blocking contract check and the warning consistency check of one source."""
    asset_key = dg.AssetKey(["staging", source])
    spec = load_contract().sources[source]
    # the registries its columns reference must be loaded first (contract `references`)
    registries = sorted({c.references for c in spec.columns.values() if c.references} - {source})
    deps = [dg.AssetKey(["staging", registry]) for registry in registries]

    @dg.asset_check(
        asset=asset_key,
        name="contract",
        description=f"{spec.title.zh}: types, required values, codes, ranges, keys, dates "
        "(blocks indicators on failure)",
        blocking=True,
        pool="duckdb",
        partitions_def=weekly_partitions,
    )
    def contract(
        context: dg.AssetCheckExecutionContext,
        warehouse: DuckDBResource,
        data_dir: DataDirResource,
    ) -> dg.AssetCheckResult:
        return run_checks(context, warehouse, data_dir, source, ERROR)

    @dg.asset_check(
        asset=asset_key,
        name="consistency",
        description=f"{spec.title.zh}: registry references, date order, repeated files, "
        "volume and drift (warnings)",
        additional_deps=deps,
        pool="duckdb",
        partitions_def=weekly_partitions,
    )
    def consistency(
        context: dg.AssetCheckExecutionContext,
        warehouse: DuckDBResource,
        data_dir: DataDirResource,
    ) -> dg.AssetCheckResult:
        return run_checks(context, warehouse, data_dir, source, WARN)

    return [contract, consistency]


quality_checks = [check for source in source_names() for check in build_source_checks(source)]
