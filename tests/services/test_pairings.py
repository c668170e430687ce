"""一企一村 pairings: who may propose, answer and end; target and activity validation; stats; the ranking context."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, FollowUp, Pairing, PairingActivity, Placement, Referral, Vacancy
from matchmaker.services import matching, pairings
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from tests.factories import make_worker


def _count(model):
    return db.session.scalar(select(func.count(model.id)))


def _last_action():
    return db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1))


@pytest.fixture
def proposed(world):
    return pairings.propose(world.a.employer, world.a.village.id)


@pytest.fixture
def active(world, proposed):
    return pairings.accept(world.a.coordinator, proposed.id)


def test_an_enterprise_proposes_and_the_village_accepts(world, proposed):
    assert proposed.status == "proposed" and proposed.proposed_by_id == world.a.employer.id
    assert _last_action() == "pairing.propose"
    p = pairings.accept(world.a.coordinator, proposed.id)
    assert p.status == "active" and p.approved_by_id == world.a.coordinator.id and p.approved_at is not None
    assert _last_action() == "pairing.accept"


def test_a_coordinator_proposes_to_an_enterprise(world):
    p = pairings.propose(world.a.coordinator, world.b.enterprise.id)
    assert (p.enterprise_id, p.village_id) == (world.b.enterprise.id, world.a.village.id)
    with pytest.raises(Forbidden):
        pairings.accept(world.a.coordinator, p.id)
    assert pairings.accept(world.b.employer, p.id).status == "active"


def test_the_proposer_cannot_answer_their_own_proposal(world, proposed):
    for answer in (pairings.accept, pairings.decline):
        with pytest.raises(Forbidden):
            answer(world.a.employer, proposed.id)
    assert db.session.get(Pairing, proposed.id).status == "proposed"


def test_other_villages_enterprises_and_roles_are_refused(world, proposed):
    with pytest.raises(NotFound):
        pairings.accept(world.b.coordinator, proposed.id)
    with pytest.raises(NotFound):
        pairings.end(world.b.employer, proposed.id)
    for user in (world.a.seeker, world.a.teacher, world.a.county_bureau):
        with pytest.raises(Forbidden):
            pairings.accept(user, proposed.id)
    assert db.session.get(Pairing, proposed.id).status == "proposed"


def test_no_second_proposal_while_one_is_open_or_active(world, proposed):
    with pytest.raises(DomainError, match="已结对") as e:
        pairings.propose(world.a.coordinator, world.a.enterprise.id)
    assert e.value.field == "other_id"
    with pytest.raises(NotFound):
        pairings.propose(world.a.employer, 999_999)


def test_a_declined_or_ended_pair_is_proposed_again_on_the_same_row(world, proposed):
    pairings.decline(world.a.coordinator, proposed.id)
    again = pairings.propose(world.a.coordinator, world.a.enterprise.id)
    assert again.id == proposed.id and again.status == "proposed" and again.proposed_by_id == world.a.coordinator.id
    pairings.accept(world.a.employer, again.id)
    pairings.end(world.a.coordinator, again.id)
    assert db.session.get(Pairing, again.id).status == "ended" and _last_action() == "pairing.end"
    third = pairings.propose(world.a.employer, world.a.village.id)
    assert third.id == proposed.id and third.approved_by_id is None and third.ended_at is None
    assert _count(Pairing) == 1


def test_the_ranking_context_sees_an_accepted_pairing_and_its_end(world, proposed):
    key = (world.a.enterprise.id, world.a.village.region.code)
    assert key not in matching.current().index.ctx.pairings
    pairings.accept(world.a.coordinator, proposed.id)
    assert key in matching.current().index.ctx.pairings
    pairings.end(world.a.employer, proposed.id)
    assert key not in matching.current().index.ctx.pairings


def test_target_is_validated_and_nothing_is_written_on_error(world, active):
    audits = _count(AuditEntry)
    for bad in (-1, None, 100_001):
        with pytest.raises(DomainError) as e:
            pairings.set_target(world.a.employer, active.id, bad)
        assert e.value.field == "annual_target" and "年度目标" in e.value.message
    db.session.rollback()
    assert db.session.get(Pairing, active.id).annual_target == 0 and _count(AuditEntry) == audits
    assert pairings.set_target(world.a.coordinator, active.id, 30).annual_target == 30
    with pytest.raises(NotFound):
        pairings.set_target(world.b.coordinator, active.id, 5)


@pytest.mark.parametrize("kwargs, field", [
    ({"kind": "party"}, "kind"),
    ({"held_on": None}, "held_on"),
    ({"held_on": date.today() + timedelta(days=1)}, "held_on"),
    ({"people_reached": -1}, "people_reached"),
    ({"people_reached": None}, "people_reached"),
    ({"notes": "字" * 1001}, "notes"),
])
def test_activity_validation_names_the_field(world, active, kwargs, field):
    args = {"kind": "job_fair", "held_on": date.today(), "people_reached": 40, "notes": ""} | kwargs
    with pytest.raises(DomainError) as e:
        pairings.log_activity(world.a.employer, active.id, **args)
    assert e.value.field == field
    db.session.rollback()
    assert _count(PairingActivity) == 0


def test_activities_are_logged_on_active_pairings_only(world, proposed):
    with pytest.raises(DomainError, match="进行中"):
        pairings.log_activity(world.a.employer, proposed.id, "publicity", date.today(), 10, "")
    pairings.accept(world.a.coordinator, proposed.id)
    a = pairings.log_activity(world.a.coordinator, proposed.id, "consultation", date.today(), 25, "村委会议室")
    assert a.people_reached == 25 and _last_action() == "pairing.activity"
    _, rows = pairings.activities(world.a.employer, proposed.id)
    assert [r.id for r in rows] == [a.id]
    with pytest.raises(NotFound):
        pairings.activities(world.b.employer, proposed.id)


def test_groups_by_who_must_act(world, proposed):
    other = pairings.propose(world.a.coordinator, world.b.enterprise.id)
    mine = pairings.grouped(world.a.coordinator)
    assert [p.id for p in mine.to_answer] == [proposed.id] and [p.id for p in mine.mine] == [other.id]
    theirs = pairings.grouped(world.a.employer)
    assert [p.id for p in theirs.mine] == [proposed.id] and theirs.to_answer == []


def test_search_finds_villages_for_enterprises_and_enterprises_for_coordinators(world):
    assert [v.id for v in pairings.search_candidates(world.a.employer, "大坝")] == sorted(
        [world.a.village.id, world.b.village.id], key=lambda i: db.session.get(type(world.a.village), i).region.code)
    assert [e.id for e in pairings.search_candidates(world.a.coordinator, "企业乙")] == [world.b.enterprise.id]
    assert pairings.search_candidates(world.a.coordinator, "  ") == []


def test_stats_count_referrals_placements_and_six_month_retention(world, active):
    ent, village = world.a.enterprise, world.a.village
    vacancy = Vacancy(enterprise=ent, title="普工", site_county=world.a.county, headcount=10, wage_min=4000,
                      wage_max=5000, status="open", age_max=55)
    elsewhere = Vacancy(enterprise=world.b.enterprise, title="普工", site_county=world.b.county, headcount=10,
                        wage_min=4000, wage_max=5000, status="open", age_max=55)
    db.session.add_all([vacancy, elsewhere])
    workers = [make_worker(village, name=f"工{i}") for i in range(4)]
    outsider = make_worker(world.b.village, name="外村")
    for w in workers:
        db.session.add(Referral(worker=w, vacancy=vacancy, channel="nomination", status="submitted"))
    db.session.add(Referral(worker=outsider, vacancy=vacancy, channel="application", status="submitted"))
    db.session.add(Referral(worker=workers[0], vacancy=elsewhere, channel="nomination", status="submitted"))
    start = date.today() - timedelta(days=200)
    for i, w in enumerate(workers[:3]):
        pl = Placement(worker=w, vacancy=vacancy, enterprise_id=ent.id, start_date=start, channel="pairing",
                       transfer_type="local")
        for m in (1, 3, 6, 12):
            pl.follow_ups.append(FollowUp(due_month=m, due_on=start + timedelta(days=30 * m),
                                          still_employed=(m == 6 and i < 2) or (m == 1)))
        db.session.add(pl)
    db.session.add(Placement(worker=outsider, vacancy=vacancy, enterprise_id=ent.id, start_date=start,
                             channel="open_market", transfer_type="in_province"))
    db.session.commit()
    pairings.set_target(world.a.employer, active.id, 12)
    s = pairings.stats(db.session.get(Pairing, active.id))
    assert (s.nominated, s.hired, s.retained_6m, s.target) == (4, 3, 2, 12)
    other = pairings.propose(world.b.employer, world.a.village.id)
    many = pairings.stats_many([db.session.get(Pairing, active.id), other])
    assert many[other.id].nominated == 1 and many[other.id].hired == 0
