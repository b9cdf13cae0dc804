"""USCC and resident identity number checks: published examples, generated codes, vectorized == scalar."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.identifiers import (
    RESIDENT_ID_CHECK,
    USCC_CHARSET,
    is_valid_resident_id,
    is_valid_uscc,
    make_resident_ids,
    make_usccs,
    resident_id_check_digit,
    resident_id_problem_expr,
    uscc_check_char,
    uscc_problem_expr,
)

TODAY = dt.date(2026, 11, 29)


def test_published_uscc_example() -> None:
    # GB 32100-2015's worked example and a well-known real code (Huawei Technologies).
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert is_valid_uscc("91350100M000100Y43")
    assert is_valid_uscc("914403001922038216")
    assert not is_valid_uscc("91350100M000100Y44")
    assert not is_valid_uscc("91350100M000100Y4")  # 17 characters
    assert not is_valid_uscc("9135010OM000100Y43")  # O is not in the charset


def test_published_resident_id_example() -> None:
    # GB 11643-1999's example: 11010519491231002X (female born 1949-12-31 in Chaoyang).
    assert resident_id_check_digit("11010519491231002") == "X"
    assert is_valid_resident_id("11010519491231002X", TODAY)
    # The standard's other example: 440524188001010014 (born 1880, valid by check digit,
    # but this project rejects births before 1900).
    assert resident_id_check_digit("44052418800101001") == "4"
    assert not is_valid_resident_id("440524188001010014", TODAY)
    assert not is_valid_resident_id("110105194912310021", TODAY)


def test_retired_region_codes_are_valid() -> None:
    for region in ("110103", "110104", "110228"):
        body = f"{region}19650704032"
        assert is_valid_resident_id(body + resident_id_check_digit(body), TODAY)


def test_birth_date_rules() -> None:
    def with_check(body: str) -> str:
        return body + resident_id_check_digit(body)

    assert not is_valid_resident_id(with_check("11010119650230032"), TODAY)  # Feb 30
    assert not is_valid_resident_id(with_check("11010120261130032"), TODAY)  # tomorrow
    assert is_valid_resident_id(with_check("11010120261129032"), TODAY)  # today
    assert not is_valid_resident_id(with_check("11010118991231032"), TODAY)
    assert is_valid_resident_id(with_check("11010119000101032"), TODAY)


def test_problem_exprs_name_the_rule() -> None:
    frame = pl.DataFrame(
        {
            "uscc": ["91350100M000100Y43", "91350100M000100Y44", "9135010OM000100Y43", "123", None, ""],
            "rid": ["11010519491231002X", "110105194912310021", "1101051949123100XX",
                    "11010519490230002X", "11010519491231002", None],
        }
    )  # fmt: skip
    out = frame.select(
        uscc_problem_expr("uscc").alias("u"), resident_id_problem_expr("rid", TODAY).alias("r")
    )
    assert out["u"].to_list() == [
        None, "bad check character", "bad character", "bad length", None, None,
    ]  # fmt: skip
    assert out["r"].to_list() == [
        None, "bad check digit", "bad character", "bad birth date", "bad length", None,
    ]  # fmt: skip


def test_generated_codes_are_valid_and_distinct() -> None:
    rng = np.random.default_rng(3)
    usccs = make_usccs(rng, 20_000, np.full(20_000, 110108))
    assert len(set(usccs)) == 20_000
    assert all(is_valid_uscc(u) and u.startswith("91110108") for u in usccs[:2000])
    # Ten days, one region: hundreds share a birth date, so sequence numbers must be re-drawn.
    births = np.datetime64("1960-03-01") + np.arange(3000) % 10
    female = rng.random(3000) < 0.95
    ids = make_resident_ids(rng, births, np.full(3000, 110105), female)
    assert len(set(ids)) == 3000
    assert all(is_valid_resident_id(i, TODAY) and i[6:12] == "196003" for i in ids)
    assert [int(i[16]) % 2 == 0 for i in ids] == female.tolist()
    with pytest.raises(ValueError, match="more than 500"):
        make_resident_ids(rng, births[:1].repeat(501), np.full(501, 110105), np.ones(501, bool))
    frame = pl.DataFrame({"u": usccs, "r": ids.tolist() + [None] * (20_000 - 3000)})
    problems = frame.select(
        uscc_problem_expr("u").is_not_null().sum(),
        resident_id_problem_expr("r", TODAY).is_not_null().sum(),
    )
    assert problems.row(0) == (0, 0)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), position=st.integers(0, 17), shift=st.integers(1, 30))
def test_changing_one_uscc_character_breaks_it(seed: int, position: int, shift: int) -> None:
    code = make_usccs(np.random.default_rng(seed), 1)[0]
    assert is_valid_uscc(code)
    new = USCC_CHARSET[(USCC_CHARSET.index(code[position]) + shift) % 31]
    assert not is_valid_uscc(code[:position] + new + code[position + 1 :])


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    born=st.dates(dt.date(1900, 1, 1), TODAY),
    position=st.integers(0, 17),
    shift=st.integers(1, 9),
)
def test_changing_one_resident_id_digit_breaks_it(
    seed: int, born: dt.date, position: int, shift: int
) -> None:
    rng = np.random.default_rng(seed)
    number = make_resident_ids(rng, np.array([born], "datetime64[D]"), [110105], [True])[0]
    assert is_valid_resident_id(number, TODAY)
    alphabet = "0123456789" if position < 17 else RESIDENT_ID_CHECK
    new = alphabet[(alphabet.index(number[position]) + shift) % len(alphabet)]
    assert not is_valid_resident_id(number[:position] + new + number[position + 1 :], TODAY)


_uscc_like = st.text(alphabet=USCC_CHARSET + "IOSVZa-", min_size=16, max_size=19)
_id_like = st.text(alphabet="0123456789X x", min_size=16, max_size=19)


@settings(max_examples=60, deadline=None)
@given(
    usccs=st.lists(_uscc_like, min_size=1, max_size=40),
    ids=st.lists(_id_like, min_size=1, max_size=40),
    seed=st.integers(0, 2**32 - 1),
)
def test_vectorized_equals_scalar(usccs: list[str], ids: list[str], seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Mix in valid codes and near-misses so every branch is exercised, not only "bad length".
    valid_u = list(make_usccs(rng, 5))
    valid_r = list(
        make_resident_ids(
            rng, np.array(["1950-01-01", "2026-11-30", "1899-12-31", "1988-08-08", "1971-03-03"],
                          dtype="datetime64[D]"), np.full(5, 110104), np.ones(5, bool))
    )  # fmt: skip
    usccs = usccs + valid_u + [u[:17] + "0" for u in valid_u]
    ids = ids + valid_r + [r[:17] + "0" for r in valid_r]
    u_problems = pl.DataFrame({"v": usccs}).select(uscc_problem_expr("v"))["v"].to_list()
    r_problems = (
        pl.DataFrame({"v": ids}).select(resident_id_problem_expr("v", TODAY))["v"].to_list()
    )
    assert [p is None for p in u_problems] == [is_valid_uscc(u) for u in usccs]
    assert [p is None for p in r_problems] == [is_valid_resident_id(r, TODAY) for r in ids]
