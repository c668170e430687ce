"""The bureau verifies organisations and approves pairings and park–school links of its own region only."""
import sys
import types

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, MatchingChange, Pairing, ParkSchoolLink
from matchmaker.services import approvals, pairings
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from tests.factories import make_enterprise


def _audit(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def _changes():
    return db.session.scalars(select(MatchingChange.kind)).all()


def test_unverified_organisations_of_the_region_only(world):
    a_new = make_enterprise(world.a.county, name="待认证甲")
    b_new = make_enterprise(world.b.county, name="待认证乙")
    a_new.verified = b_new.verified = False
    world.a.school.verified = False  # make_school leaves schools unverified: b's stays so
    db.session.commit()
    groups = approvals.unverified_organisations(world.a.county_bureau)
    assert [e.name for e in groups["enterprise"]] == ["待认证甲"]
    assert [s.id for s in groups["school"]] == [world.a.school.id]
    assert groups["village"] == []
    province = approvals.unverified_organisations(world.province_bureau)
    assert {e.name for e in province["enterprise"]} == {"待认证甲", "待认证乙"}
    assert {s.id for s in province["school"]} == {world.a.school.id, world.b.school.id}


def test_verify_is_audited_and_out_of_region_is_not_found(world):
    world.a.enterprise.verified = world.b.enterprise.verified = False
    db.session.commit()
    approvals.verify(world.a.county_bureau, "enterprise", world.a.enterprise.id)
    assert world.a.enterprise.verified is True
    [entry] = _audit("enterprise.verify")
    assert (entry.actor_id, entry.object_id) == (world.a.county_bureau.id, world.a.enterprise.id)
    with pytest.raises(DomainError, match="已认证"):
        approvals.verify(world.a.county_bureau, "enterprise", world.a.enterprise.id)
    with pytest.raises(NotFound):
        approvals.verify(world.a.county_bureau, "enterprise", world.b.enterprise.id)
    assert db.session.get(type(world.b.enterprise), world.b.enterprise.id).verified is False
    with pytest.raises(Forbidden):
        approvals.verify(world.a.employer, "enterprise", world.a.enterprise.id)


@pytest.fixture
def agreed(world):
    """Enterprise A proposed, village A accepted: active, awaiting the bureau."""
    p = pairings.propose(world.a.employer, world.a.village.id)
    return pairings.accept(world.a.coordinator, p.id)


def test_an_agreed_pairing_awaits_the_bureau_until_approved(world, agreed):
    assert [p.id for p in approvals.pending_pairings(world.a.county_bureau)] == [agreed.id]
    assert approvals.pending_pairings(world.b.county_bureau) == []
    p = approvals.approve_pairing(world.a.county_bureau, agreed.id)
    assert (p.status, p.approved_by_id) == ("active", world.a.county_bureau.id) and p.approved_at is not None
    assert _audit("pairing.approve")[0].detail == {"was": "active"}
    assert approvals.pending_pairings(world.a.county_bureau) == []
    with pytest.raises(DomainError, match="已审批"):
        approvals.approve_pairing(world.province_bureau, agreed.id)


def test_approving_a_proposal_makes_it_active_and_feeds_the_ranking_context(world):
    p = pairings.propose(world.a.coordinator, world.a.enterprise.id)
    before = len(_changes())
    approvals.approve_pairing(world.province_bureau, p.id)
    p = db.session.get(Pairing, p.id)
    assert (p.status, p.approved_by_id) == ("active", world.province_bureau.id)
    assert _changes()[before:] == ["context"]


def test_a_pairing_across_regions_is_seen_by_both_counties(world):
    p = pairings.propose(world.a.coordinator, world.b.enterprise.id)
    assert [x.id for x in approvals.pending_pairings(world.a.county_bureau)] == [p.id]
    assert [x.id for x in approvals.pending_pairings(world.b.county_bureau)] == [p.id]


def test_reject_needs_a_reason_then_ends_or_declines(world, agreed):
    with pytest.raises(DomainError) as e:
        approvals.reject_pairing(world.a.county_bureau, agreed.id, "  ")
    assert e.value.field == "reason"
    assert db.session.get(Pairing, agreed.id).status == "active"
    before = len(_changes())
    p = approvals.reject_pairing(world.a.county_bureau, agreed.id, "企业不在计划名单")
    assert p.status == "ended" and p.ended_at is not None
    assert _audit("pairing.reject")[0].detail == {"was": "active", "reason": "企业不在计划名单"}
    assert _changes()[before:] == ["context"]
    proposal = pairings.propose(world.b.employer, world.a.village.id)
    assert approvals.reject_pairing(world.a.county_bureau, proposal.id, "重复申请").status == "declined"


def test_other_regions_and_roles_cannot_approve(world, agreed):
    with pytest.raises(NotFound):
        approvals.approve_pairing(world.b.county_bureau, agreed.id)
    with pytest.raises(Forbidden):
        approvals.approve_pairing(world.a.employer, agreed.id)
    assert db.session.get(Pairing, agreed.id).approved_by_id == world.a.coordinator.id


def test_links_are_listed_and_decided_by_the_school_service(world, monkeypatch):
    from matchmaker.models import Park
    park = Park(code="P900", name="五华测试园", county_id=world.a.county.id)
    db.session.add(park)
    db.session.flush()
    link = ParkSchoolLink(school_id=world.b.school.id, park_id=park.id, year=2026)
    db.session.add(link)
    db.session.commit()
    assert [l.id for l in approvals.pending_links(world.a.county_bureau)] == [link.id]  # the park is in A
    assert [l.id for l in approvals.pending_links(world.b.county_bureau)] == [link.id]  # the school is in B
    calls = []
    stub = types.ModuleType("matchmaker.services.schools")
    stub.decide_link = lambda actor, link_id, approve, reason: calls.append((actor.id, link_id, approve, reason))
    monkeypatch.setitem(sys.modules, "matchmaker.services.schools", stub)
    import matchmaker.services as services_pkg
    monkeypatch.setattr(services_pkg, "schools", stub, raising=False)
    with pytest.raises(DomainError):  # declining needs a reason, checked before the school service is called
        approvals.decide_link(world.a.county_bureau, link.id, False, "")
    approvals.decide_link(world.a.county_bureau, link.id, False, "园区不接收")
    approvals.decide_link(world.a.county_bureau, link.id, True)
    assert calls == [(world.a.county_bureau.id, link.id, False, "园区不接收"),
                     (world.a.county_bureau.id, link.id, True, "")]


def test_a_pairing_changed_since_it_was_read_is_not_overwritten(world, agreed, monkeypatch):
    """The party ends the pairing between the bureau's read and its write: the bureau's approval is refused."""
    read = approvals._pending_pairing

    def read_then_party_ends(actor, pairing_id):
        pairing = read(actor, pairing_id)
        db.session.execute(Pairing.__table__.update().where(Pairing.id == pairing_id).values(status="ended"))
        return pairing
    monkeypatch.setattr(approvals, "_pending_pairing", read_then_party_ends)
    with pytest.raises(DomainError, match="刚被他人处理"):
        approvals.approve_pairing(world.a.county_bureau, agreed.id)
    p = db.session.get(Pairing, agreed.id)
    db.session.refresh(p)
    assert p.approved_by_id == world.a.coordinator.id and not _audit("pairing.approve")


def _told(user, kind):
    from matchmaker.models import Notification
    from matchmaker.services import notifications
    return [notifications.render(n) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == kind))]


def test_both_parties_hear_the_bureau_s_decision_on_a_pairing(world, agreed):
    approvals.approve_pairing(world.a.county_bureau, agreed.id)
    for party in (world.a.employer, world.a.coordinator):
        assert any(world.a.village.name in text for text in _told(party, "pairing_approved"))
    assert not _told(world.b.employer, "pairing_approved")
    proposal = pairings.propose(world.b.employer, world.a.village.id)
    approvals.reject_pairing(world.a.county_bureau, proposal.id, "企业不在计划名单")
    assert any("企业不在计划名单" in text for text in _told(world.a.coordinator, "pairing_rejected"))
    assert any("企业不在计划名单" in text for text in _told(world.b.employer, "pairing_rejected"))


def test_the_school_hears_the_bureau_s_decision_on_a_link(world):
    from matchmaker.models import Park
    from matchmaker.services import schools
    parks = [Park(code=f"P90{i}", name=f"五华通知园{i}", county_id=world.a.county.id) for i in (1, 2)]
    db.session.add_all(parks)
    db.session.flush()
    first, second = (ParkSchoolLink(school_id=world.a.school.id, park_id=p.id, year=2026) for p in parks)
    db.session.add_all([first, second])
    db.session.commit()
    schools.decide_link(world.a.county_bureau, first.id, True)
    schools.decide_link(world.a.county_bureau, second.id, False, "名额已满")
    assert any("五华通知园1" in text for text in _told(world.a.teacher, "park_link_approved"))
    assert any("名额已满" in text for text in _told(world.a.teacher, "park_link_declined"))
    assert not _told(world.b.teacher, "park_link_approved")
