"""The Excel workbook, written from the content model: a contents sheet listing the report's
sections, then every sheet the sections declare, in registry order. Nothing here reads the
warehouse or knows a particular section.

Counts read `#,##0` (no dangling point), a share's week-over-week change is in percentage points
(style `pp`: the cell holds points, e.g. 2.0 for +2 pp), and every sheet prints on A4 landscape,
one page wide, its title and header rows repeated on every page, page numbers in the footer; the
internal edition's 内部资料 and sample data's 样例数据 head every sheet and every printed page."""

from __future__ import annotations

from pathlib import Path

from reports.i18n import STATUS_COLOURS
from reports.model import BuiltSection, Cell, Report, Sheet

NUMBER_FORMATS = {
    "percent": "0.0%",
    "decimal": "#,##0.00",
    "score": "#,##0.00",
    "days": "#,##0.0",
    "amount": "#,##0.00",
    "count": "#,##0",
}
A4 = 9  # Excel's paper size code
FIRST_ROW = 3  # title on row 0, header on row 2


def _formats(book, points: str) -> dict:
    """Every cell style a Sheet may name: number formats (`pp`: percentage points, `points` the
    word), status fills, title and header."""
    formats = {name: book.add_format({"num_format": f}) for name, f in NUMBER_FORMATS.items()}
    pp = f'" {points}"'
    formats["pp"] = book.add_format({"num_format": f"+0.0{pp};-0.0{pp};0.0{pp}"})
    formats["title"] = book.add_format({"bold": True, "font_size": 13})
    formats["header"] = book.add_format({"bold": True, "bg_color": "#F3F4F6", "bottom": 1})
    for status, colour in STATUS_COLOURS.items():
        formats[f"status_{status}"] = book.add_format({"bg_color": colour, "font_color": "#FFFFFF"})
    return formats


def _write_cell(worksheet, row: int, col: int, cell: Cell, formats: dict) -> None:
    style = formats.get(cell.style) if cell.style else None
    if cell.link:
        worksheet.write_url(row, col, f"internal:'{cell.link}'!A1", style, string=str(cell.value))
    elif isinstance(cell.value, str):
        worksheet.write_string(row, col, cell.value, style)
    elif cell.value is not None:
        worksheet.write_number(row, col, cell.value, style)


def _write_sheet(
    worksheet, sheet: Sheet, formats: dict, mark: str | None = None, page: str = "&P / &N"
) -> None:
    """One sheet; `mark` (the internal edition's 内部资料, sample data's 样例数据) heads it on
    screen and on every printed page."""
    title = f"{mark} · {sheet.title}" if mark else sheet.title
    worksheet.write(0, 0, title, formats["title"])
    if mark:
        worksheet.set_header(f"&C{mark}")
    worksheet.set_footer(f"&L{mark or ''}&R{page}" if mark else f"&R{page}")
    worksheet.set_paper(A4)
    worksheet.set_landscape()
    worksheet.fit_to_pages(1, 0)  # one page wide, as many tall as the rows need
    worksheet.repeat_rows(0, FIRST_ROW - 1)  # the title and the header on every printed page
    for col, label in enumerate(sheet.header):
        worksheet.write(FIRST_ROW - 1, col, label, formats["header"])
    for offset, cells in enumerate(sheet.rows):
        for col, cell in enumerate(cells):
            _write_cell(worksheet, FIRST_ROW + offset, col, cell, formats)
    last = FIRST_ROW + len(sheet.rows) + 1  # one blank row between the data and its notes
    for offset, note in enumerate(sheet.notes):
        worksheet.write_string(last + offset, 0, note)
    for col, width in enumerate(sheet.widths):
        worksheet.set_column(col, col, width)
    worksheet.freeze_panes(FIRST_ROW, sheet.frozen_columns)
    last_data = max(FIRST_ROW + len(sheet.rows) - 1, FIRST_ROW)
    worksheet.autofilter(FIRST_ROW - 1, 0, last_data, len(sheet.header) - 1)


def contents_sheet(report: Report, built: list[tuple[BuiltSection, list[Sheet]]]) -> Sheet:
    """The workbook's table of contents: the same sections as the HTML and PDF contents, each with
    links to the sheets it fills; a section without sheets points to the HTML and PDF report."""
    t = report.frame.t
    sheets_of = {section.id: sheets for section, sheets in built}
    rows = []
    for entry in report.toc:
        names = [sheet.name for sheet in sheets_of.get(entry.id, [])]
        if not names:
            rows.append((Cell(entry.label), Cell(t("sheets_none"))))
        for index, name in enumerate(names):
            rows.append((Cell(entry.label if index == 0 else None), Cell(name, link=name)))
    return Sheet(
        name=t("toc"),
        title=f"{t('title')} · {report.frame.week_label}",
        header=(t("section"), t("sheets")),
        rows=rows,
        widths=(40, 40),
    )


def write_xlsx(report: Report, path: Path) -> int:
    """Write the workbook; returns the rows of its first data sheet (all indicators)."""
    import xlsxwriter

    built = report.sheets()
    data_sheets = [sheet for _, sheets in built for sheet in sheets]
    # in memory: the sheets' XML goes straight into the zip, not through temporary files first
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    try:
        t = report.frame.t
        formats = _formats(book, t("pp"))
        marks = [t("sample_mark")] if report.frame.sample else []
        marks += [t("internal_mark")] if report.frame.internal else []
        mark = " · ".join(marks) or None
        page = t("page", page="&P", total="&N")
        for sheet in (contents_sheet(report, built), *data_sheets):
            _write_sheet(book.add_worksheet(sheet.name), sheet, formats, mark, page)
    finally:
        book.close()
    return len(data_sheets[0].rows) if data_sheets else 0
