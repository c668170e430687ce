import pytest

from matchmaker.matching import DEFAULT_POLICY, Policy, PolicyError


def test_defaults_follow_the_design():
    p = DEFAULT_POLICY
    assert (p.w_skill, p.w_location, p.w_training) == (0.5, 0.3, 0.2)
    assert p.scale == pytest.approx(100.0)


@pytest.mark.parametrize("changes, field", [
    ({"w_skill": 0, "w_location": 0, "w_training": 0}, "weights"),
    ({"w_skill": -0.1}, "w_skill"),
    ({"w_location": float("nan")}, "w_location"),
    ({"bonus_cap": -1}, "bonus_cap"),
    ({"bonus_paired_village": -2}, "bonus_paired_village"),
    ({"same_minor": 1.5}, "same_minor"),
    ({"same_medium": 0.9}, "same_medium"),
    ({"radius_km": (10, 40, 100, 600)}, "radius_km"),
    ({"radius_km": (10, 40, 0, 600, 1000)}, "radius_km"),
    ({"housing_factor": 0.5}, "housing_factor"),
    ({"version": ""}, "version"),
    ({"max_working_age_female": 12}, "max_working_age_female"),
])
def test_invalid_policies_are_refused_naming_the_field(changes, field):
    with pytest.raises(PolicyError) as err:
        Policy(**changes)
    assert err.value.field == field
    assert isinstance(err.value, ValueError)


def test_policy_round_trips_through_a_dict():
    p = Policy(w_skill=0.6, version="2025-2")
    assert Policy.from_dict(p.to_dict()) == p
    with pytest.raises(PolicyError) as err:
        Policy.from_dict({"w_magic": 1})
    assert err.value.field == "w_magic"


def test_weights_are_renormalised():
    p = Policy(w_skill=1, w_location=1, w_training=0)
    assert p.scale == pytest.approx(50.0)
