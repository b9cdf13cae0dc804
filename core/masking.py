"""Masking what looks like personal data in delivered text, for every layer that shows text.

Delivered text (cells, headers, notes, file names) may hold a resident identity number or a
phone number typed anywhere. Whatever leaves the loader as a message, metadata or free text is
masked here first: `110*************05` keeps enough for a clerk to find the value, not the person.
Long digit runs are masked whatever they are: a seven-digit order number masked is a small loss,
an identity number shown is a breach.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

KEEP_HEAD, KEEP_TAIL = 3, 2
MIN_RUN, MAX_RUN = 7, 24  # digit runs this long look like an id or a phone
EXCERPT_CHARS = 24
_SEPARATED = (  # ids and phones written with spaces or hyphens between digit groups
    r"\d{6}[ -]\d{8}[ -]\d{3}[\dXx]",
    r"1\d{2}[ -]\d{4}[ -]\d{4}",
    r"0\d{2,3}-\d{7,8}",
)
_RUN = re.compile(rf"\d{{{MIN_RUN},}}[Xx]?|{'|'.join(_SEPARATED)}")
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def _mask_match(match: re.Match[str]) -> str:
    text = match.group(0)
    return text[:KEEP_HEAD] + "*" * (len(text) - KEEP_HEAD - KEEP_TAIL) + text[-KEEP_TAIL:]


def mask_text(text: str | None) -> str:
    """Every id- or phone-looking run masked (`110*************05`); other text unchanged."""
    if not text:
        return text or ""
    folded = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    return _RUN.sub(_mask_match, folded)


_PERSONAL = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?!\d)")


def names_personal_data(text: str) -> bool:
    """Whether text holds a resident identity number (18 or 15 digits) or a mobile number: a
    file name that does must not be stored, logged or shown as it is."""
    folded = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    return bool(_PERSONAL.search(folded))


def excerpt(text: object, limit: int = EXCERPT_CHARS) -> str:
    """A short, masked excerpt of delivered text for a message: never the whole value."""
    masked = mask_text("" if text is None else str(text)).replace("\n", " ").replace("\r", " ")
    return masked if len(masked) <= limit else masked[: limit - 1] + "…"


def markdown_literal(text: object) -> str:
    """Delivered text shown in markdown as plain text: every markdown character escaped."""
    return _MARKDOWN.sub(r"\\\1", "" if text is None else str(text))


def _run_passes() -> list[tuple[str, str]]:
    """(pattern, replacement) pairs masking digit runs length by length, longest first.

    Polars replaces by regex without a callback, so each run length gets its own pass keeping
    the first three and last two characters; masked runs contain `*` and never match again.
    """
    passes = [(rf"\d{{{MAX_RUN + 1},}}[Xx]?", "*" * MAX_RUN)]
    for length in range(MAX_RUN, MIN_RUN - 1, -1):
        middle = length - KEEP_HEAD - KEEP_TAIL
        pattern = rf"(^|\D)(\d{{{KEEP_HEAD}}})\d{{{middle}}}(\d[\dXx])(\D|$)"
        passes.append((pattern, "${1}${2}" + "*" * middle + "${3}${4}"))
    return passes


_PASSES = _run_passes()
_SEPARATED_PASSES = [
    (r"(\d{3})\d{3}[ -]\d{8}[ -]\d{3}([\dXx])", "${1}*** ******** ***${2}"),
    (r"(1\d{2})[ -]\d{4}[ -]\d{2}(\d{2})", "${1} **** **${2}"),
    (r"(0\d{2,3})-\d{5,6}(\d{2})", "${1}-******${2}"),
]


# every format character (zero-width, joiners, direction marks, BOM, soft hyphen): what the
# loader removes from delivered text, a superset of `_INVISIBLE`
FORMAT_CHARACTERS = r"[\p{Cf}\u00ad\u180e]"
_RUN_START = r"\d{6}[\dXx]|\d{3}[ -]\d{4}"  # what every masking pass needs in its match


def may_hold_runs(values: pl.Series) -> bool:
    """Whether `mask_expr` could change any of these texts (beyond removing invisible
    characters): each of its passes matches six digits and a digit or X in a row, or three
    digits, a space or hyphen and four digits (a date such as 2026-11-01 is neither). Tested
    with every format character removed, so that text a caller cleans of more of them first
    (the loader) is covered too.

    About forty regex passes cost some 20 ms a column however few its rows: a week's free text
    without such a run (most weeks) skips them."""
    cleaned = values.str.replace_all(FORMAT_CHARACTERS, "")
    return bool(cleaned.str.contains(_RUN_START).any())


def mask_expr(expr: pl.Expr, runs: bool = True) -> pl.Expr:
    """`mask_text` as a Polars expression, for whole free-text columns at ingest.

    Runs twice per pass: adjacent runs share the boundary character a pass consumes. No NFKC
    here: the text stays as delivered (full-width digits are digits to the regex already).
    `runs=False`: the caller knows no value holds a run (`may_hold_runs`), so only the invisible
    characters go.
    """
    out = expr.str.replace_all(_INVISIBLE.pattern, "")
    if not runs:
        return out
    for pattern, replacement in _SEPARATED_PASSES:
        out = out.str.replace_all(pattern, replacement)
    for pattern, replacement in _PASSES:
        out = out.str.replace_all(pattern, replacement).str.replace_all(pattern, replacement)
    return out
