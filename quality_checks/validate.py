"""Great Expectations over the warehouse: one source's week validated where the data is.

Great Expectations is imported inside the validating functions only: Definitions and the CLI must load
without it (12 s cold on this machine). The batch is a query asset on the lent connection
(`quality_checks.dialect`), so nothing is copied out of DuckDB.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from quality_checks.results import Outcome, ensure_dq
from quality_checks.suites import Expectation, build_suite


def _gx_expectation(gxe, e: Expectation):
    """The GX expectation for one suite entry; `meta.pmon` carries the entry's name back."""
    common = {"meta": {"pmon": e.name}, "description": f"{e.rule_zh} / {e.rule_en}"}
    if e.kind == "not_null":
        return gxe.ExpectColumnValuesToNotBeNull(column=e.column, **common)
    if e.kind == "in_set":
        return gxe.ExpectColumnValuesToBeInSet(column=e.column, value_set=list(e.values), **common)
    if e.kind == "between":
        return gxe.ExpectColumnValuesToBeBetween(
            column=e.column, min_value=e.min, max_value=e.max, **common
        )
    if e.kind == "unique" and len(e.columns) == 1:
        return gxe.ExpectColumnValuesToBeUnique(column=e.columns[0], **common)
    if e.kind == "unique":
        return gxe.ExpectCompoundColumnsToBeUnique(column_list=list(e.columns), **common)
    return gxe.UnexpectedRowsExpectation(unexpected_rows_query=e.unexpected_query(), **common)


def _raised(info: dict | None) -> str | None:
    """GX's exception message, at the top level or nested per metric; None when nothing raised."""
    if not info:
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message", ""))
    nested = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    return str(nested[0].get("exception_message", "")) if nested else None


def _outcome(e: Expectation, result) -> Outcome:
    message = _raised(result.exception_info)
    if message is not None:  # a query that cannot run is a failed expectation, never a pass
        return Outcome(e.name, e.column, e.severity, False, f"error: {message[:200]}", 0,
                       e.rule_zh, e.rule_en)  # fmt: skip
    stats = result.result or {}
    count = stats.get("unexpected_count")
    if count is None:  # UnexpectedRowsExpectation reports its row count as observed_value
        observed = stats.get("observed_value")
        count = int(observed.split()[0]) if isinstance(observed, str) else int(observed or 0)
    total = stats.get("element_count")
    observed = f"{count} of {total} rows" if total is not None else f"{count} unexpected"
    # a column expectation's first unexpected values (GX's partial list), to find their files
    unexpected = tuple(stats.get("partial_unexpected_list") or ())
    return Outcome(e.name, e.column, e.severity, bool(result.success), observed, int(count),
                   e.rule_zh, e.rule_en, unexpected)  # fmt: skip


def _project_config(docs_dir: Path | None):
    """In-memory stores, no temporary docs site, no analytics; Data Docs only under `docs_dir`."""
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    sites = {}
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        sites["pmon"] = {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    return DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites=sites,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )


def _quiet_gx() -> None:
    logging.getLogger("great_expectations").setLevel(logging.ERROR)


def validate_week(
    conn,
    source: str,
    week: dt.date,
    docs_dir: Path | None = None,
    severity: str | None = None,
) -> list[Outcome]:
    """Run the source's warehouse suite (or its `severity` part) on one week of staging.<source>."""
    return validate_weeks(conn, source, [week], docs_dir, severity)[week]


def validate_weeks(
    conn,
    source: str,
    weeks: list[dt.date],
    docs_dir: Path | None = None,
    severity: str | None = None,
) -> dict[dt.date, list[Outcome]]:
    """The suite on each week of staging.<source>, in one GX context (its set-up costs more than
    a small week's validation); Data Docs, when asked for, are rendered for the last week."""
    import great_expectations as gx

    from quality_checks.dialect import lend

    _quiet_gx()
    ensure_dq(conn)
    context = gx.get_context(mode="ephemeral", project_config=_project_config(docs_dir))
    with lend(conn) as url:
        datasource = context.data_sources.add_sql("warehouse", connection_string=url,
                                                  create_temp_table=False)  # fmt: skip
        last = weeks[-1] if docs_dir is not None and weeks else None
        return {
            week: _validate(context, datasource, source, week, severity, docs=week == last)
            for week in weeks
        }


def _validate(context, datasource, source: str, week: dt.date, severity: str | None, docs: bool):
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite_spec = [
        e for e in build_suite(source, week, scope="warehouse") if severity in (None, e.severity)
    ]
    name = f"{source}_{week.isoformat()}_{severity or 'all'}"
    asset = datasource.add_query_asset(
        f"staging_{source}_{week.isoformat()}",
        query=f"select * from staging.{source} where week = date '{week}'",
    )
    batch = asset.add_batch_definition_whole_table(name)
    suite = context.suites.add(gx.ExpectationSuite(name=name))
    for e in suite_spec:
        suite.add_expectation(_gx_expectation(gxe, e))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(data=batch, suite=suite, name=name)
    )
    if docs:
        actions = [gx.checkpoint.UpdateDataDocsAction(name="docs")]
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(name=name, validation_definitions=[definition], actions=actions)
        )
        results = [r for v in checkpoint.run().run_results.values() for r in v.results]
    else:
        results = list(definition.run().results)
    by_name = {e.name: e for e in suite_spec}
    return [_outcome(by_name[r.expectation_config.meta["pmon"]], r) for r in results]
