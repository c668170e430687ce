"""Property tests of trade normalisation over the real seed catalogue: any text normalises without raising, and
an exact name or unambiguous alias — however it is spaced or written in full-width — maps to its trade."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.matching.trades import TradeCatalogue, clean_text, load_trade_catalogue

SEED = Path(__file__).resolve().parents[3] / "seed"


@pytest.fixture(scope="module")
def seed_cat() -> TradeCatalogue:
    return load_trade_catalogue(SEED / "trades.csv", SEED / "trade_aliases.csv")


def _unique_keys(cat: TradeCatalogue) -> list[tuple[str, str]]:
    """(name or alias as cleaned, its only trade code) for every key that names exactly one trade."""
    return sorted((k, next(iter(codes))) for k, codes in zip(cat._keys, cat._key_codes) if len(codes) == 1)


_FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=st.text(max_size=80) | st.text(alphabet="焊工电（）() 初中高级技师证书【】-_0123456789\u200b\ufeff\u3000",
                                           max_size=30))
def test_normalising_any_text_never_raises_and_returns_a_known_trade_or_none(seed_cat, text):
    found = seed_cat.normalise(text)
    assert found.code is None or found.code in seed_cat
    assert 0.0 <= found.confidence <= 1.0
    assert found.level in (None, 1, 2, 3, 4, 5)
    assert all(code in seed_cat for code, _name, _score in found.candidates)
    seed_cat.search(text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_an_exact_name_or_unique_alias_always_maps_to_its_trade(seed_cat, data):
    key, code = data.draw(st.sampled_from(_unique_keys(seed_cat)))
    # as people type it: spaces anywhere, full-width letters/digits, upper case
    spaced = "".join(ch + data.draw(st.sampled_from(["", "", " ", "\u3000"])) for ch in key)
    typed = data.draw(st.sampled_from([key, spaced, key.upper(), "".join(_FULL_WIDTH.get(c, c) for c in key)]))
    assert clean_text(typed) == key
    found = seed_cat.normalise(typed)
    assert found.code == code, (typed, found)
    assert found.confidence == 1.0
