"""Masks never show more than 4 + 4 digits of an ID number or 3 + 4 of a phone (hypothesis)."""
from hypothesis import given
from hypothesis import strategies as st

from matchmaker.services.pii import mask_id_number, mask_phone

ids = st.text(alphabet="0123456789", min_size=17, max_size=17).map(lambda s: s + "X")
phones = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)


@given(ids)
def test_id_mask_shows_at_most_eight_characters(number):
    masked = mask_id_number(number)
    assert len(masked) == 18 and masked[:4] == number[:4] and masked[-4:] == number[-4:]
    assert sum(c != "*" for c in masked) == 8


@given(phones)
def test_phone_mask_shows_at_most_seven_digits(phone):
    masked = mask_phone(phone)
    assert masked == phone[:3] + "****" + phone[-4:]
