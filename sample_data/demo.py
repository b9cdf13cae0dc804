"""The demo's sample data: the same inbox every day, telling a year's story.

Everything here is fixed: the reference week the data ends with (2026-W47, data as of the
Monday after), the weeks (13, 2026-W35..W47; the year before them is carried by the opening
balances in the demo overlay), the seed, the share of dirty rows and the story (see `STORY`), so
`pmon demo` on any day writes a byte-identical inbox and computes identical figures. The clock is
never read.

The story of the latest week, as a monitoring year might show it: the designed lagging districts
(门头沟区, 怀柔区, 延庆区: population.LAGGING) deliver and grow slowly; about 1 % of rows break
the contract and are quarantined; one district's training file arrives without a required column
and is rejected; 延庆区 sends no placements file (未报送); 朝阳区's training file for the week
before was sent short and is corrected in the latest week (a restated week); two agency tasks are
overdue (M08.T2, M15.T1) and 市妇联 owes its reports (ledger.SILENT_UNIT). The targets the
figures are rated against are the demo overlay's (`catalog/demo_targets.yaml`), applied because
the data dir carries the sample-data marker this module writes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from core import settings
from core.partitions import iso_week, week_monday
from sample_data.core import Story, Summary, generate
from sample_data.dirt import EXPECTED

REFERENCE_WEEK = "2026-W47"  # the demo's latest week
AS_OF = dt.date(2026, 11, 23)  # data as of: the Monday after the reference week
# a quarter of weekly data, the year before it carried by the flows' opening balances (the demo
# overlay's): 52 weeks cost about five times the ~2 minutes a demo may take on a 2-core machine
WEEKS = 13
SEED = 7
DIRTY = 0.01
MANIFEST = "sample_manifest.json"  # every injected defect, under the data dir
# one rejected file (a missing required column): the file-level kinds that reject whole files
# by other means, or only warn, stay out of the demo; every row-level kind is in
DEMO_KINDS = tuple(k for k in EXPECTED if k not in {"not_a_table", "empty_file", "duplicate_file"})
STORY = Story(
    withheld=(("placements", "yanqing", -1),),
    corrected=("training", "chaoyang", -2),
    dirt_kinds=DEMO_KINDS,
    file_defects_week=-1,
    task_fates=(
        # overdue at the reference week: due 2026-10-31 and 2026-09-30, not done
        ("M08.T2", "stuck"),
        ("M15.T1", "stuck"),
        # the other tasks due by then are done, early or late
        ("M04.T1", "done"),
        ("M05.T2", "done_late"),
        ("M06.T1", "done"),
        ("M07.T1", "done"),
        ("M12.T1", "done"),
        ("M16.T1", "done"),
        ("M20.T1", "done"),
        ("M21.T1", "done"),
        # staged tasks past their first stage: on schedule for it
        ("M02.T1", "done"),
        ("M08.T1", "done"),
        ("M13.T1", "done"),
        ("M22.T2", "done"),
    ),
)


def start(weeks: int = WEEKS) -> dt.date:
    """The first week's Monday of a demo of `weeks` weeks ending with the reference week."""
    return week_monday(REFERENCE_WEEK) - dt.timedelta(weeks=weeks - 1)


def generate_demo(base: Path, weeks: int = WEEKS, seed: int = SEED) -> Summary:
    """The demo's inbox under the data dir `base`, and its sample-data marker; the corrections
    the story holds back are in the summary, for `deliver_corrections` after a first run."""
    if weeks < 2:
        raise ValueError("the demo needs at least 2 weeks (its correction restates the one before)")
    summary = generate(
        settings.inbox_dir(base), scale="small", weeks=weeks, start=start(weeks), seed=seed,
        dirty=DIRTY, story=STORY,
    )  # fmt: skip
    assert summary.weeks[-1] == REFERENCE_WEEK == iso_week(AS_OF - dt.timedelta(days=1))
    # the defect manifest lives beside the inbox, not in it (no source folder holds it)
    settings.inbox_dir(base).joinpath("manifest.json").replace(base / MANIFEST)
    mark_sample_data(base)
    return summary


def mark_sample_data(base: Path, scale: str = "small") -> None:
    """The data dir's marker: reports say 样例数据 / SAMPLE DATA, and the catalog takes the demo
    overlay's targets when they are sized for this `scale` (core.catalog.load_catalog)."""
    settings.sample_data_marker(base).write_text(
        f"scale: {scale}\n"
        "Sample data written by the generator (pmon demo / pmon generate): every figure in this\n"
        "data dir is synthetic. 本数据目录为生成的样例数据。\n",
        encoding="utf-8",
    )


def deliver_corrections(base: Path, summary: Summary) -> list[str]:
    """Put the held-back corrections into the inbox, as a district resending a file would."""
    inbox = settings.inbox_dir(base)
    for rel, data in sorted(summary.corrections.items()):
        (inbox / rel).write_bytes(data)
    return sorted(summary.corrections)
