"""Masking free text: a column in which no value holds a digit run skips the masking passes,
and comes out exactly as if they had all run."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import example, given
from hypothesis import strategies as st

from assets.ingest import rules
from core.contract import load_contract
from core.masking import mask_expr, may_hold_runs

# digits (full-width too), what joins or separates them, invisible and other format characters
ALPHABET = "0123456789０１X x-a中\u200b\u2066\ufeff\u00ad"
TEXTS = st.lists(st.text(alphabet=ALPHABET, max_size=24), min_size=1, max_size=5)
RUN_EXAMPLES = [
    ["123456X"],  # six digits and an X: the shortest run masked
    ["123 4567 8901"],  # a phone written in groups
    ["010-12345678"],
    ["123456\u20667"],  # a format character the loader removes joins a run
    ["12345６7"],
]


def _masked(values: list[str], runs: bool) -> list[str | None]:
    return (
        pl.select(mask_expr(pl.lit(pl.Series(values, dtype=pl.Utf8)), runs)).to_series().to_list()
    )


@given(TEXTS)
@example(RUN_EXAMPLES[0])
@example(RUN_EXAMPLES[1])
@example(RUN_EXAMPLES[2])
@example(["１２３４５６７"])
def test_masking_only_when_a_run_may_be_held_changes_nothing(values: list[str]):
    gate = may_hold_runs(pl.Series(values, dtype=pl.Utf8))
    assert _masked(values, runs=gate) == _masked(values, runs=True)


def test_every_kind_of_run_opens_the_gate():
    for values in RUN_EXAMPLES:
        assert may_hold_runs(pl.Series(values)), values
    assert not may_hold_runs(pl.Series(["海淀区 12345 号", "2026-11-01", "12 34", None]))


@given(TEXTS)
@example(RUN_EXAMPLES[3])
def test_the_loader_keeps_and_types_free_text_as_without_the_gate(values: list[str]):
    source = load_contract().sources["enterprises"]
    column = source.columns["name"]  # free text: a string that is not the key
    assert rules.is_free_text("name", column, source)
    frame = pl.DataFrame({"name": pl.Series(values, dtype=pl.Utf8)})
    args = ("name", column, source, dt.date(2026, 11, 22), b"k" * 32)
    gated = rules._derive(frame, *args)
    original, rules.may_hold_runs = rules.may_hold_runs, lambda _values: True
    try:
        every_pass = rules._derive(frame, *args)
    finally:
        rules.may_hold_runs = original
    assert gated.equals(every_pass)
