"""Invitations: an enterprise asks a candidate from its ranking to apply for a vacancy.

Inviting reveals nothing: the enterprise still sees the candidate masked. The worker's side — the seeker, or
their village coordinator with the worker's consent — accepts (a referral on the "invitation" channel, with the
same separate consent as an application) or declines (the enterprise is told, still without a name)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.orm import selectinload

from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.matching.errors import UnknownRecord
from matchmaker.models import JobInvitation, User, Vacancy, Worker
from matchmaker.orm import utcnow
from matchmaker.services import audit, matching, notifications, referrals
from matchmaker.services import rows as plain
from matchmaker.services.errors import DomainError, Forbidden, refused_on_conflict
from matchmaker.services.permissions import load_for

NOTE_MAX = 500
# Each invitation notifies a worker and their coordinator: a cap per enterprise keeps a loop over worker ids
# from messaging a whole region.
INVITES_PER_DAY = 100
# The candidates page ranks workers who are looking for work; only those can be invited.
INVITABLE_STATUSES = ("available",)


def invite(actor: User, vacancy_id: int, worker_id: int, note: str = "") -> JobInvitation:
    if actor.role != "enterprise":
        raise Forbidden(_("只有企业可以邀请候选人。"))
    vacancy = load_for(actor, Vacancy, vacancy_id, "edit")
    if not is_open(vacancy):
        raise DomainError(_("岗位发布后、招满前才能邀请候选人。"))
    if len(note or "") > NOTE_MAX:
        raise DomainError(_("邀请留言不能超过 %(n)s 字。", n=NOTE_MAX), "note")
    if _sent_today(actor.enterprise_id) >= INVITES_PER_DAY:
        raise DomainError(_("每个企业每天最多发出 %(n)s 份邀请，请明天再邀请。", n=INVITES_PER_DAY))
    worker = db.session.get(Worker, worker_id)
    if worker is None or not _ranked(worker.id, vacancy.id):
        # One message for "no such worker" and "not a candidate": an id tells an enterprise nothing more.
        raise DomainError(_("该人员不在本岗位的候选人中，不能邀请。"))
    invitation = _sent_again(actor, vacancy, worker, note)
    if invitation is None:
        invitation = JobInvitation(worker=worker, vacancy=vacancy, note=(note or "").strip(), invited_by_id=actor.id)
        db.session.add(invitation)
        with refused_on_conflict(_("已邀请过该候选人应聘本岗位。")):
            db.session.flush()
    audit.record(actor, "invitation.create", "job_invitation", invitation.id, vacancy_id=vacancy.id,
                 worker_id=worker.id)
    notifications.invitation_sent(invitation)
    db.session.commit()
    return invitation


def _sent_again(actor: User, vacancy: Vacancy, worker: Worker, note: str) -> JobInvitation | None:
    """An invitation that expired unanswered (its 30 days, or lapsed when the vacancy filled or the worker was
    hired) may be sent again, as new; one pending or answered may not (a refusal is not asked again). Claimed with
    a conditional UPDATE, so two clicks at once send it once."""
    again = db.session.execute(
        update(JobInvitation).where(JobInvitation.worker_id == worker.id, JobInvitation.vacancy_id == vacancy.id,
                                    JobInvitation.status == "expired")
        .values(status="pending", note=(note or "").strip(), invited_by_id=actor.id, created_at=utcnow(),
                answered_by_id=None, answered_at=None)
        .execution_options(synchronize_session=False))
    if again.rowcount != 1:
        return None
    return db.session.scalar(select(JobInvitation).where(JobInvitation.worker_id == worker.id,
                                                         JobInvitation.vacancy_id == vacancy.id)
                             .execution_options(populate_existing=True))  # as just written, not as first read


def _sent_today(enterprise_id: int) -> int:
    since = utcnow() - timedelta(days=1)
    return db.session.scalar(select(func.count(JobInvitation.id)).join(Vacancy).where(
        Vacancy.enterprise_id == enterprise_id, JobInvitation.created_at >= since)) or 0


def is_open(vacancy: Vacancy) -> bool:
    return vacancy.status == "open" and vacancy.filled < vacancy.headcount


def _ranked(worker_id: int, vacancy_id: int) -> bool:
    try:
        return matching.explain(worker_id, vacancy_id, statuses=INVITABLE_STATUSES).eligible
    except UnknownRecord:
        return False


def answer(actor: User, invitation_id: int, accept: bool, consent: bool = False) -> JobInvitation:
    """Accept (a referral, with the worker's separate consent) or decline an invitation still pending."""
    invitation = load_for(actor, JobInvitation, invitation_id, "answer")
    if invitation.status == "expired":
        raise DomainError(_("该邀请已过期。"))
    if invitation.status != "pending":
        raise DomainError(_("该邀请已答复过。"))
    if accept and not is_open(invitation.vacancy):  # a closed vacancy is no longer visible: say why, not 404
        raise DomainError(_("该岗位已停止招聘。"))
    # Claimed with a conditional UPDATE: the seeker and the coordinator answering at once cannot both win.
    status = "accepted" if accept else "declined"
    claimed = db.session.execute(
        update(JobInvitation).where(JobInvitation.id == invitation.id, JobInvitation.status == "pending")
        .values(status=status, answered_by_id=actor.id, answered_at=utcnow())
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.rollback()
        raise DomainError(_("该邀请已答复过。"))
    db.session.refresh(invitation, ["status", "answered_by_id", "answered_at"])
    audit.record(actor, f"invitation.{invitation.status}", "job_invitation", invitation.id,
                 vacancy_id=invitation.vacancy_id, worker_id=invitation.worker_id)
    if not accept:
        notifications.invitation_declined(invitation)
        db.session.commit()
        return invitation
    try:
        referrals.accept_invitation(actor, invitation, consent)  # commits the referral and this answer together
    except DomainError:
        db.session.rollback()
        raise
    return invitation


def for_worker_side(actor: User, limit: int = 100) -> list[JobInvitation]:
    """The invitations a seeker (their own record) or a coordinator (their village's workers) may answer,
    pending first, then the latest answered."""
    query = select(JobInvitation).join(Worker)
    if actor.role == "seeker":
        query = query.where(JobInvitation.worker_id == (actor.worker_id or -1))
    elif actor.role == "coordinator":
        query = query.where(Worker.home_region_id == actor.village.region_id)
    else:
        raise Forbidden(_("只有求职者本人和村级协调员可以答复应聘邀请。"))
    pending_first = case((JobInvitation.status == "pending", 0), else_=1)
    return list(db.session.scalars(
        query.options(selectinload(JobInvitation.worker), selectinload(JobInvitation.vacancy)
                      .selectinload(Vacancy.enterprise))
        .order_by(pending_first, JobInvitation.created_at.desc(), JobInvitation.id.desc()).limit(limit)))


# Run for every page of candidates, so built once (see notifications._UNREAD_COUNT).
_STATUSES = select(JobInvitation.worker_id, JobInvitation.status).where(
    JobInvitation.vacancy_id == bindparam("vacancy_id"), JobInvitation.worker_id.in_(bindparam("worker_ids",
                                                                                                  expanding=True)))


def statuses_for(actor: User, vacancy: Vacancy, worker_ids: list[int]) -> dict[int, str]:
    """worker id → invitation status, for the enterprise's candidates page (the actor has loaded the vacancy)."""
    if not worker_ids or actor.role != "enterprise" or vacancy.enterprise_id != actor.enterprise_id:
        return {}
    return dict(plain.rows(_STATUSES, {"vacancy_id": vacancy.id, "worker_ids": worker_ids}))


def sent_by(actor: User, limit: int = 1000) -> list[JobInvitation]:
    """The invitations the actor's enterprise sent, newest first."""
    if actor.role != "enterprise":
        raise Forbidden(_("只有企业可以查看其发出的邀请。"))
    return list(db.session.scalars(
        select(JobInvitation).join(Vacancy).where(Vacancy.enterprise_id == actor.enterprise_id)
        .options(selectinload(JobInvitation.worker), selectinload(JobInvitation.vacancy)
                 .selectinload(Vacancy.enterprise))
        .order_by(JobInvitation.created_at.desc(), JobInvitation.id.desc()).limit(limit)))


#: an invitation not answered for this long expires (the enterprise stops waiting; the worker's list stays short)
EXPIRE_AFTER_DAYS = 30


def expire_stale(days: int = EXPIRE_AFTER_DAYS) -> int:
    """Expire pending invitations older than ``days`` (run daily with the referrals); returns how many."""
    done = db.session.execute(
        update(JobInvitation).where(JobInvitation.status == "pending",
                                    JobInvitation.created_at < utcnow() - timedelta(days=days))
        .values(status="expired").execution_options(synchronize_session=False))
    if done.rowcount:
        audit.record(None, "invitation.expired", "job_invitation", None, count=done.rowcount, days=days)
    db.session.commit()
    return done.rowcount or 0
