"""The measure catalog (`catalog/measures.yaml`): the policy's measures, their indicators and targets.

Analysts edit the YAML, never code: renumbering, renaming or re-targeting a measure is a catalog
edit. A bad catalog is refused on load with a message naming the entry and the field.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core import settings
from core.contract import Title, load_contract, load_validated


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
    query: str = ""

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
        return self

    @property
    def measure_id(self) -> str:
        return self.id.split(".", 1)[0]


class Measure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^M\d{2,3}$")
    area: str
    title: Title
    lead_agency: Title
    indicators: tuple[Indicator, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _indicators_belong(self) -> Measure:
        strays = [i.id for i in self.indicators if i.measure_id != self.id]
        if strays:
            raise ValueError(f"indicators {strays} do not belong to measure {self.id}")
        return self


class Area(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^A\d{1,2}$")
    title: Title


class Defaults(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    thresholds: Thresholds = Thresholds()
    suppression_min_count: int = Field(5, ge=1)


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
        ):
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            if repeated:
                raise ValueError(f"{kind} ids repeated: {repeated}")
        for measure in self.measures:
            resolved = tuple(
                i if i.thresholds else i.model_copy(update={"thresholds": self.defaults.thresholds})
                for i in measure.indicators
            )
            object.__setattr__(measure, "indicators", resolved)
        return self

    @property
    def indicators(self) -> list[Indicator]:
        return [i for m in self.measures for i in m.indicators]

    @property
    def suppression_min_count(self) -> int:
        return self.defaults.suppression_min_count

    def area(self, area_id: str) -> Area:
        return next(a for a in self.areas if a.id == area_id)

    def measure(self, measure_id: str) -> Measure:
        return next(m for m in self.measures if m.id == measure_id)

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)


def load_catalog(path: Path | None = None) -> Catalog:
    """The validated catalog; raises CatalogError naming the entry and field on a bad file."""
    return _load_catalog(path or settings.catalog_dir() / "measures.yaml")


@cache
def _load_catalog(path: Path) -> Catalog:
    return load_validated(Catalog, path)
