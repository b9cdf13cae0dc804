"""The shapes of the report: a section as the registry declares it, and the content model built from it.

A section declares what it reads (SQL files under `reports/sql/`), how it turns the results into
its part of the content model (`build`), the Jinja2 partial that draws that part
(`templates/sections/<id>.html.j2`) and, where it has them, the workbook sheets it fills
(`sheets`). HTML, PDF (printed from the HTML) and XLSX all render from the built `Report`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.catalog import Catalog
from core.contract import Title
from core.partitions import iso_week
from reports.i18n import Translator, pair


@dataclass(frozen=True)
class Frame:
    """What every section knows about the report it is part of: the week, the language, the catalog."""

    week: dt.date
    lang: str
    t: Translator
    catalog: Catalog
    edition: str = "internal"
    sample: bool = False  # the data dir holds generated sample data: 样例数据 on every page
    # the issue's masthead (reports.brief.masthead): title, 第N期, date of issue, period text
    issue: Mapping[str, str] = field(default_factory=dict)

    @property
    def internal(self) -> bool:
        """The staff edition: every district's figure, marked 内部资料 on every page."""
        return self.edition == "internal"

    @property
    def week_label(self) -> str:
        return iso_week(self.week)

    def text(self, title: Title) -> str:
        """A catalog or contract title in the report's language."""
        return getattr(title, self.lang)


@dataclass(frozen=True)
class TocEntry:
    """A line of the table of contents; `status` is a badge (`{"key", "label"}`) or None."""

    id: str
    label: str
    status: dict | None = None
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class Part:
    """A section's share of the content model: what its partial and its sheets read.

    `figures` are Plotly figures by the id of the element they are drawn in; `toc` are entries
    listed under the section's own line in the table of contents.
    """

    content: dict[str, Any]
    figures: dict[str, dict] = field(default_factory=dict)
    toc: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class Cell:
    """A workbook cell: text is written as text (district codes stay text), numbers as numbers.

    `style` names a number format (`percent`, `count`, ...) or a status fill (`status_on_track`);
    `link` names a sheet of the workbook the cell links to.
    """

    value: str | float | None
    style: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a title line, a header row, data rows, then notes under the data."""

    name: str
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    notes: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()
    frozen_columns: int = 0


Builder = Callable[[Frame, Mapping[str, Any]], Part]
SheetMaker = Callable[[Frame, Mapping[str, Any]], list[Sheet]]


@dataclass(frozen=True)
class Section:
    """A registry entry. `queries` name `reports/sql/<name>.sql`; `build` receives their results
    by name. A section without `build` draws from the report frame alone (the contents page)."""

    id: str
    title: Title
    queries: tuple[str, ...] = ()
    build: Builder | None = None
    sheets: SheetMaker | None = None
    in_toc: bool = True
    editions: tuple[str, ...] = ("internal", "public")

    @property
    def template(self) -> str:
        return f"sections/{self.id}.html.j2"

    @classmethod
    def titled(cls, key: str, **fields: Any) -> Section:
        """A section whose title is the i18n string `key` (every fixed word lives in i18n.py)."""
        return cls(id=key, title=Title(**pair(key)), **fields)


@dataclass(frozen=True)
class BuiltSection:
    """A section with its part built for one week and language."""

    section: Section
    title: str
    part: Part

    @property
    def id(self) -> str:
        return self.section.id

    @property
    def template(self) -> str:
        return self.section.template

    @property
    def content(self) -> dict[str, Any]:
        return self.part.content


@dataclass(frozen=True)
class Report:
    """The content model of one week's report in one language; every format renders from it."""

    frame: Frame
    sections: tuple[BuiltSection, ...]

    @property
    def toc(self) -> list[TocEntry]:
        """The table of contents: the registry's sections in order, each with its own entries."""
        return [
            TocEntry(s.id, s.title, children=s.part.toc) for s in self.sections if s.section.in_toc
        ]

    @property
    def figures(self) -> dict[str, dict]:
        return {k: v for s in self.sections for k, v in s.part.figures.items()}

    def sheets(self) -> list[tuple[BuiltSection, list[Sheet]]]:
        """Each section that has sheets, with its sheets built from its content."""
        return [
            (s, s.section.sheets(self.frame, s.content)) for s in self.sections if s.section.sheets
        ]
