"""An enterprise invites a ranked candidate; the worker's side accepts (a referral, with consent) or declines."""
from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, JobInvitation, Notification, Referral, Vacancy, VacancyTrade, WorkerSkill
from matchmaker.services import invitations, notifications
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from matchmaker.services.permissions import can
from tests.factories import make_trade, make_worker


@pytest.fixture
def welding(world):
    trade = make_trade("6-18-02-04", "焊工")
    a = world.a
    vacancy = Vacancy(enterprise=a.enterprise, title="焊工", site_county=a.county, longitude=115.05, latitude=24.02,
                      headcount=2, wage_min=5000, wage_max=7000, status="open", age_max=55)
    vacancy.trades.append(VacancyTrade(trade=trade, min_level=2))
    db.session.add_all([vacancy, WorkerSkill(worker=a.worker, trade=trade, level=3)])
    db.session.commit()
    return vacancy


def _notes(user, kind):
    return [notifications.render(n) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == kind))]


def test_an_invitation_tells_the_worker_side_and_reveals_nothing_to_the_enterprise(world, welding):
    a = world.a
    inv = invitations.invite(a.employer, welding.id, a.worker.id, "欢迎来面试")
    assert (inv.status, inv.note) == ("pending", "欢迎来面试")
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "job_invitation")) \
        == "invitation.create"
    assert _notes(a.seeker, "invitation_sent") and _notes(a.coordinator, "invitation_sent")
    assert not _notes(world.b.coordinator, "invitation_sent")
    assert not can(a.employer, "view", a.worker)  # no referral yet: still masked
    with pytest.raises(DomainError, match="已邀请过"):
        invitations.invite(a.employer, welding.id, a.worker.id)


def test_only_the_vacancy_s_enterprise_invites_and_only_its_candidates(world, welding):
    a = world.a
    with pytest.raises((Forbidden, NotFound)):
        invitations.invite(world.b.employer, welding.id, a.worker.id)
    with pytest.raises(Forbidden):
        invitations.invite(a.coordinator, welding.id, a.worker.id)
    employed = make_worker(a.village, name="在岗者", status="employed")
    db.session.commit()
    for worker_id in (employed.id, 10**9):  # not a candidate, or no such worker: the same message
        with pytest.raises(DomainError, match="不在本岗位的候选人中"):
            invitations.invite(a.employer, welding.id, worker_id)
    with pytest.raises(DomainError, match="不能超过"):
        invitations.invite(a.employer, welding.id, a.worker.id, "字" * 501)
    assert db.session.scalar(select(func.count(JobInvitation.id))) == 0


def test_accepting_needs_consent_and_makes_an_invitation_referral(world, welding):
    a = world.a
    inv = invitations.invite(a.employer, welding.id, a.worker.id)
    with pytest.raises(DomainError, match="同意"):
        invitations.answer(a.seeker, inv.id, accept=True, consent=False)
    db.session.expire_all()
    assert db.session.get(JobInvitation, inv.id).status == "pending" and db.session.scalar(select(Referral)) is None
    invitations.answer(a.seeker, inv.id, accept=True, consent=True)
    db.session.expire_all()
    inv = db.session.get(JobInvitation, inv.id)
    referral = db.session.scalar(select(Referral))
    assert (inv.status, inv.referral_id, inv.answered_by_id) == ("accepted", referral.id, a.seeker.id)
    assert (referral.channel, referral.status, referral.worker.status) == ("invitation", "submitted", "nominated")
    assert referral.consent_recipient == a.enterprise.name
    assert can(a.employer, "view", a.worker)  # the referral now shows the worker to the enterprise
    assert any(a.worker.name in text for text in _notes(a.employer, "invitation_accepted"))
    with pytest.raises(DomainError, match="已答复过"):
        invitations.answer(a.coordinator, inv.id, accept=False)


def test_a_refusal_reaches_the_enterprise_without_the_name(world, welding):
    a = world.a
    inv = invitations.invite(a.employer, welding.id, a.worker.id)
    with pytest.raises(NotFound):  # another village's coordinator, another enterprise: not theirs to answer
        invitations.answer(world.b.coordinator, inv.id, accept=False)
    with pytest.raises((Forbidden, NotFound)):
        invitations.answer(a.employer, inv.id, accept=False)
    invitations.answer(a.coordinator, inv.id, accept=False)
    assert db.session.get(JobInvitation, inv.id).status == "declined"
    told = _notes(a.employer, "invitation_declined")
    assert told and a.worker.name not in told[0] and a.worker.name[0] + "*" in told[0]
    assert db.session.scalar(select(Referral)) is None


def test_an_invitation_to_a_closed_vacancy_cannot_be_accepted(world, welding):
    a = world.a
    inv = invitations.invite(a.employer, welding.id, a.worker.id)
    welding.status = "closed"
    db.session.commit()
    with pytest.raises(DomainError, match="停止招聘"):
        invitations.answer(a.seeker, inv.id, accept=True, consent=True)
    db.session.expire_all()
    assert db.session.get(JobInvitation, inv.id).status == "pending" and db.session.scalar(select(Referral)) is None


def test_invite_and_answer_through_the_pages(world, welding, login):
    a = world.a
    employer = login(a.employer)
    page = employer.get(f"/enterprise/vacancies/{welding.id}/candidates?county={a.county.code}").get_data(as_text=True)
    assert "邀请应聘" in page
    r = employer.post(f"/enterprise/vacancies/{welding.id}/candidates/{a.worker.id}/invite",
                      data={"note": "周一面试", "county": a.county.code, "evil": "x"})
    assert r.status_code == 302 and r.headers["Location"].endswith(
        f"/enterprise/vacancies/{welding.id}/candidates?county={a.county.code}")
    page = employer.get(r.headers["Location"]).get_data(as_text=True)
    assert "已发出邀请" in page and "应聘邀请：待答复" in page and a.worker.name not in page
    seeker = login(a.seeker)
    mine = seeker.get("/invitations/").get_data(as_text=True)
    assert "焊工" in mine and "周一面试" in mine and a.enterprise.name in mine
    inv = db.session.scalar(select(JobInvitation))
    refused = seeker.post(f"/invitations/{inv.id}/accept", data={})
    assert refused.status_code == 302 and db.session.scalar(select(Referral)) is None
    assert "同意" in seeker.get("/invitations/").get_data(as_text=True)
    seeker.post(f"/invitations/{inv.id}/accept", data={"consent": "1"})
    assert db.session.scalar(select(Referral.channel)) == "invitation"
    assert "已接受" in seeker.get("/invitations/").get_data(as_text=True)
    assert a.worker.name in employer.get("/referrals/").get_data(as_text=True)  # now a referral, name shown
    assert login(world.b.seeker).post(f"/invitations/{inv.id}/decline").status_code == 404


def test_two_answers_at_once_cannot_both_win(world, welding):
    a = world.a
    inv = invitations.invite(a.employer, welding.id, a.worker.id)
    invitations.answer(a.coordinator, inv.id, accept=False)
    # The seeker's request read the invitation while it was still pending, just before the coordinator answered:
    stale = db.session.get(JobInvitation, inv.id)
    set_committed_value(stale, "status", "pending")
    with pytest.raises(DomainError, match="已答复过"):
        invitations.answer(a.seeker, inv.id, accept=True, consent=True)
    db.session.expire_all()
    assert db.session.get(JobInvitation, inv.id).status == "declined" and db.session.scalar(select(Referral)) is None


def test_an_enterprise_sends_at_most_its_daily_share(world, welding, monkeypatch):
    a = world.a
    other = make_worker(a.village, name="候选人乙", radius="county")
    db.session.add(WorkerSkill(worker=other, trade=welding.trades[0].trade, level=2))
    db.session.commit()
    monkeypatch.setattr(invitations, "INVITES_PER_DAY", 1)
    invitations.invite(a.employer, welding.id, a.worker.id)
    with pytest.raises(DomainError, match="每天最多"):
        invitations.invite(a.employer, welding.id, other.id)
    assert db.session.scalar(select(func.count(JobInvitation.id))) == 1


def test_an_invitation_nobody_answers_expires(world, welding):
    from datetime import timedelta

    from sqlalchemy import update

    from matchmaker.orm import utcnow
    a = world.a
    old = invitations.invite(a.employer, welding.id, a.worker.id)
    db.session.execute(update(JobInvitation).where(JobInvitation.id == old.id)
                       .values(created_at=utcnow() - timedelta(days=invitations.EXPIRE_AFTER_DAYS + 1)))
    db.session.commit()
    assert invitations.expire_stale() == 1 and invitations.expire_stale() == 0
    db.session.expire_all()
    assert db.session.get(JobInvitation, old.id).status == "expired"
    with pytest.raises(DomainError, match="已过期"):
        invitations.answer(a.seeker, old.id, accept=True, consent=True)


def _ranked_welder(world, trade_name="焊工"):
    from matchmaker.models import Trade
    worker = make_worker(world.a.village, name="焊工乙")
    db.session.add(WorkerSkill(worker=worker, trade=db.session.scalar(select(Trade).where(Trade.name == trade_name)),
                               level=3))
    db.session.commit()
    return worker


def test_closing_the_vacancy_is_a_pause_its_invitations_wait_for_it(world, welding):
    from matchmaker.services import vacancies
    a = world.a
    inv = invitations.invite(a.employer, welding.id, a.worker.id)
    vacancies.close(a.employer, welding.id)
    with pytest.raises(DomainError, match="停止招聘"):
        invitations.answer(a.seeker, inv.id, accept=True, consent=True)
    vacancies.publish(a.employer, welding.id)
    invitations.answer(a.seeker, inv.id, accept=True, consent=True)
    db.session.expire_all()
    assert db.session.get(JobInvitation, inv.id).status == "accepted"


def test_a_vacancy_filled_by_editing_lapses_its_invitations_and_reopened_may_send_them_again(world, welding):
    from matchmaker.services import vacancies
    a, other = world.a, _ranked_welder(world)
    pending = invitations.invite(a.employer, welding.id, a.worker.id)
    declined = invitations.invite(a.employer, welding.id, other.id)
    invitations.answer(a.coordinator, declined.id, accept=False)
    welding.filled = 1  # one hired already; the enterprise now wants only one
    db.session.commit()
    vacancies.update_vacancy(a.employer, welding.id, replace(vacancies.input_from(welding), headcount=1))
    db.session.expire_all()
    assert db.session.get(Vacancy, welding.id).status == "filled"
    assert db.session.get(JobInvitation, pending.id).status == "expired"
    assert db.session.get(JobInvitation, declined.id).status == "declined"  # answered: stays as it was
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "invitation.lapsed")).detail["count"] == 1
    # the worker's side of the lapsed invitation is told, the one who had declined is not
    told = "企业甲的“焊工”已招满，给 工人甲 的应聘邀请已失效。"
    assert _notes(a.seeker, "invitation_lapsed_filled") == [told] == _notes(a.coordinator, "invitation_lapsed_filled")
    assert len(db.session.scalars(select(Notification).where(Notification.kind == "invitation_lapsed_filled")).all()) == 2
    with pytest.raises(DomainError, match="已过期"):
        invitations.answer(a.seeker, pending.id, accept=True, consent=True)
    welding = db.session.get(Vacancy, welding.id)
    vacancies.update_vacancy(a.employer, welding.id, replace(vacancies.input_from(welding), headcount=3))
    vacancies.publish(a.employer, welding.id)
    again = invitations.invite(a.employer, welding.id, a.worker.id, "再次邀请")
    assert (again.id, again.status, again.note) == (pending.id, "pending", "再次邀请")  # the same invitation, anew
    with pytest.raises(DomainError, match="已邀请过"):  # a refusal is not asked again
        invitations.invite(a.employer, welding.id, other.id)
    invitations.answer(a.seeker, again.id, accept=True, consent=True)


def test_a_hire_lapses_the_worker_s_other_invitations_and_a_filled_vacancy_s(world, welding):
    from datetime import date

    from matchmaker.services import referrals
    a, other = world.a, _ranked_welder(world)
    labour = Vacancy(enterprise=a.enterprise, title="普工", site_county=a.county, headcount=1, wage_min=4000,
                     wage_max=5000, status="open", age_max=55)
    db.session.add(labour)
    db.session.commit()
    to_welding = invitations.invite(a.employer, welding.id, a.worker.id)
    to_labour = invitations.invite(a.employer, labour.id, other.id)
    [r] = referrals.nominate(a.coordinator, labour.id, [a.worker.id], "", consent=True)
    for step in ("shortlisted", "interview", "offered"):
        referrals.move(a.employer, r.id, step)
    referrals.hire(a.employer, r.id, date.today(), 4500)  # a.worker employed; 普工 (one place) filled
    db.session.expire_all()
    assert db.session.get(JobInvitation, to_welding.id).status == "expired"  # hired elsewhere
    assert db.session.get(JobInvitation, to_labour.id).status == "expired"  # no place left
    assert db.session.get(Vacancy, labour.id).status == "filled"
    # the other worker's side hears that 普工 filled; enterprise A hired a.worker itself and is told nothing
    assert _notes(a.coordinator, "invitation_lapsed_filled") == ["企业甲的“普工”已招满，给 焊工乙 的应聘邀请已失效。"]
    assert not db.session.scalars(select(Notification).where(Notification.kind == "invitation_lapsed_worker")).all()


def test_a_hire_tells_the_other_enterprises_that_invited_the_worker_but_not_where(world, welding):
    from datetime import date

    from matchmaker.services import referrals
    a, b = world.a, world.b
    elsewhere = Vacancy(enterprise=b.enterprise, title="焊工（乙厂）", site_county=b.county, longitude=115.0,
                        latitude=24.0, headcount=5, wage_min=5000, wage_max=7000, status="open", age_max=55)
    db.session.add(elsewhere)
    db.session.commit()
    from_b = invitations.invite(b.employer, elsewhere.id, a.worker.id)
    [r] = referrals.nominate(a.coordinator, welding.id, [a.worker.id], "", consent=True)
    for step in ("shortlisted", "interview", "offered"):
        referrals.move(a.employer, r.id, step)
    referrals.hire(a.employer, r.id, date.today(), 6000)
    db.session.expire_all()
    assert db.session.get(JobInvitation, from_b.id).status == "expired"
    [told] = _notes(b.employer, "invitation_lapsed_worker")
    assert told == "候选人 工* 已无法应聘，“焊工（乙厂）”的应聘邀请已失效。"
    assert "企业甲" not in told and "焊工”" not in told.replace("焊工（乙厂）", "")  # not where they were hired
    assert not _notes(a.employer, "invitation_lapsed_worker")
    assert not _notes(a.seeker, "invitation_lapsed_filled")  # the worker's own side: nothing lapsed for want of room
