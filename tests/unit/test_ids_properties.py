"""Property tests of the validators against any text: they answer valid or a named reason, never crash."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.ids import (CREDIT_ALPHABET, InvalidCreditCode, InvalidIdNumber, credit_code_check_digit,
                            normalise_code, validate_credit_code, validate_id_number)

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


def _normalised_char_by_char(value: str) -> str:
    """The definition: full-width forms to half-width, whitespace and zero-width characters dropped, upper case."""
    out = []
    for ch in value:
        if 0xFF01 <= ord(ch) <= 0xFF5E:
            ch = chr(ord(ch) - 0xFEE0)
        if not ch.isspace() and ch not in "\u200b\u200c\u200d\ufeff":
            out.append(ch)
    return "".join(out).upper()


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
def test_normalise_code_takes_the_ascii_shortcut_without_changing_the_answer(text):
    assert normalise_code(text) == _normalised_char_by_char(text)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
def test_a_cell_is_cleaned_the_same_with_or_without_the_ascii_shortcut(text):
    import unicodedata

    from matchmaker.services.ledger_import import _FORMULA_LEAD, _ZERO_WIDTH, clean
    s = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).strip()
    expected = s[1:] if len(s) > 1 and s[0] == "'" and s[1] in _FORMULA_LEAD else s
    assert clean(text) == expected
