"""Referrals: nominate with consent, apply, the state machine, and hiring that never exceeds the headcount."""
import os
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, FollowUp, Pairing, Placement, Referral, Vacancy, Worker
from matchmaker.services import referrals
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from tests.factories import make_worker


@pytest.fixture
def vacancy(world):
    v = Vacancy(enterprise=world.a.enterprise, title="普工", site_county=world.a.county, headcount=1, wage_min=4000,
                wage_max=5000, status="open", age_max=55)
    db.session.add(v)
    db.session.commit()
    return v


def _offered(world, vacancy, worker=None):
    worker = worker or world.a.worker
    [r] = referrals.nominate(world.a.coordinator, vacancy.id, [worker.id], "能吃苦", consent=True)
    for step in ("shortlisted", "interview", "offered"):
        referrals.move(world.a.employer, r.id, step)
    return r


def test_nomination_needs_consent_and_records_it(world, vacancy):
    with pytest.raises(DomainError, match="单独同意"):
        referrals.nominate(world.a.coordinator, vacancy.id, [world.a.worker.id], "", consent=False)
    assert db.session.scalar(select(func.count(Referral.id))) == 0
    [r] = referrals.nominate(world.a.coordinator, vacancy.id, [world.a.worker.id], "", consent=True)
    assert r.consent_version == referrals.CONSENT_VERSION and r.consent_recipient == world.a.enterprise.name
    assert r.consent_at is not None and r.score_at_referral is not None
    assert db.session.get(Worker, world.a.worker.id).status == "nominated"
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "referral.nominate"


def test_a_worker_is_put_forward_once_per_vacancy(world, vacancy):
    referrals.nominate(world.a.coordinator, vacancy.id, [world.a.worker.id], "", consent=True)
    with pytest.raises(DomainError, match="已推荐或申请过"):
        referrals.nominate(world.a.coordinator, vacancy.id, [world.a.worker.id], "", consent=True)


def test_coordinators_nominate_only_their_own_workers(world, vacancy):
    with pytest.raises(NotFound):
        referrals.nominate(world.a.coordinator, vacancy.id, [world.b.worker.id], "", consent=True)
    with pytest.raises(Forbidden):
        referrals.nominate(world.a.employer, vacancy.id, [world.a.worker.id], "", consent=True)


def test_reserved_vacancies_take_only_paired_villages(world, vacancy):
    vacancy.reserved_for_paired = True
    db.session.commit()
    with pytest.raises(DomainError, match="对口村"):
        referrals.nominate(world.a.coordinator, vacancy.id, [world.a.worker.id], "", consent=True)
    db.session.add(Pairing(enterprise=world.a.enterprise, village=world.a.village, status="active"))
    db.session.commit()
    assert referrals.nominate(world.a.coordinator, vacancy.id, [world.a.worker.id], "", consent=True)


def test_seeker_applies_and_withdraws(world, vacancy):
    r = referrals.apply(world.a.seeker, vacancy.id, consent=True)
    assert r.channel == "application"
    with pytest.raises(Forbidden):  # only the worker's side withdraws
        referrals.move(world.a.employer, r.id, "withdrawn")
    with pytest.raises(NotFound):
        referrals.move(world.b.seeker, r.id, "withdrawn")
    referrals.move(world.a.seeker, r.id, "withdrawn")
    assert r.status == "withdrawn" and db.session.get(Worker, world.a.worker.id).status == "available"


def test_the_state_machine_refuses_skips_and_rejections_need_a_reason(world, vacancy):
    [r] = referrals.nominate(world.a.coordinator, vacancy.id, [world.a.worker.id], "", consent=True)
    with pytest.raises(DomainError):
        referrals.hire(world.a.employer, r.id, date.today(), 5000)
    with pytest.raises(DomainError, match="原因"):
        referrals.move(world.a.employer, r.id, "rejected", "  ")
    referrals.move(world.a.employer, r.id, "rejected", "年龄不符")
    with pytest.raises(DomainError):
        referrals.move(world.a.employer, r.id, "shortlisted")
    assert [s.to_status for s in r.steps] == ["submitted", "rejected"]


def test_hire_creates_the_placement_and_follow_ups_and_fills_the_vacancy(world, vacancy):
    r = _offered(world, vacancy)
    placement = referrals.hire(world.a.employer, r.id, date.today(), 4800)
    assert placement.transfer_type == "local" and placement.channel == "open_market"
    assert [f.due_month for f in placement.follow_ups] == [1, 3, 6, 12]
    v = db.session.get(Vacancy, vacancy.id)
    assert (v.filled, v.status) == (1, "filled")
    assert db.session.get(Worker, world.a.worker.id).status == "employed"
    assert db.session.scalar(select(func.count(FollowUp.id))) == 4


def test_the_last_opening_is_taken_only_once(world, vacancy):
    second = make_worker(world.a.village, name="李四")
    db.session.commit()
    r1, r2 = _offered(world, vacancy), _offered(world, vacancy, second)
    referrals.hire(world.a.employer, r1.id, date.today(), 4800)
    with pytest.raises(DomainError, match="名额已满"):
        referrals.hire(world.a.employer, r2.id, date.today(), 4800)
    assert db.session.scalar(select(func.count(Placement.id))) == 1
    assert db.session.get(Vacancy, vacancy.id).filled == 1


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="SQLite serialises writers; the race is only real on PostgreSQL")
def test_twenty_parallel_hires_into_three_openings(app, world):
    v = Vacancy(enterprise=world.a.enterprise, title="普工", site_county=world.a.county, headcount=3, wage_min=4000,
                wage_max=5000, status="open", age_max=55)
    db.session.add(v)
    db.session.commit()
    workers = [make_worker(world.a.village, name=f"工{i}") for i in range(20)]
    db.session.commit()
    ids = [_offered(world, v, w).id for w in workers]
    employer_id = world.a.employer.id
    db.session.commit()  # end the test's own transaction so it holds no locks
    results, barrier = [], threading.Barrier(20)

    def attempt(referral_id):
        barrier.wait()  # before taking a connection: the pool holds fewer than 20
        with app.app_context():
            from matchmaker.models import User
            actor = db.session.get(User, employer_id)
            try:
                referrals.hire(actor, referral_id, date.today(), 4500)
                results.append("hired")
            except DomainError as e:
                results.append(e.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    assert results.count("hired") == 3
    assert len([m for m in results if "名额已满" in m]) == 17
    assert db.session.get(Vacancy, v.id).filled == 3
    assert db.session.scalar(select(func.count(Placement.id)).where(Placement.vacancy_id == v.id)) == 3
