"""The measure catalog (`catalog/measures.yaml`): the policy's measures, their indicators and targets.

Analysts edit the YAML, never code: renumbering, renaming or re-targeting a measure is a catalog
edit. A bad catalog is refused on load with a message naming the entry and the field.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from core import settings
from core.contract import CatalogError, Title, load_contract, load_validated, source_names

# the expression nodes a template filter may use: columns, literals, comparisons, and/or/not,
# in/is null, between, casts; never a function call or a subquery (those reach outside the row)
_EXPRESSION_NODES = {
    "COLUMN_REF",
    "CONSTANT",
    "COMPARISON",
    "CONJUNCTION",
    "OPERATOR",
    "BETWEEN",
    "CAST",
}


class Thresholds(BaseModel):
    """Progress at or above `on_track` is on track, at or above `at_risk` at risk, else off track."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    on_track: float = Field(0.95, gt=0)
    at_risk: float = Field(0.80, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.at_risk > self.on_track:
            raise ValueError("at_risk must not exceed on_track")
        return self


def staging_columns(source: str) -> set[str]:
    """The staging columns a template may name for a contract source: its contract columns (a PII
    column as `<name>_hash`, the only form staging keeps) and `district_code`."""
    columns = load_contract().sources[source].columns
    return {f"{n}_hash" if c.pii else n for n, c in columns.items()} | {"district_code"}


def _check_column(field: str, name: str | None, source: str) -> None:
    if name is not None and name not in staging_columns(source):
        raise ValueError(
            f"{field}: {name!r} is not a column of {source}; use one of "
            f"{sorted(staging_columns(source))}"
        )


def _check_source(field: str, name: str) -> None:
    if name not in load_contract().sources:
        raise ValueError(f"{field}: unknown source {name!r}; use one of {list(source_names())}")


@cache
def _parser() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB for parsing the catalog's filters (a connection each cost 30 ms)."""
    return duckdb.connect()


def _parse(query: str) -> dict:
    """DuckDB's parse tree of a query, as JSON (`error` set when it does not parse)."""
    cursor = _parser().cursor()  # a cursor each: loading is not always on one thread
    try:
        return json.loads(
            cursor.execute("select json_serialize_sql($q)", {"q": query}).fetchone()[0]
        )
    finally:
        cursor.close()


def _check_expression(field: str, text: str | None, source: str) -> None:
    """A filter is substituted into SQL, so it must parse (DuckDB's own parser) as one expression
    made only of the source's columns, literals and operators."""
    if text is None:
        return
    tree = _parse(f"select {text}")
    if tree["error"]:
        problem = f"not one expression (DuckDB: {tree.get('error_message')})"
    else:
        problem = _expression_problem(tree, source)
    if problem:
        raise ValueError(f"{field}: {text!r} is not a filter over {source}: {problem}")


def _expression_problem(tree: dict, source: str) -> str | None:
    statements = tree["statements"]
    node = statements[0]["node"] if len(statements) == 1 else {}
    clauses = ("where_clause", "having", "qualify", "sample")
    if (
        node.get("type") != "SELECT_NODE"
        or len(node["select_list"]) != 1
        or node["from_table"]["type"] != "EMPTY"
        or any(node.get(c) for c in clauses)
        or node["group_expressions"]
        or node["modifiers"]
        or node["cte_map"]["map"]
    ):
        return "not a single expression"
    return _node_problem(node["select_list"][0], staging_columns(source))


def _node_problem(node: object, columns: set[str]) -> str | None:
    """The first disallowed part of a parsed expression: a function, a subquery, a foreign column."""
    if isinstance(node, list):
        return next((p for n in node if (p := _node_problem(n, columns))), None)
    if not isinstance(node, dict):
        return None
    kind = node.get("class")
    if kind is not None and kind not in _EXPRESSION_NODES:
        return f"{kind.lower()} not allowed (only columns, literals and operators)"
    if kind == "COLUMN_REF" and (
        len(node["column_names"]) != 1 or node["column_names"][0] not in columns
    ):
        return f"unknown column {'.'.join(node['column_names'])!r}"
    return _node_problem(list(node.values()), columns)


class _Template(BaseModel):
    """A query template's parameters; each template also says which sources its SQL `reads()`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def parameters(self) -> dict:
        """What the template file is rendered with."""
        return self.model_dump(exclude={"template"})


class MilestoneSum(_Template):
    """The milestone ledger's quantities reported for one measure in the period (all Beijing only:
    the ledger has no district). The action decides which indicator a row feeds: a row counts
    when its action contains one of `actions` (every action of the measure when empty); a row in
    another unit than `unit` (the indicator's unit, filled in from it) is quarantined, never
    summed, because 300 人 are not 300 场."""

    template: Literal["milestone_sum"]
    measure: str = Field(pattern=r"^M\d{2,3}$")
    actions: tuple[str, ...] = ()
    unit: str | None = None

    def reads(self) -> set[str]:
        return {"milestones"}


class TaskShare(_Template):
    """A figure of the task ledger for all Beijing: `on_time` = tasks due by week end that were
    done by their due date ÷ tasks due by week end; `reports_received` = (task, unit) reports
    owed for the last complete reporting period that arrived ÷ those owed. `tasks` is filled in
    from the whole catalog's ledger on load, never written by hand."""

    template: Literal["task_share"]
    figure: Literal["on_time", "reports_received"]
    tasks: tuple[dict, ...] = ()

    def reads(self) -> set[str]:
        return {"milestones"}


class PeriodCount(_Template):
    """Rows of a source whose event week is in the period, optionally filtered, per district;
    `count_distinct` counts distinct values of a column instead of rows; `base` is the column whose
    distinct values the figure rests on (for suppression)."""

    template: Literal["period_count"]
    source: str
    where: str | None = None
    count_distinct: str | None = None
    base: str

    @model_validator(mode="after")
    def _names(self) -> PeriodCount:
        _check_source("source", self.source)
        _check_column("base", self.base, self.source)
        _check_column("count_distinct", self.count_distinct, self.source)
        _check_expression("where", self.where, self.source)
        return self

    def reads(self) -> set[str]:
        return {self.source}


class EnterpriseCount(_Template):
    """Active enterprises at week end matching `where`, per district."""

    template: Literal["enterprise_count"]
    where: str

    @model_validator(mode="after")
    def _names(self) -> EnterpriseCount:
        _check_expression("where", self.where, "enterprises")
        return self

    def reads(self) -> set[str]:
        return {"enterprises"}


class EnterpriseShare(_Template):
    """Active enterprises at week end for which `counted` holds ÷ active enterprises, per district."""

    template: Literal["enterprise_share"]
    counted: str

    @model_validator(mode="after")
    def _names(self) -> EnterpriseShare:
        _check_expression("counted", self.counted, "enterprises")
        return self

    def reads(self) -> set[str]:
        return {"enterprises"}


class InsuredWorkerShare(_Template):
    """Active workers with an enrollment of one of `insurance_types` covering week end ÷ active
    workers, per district."""

    template: Literal["insured_worker_share"]
    insurance_types: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _names(self) -> InsuredWorkerShare:
        known = load_contract().sources["insurance"].columns["insurance_type"].values
        unknown = [t for t in self.insurance_types if t not in known]
        if unknown:
            raise ValueError(f"insurance_types: unknown {unknown}; use some of {list(known)}")
        return self

    def reads(self) -> set[str]:
        return {"insurance", "workers"}


class PeriodSum(_Template):
    """The sum of a numeric column over the rows of a source whose event week is in the period,
    per district (order statistics: orders, spending); `base` as for period_count."""

    template: Literal["period_sum"]
    source: str
    column: str
    where: str | None = None
    base: str

    @model_validator(mode="after")
    def _names(self) -> PeriodSum:
        _check_source("source", self.source)
        _check_column("column", self.column, self.source)
        _check_column("base", self.base, self.source)
        _check_expression("where", self.where, self.source)
        return self

    def reads(self) -> set[str]:
        return {self.source}


def _query_kind(value: object) -> str | None:
    if isinstance(value, str):
        return "file"
    if isinstance(value, dict):
        return value.get("template")
    return getattr(value, "template", None)


# an indicator's query: a hand-written SQL file under assets/indicators/sql/ (default <id>.sql),
# or a template of assets/indicators/sql/templates/ with its parameters
Query = Annotated[
    Annotated[str, Tag("file")]
    | Annotated[MilestoneSum, Tag("milestone_sum")]
    | Annotated[PeriodCount, Tag("period_count")]
    | Annotated[EnterpriseCount, Tag("enterprise_count")]
    | Annotated[EnterpriseShare, Tag("enterprise_share")]
    | Annotated[InsuredWorkerShare, Tag("insured_worker_share")]
    | Annotated[PeriodSum, Tag("period_sum")]
    | Annotated[TaskShare, Tag("task_share")],
    Discriminator(_query_kind),
]
TemplateQuery = (
    MilestoneSum
    | PeriodCount
    | EnterpriseCount
    | EnterpriseShare
    | InsuredWorkerShare
    | PeriodSum
    | TaskShare
)


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^M\d{2,3}\.[a-z0-9_]+$")
    name: Title
    definition: Title
    unit: Title
    sources: tuple[str, ...] = Field(min_length=1)
    kind: Literal["flow", "state", "ratio", "meta"]
    direction: Literal["higher", "lower"] = "higher"
    display: Literal["count", "percent", "decimal", "days", "score", "amount"] = "count"
    target: float | None = Field(default=None, ge=0)
    target_illustrative: bool = True
    thresholds: Thresholds | None = None
    query: Query = ""
    # an outcome of the policy as a whole (orders, spending, workforce, enterprises): the report
    # shows these first, and they never decide their host measure's status
    outcome: bool = False
    # the weeks of data the figure looks back over (4, 52): with less history loaded, its status is
    # insufficient_history, because a window still filling up is not a trend
    lookback_weeks: int | None = Field(default=None, ge=1, le=104)
    # flows: the cumulative total before the monitoring window (期初累计), or the date the
    # monitoring of this flow began; progress against schedule counts from the same window
    opening_balance: float | None = Field(default=None, ge=0)
    monitoring_start: dt.date | None = None
    # states and ratios: the level at the start of the year, for the distance to schedule
    baseline: float | None = None
    # what a figure with nothing to count reads as ("no complaints"), where a delivered source
    # with no cases is a finding rather than missing data
    empty_label: Title | None = None

    @model_validator(mode="after")
    def _resolve(self) -> Indicator:
        contract = load_contract()
        resolved = [
            "meta" if s == "meta" else getattr(contract.by_tag_or_name(s), "name", None)
            for s in self.sources
        ]
        unknown = [s for s, name in zip(self.sources, resolved, strict=True) if name is None]
        if unknown:
            tags = sorted(s.tag for s in contract.sources.values())
            raise ValueError(f"unknown source(s) {unknown}; use one of {[*tags, 'meta']}")
        object.__setattr__(self, "sources", tuple(resolved))
        if not self.query:
            object.__setattr__(self, "query", f"{self.id}.sql")
        if isinstance(self.query, MilestoneSum) and self.query.unit is None:
            object.__setattr__(self, "query", self.query.model_copy(update={"unit": self.unit.zh}))
        if self.kind != "flow" and (self.opening_balance is not None or self.monitoring_start):
            raise ValueError("opening_balance and monitoring_start apply to flows only")
        if self.kind == "flow" and self.baseline is not None:
            raise ValueError("baseline applies to states and ratios; a flow has opening_balance")
        if not isinstance(self.query, str):
            unread = sorted(self.query.reads() - set(resolved))
            if unread:
                raise ValueError(
                    f"query: template {self.query.template} reads {unread}, "
                    f"which the indicator's sources do not list"
                )
        return self

    @property
    def measure_id(self) -> str:
        return self.id.split(".", 1)[0]


class Task(BaseModel):
    """One task of the ledger (任务台账): what is to be done, who leads (牵头单位), who shares it
    (责任单位), by when (时间节点), and who reports how often. `quantity` is what completes the
    task (1 for a one-off deliverable); with several due dates, each is a stage owing its share of
    the quantity. A task is done when the ledger's rows for it reach the quantity."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^M\d{2,3}\.T\d{1,2}$")
    text: Title
    lead_unit: str
    responsible_units: tuple[str, ...] = ()
    due: tuple[dt.date, ...] = Field(min_length=1)
    dates_illustrative: bool = True
    quantity: float = Field(1, gt=0)
    unit: str | None = None
    action: str | None = None  # the ledger action its progress rows carry
    reporters: tuple[str, ...] = ()  # default: the lead unit
    frequency: Literal["monthly", "quarterly"] = "monthly"

    @model_validator(mode="after")
    def _ordered(self) -> Task:
        if list(self.due) != sorted(set(self.due)):
            raise ValueError("due dates must be distinct and in order")
        if not self.reporters:
            object.__setattr__(self, "reporters", (self.lead_unit,))
        return self

    @property
    def measure_id(self) -> str:
        return self.id.split(".", 1)[0]

    def row(self) -> dict:
        """What the task-status SQL is rendered with."""
        return {
            "task_id": self.id,
            "measure_id": self.measure_id,
            "quantity": self.quantity,
            "unit": self.unit,
            "due": [d.isoformat() for d in self.due],
            "reporters": list(self.reporters),
            "frequency": self.frequency,
        }


class Measure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^M\d{2,3}$")
    area: str
    title: Title
    lead_agency: Title
    # tasks: the measure is an agency task (standards, competitions, awards...): its status comes
    # from its tasks' status, not from pro-rated sums of what happens to be reported
    status_from: Literal["indicators", "tasks"] = "indicators"
    indicators: tuple[Indicator, ...] = Field(min_length=1)
    tasks: tuple[Task, ...] = ()

    @model_validator(mode="after")
    def _indicators_belong(self) -> Measure:
        strays = [i.id for i in self.indicators if i.measure_id != self.id]
        strays += [t.id for t in self.tasks if t.measure_id != self.id]
        if strays:
            raise ValueError(f"indicators or tasks {strays} do not belong to measure {self.id}")
        if self.status_from == "tasks" and not self.tasks:
            raise ValueError(f"status_from: tasks, but measure {self.id} lists no tasks")
        return self


class Area(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^A\d{1,2}$")
    title: Title


TaskStatus = Literal["done", "on_schedule", "due_soon", "overdue", "not_reported"]
Rating = Literal["on_track", "at_risk", "off_track"]


class Defaults(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    thresholds: Thresholds = Thresholds()
    suppression_min_count: int = Field(5, ge=1)
    due_soon_days: int = Field(30, ge=1)
    # the district league table: progress counts up to this cap, and a district needs at least
    # this many indicators rated on enough base to be ranked (fewer: 数据不足)
    league_progress_cap: float = Field(1.2, gt=0)
    league_min_indicators: int = Field(3, ge=1)
    # how a task's status rates the measure it belongs to (status_from: tasks)
    task_rating: dict[TaskStatus, Rating] = {
        "done": "on_track",
        "on_schedule": "on_track",
        "due_soon": "at_risk",
        "not_reported": "at_risk",
        "overdue": "off_track",
    }

    @model_validator(mode="after")
    def _every_task_status_rated(self) -> Defaults:
        missing = sorted(set(TaskStatus.__args__) - set(self.task_rating))
        if missing:
            raise ValueError(f"task_rating: no rating for {missing}")
        return self


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    policy: dict[str, str]
    defaults: Defaults = Defaults()
    areas: tuple[Area, ...]
    measures: tuple[Measure, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        area_ids = {a.id for a in self.areas}
        for index, measure in enumerate(self.measures):
            if measure.area not in area_ids:
                raise ValueError(
                    f"measures.{index} ({measure.id}).area: unknown area {measure.area!r}"
                )
        for kind, ids in (
            ("measure", [m.id for m in self.measures]),
            ("indicator", [i.id for i in self.indicators]),
            ("task", [t.id for t in self.tasks]),
        ):
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            if repeated:
                raise ValueError(f"{kind} ids repeated: {repeated}")
        for indicator in self.indicators:
            measure = getattr(indicator.query, "measure", None)
            if measure is not None and measure not in {m.id for m in self.measures}:
                raise ValueError(
                    f"indicators[{indicator.id}].query.measure: unknown measure {measure!r}"
                )
        for measure in self.measures:
            resolved = tuple(
                i if i.thresholds else i.model_copy(update={"thresholds": self.defaults.thresholds})
                for i in measure.indicators
            )
            object.__setattr__(measure, "indicators", self._with_tasks(resolved))
        return self

    def _with_tasks(self, indicators: tuple[Indicator, ...]) -> tuple[Indicator, ...]:
        """A task_share query is rendered with the whole ledger: filled in here, from the tasks."""
        rows = tuple(t.row() for t in self.tasks)
        return tuple(
            i.model_copy(update={"query": i.query.model_copy(update={"tasks": rows})})
            if isinstance(i.query, TaskShare)
            else i
            for i in indicators
        )

    @property
    def indicators(self) -> list[Indicator]:
        return [i for m in self.measures for i in m.indicators]

    @property
    def outcome_indicators(self) -> list[Indicator]:
        """The policy's outcome figures, in catalog order: what the report shows first."""
        return [i for i in self.indicators if i.outcome]

    @property
    def tasks(self) -> list[Task]:
        return [t for m in self.measures for t in m.tasks]

    @property
    def suppression_min_count(self) -> int:
        return self.defaults.suppression_min_count

    def area(self, area_id: str) -> Area:
        return next(a for a in self.areas if a.id == area_id)

    def measure(self, measure_id: str) -> Measure:
        return next(m for m in self.measures if m.id == measure_id)

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)


DEMO_OVERLAY = "demo_targets.yaml"


class DemoTarget(BaseModel):
    """What the demo overlay may set for one indicator: its target sized for the demo population,
    and the opening balance (flows) or baseline (states, ratios) the schedule starts from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    target: float = Field(ge=0)
    opening_balance: float | None = Field(default=None, ge=0)
    baseline: float | None = None


class DemoOverlay(BaseModel):
    """`<catalog dir>/demo_targets.yaml`: the demo's targets, applied over the bureau's only when the
    data dir holds sample data (its SAMPLE_DATA marker); the one place demo targets live."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int
    note: str
    scale: str  # the generator scale the targets are sized for (the marker names its scale)
    indicators: dict[str, DemoTarget] = Field(min_length=1)


def load_catalog(path: Path | None = None) -> Catalog:
    """The validated catalog; raises CatalogError naming the entry and field on a bad file. In a
    data dir of sample data (settings.is_sample_data), the demo overlay next to the catalog file
    (`demo_targets.yaml`, when there is one) replaces the targets it names."""
    path = path or settings.catalog_dir() / "measures.yaml"
    overlay = path.parent / DEMO_OVERLAY
    marker = settings.sample_data_marker(settings.data_dir(create=False))
    scale = _marker_scale(marker) if marker.exists() and overlay.exists() else None
    return _load_catalog(path, overlay if scale is not None else None, scale)


def _marker_scale(marker: Path) -> str:
    """The generator scale a sample-data marker names (its `scale: NAME` line; '' if none)."""
    for line in marker.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("scale:"):
            return line.removeprefix("scale:").strip()
    return ""


@cache
def _load_catalog(path: Path, overlay: Path | None = None, scale: str | None = None) -> Catalog:
    catalog = load_validated(Catalog, path)
    return catalog if overlay is None else apply_overlay(catalog, overlay, scale)


def apply_overlay(catalog: Catalog, path: Path, scale: str | None = None) -> Catalog:
    """The catalog with the overlay's targets (a copy: the bureau's catalog object is untouched),
    unless the sample data is of another scale than the overlay's (`scale`; '' or None: any).
    Every indicator the overlay names must exist, and take the figure it is given."""
    overlay = load_validated(DemoOverlay, path)
    known = {i.id: i for i in catalog.indicators}
    unknown = sorted(set(overlay.indicators) - set(known))
    if unknown:
        raise CatalogError(
            f"{path}: indicators {unknown} are not in the catalog / 演示目标中的指标不在指标目录中"
        )
    for indicator_id, entry in overlay.indicators.items():
        kind = known[indicator_id].kind
        if entry.opening_balance is not None and kind != "flow":
            raise CatalogError(
                f"{path}: indicators.{indicator_id}.opening_balance: applies to flows only, "
                f"this is a {kind} / 期初累计只适用于流量指标"
            )
        if entry.baseline is not None and kind == "flow":
            raise CatalogError(
                f"{path}: indicators.{indicator_id}.baseline: a flow has opening_balance "
                f"/ 流量指标请用 opening_balance"
            )
    if scale and scale != overlay.scale:
        return catalog  # e.g. Beijing-scale sample data: the bureau's targets fit it
    measures = tuple(
        m.model_copy(
            update={
                "indicators": tuple(
                    i.model_copy(update=overlay.indicators[i.id].model_dump(exclude_none=True))
                    if i.id in overlay.indicators
                    else i
                    for i in m.indicators
                )
            }
        )
        for m in catalog.measures
    )
    return catalog.model_copy(update={"measures": measures})
