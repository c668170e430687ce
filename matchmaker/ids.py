"""Check digits of Chinese identity codes (pure, stdlib only).

- 居民身份证号码, GB 11643-1999: 17 digits + a MOD 11-2 check character (0-9 or X); digits 7–14 are the
  birth date, digit 17 is odd for men and even for women.
- 统一社会信用代码, GB 32100-2015: 17 characters from a 31-letter alphabet + a MOD 31 check character.
"""
from __future__ import annotations

import operator
from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class InvalidIdNumber(ValueError):
    """reason: 'length' | 'chars' | 'area' | 'birth_date' | 'check_digit'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class InvalidCreditCode(ValueError):
    """reason: 'length' | 'chars' | 'check_digit'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalise_code(value: str) -> str:
    """Full-width to half-width, spaces removed, upper case: how people paste these codes."""
    if value and value.isascii():  # typed or read from a file as it should be: only whitespace to drop
        return "".join(value.split()).upper()
    out = []
    for ch in value or "":
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        if not ch.isspace() and ch not in "\u200b\u200c\u200d\ufeff":
            out.append(ch)
    return "".join(out).upper()


def gb11643_check_digit(first17: str) -> str:
    return ID_CHECK[sum(map(operator.mul, map(int, first17), ID_WEIGHTS)) % 11]


def validate_id_number(value: str, today: date | None = None) -> tuple[date, str]:
    """Birth date and sex ('M'/'F') of a valid 18-character ID number; InvalidIdNumber naming the check."""
    s = normalise_code(value)
    if len(s) != 18:
        raise InvalidIdNumber("length")
    if not s[:17].isdigit() or not (s[17].isdigit() or s[17] == "X"):
        raise InvalidIdNumber("chars")
    if s[:2] == "00":
        raise InvalidIdNumber("area")
    try:
        birth = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise InvalidIdNumber("birth_date") from None
    if birth.year < 1900 or birth > (today or date.today()):
        raise InvalidIdNumber("birth_date")
    if gb11643_check_digit(s[:17]) != s[17]:
        raise InvalidIdNumber("check_digit")
    return birth, ("M" if int(s[16]) % 2 else "F")


def credit_code_check_digit(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """The normalised code if valid; InvalidCreditCode naming the check otherwise."""
    s = normalise_code(value)
    if len(s) != 18:
        raise InvalidCreditCode("length")
    if any(c not in CREDIT_ALPHABET for c in s):
        raise InvalidCreditCode("chars")
    if credit_code_check_digit(s[:17]) != s[17]:
        raise InvalidCreditCode("check_digit")
    return s


# --- vectorised generators (synthetic data: matchmaker.demo.population) -------------------------------------
def id_numbers(area: "np.ndarray", birth: "np.ndarray", sequence: "np.ndarray") -> "np.ndarray":
    """Valid ID numbers (array of str) from 6-digit area codes, yyyymmdd births and 3-digit sequence numbers.

    The sequence's last digit carries the sex (odd men, even women): choose it accordingly.
    """
    import numpy as np

    area = np.asarray(area, dtype=np.int64)
    prefix = (area * 10**8 + np.asarray(birth, dtype=np.int64)) * 1000 + np.asarray(sequence, dtype=np.int64)
    digits = np.empty((len(prefix), 18), dtype=np.uint8)
    p = prefix.copy()
    for i in range(16, -1, -1):
        digits[:, i] = p % 10
        p //= 10
    total = (digits[:, :17].astype(np.int64) * np.array(ID_WEIGHTS)).sum(axis=1) % 11
    check = np.frombuffer(ID_CHECK.encode(), dtype=np.uint8)[total]
    digits[:, :17] += ord("0")
    digits[:, 17] = check
    return digits.view("S18").ravel().astype("U18")


def credit_codes(area: "np.ndarray", rng) -> "np.ndarray":
    """Valid 统一社会信用代码 for enterprises (登记管理部门 9 工商, 类别 1 企业) registered in ``area`` counties.

    Characters 9–17 are an organisation code with its own GB 11714 check character.
    """
    import numpy as np

    area = np.asarray(area, dtype=np.int64)
    n = len(area)
    alpha = np.frombuffer(CREDIT_ALPHABET.encode(), dtype=np.uint8)
    idx = np.empty((n, 18), dtype=np.int64)
    idx[:, 0], idx[:, 1] = 9, 1
    a = area.copy()
    for i in range(7, 1, -1):
        idx[:, i] = a % 10
        a //= 10
    org = rng.integers(0, 10, size=(n, 8))
    idx[:, 8:16] = org
    c9 = 11 - (org * np.array([3, 7, 9, 10, 5, 8, 4, 2])).sum(axis=1) % 11
    idx[:, 16] = np.where(c9 == 11, 0, np.where(c9 == 10, CREDIT_ALPHABET.index("X"), c9))
    total = (idx[:, :17] * np.array(CREDIT_WEIGHTS)).sum(axis=1) % 31
    idx[:, 17] = (31 - total) % 31
    return alpha[idx].view("S18").ravel().astype("U18")
