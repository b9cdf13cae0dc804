"""Check characters of the two identifiers in the contract, scalar and vectorized.

- USCC, the Unified Social Credit Code (GB 32100-2015): 18 characters from a 31-character set
  (no I, O, S, V, Z); the 18th is a weighted mod-31 check character.
- Resident identity number (GB 11643-1999): 17 digits (region, birth date YYYYMMDD, sequence)
  and an ISO 7064 MOD 11-2 check digit (`X` stands for 10). The region is deliberately not
  validated: it may be anywhere in China and may be a retired code (110103 崇文区).

Ingestion calls the `*_problem_expr` functions on whole columns; the sample-data generator calls
`make_usccs` / `make_resident_ids` to build valid codes by the hundred thousand.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import polars as pl

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_VALUES = {char: value for value, char in enumerate(USCC_CHARSET)}

RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"
EARLIEST_BIRTH = dt.date(1900, 1, 1)

_USCC_PATTERN = f"^[{USCC_CHARSET}]{{18}}$"
_RESIDENT_ID_PATTERN = r"^[0-9]{17}[0-9X]$"

# GB 11714 organization code (characters 9-17 of a USCC): its own check, kept for realism.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(body17: str) -> str:
    """The 18th character for the first 17 (which must come from the USCC charset)."""
    total = sum(USCC_VALUES[c] * w for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    if not isinstance(code, str) or len(code) != 18 or any(c not in USCC_VALUES for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def resident_id_check_digit(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character for 17 digits."""
    total = sum(int(c) * w for c, w in zip(body17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK[total % 11]


def _birth_date(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def is_valid_resident_id(number: str, today: dt.date | None = None) -> bool:
    """Length, characters, a real birth date in [1900-01-01, today], and the check digit."""
    if not isinstance(number, str) or len(number) != 18:
        return False
    if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
        return False
    born = _birth_date(number)
    if born is None or born < EARLIEST_BIRTH or born > (today or dt.date.today()):
        return False
    return resident_id_check_digit(number[:17]) == number[17]


def _weighted_sum(value: pl.Expr, weights: tuple[int, ...], char_value) -> pl.Expr:
    """Σ value(char i) × weight i over the first 17 characters, one column expression a position."""
    return pl.sum_horizontal(
        [char_value(value.str.slice(i, 1)) * weight for i, weight in enumerate(weights)]
    )


def _uscc_char_value(char: pl.Expr) -> pl.Expr:
    return char.replace_strict(USCC_VALUES, default=None, return_dtype=pl.Int64)


def _digit_value(char: pl.Expr) -> pl.Expr:
    return char.cast(pl.Int64, strict=False)


@cache  # building the expression costs more than running it on a small file
def uscc_problem_expr(col: str) -> pl.Expr:
    """Null when the USCC in `col` is valid, null or empty; else the rule it breaks."""
    value = pl.col(col).cast(pl.Utf8)
    total = _weighted_sum(value, USCC_WEIGHTS, _uscc_char_value)
    expected = pl.lit(USCC_CHARSET).str.slice((31 - total % 31) % 31, 1)
    return (
        pl.when(value.is_null() | (value == ""))
        .then(None)
        .when(value.str.len_chars() != 18)
        .then(pl.lit("bad length"))
        .when(~value.str.contains(_USCC_PATTERN))
        .then(pl.lit("bad character"))
        .when(value.str.slice(17, 1) != expected)
        .then(pl.lit("bad check character"))
        .otherwise(None)
        .cast(pl.Utf8)
        .alias(col)
    )


@cache
def resident_id_problem_expr(col: str, today: dt.date) -> pl.Expr:
    """Null when the resident id in `col` is valid, null or empty; else the rule it breaks."""
    value = pl.col(col).cast(pl.Utf8)
    born = value.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    total = _weighted_sum(value, RESIDENT_ID_WEIGHTS, _digit_value)
    expected = pl.lit(RESIDENT_ID_CHECK).str.slice(total % 11, 1)
    return (
        pl.when(value.is_null() | (value == ""))
        .then(None)
        .when(value.str.len_chars() != 18)
        .then(pl.lit("bad length"))
        .when(~value.str.contains(_RESIDENT_ID_PATTERN))
        .then(pl.lit("bad character"))
        .when(born.is_null() | (born < EARLIEST_BIRTH) | (born > today))
        .then(pl.lit("bad birth date"))
        .when(value.str.slice(17, 1) != expected)
        .then(pl.lit("bad check digit"))
        .otherwise(None)
        .cast(pl.Utf8)
        .alias(col)
    )


def _ascii_rows(codes: np.ndarray) -> np.ndarray:
    """An (n, k) array of ASCII bytes as an array of k-character str."""
    codes = np.ascontiguousarray(codes, dtype=np.uint8)
    return codes.view(f"S{codes.shape[1]}").ravel().astype(str)


def _digits(numbers: np.ndarray, width: int) -> np.ndarray:
    """(n, width) decimal digits of non-negative integers, most significant first."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (np.asarray(numbers, dtype=np.int64)[:, None] // powers) % 10


def uscc_check_values(values17: np.ndarray) -> np.ndarray:
    """Check-character values (0..30) for an (n, 17) array of USCC character values."""
    return (31 - (values17 @ np.array(USCC_WEIGHTS)) % 31) % 31


def make_usccs(
    rng: np.random.Generator, n: int, region_codes: np.ndarray | None = None
) -> np.ndarray:
    """`n` distinct valid USCCs of enterprises ("91" + region + organization code + check).

    `region_codes` (n six-digit ints) is where each enterprise registered; Beijing districts
    when omitted. The organization code carries a valid GB 11714 check too.
    """
    if region_codes is None:
        region_codes = rng.choice([110101, 110102, 110105, 110106, 110108], size=n)
    region_codes = np.asarray(region_codes, dtype=np.int64)
    org = _unique_integers(rng, n, 10**8)
    org_digits = _digits(org, 8)
    org_check = (11 - (org_digits @ np.array(_ORG_WEIGHTS)) % 11) % 11
    values = np.empty((n, 18), dtype=np.int64)
    values[:, 0], values[:, 1] = 9, 1
    values[:, 2:8] = _digits(region_codes, 6)
    values[:, 8:16] = org_digits
    # GB 11714 writes 10 as X; X is not in the USCC charset's first ten, so use its value.
    values[:, 16] = np.where(org_check == 10, USCC_VALUES["X"], org_check)
    values[:, 17] = uscc_check_values(values[:, :17])
    charset = np.frombuffer(USCC_CHARSET.encode("ascii"), dtype=np.uint8)
    return _ascii_rows(charset[values])


def _unique_integers(rng: np.random.Generator, n: int, high: int) -> np.ndarray:
    """`n` distinct integers in [0, high), in random order, drawn without a Python loop per row."""
    drawn = np.unique(rng.integers(0, high, size=int(n * 1.1) + 16))
    while drawn.size < n:
        drawn = np.unique(np.concatenate([drawn, rng.integers(0, high, size=n)]))
    return rng.permutation(drawn)[:n]


def resident_id_check_values(digits17: np.ndarray) -> np.ndarray:
    """Index into `RESIDENT_ID_CHECK` for an (n, 17) digit array."""
    return (digits17 @ np.array(RESIDENT_ID_WEIGHTS)) % 11


def make_resident_ids(
    rng: np.random.Generator,
    birth_dates: np.ndarray,
    region_codes: np.ndarray,
    female: np.ndarray,
) -> np.ndarray:
    """Valid, distinct resident identity numbers: one per (birth date, region, sex) given.

    The sequence number's last digit is even for women, odd for men, as the standard sets.
    """
    n = len(birth_dates)
    days = np.asarray(birth_dates, dtype="datetime64[D]")
    year = (days.astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int64)
    month = (days.astype("datetime64[M]").astype(np.int64) % 12 + 1).astype(np.int64)
    day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    birth = year * 10000 + month * 100 + day
    prefix = np.asarray(region_codes, dtype=np.int64) * 10**8 + birth  # 14 digits
    sexed = np.asarray(female, dtype=bool)
    group = prefix * 2 + sexed
    if n and np.unique(group, return_counts=True)[1].max() > 500:
        raise ValueError("more than 500 people of one sex share a region and birth date")
    sequence = rng.integers(0, 500, size=n) * 2 + np.where(sexed, 0, 1)
    body = prefix * 1000 + sequence
    # Re-draw the sequence of any repeat until every number is distinct.
    while True:
        _, first = np.unique(body, return_index=True)
        repeat = np.ones(n, dtype=bool)
        repeat[first] = False
        if not repeat.any():
            break
        k = int(repeat.sum())
        body[repeat] = prefix[repeat] * 1000 + (
            rng.integers(0, 500, size=k) * 2 + np.where(sexed[repeat], 0, 1)
        )
    digits = _digits(body, 17)
    check = np.frombuffer(RESIDENT_ID_CHECK.encode("ascii"), dtype=np.uint8)[
        resident_id_check_values(digits)
    ]
    ascii_rows = np.empty((n, 18), dtype=np.uint8)
    ascii_rows[:, :17] = digits + ord("0")
    ascii_rows[:, 17] = check
    return _ascii_rows(ascii_rows)
