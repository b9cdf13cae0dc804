"""Great Expectations' Data Docs site, kept across checks and rendered with templates compiled
once per process.

Every check validates in an ephemeral context of its own, whose stores hold only its own results.
GX's index builder deletes every page whose result is not in the context's store, so each check
deleted the pages of all the checks before it; the index builder here keeps them (every validated
source-week keeps its page). GX's views made a new Jinja environment for every check, which
compiled GX's templates again, a fixed cost of every weekly run; the views here are GX's own
(same templates, filters and pages) on one shared bytecode cache. The site config names them
(`quality_checks.validate`).
"""

from __future__ import annotations

from great_expectations.render.renderer.site_builder import DefaultSiteIndexBuilder
from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class _CompiledTemplates(BytecodeCache):
    """Jinja's bytecode cache in memory: compiled code by template name and source checksum
    (a changed template compiles again)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED = _CompiledTemplates()


class PageView(DefaultJinjaPageView):
    """GX's page view (suites, validation results) on the shared compiled templates."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.env.bytecode_cache = COMPILED


class IndexPageView(DefaultJinjaIndexPageView):
    """GX's index page view on the shared compiled templates."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.env.bytecode_cache = COMPILED


class SiteIndexBuilder(DefaultSiteIndexBuilder):
    """GX's index builder, except that it keeps the pages of results other checks validated."""

    def build(self, skip_and_clean_missing: bool = False, build_index: bool = True):
        return super().build(skip_and_clean_missing=skip_and_clean_missing, build_index=build_index)
