"""`generate()`: a realistic inbox of weekly deliveries, streamed week by week.

Layout (the contract's inbox): `<out>/<source>/<YYYY-Www>/<district slug>.<csv|xlsx>` for the
five district sources, `<out>/milestones/<YYYY-Www>/<agency slug>.csv` for agencies (the task ledger), the worker
register `<out>/workers/<YYYY-Www>/<district slug>.*`, the month's order statistics
`<out>/orders/<YYYY-Www>/commerce.csv` in the week a month ends, and
`<out>/manifest.json` when defects were injected. The same seed gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from core.contract import load_contract, load_reference
from core.partitions import iso_week, week_monday
from sample_data import flows
from sample_data.dirt import DROPPED, EXPECTED, PDF_BYTES, PROSE, Dirt, rng_for
from sample_data.files import Style, as_text, write_table
from sample_data.ledger import AGENCY_SLUGS, agency_files, ledger, week_ledger
from sample_data.population import DISTRICT_SHARE, LAGGING, make_enterprises, make_workers
from sample_data.register import Register, month_end_in_week, orders

FORMATS = ("csv", "csv-gb18030", "xlsx")
FORMAT_WEIGHT = {"csv": 0.55, "csv-gb18030": 0.2, "xlsx": 0.25}
FLOW_SOURCES = ("training", "insurance", "placements")


@dataclass(frozen=True)
class Scale:
    enterprises: int
    workers: int
    rates: flows.Rates  # rows a week, all Beijing, at the run's end

    # Beijing's rates are set so a year lands near the catalog's illustrative targets: some
    # indicators on track, some at risk, a few off track (small is denser, for demos).


SCALES = {
    "small": Scale(300, 5_000, flows.Rates(training=260, insurance=420, complaints=60, placements=120)),
    "beijing": Scale(6_000, 300_000, flows.Rates(training=1_400, insurance=45_000, complaints=280, placements=380)),
    "national": Scale(120_000, 3_000_000, flows.Rates(training=28_000, insurance=900_000, complaints=5_600, placements=7_600)),
}  # fmt: skip


@dataclass
class Summary:
    out: Path
    scale: str
    seed: int
    start: dt.date
    weeks: list[str]  # ISO weeks, oldest first
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    defects: int = 0
    seconds: float = 0.0
    # a story's corrections, held back: inbox path -> the file's bytes, delivered after a first run
    corrections: dict[str, bytes] = field(default_factory=dict)

    def __str__(self) -> str:
        rows = ", ".join(f"{source} {count:,}" for source, count in self.rows.items())
        dirt = f", {self.defects} defects (manifest.json)" if self.defects else ""
        return (
            f"{self.scale} scale, {len(self.weeks)} weeks {self.weeks[0]}..{self.weeks[-1]}, "
            f"{self.files} files, rows: {rows}{dirt}, in {self.seconds:.1f} s -> {self.out}"
        )


@dataclass(frozen=True)
class Story:
    """What a demo adds to a plain run, week indices counted from the end (-1: the last week):
    deliveries a district never sent, one delivery first sent short and corrected later (the full
    file is held back in `Summary.corrections`, for a second run to find), the defect kinds
    allowed and the week that carries the file-level ones, and the task ledger's fates."""

    withheld: tuple[tuple[str, str, int], ...] = ()  # (source, district slug, week index)
    corrected: tuple[str, str, int] | None = None  # (source, district slug, week index)
    dirt_kinds: tuple[str, ...] | None = None  # None: every kind
    file_defects_week: int | None = None  # None: the first file that can carry one
    task_fates: tuple[tuple[str, str], ...] = ()  # (task id, fate of ledger.FATES)


def beijing_today() -> dt.date:
    """Today in Beijing: the clock `pmon generate` counts back from (never the demo)."""
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()


def default_start(weeks: int, today: dt.date | None = None) -> dt.date:
    """The Monday such that the run ends with the last complete week."""
    today = today or beijing_today()
    last_complete = week_monday(today) - dt.timedelta(days=7)
    return last_complete - dt.timedelta(days=7 * (weeks - 1))


def _styles(seed: int, n: int, formats: tuple[str, ...], dirty: bool) -> list[Style]:
    """Each district's format and header language, fixed for the run."""
    rng = np.random.default_rng([seed, 5])
    weights = np.array([FORMAT_WEIGHT[f] for f in formats])
    chosen = [formats[i] for i in rng.choice(len(formats), size=n, p=weights / weights.sum())]
    chinese = rng.random(n) < 0.35
    if dirty and "csv-gb18030" not in chosen:
        chosen[n // 2] = "csv-gb18030"  # a GB18030 delivery is one of the defect kinds
    return [Style(f, bool(c) or f == "csv-gb18030") for f, c in zip(chosen, chinese, strict=True)]


class _Writer:
    """Writes deliveries, counts rows and files, and applies the dirt."""

    def __init__(self, out: Path, dirt: Dirt | None, story: Story, weeks: int) -> None:
        self.out, self.dirt = out, dirt
        self.contract = load_contract()
        self.rows: dict[str, int] = {}
        self.files = 0
        self.withheld = {(s, slug, i % weeks) for s, slug, i in story.withheld}
        self.corrected = None
        if story.corrected is not None:
            source, slug, i = story.corrected
            self.corrected = (source, slug, i % weeks)
        self.corrections: dict[str, bytes] = {}

    def deliver(
        self,
        source: str,
        week: str,
        name: str,
        frame: pl.DataFrame,
        style: Style,
        monday,
        index: int,
    ) -> None:
        if (source, name, index) in self.withheld:
            return
        spec = self.contract.sources[source]
        text = as_text(frame, spec, style.chinese)
        rel = f"{source}/{week}/{name}.{style.extension}"
        if (source, name, index) == self.corrected:
            self._short_then_corrected(rel, text, spec, style)
            return
        kind = self.dirt.file_defect(source, text.height, index) if self.dirt else None
        if self.dirt and kind is None:
            text = self.dirt.rows(source, rel, text, monday)
        if kind == "empty_file":
            text = text.head(0)
        if kind == "missing_required_column":
            text = text.drop(DROPPED[source])
        path = self.out / rel
        write_table(path, text, spec, style)
        self.files += 1
        self.rows[source] = self.rows.get(source, 0) + text.height
        if self.dirt is None:
            return
        if kind == "duplicate_file":
            copy = f"{source}/{week}/{name}_copy.{style.extension}"
            shutil.copyfile(path, self.out / copy)
            self.files += 1
            self.dirt.record(kind, source, copy, None, None)
        elif kind is not None:
            self.dirt.record(
                kind,
                source,
                rel,
                None,
                DROPPED[source] if kind == "missing_required_column" else None,
            )
        if (
            style.fmt == "csv-gb18030"
            and kind is None
            and text.height
            and "gb18030_encoding" in self.dirt.pending
        ):
            self.dirt.record("gb18030_encoding", source, rel, None, None)

    def _short_then_corrected(self, rel: str, text: pl.DataFrame, spec, style: Style) -> None:
        """The delivery as first sent, a fifth of its rows missing, and its correction (the whole
        file under the same name) held back; no defects in either, so the change is the rows."""
        path = self.out / rel
        write_table(path, text, spec, style)
        self.corrections[rel] = path.read_bytes()
        short = text.head(text.height - max(text.height // 5, 1))
        write_table(path, short, spec, style)
        self.files += 1
        self.rows[spec.name] = self.rows.get(spec.name, 0) + short.height

    def not_a_table(self, source: str, week: str, slug: str) -> None:
        for name, body in ((f"{slug}_scan.xlsx", PDF_BYTES), (f"{slug}_notes.csv", PROSE)):
            rel = f"{source}/{week}/{name}"
            (self.out / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.out / rel).write_bytes(body)
            self.files += 1
            self.dirt.record("not_a_table", source, rel, None, None)


def _complaint_counts(rng, mean, perf, index: int, spikes: set[tuple[int, int]]) -> np.ndarray:
    counts = flows.district_counts(rng, mean, DISTRICT_SHARE, perf)
    for district, week in spikes:
        if week == index:
            counts[district] = counts[district] * 4 + 5
    return np.maximum(counts, 1)


def _deliver_register_and_orders(
    writer: _Writer, register: Register, enterprises, workers, districts, styles, rng,
    monday: dt.date, index: int, share: float,
) -> None:  # fmt: skip
    """The week's register file per district, and the month's order statistics (a city-wide
    file) in the week a month ends."""
    week, codes = iso_week(monday), [d.code for d in districts]
    frame = register.rows(register.changes(rng, index, len(districts)), enterprises, codes)
    parts = frame.partition_by("_district", as_dict=True)
    for d, district in enumerate(districts):
        part = parts.get((d,), frame.head(0))
        writer.deliver("workers", week, district.slug, part, styles[d], monday, index)
    month_end = month_end_in_week(monday)
    if month_end is not None:
        stats = orders(rng, month_end, workers, codes, 0.9 + 0.1 * share)
        writer.deliver("orders", week, "commerce", stats, Style("csv", False), monday, index)


def generate(
    out: Path,
    scale: str = "small",
    weeks: int = 12,
    start: dt.date | None = None,
    seed: int = 7,
    dirty: float = 0.0,
    formats: tuple[str, ...] = FORMATS,
    story: Story | None = None,
) -> Summary:
    """Write `weeks` weekly deliveries from `start` (a Monday) into `out`; see the module doc."""
    began = time.perf_counter()
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: use one of {', '.join(SCALES)}")
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"unknown format(s) {bad}: use some of {', '.join(FORMATS)}")
    if not 0 <= dirty <= 1:
        raise ValueError("dirty must be a rate between 0 and 1")
    start = start or default_start(weeks)
    if start.weekday() != 0:
        raise ValueError(f"start {start} is not a Monday")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    reference = load_reference()
    districts = reference.districts
    codes = [d.code for d in districts]
    subdistricts = [
        reference.subdistricts.get(d.code) or tuple(f"{d.zh}第{i}街道" for i in range(1, 9))
        for d in districts
    ]
    params = SCALES[scale]
    pop_rng = np.random.default_rng([seed, 0])
    n_new = max(int(params.enterprises * 0.1 * weeks / 52), 1)
    enterprises = make_enterprises(
        pop_rng, params.enterprises, n_new, weeks, start, codes, subdistricts
    )
    workers = make_workers(pop_rng, params.workers, enterprises, start)
    register = Register(np.random.default_rng([seed, 3]), workers, start)
    story = story or Story()
    task_ledger = ledger(seed, start + dt.timedelta(weeks=weeks), dict(story.task_fates))
    perf = np.where([d.slug in LAGGING for d in districts], 0.45, 1.0) * pop_rng.uniform(
        0.9, 1.1, len(districts)
    )
    slow = np.where([d.slug in LAGGING for d in districts], 1.8, 1.0)
    spikes = {
        (int(pop_rng.integers(0, len(districts))), int(pop_rng.integers(0, weeks)))
        for _ in range(2)
    }
    styles = _styles(seed, len(districts), tuple(formats), dirty > 0)
    registry = set(enterprises.uscc.tolist())
    dirt = None
    if dirty > 0:
        kinds = set(story.dirt_kinds) if story.dirt_kinds is not None else set(EXPECTED)
        dirt = Dirt(rng_for(seed, 0), dirty, registry, weeks == 1, kinds)
        if story.file_defects_week is not None:
            dirt.file_week = story.file_defects_week % weeks
    writer = _Writer(out, dirt, story, weeks)
    iso_weeks = []
    pending: dict[int, list[pl.DataFrame]] = {}

    for index in range(weeks):
        monday = start + dt.timedelta(days=7 * index)
        week = iso_week(monday)
        iso_weeks.append(week)
        rng = np.random.default_rng([seed, 1, index])
        factor = flows.week_factor(monday, index, weeks)
        share = index / max(weeks - 1, 1)
        if dirt is not None:
            dirt.rng = rng_for(seed, 1, index)

        frames = {"enterprises": flows.enterprise_rows(
            enterprises, flows.enterprise_changes(rng, index, enterprises, len(districts), share), codes
        )}  # fmt: skip
        for source in FLOW_SOURCES:
            mean = getattr(params.rates, source) * factor
            counts = np.maximum(flows.district_counts(rng, mean, DISTRICT_SHARE, perf), 1)
            make = getattr(flows, source)
            frames[source] = make(rng, monday, counts, workers, enterprises, codes, share, start)
        if index == 0:  # the coverage workers already had before the first monitored week
            stock = flows.insurance_stock(rng, monday, workers, enterprises, codes)
            frames["insurance"] = pl.concat([frames["insurance"], stock], how="vertical_relaxed")
        counts = _complaint_counts(rng, params.rates.complaints * factor, perf, index, spikes)
        received = flows.complaints(
            rng, monday, counts, enterprises, codes, slow, share, weeks - 1 - index
        )
        for delay, part in received.partition_by("_delay", as_dict=True).items():
            pending.setdefault(index + int(delay[0]), []).append(part)
        frames["complaints"] = pl.concat(pending.pop(index)).drop("_delay")

        for source, frame in frames.items():
            parts = frame.partition_by("_district", as_dict=True)
            for d, district in enumerate(districts):
                part = parts.get((d,))
                if part is None:
                    part = frame.head(0)
                writer.deliver(source, week, district.slug, part, styles[d], monday, index)
        for slug, frame in agency_files(week_ledger(task_ledger, monday, index == 0)):
            writer.deliver("milestones", week, slug, frame, Style("csv", False), monday, index)
        _deliver_register_and_orders(writer, register, enterprises, workers, districts, styles,
                                     np.random.default_rng([seed, 2, index]), monday, index, share)  # fmt: skip
        if dirt is not None and "not_a_table" in dirt.pending and index == min(1, weeks - 1):
            writer.not_a_table("training", week, districts[0].slug)

    summary = Summary(out, scale, seed, start, iso_weeks, writer.rows, writer.files)
    summary.corrections = writer.corrections
    if dirt is not None:
        _write_manifest(out, summary, dirt)
        summary.defects = len(dirt.defects)
    summary.seconds = time.perf_counter() - began
    return summary


def _write_manifest(out: Path, summary: Summary, dirt: Dirt) -> None:
    if dirt.pending:
        raise RuntimeError(
            f"defect kinds not injected (too few rows or weeks?): {sorted(dirt.pending)}"
        )
    manifest = {
        "seed": summary.seed, "scale": summary.scale, "weeks": len(summary.weeks),
        "start": summary.start.isoformat(), "defects": dirt.defects,
    }  # fmt: skip
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )


__all__ = [
    "AGENCY_SLUGS",
    "SCALES",
    "Story",
    "Summary",
    "beijing_today",
    "default_start",
    "generate",
]
