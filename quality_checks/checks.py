"""Each source's suite as two Dagster asset checks on its staging asset, per weekly partition.

`contract` (blocking, ERROR): breaks that would corrupt indicators; a failure stops every
downstream asset of the run. `consistency` (WARN): cross-source references, date order, repeated
files, volume and drift; reported, never blocking. Both persist their outcomes in `dq.results`,
rebuild the Great Expectations Data Docs under `<data dir>/dq/docs` for the run's validation (all
its weeks), and re-render the project's offline data-quality pages of the run's weeks
(`<data dir>/dq/week-*.html`, and the index of every validated week) from `dq.results`. A failed
check names where it failed: the districts (Chinese names) and the delivered files behind the
breaking rows, found by the expectation's own query joined to staging and `meta.load_log`.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg
from dagster_duckdb import DuckDBResource

from core.contract import load_contract, load_reference, source_names
from core.partitions import iso_week, week_monday, weekly_partitions
from core.resources import DataDirResource
from quality_checks.results import Outcome, save_outcomes
from quality_checks.suites import ERROR, WARN, Expectation, build_suite

SEVERITY = {ERROR: dg.AssetCheckSeverity.ERROR, WARN: dg.AssetCheckSeverity.WARN}
ROWS_LOOKED_AT = 200  # breaking rows read back per expectation to find their files (as GX keeps)
PLACES_SHOWN = 10  # places named per expectation in the description; the metadata has them all


@dataclass(frozen=True)
class Place:
    """Where an expectation failed: the district (Chinese name; None for a city-wide or agency
    file), the files and what was wrong there."""

    district: str | None
    files: tuple[str, ...]
    detail: str

    def text(self, source: str) -> str:
        """`延庆区 (training, training/2026-W47/yanqing.csv) 0 rows vs 31 expected`"""
        where = ", ".join([source, *self.files]) if self.files else f"{source}, 未报送 no file"
        return f"{self.district or '全市/部门 city-wide'} ({where}) {self.detail}"


@dataclass(frozen=True)
class Failure:
    """One failed expectation on one week, with the places it failed."""

    week: dt.date
    outcome: Outcome
    places: tuple[Place, ...]


def _names() -> dict[str, str]:
    reference = load_reference()
    return {d.code: d.zh for d in reference.districts} | {
        reference.all_beijing["code"]: reference.all_beijing["zh"]
    }


def _batch(source: str, week: dt.date) -> str:
    return f"(select * from staging.{source} where week = date '{week.isoformat()}')"


def _files_of(conn, source: str, week: dt.date, files: Sequence[str]) -> dict[str, str | None]:
    """The delivering district of each file: meta.load_log's, else its staged rows'."""
    rows = conn.execute(
        f"select source_file, district_code from meta.load_log where source = ? and week = ? "
        f"and list_contains(?, source_file) union all "
        f"select source_file, any_value(district_code) from {_batch(source, week)} "
        f"where list_contains(?, source_file) group by source_file",
        [source, week, list(files), list(files)],
    ).fetchall()
    found: dict[str, str | None] = {}
    for file, code in rows:
        found.setdefault(file, code)
    return found


def _district_files(conn, source: str, week: dt.date, code: str) -> tuple[str, ...]:
    """The files a district delivered for a source's week (loaded, or read and rejected)."""
    rows = conn.execute(
        f"select source_file from meta.load_log where source = ? and week = ? "
        f"and district_code = ? union select source_file from {_batch(source, week)} "
        f"where district_code = ? order by 1",
        [source, week, code, code],
    ).fetchall()
    return tuple(f for (f,) in rows)


def _by_file(conn, source: str, week: dt.date, counts: dict[str, int], what: str) -> list[Place]:
    """Breaking rows counted per file, each file under its delivering district."""
    names = _names()
    districts = _files_of(conn, source, week, list(counts))
    by_district: dict[str | None, list[tuple[str, int]]] = {}
    for file, n in sorted(counts.items()):
        by_district.setdefault(districts.get(file), []).append((file, n))
    return [
        Place(names.get(code, code) if code else None, tuple(f for f, _ in files),
              f"{sum(n for _, n in files)} {what}")
        for code, files in sorted(by_district.items(), key=lambda kv: kv[0] or "")
    ]  # fmt: skip


def _breaking_rows(conn, e: Expectation, source: str, week: dt.date):
    """The rows that broke a row-level expectation, with their file, by its own unexpected query
    (the SQL GX ran) over the same week of staging."""
    batch = _batch(source, week)
    query = e.unexpected_query(lineage=True).format(batch=batch)
    columns = [c[0] for c in conn.execute(f"select * from ({query}) limit 0").description]
    if "source_file" not in columns:  # a whole-week rule (an empty week): no file to name
        return []
    return conn.execute(
        f"select source_file, count(*) from (select * from ({query}) limit {ROWS_LOOKED_AT}) "
        "group by source_file"
    ).fetchall()


def where_failed(conn, source: str, week: dt.date, outcome: Outcome) -> tuple[Place, ...]:
    """The districts and files behind one failed expectation of a source's week."""
    suite = {e.name: e for e in build_suite(source, week)}
    e = suite.get(outcome.expectation)
    if e is None or outcome.success:
        return ()
    names = _names()
    batch = _batch(source, week)
    if e.name == "district_volume":
        rows = conn.execute(e.unexpected_query().format(batch=batch)).fetchall()
        places = []
        for _, code, n, median in sorted(rows, key=lambda r: r[1] or ""):
            if code is None:
                places.append(Place(None, (), "本周无数据 / no rows this week"))
                continue
            places.append(Place(names.get(code, code), _district_files(conn, source, week, code),
                                f"{n} rows vs {median:g} expected"))  # fmt: skip
        return tuple(places)
    if e.name == "no_empty_files":
        files = [f for _, f in conn.execute(e.unexpected_query().format(batch=batch)).fetchall()]
        return tuple(_by_file(conn, source, week, dict.fromkeys(files, 0), "rows"))
    if e.name == "file_loaded_once":
        counts = dict(conn.execute(
            f"select source_file, count(*) from {batch} where file_sha256 in "
            f"(select file_sha256 from ({e.unexpected_query().format(batch=batch)})) "
            "group by source_file").fetchall())  # fmt: skip
        return tuple(_by_file(conn, source, week, counts, "rows, same content as another file"))
    if e.name == "column_types":
        rows = conn.execute(e.unexpected_query().format(batch=batch)).fetchall()
        return tuple(Place(None, (), f"{c} is {got}, not {want}") for _, c, got, want in rows)
    counts = dict(_breaking_rows(conn, e, source, week))
    if not counts:
        return (Place(None, (), f"{outcome.observed_value}: {e.rule_zh} / {e.rule_en}"),)
    return tuple(_by_file(conn, source, week, counts, f"rows: {e.rule_zh} / {e.rule_en}"))


def docs_dir(data_dir: DataDirResource):
    return data_dir.root / "dq" / "docs"


def _line(failure: Failure, source: str, weeks: int, limit: int | None = PLACES_SHOWN) -> str:
    """`district_volume warn: 延庆区 (training, …/yanqing.csv) 0 rows vs 31 expected; …`"""
    o = failure.outcome
    head = f"{o.expectation} {o.severity}" + (f" {iso_week(failure.week)}" if weeks > 1 else "")
    places = failure.places if limit is None else failure.places[:limit]
    where = "; ".join(p.text(source) for p in places)
    more = len(failure.places) - len(places)
    where += f"; … {more} more" if more > 0 else ""
    return f"{head}: {where or o.observed_value}"


def _describe(failed: list[Failure], source: str = "") -> str:
    if not failed:
        return "all expectations passed"
    weeks = len({f.week for f in failed})
    lines = [
        f"{f.outcome.expectation} ({f.outcome.column_name}): {f.outcome.rule_en} / "
        f"{f.outcome.rule_zh}: {f.outcome.observed_value}"
        + (f" — {_line(f, source, weeks)}" if f.places else "")
        for f in failed
    ]
    return f"{len(failed)} expectation(s) failed: " + "; ".join(lines)


def failure_metadata(failed: list[Failure], source: str) -> dict:
    """Each failed expectation with every district and file it failed at, for the UI."""
    weeks = len({f.week for f in failed})
    districts = sorted({p.district for f in failed for p in f.places if p.district})
    files = sorted({file for f in failed for p in f.places for file in p.files})
    return {
        "failed_expectations": len(failed),
        "failures": dg.MetadataValue.md(
            "\n".join(
                f"- `{f.outcome.expectation}` {f.outcome.rule_en} ({f.outcome.observed_value})"
                + "".join(f"\n  - {p.text(source)}" for p in f.places)
                for f in failed
            )
            or "none"
        ),
        "failed_districts": ", ".join(districts) or "none",
        "failed_files": dg.MetadataValue.md("\n".join(f"- `{x}`" for x in files) or "none"),
        "failed_at": dg.MetadataValue.md(
            "\n".join(f"- {_line(f, source, weeks, limit=None)}" for f in failed) or "none"
        ),
    }


def run_checks(
    context: dg.AssetCheckExecutionContext,
    warehouse: DuckDBResource,
    data_dir: DataDirResource,
    source: str,
    severity: str,
) -> dg.AssetCheckResult:
    """Validate every week of the run, save each week's outcomes, report the failures with the
    districts and files they failed at."""
    from quality_checks.pages import render_pages
    from quality_checks.validate import validate_weeks  # GX loads here, never with Definitions

    keys = sorted(context.partition_keys) if context.has_partition_key_range else []
    if not keys and context.has_partition_key:
        keys = [context.partition_key]
    weeks = [week_monday(key) for key in keys]
    failed: list[Failure] = []
    with warehouse.get_connection() as conn:
        by_week = validate_weeks(conn, source, weeks, docs_dir(data_dir), severity=severity)
        save_outcomes(conn, source, by_week)
        for week, outcomes in by_week.items():
            failed += [
                Failure(week, o, where_failed(conn, source, week, o))
                for o in outcomes
                if not o.success
            ]
        page = render_pages(conn, data_dir.root / "dq", weeks)
    context.log.debug(f"{source} {severity}: {len(weeks)} week(s) validated")
    return dg.AssetCheckResult(
        passed=not failed,
        severity=SEVERITY[severity],
        description=_describe(failed, source)[:2000],
        metadata={
            "weeks": ", ".join(keys),
            "data_quality_page": dg.MetadataValue.path(str(page)) if page else "none",
            **failure_metadata(failed, source),
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
