"""`--dirty RATE`: defects injected into the text rows, each recorded in the manifest.

Every kind appears at least once whenever RATE > 0 (a pending kind goes into the first file
that can carry it); RATE is the share of rows given a row-level defect. A file that gets a
file-level defect carries no row defects, so each manifest entry's `expected` outcome holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from core.identifiers import USCC_CHARSET, make_usccs

EXPECTED = {
    "uscc_check_char": "quarantine",
    "resident_id_check_digit": "quarantine",
    "unknown_district": "quarantine",
    "impossible_date": "quarantine",
    "future_date": "quarantine",
    "negative_hours": "quarantine",
    "duplicate_key": "quarantine",
    "duplicate_file": "file_unchanged",
    "missing_required_column": "file_rejected",
    "gb18030_encoding": "loads",
    "not_a_table": "file_rejected",
    "html_in_name": "loads",
    "empty_file": "validation_warning",
    "orphan_enterprise": "validation_warning",
}
ROW_KINDS = {
    "enterprises": ("uscc_check_char", "unknown_district", "impossible_date", "duplicate_key", "html_in_name"),
    "training": ("uscc_check_char", "resident_id_check_digit", "impossible_date", "future_date",
                 "negative_hours", "duplicate_key", "orphan_enterprise"),
    "insurance": ("uscc_check_char", "resident_id_check_digit", "impossible_date", "future_date",
                  "duplicate_key", "orphan_enterprise"),
    "complaints": ("uscc_check_char", "unknown_district", "impossible_date", "future_date", "duplicate_key"),
    "placements": ("uscc_check_char", "resident_id_check_digit", "unknown_district", "impossible_date",
                   "future_date", "duplicate_key", "orphan_enterprise"),
}  # fmt: skip
FILE_SOURCES = ("training", "insurance", "complaints", "placements")
FILE_KINDS = ("missing_required_column", "empty_file", "duplicate_file")
EVENT_DATE = {"enterprises": "registered_on", "training": "completed_on", "insurance": "start_on",
              "complaints": "received_on", "placements": "placed_on"}  # fmt: skip
UNIQUE_KEY = {"enterprises": "uscc", "training": "record_id", "insurance": "record_id",
              "complaints": "complaint_id", "placements": "placement_id"}  # fmt: skip
DROPPED = {"training": "course", "insurance": "insurance_type", "complaints": "category",
           "placements": "channel", "enterprises": "status"}  # fmt: skip
HTML_NAMES = ("<script>alert(1)</script>", "<b>{name}</b>")
UNKNOWN_DISTRICT = "110199"


@dataclass
class Dirt:
    rng: np.random.Generator
    rate: float
    registry: set[str]
    single_week: bool = False
    pending: set[str] = field(default_factory=lambda: set(EXPECTED))
    defects: list[dict] = field(default_factory=list)
    # the week index file-level defects go into (None: the first file that can carry one after
    # the first week); the demo puts its one rejected file in its latest week
    file_week: int | None = None

    def __post_init__(self) -> None:
        unknown = sorted(self.pending - set(EXPECTED))
        if unknown:
            raise ValueError(f"unknown defect kind(s) {unknown}; use some of {sorted(EXPECTED)}")
        self.allowed = frozenset(self.pending)

    def record(
        self, kind: str, source: str, file: str, row: int | None, column: str | None
    ) -> None:
        self.pending.discard(kind)
        self.defects.append(
            {"kind": kind, "source": source, "file": file, "row_number": row,
             "column": column, "expected": EXPECTED[kind]}
        )  # fmt: skip

    def file_defect(self, source: str, n_rows: int, index: int) -> str | None:
        """A file-level defect for this delivery, if one is still pending.

        Never on tiny files, the registry or milestones, nor in the first week (when a run has
        more): a rejected first registry would hide a district's enterprises all run long.
        """
        if source not in FILE_SOURCES or n_rows < 3 or (index == 0 and not self.single_week):
            return None
        if self.file_week is not None and index != self.file_week:
            return None
        for kind in FILE_KINDS:
            if kind in self.pending:
                self.pending.discard(kind)
                return kind
        return None

    def rows(self, source: str, file: str, frame: pl.DataFrame, monday: dt.date) -> pl.DataFrame:
        """Row-level defects: ~RATE of the rows, plus any pending kind this source can carry."""
        kinds = tuple(k for k in ROW_KINDS.get(source, ()) if k in self.allowed)
        n = frame.height
        if not kinds or n < 2:
            return frame
        count = min(self.rng.binomial(n, self.rate), n - 1)
        forced = [k for k in kinds if k in self.pending]
        rows = np.sort(
            self.rng.choice(np.arange(1, n), size=min(count + len(forced), n - 1), replace=False)
        )
        chosen = forced + list(self.rng.choice(kinds, size=max(rows.size - len(forced), 0)))
        order = self.rng.permutation(rows.size)
        edits: dict[str, dict[int, str]] = {}
        dirty_rows = set(rows.tolist())
        for row, kind in zip(rows[order].tolist(), chosen[: rows.size], strict=False):
            broken = self._apply(kind, source, frame, row, dirty_rows, monday)
            if broken is not None:
                column, value = broken
                edits.setdefault(column, {})[row] = value
                self.record(kind, source, file, row + 2, column)
        return frame.with_columns(
            frame[name].scatter(list(cells), list(cells.values())) for name, cells in edits.items()
        )

    def _apply(self, kind, source, frame, row, dirty_rows, monday) -> tuple[str, str] | None:
        """The (column, broken value) for one row, or None when this row cannot carry the kind."""
        rng = self.rng
        if kind == "uscc_check_char":
            column = "uscc" if source == "enterprises" else "enterprise_uscc"
            value = frame[column][row]
            if not value:
                return None
            last = USCC_CHARSET.index(value[17])
            return column, value[:17] + USCC_CHARSET[(last + int(rng.integers(1, 31))) % 31]
        if kind == "resident_id_check_digit":
            value = frame["worker_id"][row]
            alphabet = "0123456789X"
            return "worker_id", value[:17] + alphabet[
                (alphabet.index(value[17]) + int(rng.integers(1, 11))) % 11
            ]
        if kind == "unknown_district":
            return "district_code", UNKNOWN_DISTRICT
        if kind == "impossible_date":
            column = EVENT_DATE[source]
            return column, f"{monday.year}-02-30"
        if kind == "future_date":
            column = EVENT_DATE[source]
            later = monday + dt.timedelta(days=6 + int(rng.integers(1, 21)))
            return column, later.isoformat()
        if kind == "negative_hours":
            return "hours", f"-{rng.integers(1, 40)}.0"
        if kind == "html_in_name":
            template = HTML_NAMES[int(rng.integers(0, 2))]
            return "name", template.format(name=frame["name"][row])
        if kind == "orphan_enterprise":
            code = make_usccs(rng, 1, np.array([110108]))[0]
            if code in self.registry:
                return None
            return "enterprise_uscc", str(code)
        if kind == "duplicate_key":
            key = UNIQUE_KEY[source]
            for earlier in rng.integers(0, row, size=20).tolist():
                if earlier not in dirty_rows:
                    return key, frame[key][earlier]
            return None
        raise ValueError(kind)


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
PROSE = (
    "各位同事：\n本周培训数据因系统升级暂缓报送，下周一并补报。\n"
    "如有疑问请联系区商务局生活服务业科。\n谢谢！\n"
).encode()


def rng_for(seed: int, *parts: int) -> np.random.Generator:
    return np.random.default_rng([seed, 9, *parts])
