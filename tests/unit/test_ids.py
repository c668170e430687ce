"""Check digits of ID numbers (GB 11643) and unified social credit codes (GB 32100)."""
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.ids import (CREDIT_ALPHABET, InvalidCreditCode, InvalidIdNumber, credit_code_check_digit,
                            credit_codes, gb11643_check_digit, id_numbers, validate_credit_code, validate_id_number)

# the standard's worked example and a well-known public specimen
KNOWN_IDS = ["11010519491231002X", "440524198001010013"]


@pytest.mark.parametrize("value", KNOWN_IDS)
def test_known_id_numbers(value):
    assert gb11643_check_digit(value[:17]) == value[17]
    validate_id_number(value)


def test_birth_date_and_sex_are_derived():
    assert validate_id_number("11010519491231002X") == (date(1949, 12, 31), "F")
    assert validate_id_number("440524198001010013") == (date(1980, 1, 1), "M")


@pytest.mark.parametrize("value, reason", [
    ("1101051949123100", "length"),
    ("11010519491231002A", "chars"),
    ("00010519491231002X", "area"),
    ("110105194913310027", "birth_date"),
    ("110105194912310021", "check_digit"),
])
def test_bad_id_numbers_name_the_reason(value, reason):
    with pytest.raises(InvalidIdNumber) as err:
        validate_id_number(value)
    assert err.value.reason == reason
    assert isinstance(err.value, ValueError)


def test_full_width_and_lower_case_x_are_accepted():
    assert validate_id_number("１１０１０５１９４９１２３１００２ｘ")[1] == "F"


@settings(max_examples=200, deadline=None)
@given(area=st.integers(110000, 659999), birth=st.dates(date(1940, 1, 1), date(2010, 12, 31)),
       seq=st.integers(0, 999))
def test_generated_id_numbers_validate_and_round_trip(area, birth, seq):
    value = id_numbers(np.array([area]), np.array([birth.year * 10000 + birth.month * 100 + birth.day]),
                       np.array([seq]))[0]
    assert len(value) == 18
    assert validate_id_number(value) == (birth, "M" if seq % 2 else "F")


@settings(max_examples=200, deadline=None)
@given(pos=st.integers(0, 16), delta=st.integers(1, 9))
def test_any_single_digit_error_is_caught(pos, delta):
    value = "11010519491231002X"
    wrong = value[:pos] + str((int(value[pos]) + delta) % 10) + value[pos + 1:]
    with pytest.raises(InvalidIdNumber):
        validate_id_number(wrong)


KNOWN_CREDIT = ["91350100M000100Y43", "91110000600037341L"]


@pytest.mark.parametrize("value", KNOWN_CREDIT)
def test_known_credit_codes(value):
    assert credit_code_check_digit(value[:17]) == value[17]
    assert validate_credit_code(value.lower()) == value


@pytest.mark.parametrize("value, reason", [
    ("91350100M000100Y4", "length"),
    ("91350100M000100YI3", "chars"),
    ("91350100M000100Y44", "check_digit"),
])
def test_bad_credit_codes_name_the_reason(value, reason):
    with pytest.raises(InvalidCreditCode) as err:
        validate_credit_code(value)
    assert err.value.reason == reason


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), pos=st.integers(0, 16), delta=st.integers(1, 30))
def test_generated_credit_codes_validate_and_catch_one_wrong_character(seed, pos, delta):
    code = credit_codes(np.array([440304]), np.random.default_rng(seed))[0]
    assert validate_credit_code(code) == code and code[2:8] == "440304"
    wrong = code[:pos] + CREDIT_ALPHABET[(CREDIT_ALPHABET.index(code[pos]) + delta) % 31] + code[pos + 1:]
    with pytest.raises(InvalidCreditCode):
        validate_credit_code(wrong)


def test_vectorised_generation_is_fast_and_valid():
    rng = np.random.default_rng(0)
    n = 50_000
    births = (rng.integers(1960, 2005, n) * 10000 + rng.integers(1, 13, n) * 100 + rng.integers(1, 29, n))
    ids = id_numbers(np.full(n, 441481), births, rng.integers(0, 1000, n))
    assert len(set(ids)) > n * 0.99
    for value in ids[:: 5000]:
        validate_id_number(value)
