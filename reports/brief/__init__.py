"""The leadership brief (领导版): at most two A4 pages built from the marts, never hand-written.

The same content model as the full report (reports.model: a Frame, Sections that name their
queries and build their part) with its own small section list and template: the status count,
the outcome block, 总体进展 in one sentence with numbers, 主要成效 (what moved most), 存在问题 (each
lagging measure with its gap to schedule and projection, overdue tasks, units owing reports) and
下一步工作 (the ledger's latest text per open task, or 未报送).
"""

from __future__ import annotations

from reports.brief.build import SECTIONS, brief_results, build_brief, issue_number, masthead

__all__ = ["SECTIONS", "brief_results", "build_brief", "issue_number", "masthead"]
