"""The generator's `--dirty` defects, each caught by the rule meant for it, in `pmon check`'s
pre-check (contract + suite on the clerk's file)."""

import json
from collections import defaultdict
from pathlib import Path

import pytest

from pipelines.settings import SOURCES
from quality_checks.precheck import precheck, render

# what the pre-check must say for a file holding each kind of defect
MEANT_FOR = {
    "uscc_check_char": ("check_character]",),
    "resident_id_check_digit": ("[worker_id_check_digit]",),
    "unknown_district": ("unknown district", "[district_code_in_set]"),
    "impossible_date": ("impossible date",),
    "future_date": ("_not_after_week]",),
    "negative_hours": ("[hours_in_range]",),
    "duplicate_key": ("duplicate key",),
    "missing_required_column": ("missing required column",),
    "not_a_table": ("file rejected",),
    "html_in_name": ("[name_no_markup]",),
    "empty_file": ("no data rows",),
}
# kinds only the warehouse can see (orphans, a file delivered twice) or that must load fine
ELSEWHERE = {"orphan_enterprise", "duplicate_file", "gb18030_encoding"}


def _entries(manifest) -> list[dict]:
    if isinstance(manifest, list):
        return manifest
    return manifest.get("defects") or manifest.get("injected") or []


def _locate(out: Path, entry: dict) -> Path:
    name = entry.get("file") or entry.get("path") or entry.get("source_file")
    for candidate in (out / name, out / "inbox" / name, Path(name)):
        if candidate.is_file():
            return candidate
    matches = [p for p in out.rglob(Path(name).name) if p.is_file()]
    assert len(matches) == 1, f"cannot find {name} under {out}"
    return matches[0]


def _source(path: Path) -> str:
    return next(part for part in reversed(path.parts) if part in SOURCES)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, list[dict]]:
    try:
        from pipelines.generator import generate
    except ImportError as exc:
        pytest.fail(f"pipelines.generator is missing ({exc}): it lands with the generator issue")
    out = tmp_path_factory.mktemp("gen")
    generate(out, scale="small", weeks=2, seed=1, dirty=0.05)
    manifest = json.loads(next(out.rglob("manifest.json")).read_text(encoding="utf-8"))
    return out, _entries(manifest)


def test_every_defect_kind_is_injected(generated):
    kinds = {e["kind"] for e in generated[1]}
    assert set(MEANT_FOR) | ELSEWHERE <= kinds, sorted(set(MEANT_FOR) | ELSEWHERE - kinds)


def test_each_defect_fails_the_rule_meant_for_it(generated):
    out, entries = generated
    by_file: dict[Path, set[str]] = defaultdict(set)
    for entry in entries:
        if entry["kind"] in MEANT_FOR or entry["kind"] == "gb18030_encoding":
            by_file[_locate(out, entry)].add(entry["kind"])
    missed = []
    for path, kinds in sorted(by_file.items()):
        result = precheck(path, _source(path), None, b"test-key")
        text = render(result, limit=1_000_000)
        for kind in kinds - {"gb18030_encoding"}:
            if not any(says in text for says in MEANT_FOR[kind]):
                missed.append((path.name, kind))
        if kinds - {"gb18030_encoding", "empty_file", "html_in_name"}:
            assert not result.ok, path
        if "gb18030_encoding" in kinds:
            assert "file rejected" not in text, text  # a Chinese-desktop encoding still reads
    assert missed == []
