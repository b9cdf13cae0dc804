"""The table of contents, drawn from the registry: it needs no query of its own."""

from __future__ import annotations

from reports.model import Section

SECTION = Section.titled("toc", in_toc=False)
