"""The implementation reports: HTML, PDF and XLSX, Chinese (default) and English.

Entry point: `reports.render.render_reports(conn, week, out_dir, langs=("zh",),
formats=("html", "pdf", "xlsx"), chromium=None) -> {path: {"bytes", "pages" | "rows"}}`, used by
the Dagster asset `reports/implementation_report` (reports/definitions.py) and by `pmon report`.
Files land in `<data dir>/reports/<YYYY-Www>/report.<fmt>` (English: `report.en.<fmt>`).

Reports read only the marts (`marts.indicator_weekly`, `measure_status`, `data_delivery`,
`milestone_notes`) and `dq.results`, through the SQL in `reports/sql/`; suppressed district
figures are nulled in that SQL, so no renderer ever holds them. The content model is built once
per language (`reports.context.build_context`) and every format renders from it.
"""
