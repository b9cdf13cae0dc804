"""The synthetic data generator: determinism, layout, clean values, and an exact defect manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from assets.ingest.check import check_file
from core.contract import load_contract, load_reference
from core.identifiers import is_valid_resident_id, is_valid_uscc
from core.partitions import week_monday
from pmon.cli import main
from sample_data import Story, default_start, generate
from sample_data.ledger import ledger

START = dt.date(2026, 1, 5)
KINDS = {
    "uscc_check_char", "resident_id_check_digit", "unknown_district", "impossible_date",
    "future_date", "negative_hours", "duplicate_key", "duplicate_file", "missing_required_column",
    "gb18030_encoding", "not_a_table", "html_in_name", "empty_file", "orphan_enterprise",
}  # fmt: skip


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _read(path: Path, source: str) -> pl.DataFrame:
    """A delivered file as text, headers mapped to the contract's English names."""
    if path.suffix == ".xlsx":
        frame = pl.read_excel(path, sheet_name=source, infer_schema_length=0)
    else:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
        frame = pl.read_csv(text.encode("utf-8"), infer_schema=False)
    aliases = load_contract().sources[source].header_aliases()
    return frame.rename({h: aliases[h] for h in frame.columns if h in aliases})


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("dirty")
    summary = generate(out, scale="small", weeks=3, start=START, seed=11, dirty=0.01)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert summary.defects == len(manifest["defects"])
    return out, manifest


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    generate(out, scale="small", weeks=3, start=START, seed=5)
    return out


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path, dirty) -> None:
    out, _ = dirty
    again = tmp_path / "again"
    generate(again, scale="small", weeks=3, start=START, seed=11, dirty=0.01)
    assert _tree(again) == _tree(out)
    assert any(name.endswith(".xlsx") for name in _tree(out))  # XLSX is byte-identical too
    other = tmp_path / "other"
    generate(other, scale="small", weeks=3, start=START, seed=12, dirty=0.01)
    differing = [k for k, v in _tree(other).items() if _tree(out).get(k) != v]
    assert len(differing) > 100


def test_layout_and_headers_follow_the_contract(clean: Path) -> None:
    contract, reference = load_contract(), load_reference()
    slugs = {d.slug for d in reference.districts}
    weeks = {"2026-W02", "2026-W03", "2026-W04"}
    for source in ("enterprises", "training", "insurance", "complaints", "placements"):
        for week in weeks:
            names = sorted(p.name for p in (clean / source / week).iterdir())
            assert {n.rsplit(".", 1)[0] for n in names} == slugs, (source, week)
            assert all(n.endswith((".csv", ".xlsx")) for n in names)
    assert {p.name for p in (clean / "milestones").iterdir()} <= weeks
    styles: dict[str, set] = {}
    for path in clean.rglob("*.*"):
        source = path.parts[-3]
        spec = contract.sources[source]
        frame = _read(path, source)
        assert list(frame.columns) == [c for c in spec.columns if c in frame.columns]
        assert set(spec.required_columns) <= set(frame.columns)
        raw = path.read_bytes()[:3] if path.suffix == ".csv" else b"xlsx"
        styles.setdefault(path.stem, set()).add((path.suffix, raw))
    # Each district keeps one format; together they use all three.
    assert {s for s in styles if len({x[0] for x in styles[s]}) > 1} == set()
    assert {p.suffix for p in clean.rglob("*.*")} == {".csv", ".xlsx"}


def test_clean_output_passes_every_contract_rule(clean: Path) -> None:
    problems = []
    for path in sorted(clean.rglob("*.*")):
        check = check_file(path, path.parts[-3], None, b"test-key")
        assert check.rejection is None, check.rejection
        problems += check.problems.to_dicts()
    assert problems == []
    assert not (clean / "manifest.json").exists()


def test_workers_are_mostly_women_over_50_and_recur(clean: Path) -> None:
    ids = {
        source: pl.concat(
            [_read(p, source).select("worker_id") for p in (clean / source).rglob("*.*")]
        )["worker_id"]
        for source in ("training", "insurance", "placements")
    }
    every = pl.concat(list(ids.values())).unique()
    assert all(is_valid_resident_id(i, dt.date(2026, 1, 25)) for i in every)
    female = every.str.slice(16, 1).cast(pl.Int64) % 2 == 0
    assert 0.92 < female.mean() < 0.98
    born = every.str.slice(6, 4).cast(pl.Int64)
    assert ((2026 - born) > 50).mean() > 0.5
    shared = set(ids["training"]) & set(ids["insurance"]) & set(ids["placements"])
    assert len(shared) > 20  # the same people recur across sources: the hash must join them


def test_manifest_lists_every_kind_and_each_defect_is_there(dirty) -> None:
    out, manifest = dirty
    assert {d["kind"] for d in manifest["defects"]} == KINDS
    assert (manifest["seed"], manifest["scale"], manifest["weeks"], manifest["start"]) == (
        11, "small", 3, "2026-01-05",
    )  # fmt: skip
    reference = load_reference()
    registry = set(
        pl.concat(
            [_read(p, "enterprises").select("uscc") for p in (out / "enterprises").rglob("*.*")]
        )["uscc"]
    )
    for defect in manifest["defects"]:
        _assert_defect(out, defect, reference.district_codes, registry)


def _assert_defect(out: Path, d: dict, districts: list[str], registry: set[str]) -> None:
    path = out / d["file"]
    assert path.is_file(), d
    kind, column = d["kind"], d["column"]
    week_end = week_monday(path.parts[-2]) + dt.timedelta(days=6)
    if kind == "not_a_table":
        raw = path.read_bytes()
        assert not raw.startswith(b"PK")  # not a zip, so not an XLSX; nor a header a CSV has
        assert d["expected"] == "file_rejected"
        if path.suffix == ".csv":
            header = raw.decode("utf-8").splitlines()[0]
            assert not set(header.split(",")) & set(
                load_contract().sources[d["source"]].header_aliases()
            )
        return
    if kind == "duplicate_file":
        original = path.with_name(path.name.replace("_copy", ""))
        assert original.read_bytes() == path.read_bytes() and original != path
        return
    if kind == "gb18030_encoding":
        raw = path.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert raw.decode("gb18030").startswith(
            ("记录编号", "统一社会信用代码", "投诉编号", "对接编号")
        )
        return
    frame = _read(path, d["source"])
    if kind == "missing_required_column":
        assert column not in frame.columns and frame.height > 0
        return
    if kind == "empty_file":
        assert frame.height == 0 and frame.width > 0
        return
    value = frame[column][d["row_number"] - 2]
    if kind == "uscc_check_char":
        assert len(value) == 18 and not is_valid_uscc(value)
        assert is_valid_uscc(value[:17] + "0") or any(
            is_valid_uscc(value[:17] + c) for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"
        )
    elif kind == "resident_id_check_digit":
        assert not is_valid_resident_id(value, week_end)
        assert any(is_valid_resident_id(value[:17] + c, week_end) for c in "0123456789X")
    elif kind == "unknown_district":
        assert value not in districts
    elif kind == "impossible_date":
        with pytest.raises(ValueError):
            dt.date.fromisoformat(value)
        assert value[4] == "-" and value[7] == "-"
    elif kind == "future_date":
        assert dt.date.fromisoformat(value) > week_end
    elif kind == "negative_hours":
        assert float(value) < 0
    elif kind == "duplicate_key":
        assert value in frame[column][: d["row_number"] - 2].to_list()
    elif kind == "html_in_name":
        assert "<" in value and ">" in value and column == "name"
    elif kind == "orphan_enterprise":
        assert is_valid_uscc(value) and value not in registry
    else:
        raise AssertionError(f"unexpected kind {kind}")


def test_manifest_matches_what_the_contract_check_finds(dirty) -> None:
    """Every row the pre-check quarantines is in the manifest and vice versa; rejected files too."""
    out, manifest = dirty
    found, rejected = set(), set()
    for path in sorted(out.glob("*/*/*")):
        check = check_file(path, path.parts[-3], None, b"test-key")
        rel = str(path.relative_to(out))
        if check.rejection:
            rejected.add(rel)
        for row in check.problems.iter_rows(named=True):
            found.add((rel, row["row_number"], row["column"]))
    stated = {
        (d["file"], d["row_number"], d["column"])
        for d in manifest["defects"]
        if d["expected"] == "quarantine"
    }
    assert found == stated
    assert rejected == {d["file"] for d in manifest["defects"] if d["expected"] == "file_rejected"}


def test_cli_writes_and_refuses_bad_options(tmp_path: Path, capsys) -> None:
    out = tmp_path / "inbox"
    assert main(["generate", "--weeks", "1", "--start", "2026-03-02", "--out", str(out),
                 "--formats", "xlsx"]) == 0  # fmt: skip
    assert {p.suffix for p in out.rglob("*.*") if p.parts[-3] != "milestones"} == {".xlsx"}
    assert "1 weeks 2026-W10..2026-W10" in capsys.readouterr().out
    assert main(["generate", "--start", "2026-03-03", "--out", str(out)]) == 2
    assert main(["generate", "--formats", "pdf", "--out", str(out)]) == 2
    assert "Tuesday" not in capsys.readouterr().out


def test_default_start_ends_with_the_last_complete_week() -> None:
    # Sunday 2026-11-29: the week of 11-23 is not complete, so the run ends with the week of 11-16.
    assert default_start(12, today=dt.date(2026, 11, 29)) == dt.date(2026, 8, 31)
    assert default_start(1, today=dt.date(2026, 11, 30)) == dt.date(2026, 11, 23)


def test_a_story_restricts_the_defects_and_designs_the_task_fates(tmp_path: Path) -> None:
    kinds = ("uscc_check_char", "duplicate_key", "missing_required_column")
    story = Story(dirt_kinds=kinds, file_defects_week=-1, task_fates=(("M08.T2", "stuck"),))
    generate(tmp_path, scale="small", weeks=3, start=START, seed=11, dirty=0.01, story=story)
    defects = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["defects"]
    assert {d["kind"] for d in defects} == set(kinds)
    [rejected] = [d for d in defects if d["kind"] == "missing_required_column"]
    assert "/2026-W04/" in rejected["file"]  # the last of the three weeks
    rows = ledger(11, dt.date(2026, 12, 31), {"M08.T2": "stuck", "M15.T1": "done"})
    reported = rows.group_by("task_id").agg(pl.col("quantity").sum())
    done = dict(zip(reported["task_id"], reported["quantity"], strict=True))
    assert 0 < done["M08.T2"] < 1 and done["M15.T1"] == 10  # stuck part-way; done in full
    with pytest.raises(ValueError, match="unknown"):
        generate(
            tmp_path / "x", weeks=2, start=START, story=Story(task_fates=(("M99.T1", "done"),))
        )
