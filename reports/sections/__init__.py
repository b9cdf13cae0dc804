"""The section registry: the report is these sections, in this order.

Adding a section is one entry here plus its files: a module with its `SECTION` (id, title,
queries, context builder, optional workbook sheets), its SQL under `reports/sql/` and its partial
`reports/templates/sections/<id>.html.j2`. The table of contents, the HTML and PDF body, the
workbook and the report asset's lineage all follow this tuple.
"""

from __future__ import annotations

from reports.model import Section
from reports.sections import cover, dq, league, measures, methodology, revisions, summary, toc

SECTIONS: tuple[Section, ...] = (
    cover.SECTION,
    toc.SECTION,
    summary.SECTION,
    measures.SECTION,
    league.SECTION,
    revisions.SECTION,
    dq.SECTION,
    methodology.SECTION,
)
