"""Every role against objects of its own and of another organisation or region."""
from datetime import date

import pytest

from matchmaker.extensions import db
from matchmaker.models import Pairing, Placement, Referral, Vacancy
from matchmaker.services.errors import Forbidden, NotFound
from matchmaker.services.permissions import can, load_for
from matchmaker.models import Worker


def _vacancy(side, status="open"):
    v = Vacancy(enterprise=side.enterprise, title="焊工", site_county=side.county, headcount=3, wage_min=4000,
                wage_max=6000, status=status)
    db.session.add(v)
    db.session.flush()
    return v


def test_staff_see_and_change_only_their_own_organisation(world):
    a, b = world.a, world.b
    assert can(a.employer, "edit", a.enterprise) and not can(a.employer, "view", b.enterprise)
    assert can(a.coordinator, "edit", a.village) and not can(a.coordinator, "view", b.village)
    assert can(a.teacher, "edit", a.school) and not can(a.teacher, "view", b.school)
    assert not can(a.coordinator, "view", a.enterprise)
    assert not can(a.employer, "view", a.village)


def test_workers_belong_to_their_village_their_school_and_themselves(world):
    a, b = world.a, world.b
    assert can(a.coordinator, "edit", a.worker) and not can(a.coordinator, "view", b.worker)
    assert can(a.seeker, "edit", a.worker) and not can(a.seeker, "view", b.worker)
    assert not can(a.teacher, "view", a.worker)
    a.worker.school_id = a.school.id
    assert can(a.teacher, "view", a.worker) and not can(b.teacher, "view", a.worker)


def test_enterprise_sees_a_worker_only_once_a_referral_exists(world):
    a = world.a
    assert not can(a.employer, "view", a.worker)
    db.session.add(Referral(worker=a.worker, vacancy=_vacancy(a), channel="nomination"))
    db.session.flush()
    assert can(a.employer, "view", a.worker)
    assert not can(a.employer, "edit", a.worker)
    assert not can(world.b.employer, "view", a.worker)


def test_bureau_is_scoped_to_its_region(world):
    a, b = world.a, world.b
    for obj in (a.enterprise, a.village, a.school, a.worker, a.coordinator):
        assert can(a.county_bureau, "view", obj) and can(a.county_bureau, "verify", obj)
        assert not can(b.county_bureau, "view", obj)
        assert can(world.province_bureau, "approve", obj)
        # Oversight, not stand-in: a bureau does not edit an organisation's records in its stead.
        assert not can(a.county_bureau, "edit", obj) and not can(world.province_bureau, "edit", obj)


def test_vacancies_public_when_published_private_as_draft(world):
    a, b = world.a, world.b
    draft, published = _vacancy(a, "draft"), _vacancy(a, "open")
    assert can(a.employer, "edit", draft) and not can(b.employer, "view", draft)
    assert can(b.employer, "view", published) and not can(b.employer, "edit", published)
    assert can(a.seeker, "view", published) and not can(a.seeker, "view", draft)
    assert not can(None, "view", published)


def test_pairings_referrals_placements_follow_their_parties(world):
    a, b = world.a, world.b
    pairing = Pairing(enterprise=a.enterprise, village=a.village)
    vacancy = _vacancy(a)
    referral = Referral(worker=a.worker, vacancy=vacancy, channel="application")
    placement = Placement(worker=a.worker, vacancy=vacancy, enterprise=a.enterprise, start_date=date(2026, 3, 1),
                          channel="pairing", transfer_type="local")
    db.session.add_all([pairing, referral, placement])
    db.session.flush()
    for obj in (pairing, referral, placement):
        assert can(a.employer, "view", obj) and not can(b.employer, "view", obj)
        assert can(a.county_bureau, "view", obj) and not can(b.county_bureau, "view", obj)
    for obj in (referral, placement):
        assert can(a.coordinator, "view", obj) and not can(b.coordinator, "view", obj)
        assert can(a.seeker, "view", obj) and not can(b.seeker, "view", obj)


def test_disabled_accounts_may_do_nothing(world):
    world.a.coordinator.active = False
    assert not can(world.a.coordinator, "view", world.a.village)


def test_load_for_hides_what_may_not_be_seen_and_refuses_what_may_not_be_changed(world):
    a, b = world.a, world.b
    with pytest.raises(NotFound):
        load_for(a.coordinator, Worker, b.worker.id)
    with pytest.raises(NotFound):
        load_for(a.coordinator, Worker, 999_999)
    published = _vacancy(b)
    with pytest.raises(Forbidden):
        load_for(a.employer, Vacancy, published.id, "edit")
    assert load_for(a.coordinator, Worker, a.worker.id, "edit") is a.worker
