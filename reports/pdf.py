"""The PDF report: the HTML printed by Debian's Chromium through Playwright (A4, paged, vector charts).

Fonts: Chromium's PDF backend embeds CFF-outline fonts (Noto CJK) as Type 3, TrueType-outline
fonts as real CID fonts; the printable page (and its running header and footer) therefore use a
TrueType CJK font (`reports.charts.PRINT_FONT`, Debian's fonts-wqy-microhei), charts included.
A page marked `data-sample="1"` (sample data) carries 样例数据 / SAMPLE DATA in the header and
footer of every page.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reports.charts import PRINT_FONT
from reports.i18n import STRINGS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PRINT_WIDTH_PX = 680  # A4 minus 14 mm side margins, at 96 dpi: charts are drawn at print width
FOOTER = (
    '<div style="width:100%;font-size:8px;color:#6b7280;text-align:center;font-synthesis:none;'
    "font-family:'WenQuanYi Micro Hei',sans-serif\">{text}</div>"
)
SAMPLE = '<span style="color:#92400e">{mark}</span>'  # 样例数据 / SAMPLE DATA


PRINT_FAMILY = PRINT_FONT.split(",")[0].strip()  # the TrueType CJK font the print uses


def _print_font_installed() -> bool:
    """Whether fontconfig knows the TrueType CJK print font (without fontconfig: assume so)."""
    if shutil.which("fc-list") is None:
        return True
    found = subprocess.run(["fc-list", PRINT_FAMILY], capture_output=True, text=True)
    return bool(found.stdout.strip())


@contextlib.contextmanager
def browser() -> Iterator[object]:
    """A headless Chromium; pass it to render_reports to keep it warm across reports."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"{CHROMIUM} not found: apt-get install chromium fonts-noto-cjk fonts-wqy-microhei"
        )
    if not _print_font_installed():
        raise RuntimeError(
            f"未安装PDF字体 {PRINT_FAMILY} / the PDF font {PRINT_FAMILY} is not installed "
            "(without it Chinese prints as Type 3 fonts): apt-get install fonts-wqy-microhei"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _only_local(route) -> None:
    """The report is self-contained: anything but file: and data: is refused."""
    url = route.request.url
    if url.startswith(("file:", "data:", "about:")):
        route.continue_()
    else:
        route.abort()


MARK_SECTIONS = """() => {
  let marked = 0;
  for (const link of document.querySelectorAll('#toc nav a[href^="#"]')) {
    const id = link.getAttribute('href').slice(1);
    const target = document.getElementById(id);
    if (!target) continue;
    const mark = document.createElement('span');
    mark.className = 'toc-mark';
    mark.textContent = 'TOCMARK' + id + 'END';
    target.prepend(mark);
    marked += 1;
  }
  if (!marked) return 0;
  const only = document.createElement('style');  // visibility never moves a box
  only.id = 'toc-marks-only';
  only.textContent = '* { visibility: hidden !important; } .toc-mark { visibility: visible !important; }';
  document.head.append(only);
  return marked;
}"""
FILL_TOC = """(pages) => {
  document.querySelectorAll('.toc-mark, #toc-marks-only').forEach(mark => mark.remove());
  for (const [id, page] of Object.entries(pages)) {
    const link = document.querySelector('#toc nav a[href="#' + id + '"]');
    const slot = link && link.parentElement.querySelector(':scope > .pg');
    if (slot) slot.textContent = page;
  }
}"""


def _section_pages(page, options: dict, scratch: Path) -> dict[str, int]:
    """Where each section starts: a first printing with invisible marks, read back by pdftotext.

    The marks are absolutely positioned and the page-number slots keep their width, so the
    second printing lays out exactly as the first; everything but the marks is hidden
    (`visibility`, which lays out the same) so the first printing paints no charts and pdftotext
    reads only the marks. Without poppler the TOC keeps only its links; a page without contents
    (the brief) is not printed twice.
    """
    import re

    if shutil.which("pdftotext") is None or not page.evaluate(MARK_SECTIONS):
        return {}
    page.pdf(path=str(scratch), **_layout_only(options))
    text = subprocess.run(
        ["pdftotext", str(scratch), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8", errors="replace")
    scratch.unlink(missing_ok=True)
    pages: dict[str, int] = {}
    for number, page_text in enumerate(text.split("\f"), start=1):
        for section in re.findall(r"TOCMARK(\w+?)END", page_text):
            pages.setdefault(section, number)
    return pages


# what only the kept PDF needs: the outline and the tagged structure take Chromium about as long
# again as the printing itself; the running header and footer are drawn in the margins, which
# stay, so without them a page breaks where it did (checked on every section of the reports)
KEPT_ONLY = ("outline", "tagged", "display_header_footer", "header_template", "footer_template")


def _layout_only(options: dict) -> dict:
    """The first printing's options: the same paper and margins (the same layout)."""
    return {k: v for k, v in options.items() if k not in KEPT_ONLY}


@dataclass
class PrintJob:
    """A printable page on its way to a PDF: `facts` gets the PDF's `pages` once printed."""

    html_path: Path
    pdf_path: Path
    header: str
    page_label: str
    facts: dict = field(default_factory=dict)
    page: Any = None
    printable: bool = False  # the HTML is a scratch file of the printer's, removed once printed


class Printer:
    """Prints pages on a few warm tabs of one browser, the next page loading while one prints.

    Loading a report (plotly.js and some fifty charts) and printing it take Chromium about as
    long each; they run in separate renderer processes, so with two tabs a page's load overlaps
    the previous page's printing (two cores). Every PDF is printed exactly as `print_pdf` would.
    """

    def __init__(self, chromium, tabs: int = 2) -> None:
        self.chromium = chromium
        self.tabs = tabs
        self.idle: list = []
        self.contexts: list = []
        self.pending: list[PrintJob] = []

    def submit(self, job: PrintJob) -> None:
        """Start loading the job's page, then finish every earlier job while it loads."""
        job.page = self._tab()
        job.page.goto(job.html_path.resolve().as_uri(), wait_until="commit")
        self.pending.append(job)
        while len(self.pending) > self.tabs - 1:
            self._finish(self.pending.pop(0))

    def drain(self) -> None:
        """Finish every job still pending (their `facts` get their pages)."""
        while self.pending:
            self._finish(self.pending.pop(0))

    def close(self) -> None:
        """Close the tabs; a job left pending (after an error) leaves no scratch file behind."""
        for job in self.pending:
            if job.printable:
                job.html_path.unlink(missing_ok=True)
        self.pending.clear()
        for context in self.contexts:
            context.close()

    def _tab(self):
        """A tab of its own browser context (its own renderer), reused from job to job."""
        if self.idle:
            return self.idle.pop()
        context = self.chromium.new_context(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
        self.contexts.append(context)
        page = context.new_page()
        page.route("**/*", _only_local)
        page.emulate_media(media="print")
        return page

    def _finish(self, job: PrintJob) -> None:
        try:
            job.page.wait_for_load_state("load")
            _print_loaded(job.page, job.html_path, job.pdf_path, job.header, job.page_label)
        finally:
            if job.printable:
                job.html_path.unlink(missing_ok=True)
        self.idle.append(job.page)
        job.facts["pages"] = count_pages(job.pdf_path)


@contextlib.contextmanager
def printer(chromium=None, tabs: int = 2) -> Iterator[Printer]:
    """A Printer on `chromium` (a new browser when None), every job finished on a clean exit."""
    with contextlib.ExitStack() as stack:
        if chromium is None:
            chromium = stack.enter_context(browser())
        jobs = Printer(chromium, tabs)
        try:
            yield jobs
            jobs.drain()
        finally:
            jobs.close()


def print_pdf(html_path: Path, pdf_path: Path, chromium, header: str, page_label: str) -> int:
    """Print the static HTML to an A4 PDF with a running header and page numbers; returns pages."""
    job = PrintJob(html_path, pdf_path, header, page_label)
    with printer(chromium, tabs=1) as jobs:
        jobs.submit(job)
    return job.facts["pages"]


def _print_loaded(page, html_path: Path, pdf_path: Path, header: str, page_label: str) -> None:
    """Print the page once its charts are drawn: the contents' page numbers, then the PDF."""
    page.wait_for_function("document.body.dataset.charts !== undefined", timeout=60_000)
    if page.evaluate("document.body.dataset.charts") != "ready":
        raise RuntimeError(f"charts failed to draw in {html_path}")
    number = page_label.format(
        page='<span class="pageNumber"></span>', total='<span class="totalPages"></span>'
    )
    if page.evaluate("document.body.dataset.sample") == "1":
        mark = SAMPLE.format(mark=STRINGS["sample_mark"]["zh"])  # bilingual already
        header, number = f"{mark} · {header}", f"{mark} · {number}"
    options = {
        "format": "A4",
        "print_background": True,
        "display_header_footer": True,
        "header_template": FOOTER.format(text=header),
        "footer_template": FOOTER.format(text=number),
        "margin": {"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
        "outline": True,
        "tagged": True,
    }
    sections = _section_pages(page, options, pdf_path.with_suffix(".toc.pdf"))
    page.evaluate(FILL_TOC, sections)
    page.pdf(path=str(pdf_path), **options)


def count_pages(pdf_path: Path) -> int:
    """Pages in a PDF, from its page tree (no PDF library needed at runtime)."""
    import re

    data = pdf_path.read_bytes()
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", data)]
    return max(counts, default=0)
