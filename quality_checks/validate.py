"""Great Expectations over the warehouse: a run's weeks of one source validated where the data is.

GX evaluates each expectation once over all the run's weeks (its cost is per evaluation, about
35 ms, not per row). A passed expectation passed in every week; a failed one is split back into
its weeks by the same SQL GX ran (every suite query returns the row's `week`). The split must
add up to GX's own count; when it does not, the suite's SQL and GX disagree, a bug that fails
the run.

Great Expectations is imported inside the validating functions only: Definitions and the CLI must load
without it (12 s cold on this machine). The batch is a query asset on the lent connection
(`quality_checks.dialect`), so nothing is copied out of DuckDB.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from quality_checks.results import Outcome, ensure_dq
from quality_checks.suites import Expectation, build_suite

ROW_RULES = ("not_null", "in_set", "between", "unique")


def _gx_expectation(gxe, e: Expectation):
    """The GX expectation for one suite entry; `meta.pmon` carries the entry's name back. Column
    rules that hold row by row are GX's own expectations; the others run their query."""
    common = {"meta": {"pmon": e.name}, "description": f"{e.rule_zh} / {e.rule_en}"}
    if e.kind == "not_null":
        return gxe.ExpectColumnValuesToNotBeNull(column=e.column, **common)
    if e.kind == "in_set":
        return gxe.ExpectColumnValuesToBeInSet(column=e.column, value_set=list(e.values), **common)
    if e.kind == "between":
        return gxe.ExpectColumnValuesToBeBetween(
            column=e.column, min_value=e.min, max_value=e.max, **common
        )
    # a key repeated within a week (GX's own unique expectations would compare across weeks)
    return gxe.UnexpectedRowsExpectation(unexpected_rows_query=e.unexpected_query(), **common)


def _raised(info: dict | None) -> str | None:
    """GX's exception message, at the top level or nested per metric; None when nothing raised."""
    if not info:
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message", ""))
    nested = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    return str(nested[0].get("exception_message", "")) if nested else None


@dataclass(frozen=True)
class _Verdict:
    """GX's verdict on one expectation over the whole batch: passed, and its unexpected count."""

    success: bool
    count: int
    error: str | None = None


def _verdict(result) -> _Verdict:
    message = _raised(result.exception_info)
    if message is not None:  # a query that cannot run is a failed expectation, never a pass
        return _Verdict(False, 0, f"error: {message[:200]}")
    stats = result.result or {}
    count = stats.get("unexpected_count")
    if count is None:  # UnexpectedRowsExpectation reports its row count as observed_value
        observed = stats.get("observed_value")
        count = int(observed.split()[0]) if isinstance(observed, str) else int(observed or 0)
    return _Verdict(bool(result.success), int(count))


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
            # keeps other checks' pages; templates compiled once a process (quality_checks/docs_views)
            "site_index_builder": {
                "module_name": "quality_checks.docs_views",
                "class_name": "SiteIndexBuilder",
                "view": _view("Index"),
            },
            "site_section_builders": {
                section: {"view": _view("")} for section in ("expectations", "validations")
            },
        }
    return DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites=sites,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )


def _view(kind: str) -> dict[str, str]:
    return {"module_name": "quality_checks.docs_views", "class_name": f"{kind}PageView"}


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


def run_batch(source: str, weeks: Sequence[dt.date]) -> str:
    """The rows of `staging.<source>` in the given weeks."""
    listed = ", ".join(f"date '{w.isoformat()}'" for w in sorted(weeks))
    return f"select * from staging.{source} where week in ({listed})"


def validate_weeks(
    conn,
    source: str,
    weeks: Sequence[dt.date],
    docs_dir: Path | None = None,
    severity: str | None = None,
) -> dict[dt.date, list[Outcome]]:
    """Each week's outcomes of the source's suite, from one GX validation of all the weeks (and
    its Data Docs, when asked for)."""
    import great_expectations as gx

    from quality_checks.dialect import lend

    weeks = sorted(set(weeks))
    if not weeks:
        return {}
    suite = [e for e in build_suite(source, weeks) if severity in (None, e.severity)]
    _quiet_gx()
    ensure_dq(conn)
    context = gx.get_context(mode="ephemeral", project_config=_project_config(docs_dir))
    with lend(conn) as url:
        datasource = context.data_sources.add_sql("warehouse", connection_string=url,
                                                  create_temp_table=False)  # fmt: skip
        verdicts = _validate(context, datasource, source, weeks, suite, docs_dir is not None)
    return _by_week(conn, source, weeks, suite, verdicts)


def _validate(
    context, datasource, source: str, weeks: list[dt.date], suite: list[Expectation], docs: bool
) -> dict[str, _Verdict]:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    severities = {e.severity for e in suite}
    part = severities.pop() if len(severities) == 1 else "all"
    name = f"{source}_{weeks[0].isoformat()}_{weeks[-1].isoformat()}_{part}"
    asset = datasource.add_query_asset(f"staging_{name}", query=run_batch(source, weeks))
    batch = asset.add_batch_definition_whole_table(name)
    gx_suite = context.suites.add(
        gx.ExpectationSuite(name=name, expectations=[_gx_expectation(gxe, e) for e in suite])
    )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(data=batch, suite=gx_suite, name=name)
    )
    if docs:
        actions = [gx.checkpoint.UpdateDataDocsAction(name="docs")]
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=name,
                validation_definitions=[definition],
                actions=actions,
                result_format="BASIC",
            )
        )
        results = [r for v in checkpoint.run().run_results.values() for r in v.results]
    else:
        results = list(definition.run(result_format="BASIC").results)
    return {r.expectation_config.meta["pmon"]: _verdict(r) for r in results}


def _by_week(
    conn, source: str, weeks: list[dt.date], suite: list[Expectation], verdicts: dict
) -> dict[dt.date, list[Outcome]]:
    """Each week's outcome of each expectation that applies to it, in suite order."""
    batch = f"({run_batch(source, weeks)})"
    rows = dict(conn.execute(f"select week, count(*) from {batch} group by week").fetchall())
    out: dict[dt.date, list[Outcome]] = {week: [] for week in weeks}
    for e in suite:
        verdict = verdicts[e.name]
        counts = {} if verdict.success or verdict.error else _split(conn, e, batch, verdict)
        for week in filter(e.applies_to, weeks):
            out[week].append(_outcome(e, verdict, counts.get(week, 0), rows.get(week, 0)))
    return out


def _split(conn, e: Expectation, batch: str, verdict: _Verdict) -> dict[dt.date, int]:
    """A failed expectation's unexpected count per week, by the query GX ran; it must add up."""
    query = e.unexpected_query().format(batch=batch)
    counts = dict(conn.execute(f"select week, count(*) from ({query}) group by week").fetchall())
    if sum(counts.values()) != verdict.count:
        raise RuntimeError(
            f"{e.name}: Great Expectations counted {verdict.count} unexpected rows, its query "
            f"split by week counts {sum(counts.values())}: the suite's SQL and GX disagree"
        )
    return counts


def _outcome(e: Expectation, verdict: _Verdict, count: int, rows: int) -> Outcome:
    if verdict.error:
        return Outcome(e.name, e.column, e.severity, False, verdict.error, 0, e.rule_zh, e.rule_en)
    # a rule on rows of the batch reports them out of the week's rows; an aggregate, its groups
    observed = f"{count} of {rows} rows" if e.kind in ROW_RULES else f"{count} unexpected"
    return Outcome(e.name, e.column, e.severity, count == 0, observed, count,
                   e.rule_zh, e.rule_en)  # fmt: skip
