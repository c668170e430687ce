"""Property tests of the validators against any text: they answer valid or a named reason, never crash."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.ids import (CREDIT_ALPHABET, InvalidCreditCode, InvalidIdNumber, credit_code_check_digit,
                            validate_credit_code, validate_id_number)

REASONS_CREDIT = {"length", "chars", "check_digit"}
REASONS_ID = {"length", "chars", "area", "birth_date", "check_digit"}


@settings(max_examples=500)
@given(st.text(max_size=30) | st.text(alphabet=CREDIT_ALPHABET + "IOZSVioz ０１Ａ", min_size=16, max_size=20))
def test_any_text_is_a_valid_credit_code_or_refused_with_a_reason(text):
    try:
        code = validate_credit_code(text)
    except InvalidCreditCode as e:
        assert e.reason in REASONS_CREDIT
    else:
        assert len(code) == 18 and all(c in CREDIT_ALPHABET for c in code)
        assert credit_code_check_digit(code[:17]) == code[17]


@settings(max_examples=300)
@given(body=st.text(alphabet=CREDIT_ALPHABET, min_size=17, max_size=17))
def test_every_17_character_body_has_exactly_one_valid_check_character(body):
    valid = [c for c in CREDIT_ALPHABET if _ok(body + c)]
    assert valid == [credit_code_check_digit(body)]


def _ok(code: str) -> bool:
    try:
        validate_credit_code(code)
    except InvalidCreditCode:
        return False
    return True


@settings(max_examples=500)
@given(st.text(max_size=30) | st.text(alphabet="0123456789Xx ", min_size=17, max_size=19))
def test_any_text_is_a_valid_id_number_or_refused_with_a_reason(text):
    try:
        validate_id_number(text)
    except InvalidIdNumber as e:
        assert e.reason in REASONS_ID
