"""Referrals nobody moved on expire: the worker is available again and every party is told."""
from datetime import timedelta

from sqlalchemy import select, update

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, Notification, Referral, Vacancy, Worker
from matchmaker.orm import utcnow
from matchmaker.services import referrals


def _vacancy(world):
    v = Vacancy(enterprise=world.a.enterprise, title="普工", site_county=world.a.county, headcount=3,
                wage_min=4000, wage_max=5000, status="open", age_max=55)
    db.session.add(v)
    db.session.commit()
    return v


def test_a_stale_referral_expires_frees_the_worker_and_tells_everyone(world):
    a = world.a
    vacancy = _vacancy(world)
    stale, = referrals.nominate(a.coordinator, vacancy.id, [a.worker.id], "", consent=True)
    fresh, = referrals.nominate(world.b.coordinator, vacancy.id, [world.b.worker.id], "", consent=True)
    db.session.execute(update(Referral).where(Referral.id == stale.id)
                       .values(updated_at=utcnow() - timedelta(days=referrals.EXPIRE_AFTER_DAYS + 1)))
    db.session.commit()
    assert referrals.expire_stale() == 1
    db.session.expire_all()
    stale, fresh = db.session.get(Referral, stale.id), db.session.get(Referral, fresh.id)
    assert (stale.status, fresh.status) == ("expired", "submitted")
    assert stale.steps[-1].to_status == "expired" and stale.steps[-1].actor_id is None
    assert db.session.get(Worker, a.worker.id).status == "available"
    assert db.session.get(Worker, world.b.worker.id).status == "nominated"
    told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "referral_moved")))
    assert {a.seeker.id, a.coordinator.id, a.employer.id} <= told and world.b.seeker.id not in told
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "referral.expired"))
    assert referrals.expire_stale() == 0  # an expired referral stays as it is


def test_the_command_runs(world, app):
    result = app.test_cli_runner().invoke(args=["referrals", "expire", "--days", "30"])
    assert result.exit_code == 0 and "expired 0 referrals and 0 invitations" in result.output
