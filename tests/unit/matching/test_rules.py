"""Each scoring rule of DESIGN.md with hand-made cases."""
from datetime import date

import pytest

from matchmaker.matching import (DEFAULT_POLICY, Context, MatchingInputError, Policy, REASON_KEYS, TEMPLATES,
                                 UnknownTrade, explain, format_reason)
from matchmaker.matching.geo import haversine_km_np1

from .conftest import (CASTER, ELECTRICIAN, FORGER, HOUSEKEEPER, TODAY, TURNER, WELDER, make_vacancy,
                       make_worker)

CTX = Context(zones={"441481": "output", "441900": "aggregation", "440306": "optimisation"})


def ex(w, v, ctx=CTX, policy=DEFAULT_POLICY, cat=None, **kw):
    from .conftest import TradeCatalogue, TRADE_ROWS, ALIASES
    cat = cat or TradeCatalogue(TRADE_ROWS, ALIASES)
    return explain(w, v, ctx, policy, cat, TODAY, **kw)


def keys(e):
    return [k for k, _ in e.reasons]


# --- skills ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("skills, required, expected", [
    ([(WELDER, 2)], [(WELDER, 2)], 1.0),
    ([(WELDER, 3)], [(WELDER, 2)], 1.0),
    ([(WELDER, 1)], [(WELDER, 2)], 0.7),          # one level short
    ([(WELDER, 1)], [(WELDER, 3)], 0.7 ** 2),     # two levels short
    ([(CASTER, 2)], [(WELDER, 2)], 0.6),          # same minor group
    ([(TURNER, 2)], [(WELDER, 2)], 0.3),          # same medium group only
    ([(ELECTRICIAN, 5)], [(WELDER, 1)], 0.0),     # unrelated
    ([(CASTER, 1)], [(WELDER, 2)], 0.6 * 0.7),    # related and short
    ([(WELDER, 2), (CASTER, 4)], [(WELDER, 4)], 0.6),  # the best of the skills counts
    ([(WELDER, 2)], [(WELDER, 2), (ELECTRICIAN, 1)], 0.5),  # mean over required trades
])
def test_skill_part(skills, required, expected):
    e = ex(make_worker(skills=skills), make_vacancy(required=required))
    assert e.skill == pytest.approx(expected)


def test_a_certificate_counts_as_the_skill_at_its_level():
    e = ex(make_worker(certificates=[(WELDER, 3)]), make_vacancy(required=[(WELDER, 3)]))
    assert e.skill == 1.0


def test_general_labour_needs_no_trade():
    e = ex(make_worker(), make_vacancy(required=[]))
    assert e.skill == 0.5 and "general_labour" in keys(e)


def test_no_skills_recorded_is_zero_not_agreement():
    e = ex(make_worker(skills=[], willing_to_train=False), make_vacancy())
    assert e.skill == 0.0
    assert "no_skills_recorded" in keys(e)
    assert e.coverage == pytest.approx(0.5)  # location 0.3 + training 0.2 of 1.0
    assert ("profile_incomplete", {"percent": 50}) in e.reasons


def test_skill_reasons_name_trade_and_level():
    e = ex(make_worker(skills=[(WELDER, 2)]), make_vacancy(required=[(WELDER, 2)]))
    assert ("skill_match", {"trade": "焊工", "code": WELDER, "level": 2}) in e.reasons
    e = ex(make_worker(skills=[(WELDER, 1)]), make_vacancy(required=[(WELDER, 3)]))
    assert "skill_level_short" in keys(e)
    e = ex(make_worker(skills=[(FORGER, 3)]), make_vacancy(required=[(WELDER, 3)]))
    assert "skill_related_minor" in keys(e)


# --- location --------------------------------------------------------------------------------------------
def _site_km_away(km):
    # due north of the worker (116.10, 24.30); 1 degree of latitude ≈ 111.2 km
    return dict(lon=116.10, lat=24.30 + km / 111.2)


def test_location_is_one_at_home_and_half_at_the_radius():
    assert ex(make_worker(), make_vacancy(lon=116.10, lat=24.30)).location == 1.0
    site = _site_km_away(40)
    d = haversine_km_np1(116.10, 24.30, site["lon"], site["lat"])
    policy = Policy(radius_km=(10, d, 100, 600, 2000))
    assert ex(make_worker(radius="county"), make_vacancy(**site), policy=policy).location == pytest.approx(0.5)


def test_just_inside_and_just_outside_the_radius():
    inside = ex(make_worker(radius="county"), make_vacancy(**_site_km_away(39.5)))
    outside = ex(make_worker(radius="county"), make_vacancy(**_site_km_away(40.5)))
    assert inside.location > 0.5 > outside.location
    assert "distance_within_radius" in keys(inside) and "distance_beyond_radius" in keys(outside)
    km = dict(inside.reasons)["distance_within_radius"]["km"]
    assert km in (39, 40)


def test_location_falls_beyond_the_radius():
    near, far, farther = (ex(make_worker(radius="county"), make_vacancy(**_site_km_away(k))).location
                          for k in (20, 80, 200))
    assert 1 > near > 0.5 > far > farther > 0


def test_housing_widens_the_radius():
    site = _site_km_away(60)
    plain = ex(make_worker(radius="county"), make_vacancy(**site))
    housed = ex(make_worker(radius="county"), make_vacancy(**site, housing=True))
    assert housed.location > plain.location
    assert housed.radius_km == pytest.approx(60.0)
    assert "housing_widens_radius" in keys(housed) and "distance_within_radius" in keys(housed)


def test_radius_kinds_grow():
    site = _site_km_away(150)
    values = [ex(make_worker(radius=r), make_vacancy(**site)).location
              for r in ("village", "county", "city", "province", "anywhere")]
    assert values == sorted(values)


def test_no_location_is_zero_and_lowers_coverage():
    e = ex(make_worker(lon=None, lat=None, skills=[(WELDER, 2)], willing_to_train=True), make_vacancy())
    assert e.location == 0.0 and e.distance_km is None
    assert e.coverage == pytest.approx(0.7)
    assert "no_location" in keys(e)


# --- training --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("worker, vacancy, expected, reason", [
    (dict(certificates=[(WELDER, 2)]), dict(), 1.0, "holds_certificate"),
    (dict(certificates=[(WELDER, 1)]), dict(), 0.8, "certificate_below_level"),
    (dict(certificates=[(CASTER, 3)]), dict(), 0.8, "related_certificate"),
    (dict(trainings=[(WELDER, True)]), dict(), 0.8, "completed_training"),
    (dict(trainings=[(FORGER, True)]), dict(), 0.8, "completed_training"),
    (dict(trainings=[(WELDER, False)]), dict(), 0.0, None),
    (dict(trainings=[(ELECTRICIAN, True)]), dict(), 0.0, None),
    (dict(willing_to_train=True), dict(training_mode="work_then_train"), 0.5, "enterprise_trains"),
    (dict(willing_to_train=True), dict(training_mode="none"), 0.2, "willing_to_train"),
    (dict(willing_to_train=False), dict(training_mode="order"), 0.0, None),
    (dict(certificates=[(WELDER, 3)], willing_to_train=True), dict(training_mode="order"), 1.0, "holds_certificate"),
    (dict(trainings=[(ELECTRICIAN, True)]), dict(required=[]), 0.8, "completed_any_training"),
])
def test_training_part(worker, vacancy, expected, reason):
    e = ex(make_worker(**worker), make_vacancy(**vacancy))
    assert e.training == pytest.approx(expected)
    if reason:
        assert reason in keys(e)


def test_certificate_beats_training_beats_willingness():
    cert = ex(make_worker(certificates=[(WELDER, 2)]), make_vacancy()).training
    trained = ex(make_worker(trainings=[(WELDER, True)]), make_vacancy()).training
    trains = ex(make_worker(willing_to_train=True), make_vacancy(training_mode="train_then_work")).training
    willing = ex(make_worker(willing_to_train=True), make_vacancy()).training
    assert cert > trained > trains > willing > 0


def test_order_class_student_of_this_enterprise():
    ctx = Context(zones=CTX.zones, order_classes=[(10, 1)])
    e = ex(make_worker(1), make_vacancy(enterprise_id=10), ctx=ctx)
    assert e.training == 0.5 and e.bonuses["order_class_student"] == 5.0
    other = ex(make_worker(1), make_vacancy(enterprise_id=11), ctx=ctx)
    assert other.training == 0.0 and "order_class_student" not in other.bonuses


# --- bonuses ---------------------------------------------------------------------------------------------
def test_paired_village_bonus():
    ctx = Context(pairings=[(10, "441481100201")])
    e = ex(make_worker(skills=[(WELDER, 2)]), make_vacancy(enterprise_id=10), ctx=ctx)
    assert e.bonuses == {"paired_village": 5.0} and "paired_village" in keys(e)
    e2 = ex(make_worker(skills=[(WELDER, 2)]), make_vacancy(enterprise_id=11), ctx=ctx)
    assert e.total == pytest.approx(e2.total + 5.0)


def test_school_linked_to_the_vacancy_park():
    ctx = Context(park_school_links=[("P1", 7)])
    assert ex(make_worker(school_id=7), make_vacancy(park_code="P1"), ctx=ctx).bonuses == {"school_park_link": 3.0}
    assert ex(make_worker(school_id=7), make_vacancy(park_code="P2"), ctx=ctx).bonuses == {}
    assert ex(make_worker(school_id=8), make_vacancy(park_code="P1"), ctx=ctx).bonuses == {}


def test_zone_flow_from_output_to_aggregation_or_park():
    to_aggregation = ex(make_worker(), make_vacancy(county_code="441900", lon=113.75, lat=23.02))
    assert to_aggregation.bonuses == {"zone_flow": 2.0}
    assert ("zone_flow", {"from": "output", "to": "aggregation"}) in to_aggregation.reasons
    to_park = ex(make_worker(), make_vacancy(park_code="P1"))
    assert to_park.bonuses == {"zone_flow": 2.0}
    from_prd = ex(make_worker(village_code="440306001201", lon=113.88, lat=22.55),
                  make_vacancy(county_code="441900", lon=113.75, lat=23.02))
    assert from_prd.bonuses == {}


def test_household_priority_and_the_cap():
    assert ex(make_worker(poor_household=True), make_vacancy()).bonuses == {"household_priority": 3.0}
    assert ex(make_worker(no_employed_member=True), make_vacancy()).bonuses == {"household_priority": 3.0}
    ctx = Context(zones=CTX.zones, pairings=[(10, "441481100201")], order_classes=[(10, 1)])
    e = ex(make_worker(1, poor_household=True), make_vacancy(enterprise_id=10, park_code="P1"), ctx=ctx)
    assert sum(e.bonuses.values()) == 15.0 and e.bonus == 10.0 and "bonus_capped" in keys(e)


# --- total -----------------------------------------------------------------------------------------------
def test_total_is_the_weighted_mean_plus_capped_bonus():
    e = ex(make_worker(skills=[(WELDER, 1)], willing_to_train=True, poor_household=True),
           make_vacancy(required=[(WELDER, 2)], training_mode="order"))
    assert e.skill == pytest.approx(0.7) and e.location == 1.0 and e.training == 0.5
    assert e.total == pytest.approx(100 * (0.5 * 0.7 + 0.3 * 1.0 + 0.2 * 0.5) + 3.0)
    policy = Policy(w_skill=1, w_location=0, w_training=0, bonus_household_priority=0)
    assert ex(make_worker(skills=[(WELDER, 1)]), make_vacancy(), policy=policy).total == pytest.approx(70.0)


def test_total_is_clipped_to_100():
    ctx = Context(zones=CTX.zones, pairings=[(10, "441481100201")])
    e = ex(make_worker(certificates=[(WELDER, 3)], poor_household=True), make_vacancy(enterprise_id=10), ctx=ctx)
    assert e.total == 100.0


def test_a_blank_record_never_shows_as_a_good_match():
    e = ex(make_worker(lon=None, lat=None, skills=[], willing_to_train=None), make_vacancy())
    assert e.total == 0.0 and e.coverage == 0.0


# --- hard filters ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("worker, vacancy, ctx, key", [
    (dict(status="employed"), dict(), None, "filter_status"),
    (dict(status="not_seeking"), dict(), None, "filter_status"),
    (dict(birth_date=date(2008, 1, 1)), dict(age_min=18), None, "filter_age"),
    (dict(birth_date=date(1965, 1, 1)), dict(age_max=55), None, "filter_age"),
    (dict(birth_date=date(2010, 1, 1)), dict(age_min=14), None, "filter_working_age"),
    (dict(birth_date=date(1968, 1, 1), sex="F"), dict(age_max=65), None, "filter_working_age"),
    (dict(birth_date=date(1964, 1, 1), sex="M"), dict(age_max=65), None, "filter_working_age"),
    (dict(education=1), dict(min_education=2), None, "filter_education"),
    (dict(), dict(), Context(active_referrals=[(1, 1)]), "filter_active_referral"),
    (dict(), dict(reserved_for_paired=True), None, "filter_reserved_for_paired"),
])
def test_each_hard_filter(worker, vacancy, ctx, key):
    e = ex(make_worker(1, **worker), make_vacancy(1, **vacancy), ctx=ctx or CTX)
    assert not e.eligible
    assert key in [k for k, _ in e.failed]


def test_age_limits_are_inclusive_and_birthdays_count():
    # 18 today (born 2007-06-01) is in; 18 tomorrow is not yet
    assert ex(make_worker(birth_date=date(2007, 6, 1)), make_vacancy(age_min=18)).eligible
    assert not ex(make_worker(birth_date=date(2007, 6, 2)), make_vacancy(age_min=18)).eligible
    assert ex(make_worker(birth_date=date(1970, 6, 2)), make_vacancy(age_max=54)).eligible


def test_reserved_vacancy_ranks_paired_villages():
    ctx = Context(pairings=[(10, "441481100201")])
    assert ex(make_worker(), make_vacancy(enterprise_id=10, reserved_for_paired=True), ctx=ctx).eligible


def test_nominated_worker_ranked_only_when_asked():
    w, v = make_worker(status="nominated"), make_vacancy()
    assert not ex(w, v).eligible
    assert ex(w, v, statuses=("available", "nominated")).eligible


# --- bad input -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("worker, vacancy, field", [
    (dict(skills=[("9-99-99-99", 2)]), dict(), "worker.skills[0].trade"),
    (dict(skills=[(WELDER, 6)]), dict(), "worker.skills[0].level"),
    (dict(skills=[(WELDER, 0)]), dict(), "worker.skills[0].level"),
    (dict(certificates=[(WELDER, "x")]), dict(), "worker.certificates[0].level"),
    (dict(lon=200.0), dict(), "worker.lon"),
    (dict(lat=-91.0), dict(), "worker.lat"),
    (dict(lat=None), dict(), "worker.lat"),
    (dict(lon=float("nan")), dict(), "worker.lon"),
    (dict(sex="X"), dict(), "worker.sex"),
    (dict(education=9), dict(), "worker.education"),
    (dict(radius="moon"), dict(), "worker.radius"),
    (dict(status="retired"), dict(), "worker.status"),
    (dict(village_code="44"), dict(), "worker.village_code"),
    (dict(), dict(required=[("6-18-02", 2)]), "vacancy.required[0].trade"),
    (dict(), dict(required=[(WELDER, 9)]), "vacancy.required[0].level"),
    (dict(), dict(required=[(WELDER, 1), (WELDER, 2)]), "vacancy.required"),
    (dict(), dict(headcount=-1), "vacancy.headcount"),
    (dict(), dict(lon=None, lat=None), "vacancy.lon"),
    (dict(), dict(lat=95.0), "vacancy.lat"),
    (dict(), dict(county_code=""), "vacancy.county_code"),
    (dict(), dict(age_min=40, age_max=30), "vacancy.age_max"),
    (dict(), dict(training_mode="magic"), "vacancy.training_mode"),
    (dict(), dict(enterprise_id=None), "vacancy.enterprise_id"),
])
def test_bad_input_names_the_field(worker, vacancy, field):
    with pytest.raises(MatchingInputError) as err:
        ex(make_worker(**worker), make_vacancy(**vacancy))
    assert err.value.field == field
    assert isinstance(err.value, ValueError)


def test_unknown_trade_is_its_own_error():
    with pytest.raises(UnknownTrade):
        ex(make_worker(skills=[("1-2", 1)]), make_vacancy())


# --- reasons ---------------------------------------------------------------------------------------------
def test_every_reason_has_templates_in_both_languages():
    assert set(TEMPLATES["zh_CN"]) == set(TEMPLATES["en"]) == set(REASON_KEYS)


def test_reasons_render():
    e = ex(make_worker(certificates=[(ELECTRICIAN, 2)], willing_to_train=True),
           make_vacancy(required=[(ELECTRICIAN, 2)], **_site_km_away(35)))
    text = [format_reason(k, p) for k, p in e.reasons]
    assert "持有中级（四级）电工证书" in text
    assert any(t.startswith("距家 35 公里") for t in text)
    assert format_reason("paired_village", {}, "en").startswith("From a village")
    assert format_reason("profile_incomplete", {"percent": 60}) == "资料完整度 60%，缺失部分按零分计"


def test_reasons_for_a_housekeeper_general_case():
    e = ex(make_worker(skills=[(HOUSEKEEPER, 2)]), make_vacancy(required=[(WELDER, 1)]))
    assert ("no_skill_match", {"required": "焊工", "code": WELDER}) in e.reasons
