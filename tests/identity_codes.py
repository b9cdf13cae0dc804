"""Valid identifiers for hand-written test files, computed here independently of the product's
own `core.identifiers` so that a bug there cannot make its own tests pass."""

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
RID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def uscc(body: str) -> str:
    """A 17-character USCC body completed with its GB 32100-2015 check character."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + USCC_CHARS[(31 - total % 31) % 31]


def resident_id(body: str) -> str:
    """A 17-digit resident id body completed with its ISO 7064 MOD 11-2 check digit."""
    total = sum(int(c) * w for c, w in zip(body, RID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def other_last(code: str) -> str:
    """The same code with a wrong last character."""
    return code[:-1] + ("3" if code[-1] != "3" else "4")
