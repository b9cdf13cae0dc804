"""The input contract and reference data, loaded from `catalog/*.yaml` and validated on load.

Ingestion, validation, the submitter's pre-check and the sample-data generator all read the
contract from here, so adding a source or a column is an edit to `catalog/contract.yaml`.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core import settings

ColumnType = Literal[
    "string", "int", "float", "date", "bool", "enum",
    "uscc", "resident_id", "district", "province", "measure_id", "phone",
]  # fmt: skip


ModelT = TypeVar("ModelT", bound=BaseModel)


class CatalogError(ValueError):
    """A catalog or contract file that does not validate; the message names file, entry and field."""


class Column(BaseModel):
    """One delivered column. Beyond type and presence, three properties carry the rules that
    used to be written out per source: `planned` (a date that may lie beyond the reporting week,
    e.g. when insurance ends), `not_before` (a date column of the same row it must not precede:
    a row where it does is impossible and quarantined) and `references` (a registry source whose key the value must name: a warning)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: ColumnType
    required: bool = False
    zh: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    pii: bool = False
    planned: bool = False
    not_before: str | None = None
    references: str | None = None

    @model_validator(mode="after")
    def _enum_has_values(self) -> Column:
        if self.type == "enum" and not self.values:
            raise ValueError("an enum column must list its values")
        if (self.planned or self.not_before) and self.type != "date":
            raise ValueError("planned and not_before apply to date columns only")
        return self


class Title(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    en: str


class Source(BaseModel):
    """One delivered file type. `tag` is the short name the measure catalog uses for it;
    `expected_from` says who owes a file each week: `districts` (every reference district) or
    `city` (one city-wide file, e.g. an agency's ledger); it drives delivery coverage.
    `history_view` marks a registry: each week's file is the register as of that week (no event
    date), a row is a version of its key, and the loader keeps `staging.<history_view>` (every
    version with valid_from/valid_to) and `staging.<name>_current` (the latest versions)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    tag: str = Field(pattern=r"^[a-z]{2,8}$")
    title: Title
    expected_from: Literal["districts", "city"] = "districts"
    cadence: Literal["weekly", "monthly"] = "weekly"  # monthly: due in the week a month ends
    key: tuple[str, ...]
    event_date: str | None
    district: str | None
    history_view: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    columns: dict[str, Column]

    @model_validator(mode="after")
    def _references_exist(self) -> Source:
        not_before = [c.not_before for c in self.columns.values()]
        for field, names in (
            ("key", self.key),
            ("event_date", [self.event_date]),
            ("district", [self.district]),
            ("not_before", not_before),
        ):
            for name in names:
                if name is not None and name not in self.columns:
                    raise ValueError(f"{field} names unknown column {name!r}")
        if self.history_view and self.event_date:
            raise ValueError(
                "a registry (history_view) has no event date: a file is as of its week"
            )
        return self

    def due_in(self, monday: dt.date) -> bool:
        """Whether a delivery is due in the week starting `monday` (monthly: a month ends in it)."""
        sunday = monday + dt.timedelta(days=6)
        return (
            self.cadence == "weekly"
            or sunday.month != monday.month
            or sunday.day == 31
            or ((sunday + dt.timedelta(days=1)).day == 1)
        )

    @property
    def required_columns(self) -> list[str]:
        return [name for name, col in self.columns.items() if col.required]

    @property
    def pii_columns(self) -> list[str]:
        return [name for name, col in self.columns.items() if col.pii]

    def header_aliases(self) -> dict[str, str]:
        """Every accepted header (English and Chinese) mapped to its English column name."""
        aliases = {name: name for name in self.columns}
        for name, col in self.columns.items():
            aliases.update({alias: name for alias in col.zh})
        return aliases


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    sources: dict[str, Source]

    @model_validator(mode="after")
    def _tags_unique(self) -> Contract:
        tags = [s.tag for s in self.sources.values()]
        repeated = sorted({t for t in tags if tags.count(t) > 1} | ({"meta"} & set(tags)))
        if repeated:
            raise ValueError(f"source tags repeated or reserved: {repeated}")
        return self

    @model_validator(mode="after")
    def _references_are_registries(self) -> Contract:
        """A `references` column names a registry source with a one-column key."""
        for name, source in self.sources.items():
            for column, spec in source.columns.items():
                target = self.sources.get(spec.references) if spec.references else None
                if spec.references and (
                    target is None or not target.history_view or len(target.key) != 1
                ):
                    raise ValueError(
                        f"{name}.{column} references {spec.references!r}, "
                        "which is not a registry source with a one-column key"
                    )
        return self

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.sources)

    def by_tag_or_name(self, token: str) -> Source | None:
        return self.sources.get(token) or next(
            (s for s in self.sources.values() if s.tag == token), None
        )


class District(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    zh: str
    en: str
    slug: str


class Reference(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    all_beijing: dict[str, str]
    districts: tuple[District, ...]
    provinces: dict[str, str]
    subdistricts: dict[str, tuple[str, ...]] = {}

    @property
    def district_codes(self) -> list[str]:
        return [d.code for d in self.districts]

    def district_by_slug_or_code(self, token: str) -> District | None:
        token = token.lower()
        for district in self.districts:
            if token in (district.code, district.slug):
                return district
        return None


def _load_yaml(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path}: cannot be read: {exc}") from exc


def _name_location(data: object, loc: tuple) -> str:
    """`measures[M10].indicators[M10.satisfaction].kind` rather than `measures.9.indicators.3.kind`."""
    text, node = "", data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
            text += f"[{node.get('id', part) if isinstance(node, dict) else part}]"
        else:
            node = node.get(part) if isinstance(node, dict) else None
            text += f".{part}" if text else str(part)
    return text


def describe_validation_error(path: Path, exc: ValidationError, data: object = None) -> str:
    """One line per problem, naming the entry and field (`measures[M04].indicators[M04.x].kind`)."""
    lines = [f"{path}: {exc.error_count()} problem(s)"]
    for error in exc.errors():
        lines.append(f"  {_name_location(data, error['loc'])}: {error['msg']}")
    return "\n".join(lines)


def load_validated(model: type[ModelT], path: Path) -> ModelT:
    """A YAML data file validated into its model; CatalogError naming entry and field if not."""
    data = _load_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(describe_validation_error(path, exc, data)) from exc


def load_contract(path: Path | None = None) -> Contract:
    """The validated input contract (`<catalog dir>/contract.yaml` unless a path is given)."""
    return _load_contract(path or settings.catalog_dir() / "contract.yaml")


@cache
def _load_contract(path: Path) -> Contract:
    contract = load_validated(Contract, path)
    for name, source in contract.sources.items():
        object.__setattr__(source, "name", name)
    return contract


def source_names() -> tuple[str, ...]:
    """Every source of the contract, in contract order: the one list of sources."""
    return load_contract().names


def load_reference(path: Path | None = None) -> Reference:
    return _load_reference(path or settings.catalog_dir() / "reference.yaml")


@cache
def _load_reference(path: Path) -> Reference:
    return load_validated(Reference, path)
