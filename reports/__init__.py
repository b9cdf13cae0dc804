"""The implementation reports: HTML, PDF and XLSX, Chinese (default) and English.

Entry point: `reports.render.render_reports(conn, week, out_dir, langs=("zh",),
formats=("html", "pdf", "xlsx"), chromium=None, editions=("internal", "public"))
-> {path: {"bytes", "pages" | "rows"}}`, used by
the Dagster asset `reports/implementation_report` (reports/definitions.py) and by `pmon report`.
Files land in `<data dir>/reports/<YYYY-Www>/<YYYY-Www>_report_<edition>_<lang>.<fmt>`
(edition `internal` or `public`, language `zh` or `en`).

The report is the section registry (`reports.sections.SECTIONS`), in order: each section names its
SQL (`reports/sql/`), builds its part of the content model (`reports.model.Report`, built once per
language by `reports.context.build_context`), draws it with its partial
(`templates/sections/<id>.html.j2`) and may fill workbook sheets. Every format renders from that
model; only the queries read the warehouse, and only the marts and `dq.results`. The public
edition reads `marts.indicator_public` (disclosure-controlled: hidden figures are already NULL, so
no renderer ever holds them); the internal one `marts.indicator_weekly`, every figure. The table of contents
and the report asset's deps follow the registry; source names come from the input contract.
"""
