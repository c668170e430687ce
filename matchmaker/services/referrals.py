"""Referrals: a worker put forward for a vacancy — nominated by their village, applied for by themselves — and
each step it takes to a hire. The state machine is REFERRAL_TRANSITIONS (models/referrals.py); a hire takes an
opening with one atomic UPDATE, so the last opening can be taken only once, on SQLite and PostgreSQL alike."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.matching import Explanation
from matchmaker.models import (FollowUp, JobInvitation, OrderClass, OrderClassStudent, Pairing, Placement,
                               Referral, ReferralStep, User, Vacancy, Village, Worker)
from matchmaker.models.placements import FOLLOW_UP_MONTHS
from matchmaker.models.referrals import ACTIVE_REFERRAL_STATUSES, REFERRAL_TRANSITIONS
from matchmaker.orm import utcnow
from matchmaker.services import audit, matching, notifications
from matchmaker.services.errors import DomainError, Forbidden, refused_on_conflict
from matchmaker.services.permissions import can, load_for

CONSENT_VERSION = "2026-11"
# Steps the enterprise takes; the worker's side (the seeker, their coordinator) may only withdraw.
ENTERPRISE_STEPS = {"shortlisted", "interview", "offered", "rejected"}
WORKER_SIDE_STEPS = {"withdrawn"}


def consent_purpose() -> str:
    return _("向该企业推荐求职，用于岗位招聘")


def _open_vacancy(actor: User, vacancy_id: int) -> Vacancy:
    vacancy = load_for(actor, Vacancy, vacancy_id)
    if vacancy.status != "open" or vacancy.filled >= vacancy.headcount:
        raise DomainError(_("该岗位已停止招聘。"))
    return vacancy


def _require_consent(consent: bool) -> None:
    if not consent:
        raise DomainError(_("推荐前须取得本人同意将个人信息提供给该企业（单独同意）。"), "consent")


def _check_reserved(vacancy: Vacancy, worker: Worker) -> None:
    if not vacancy.reserved_for_paired:
        return
    paired = db.session.scalar(
        select(Pairing.id).join(Village).where(Pairing.enterprise_id == vacancy.enterprise_id,
                                               Pairing.status == "active", Village.region_id == worker.home_region_id))
    if paired is None:
        raise DomainError(_("该岗位仅面向一企一村对口村，%(name)s 不在对口村。", name=worker.name))


def _create(actor: User, vacancy: Vacancy, worker: Worker, channel: str, note: str) -> Referral:
    if worker.status not in ("available", "nominated"):
        raise DomainError(_("%(name)s 当前不在求职状态。", name=worker.name))
    _check_reserved(vacancy, worker)
    existing = db.session.scalar(select(Referral.id).where(Referral.worker_id == worker.id,
                                                           Referral.vacancy_id == vacancy.id))
    if existing:
        raise DomainError(_("%(name)s 已推荐或申请过该岗位。", name=worker.name))
    score = matching.explain(worker.id, vacancy.id).total
    referral = Referral(worker=worker, vacancy=vacancy, channel=channel, status="submitted", note=(note or "")[:1000],
                        created_by_id=actor.id, consent_version=CONSENT_VERSION, consent_at=utcnow(),
                        consent_recipient=vacancy.enterprise.name, consent_purpose=consent_purpose(),
                        score_at_referral=score)
    referral.steps.append(ReferralStep(from_status=None, to_status="submitted", actor_id=actor.id, reason=""))
    db.session.add(referral)
    worker.status = "nominated"
    return referral


def _saved(actor: User, referrals: list[Referral], action: str) -> None:
    with refused_on_conflict(_("已推荐或申请过该岗位。")):
        db.session.flush()
    for r in referrals:
        audit.record(actor, action, "referral", r.id, vacancy_id=r.vacancy_id, worker_id=r.worker_id,
                     consent_version=CONSENT_VERSION)
        matching.note_change("worker", r.worker_id)
    matching.note_change("context")
    notifications.referrals_created(actor, referrals)
    db.session.commit()


def nominate(actor: User, vacancy_id: int, worker_ids: list[int], note: str, consent: bool) -> list[Referral]:
    """A coordinator puts forward workers of their village, each with their separate consent. All or none."""
    if actor.role != "coordinator":
        raise Forbidden(_("只有村级协调员可以推荐人员。"))
    _require_consent(consent)
    if not worker_ids:
        raise DomainError(_("请至少选择一名人员。"), "worker_ids")
    vacancy = _open_vacancy(actor, vacancy_id)
    workers = [load_for(actor, Worker, wid, "edit") for wid in dict.fromkeys(worker_ids)]
    referrals = [_create(actor, vacancy, w, "nomination", note) for w in workers]
    _saved(actor, referrals, "referral.nominate")
    return referrals


def apply(actor: User, vacancy_id: int, consent: bool) -> Referral:
    """A job seeker applies for a vacancy with their own linked record."""
    if actor.role != "seeker" or actor.worker_id is None:
        raise DomainError(_("请先由村级协调员确认关联您的台账记录，再申请岗位。"))
    _require_consent(consent)
    vacancy = _open_vacancy(actor, vacancy_id)
    referral = _create(actor, vacancy, db.session.get(Worker, actor.worker_id), "application", "")
    _saved(actor, [referral], "referral.apply")
    return referral


def accept_invitation(actor: User, invitation: JobInvitation, consent: bool) -> Referral:
    """An enterprise's invitation taken up (by the worker, or their coordinator with the worker's consent): a
    referral on the invitation channel, as if applied. The caller has checked who may answer."""
    _require_consent(consent)
    vacancy = _open_vacancy(actor, invitation.vacancy_id)
    referral = _create(actor, vacancy, invitation.worker, "invitation", invitation.note)
    invitation.referral = referral
    _saved(actor, [referral], "referral.invitation")
    return referral


def _step(actor: User | None, referral: Referral, to_status: str, reason: str) -> None:
    if to_status not in REFERRAL_TRANSITIONS[referral.status]:
        raise DomainError(_("当前状态下不能进行此操作。"))
    referral.steps.append(ReferralStep(from_status=referral.status, to_status=to_status,
                                       actor_id=getattr(actor, "id", None),
                                       reason=(reason or "")[:1000]))
    referral.status = to_status


def _release_worker(worker: Worker) -> None:
    """A worker with no other active referral is available again."""
    others = db.session.scalar(select(func.count(Referral.id)).where(
        Referral.worker_id == worker.id, Referral.status.in_(ACTIVE_REFERRAL_STATUSES)))
    if not others and worker.status == "nominated":
        worker.status = "available"


def move(actor: User, referral_id: int, to_status: str, reason: str = "") -> Referral:
    """Shortlist, interview, offer or reject (the enterprise); withdraw (the worker's side)."""
    referral = load_for(actor, Referral, referral_id)
    if to_status not in ENTERPRISE_STEPS | WORKER_SIDE_STEPS:
        raise DomainError(_("无效的操作。"), "to")
    if to_status in ENTERPRISE_STEPS:
        allowed = actor.role == "enterprise" and referral.vacancy.enterprise_id == actor.enterprise_id
    else:
        allowed = actor.role in ("seeker", "coordinator") and can(actor, "edit", referral.worker)
    if not allowed:
        raise Forbidden(_("您无权进行此操作。"))
    if to_status == "rejected" and not (reason or "").strip():
        raise DomainError(_("请填写未通过的原因。"), "reason")
    _step(actor, referral, to_status, reason)
    if to_status in ("rejected", "withdrawn"):
        db.session.flush()
        _release_worker(referral.worker)
    audit.record(actor, f"referral.{to_status}", "referral", referral.id)
    notifications.referral_moved(actor, referral)
    matching.note_change("worker", referral.worker_id)
    matching.note_change("context")
    db.session.commit()
    return referral


#: a referral nobody moved on for this long expires: its worker would otherwise stay "nominated" and out of every
#: other enterprise's candidates for good
EXPIRE_AFTER_DAYS = 30


def expire_stale(days: int = EXPIRE_AFTER_DAYS) -> int:
    """Expire the active referrals not moved for ``days`` (run daily): the worker is free again and every party
    is told. Returns how many expired."""
    cutoff = utcnow() - timedelta(days=days)
    stale = list(db.session.scalars(select(Referral).where(Referral.status.in_(ACTIVE_REFERRAL_STATUSES),
                                                           Referral.updated_at < cutoff).order_by(Referral.id)))
    for referral in stale:
        _step(None, referral, "expired", _("%(n)s 天无进展，自动过期。", n=days))
        db.session.flush()
        _release_worker(referral.worker)
        audit.record(None, "referral.expired", "referral", referral.id, days=days)
        notifications.referral_moved(None, referral)
        matching.note_change("worker", referral.worker_id)
    if stale:
        matching.note_change("context")
    db.session.commit()
    return len(stale)


def _channel(referral: Referral) -> str:
    worker, vacancy = referral.worker, referral.vacancy
    if db.session.scalar(select(Pairing.id).join(Village).where(
            Pairing.enterprise_id == vacancy.enterprise_id, Pairing.status == "active",
            Village.region_id == worker.home_region_id)):
        return "pairing"
    if db.session.scalar(select(OrderClassStudent.id).join(OrderClass).where(
            OrderClassStudent.worker_id == worker.id, OrderClass.enterprise_id == vacancy.enterprise_id)):
        return "school_link"
    return "open_market"


def _transfer_type(worker: Worker, vacancy: Vacancy) -> str:
    home, site = worker.home_region.code, vacancy.site_county.code
    if home[:6] == site[:6]:
        return "local"
    return "in_province" if home[:2] == site[:2] else "cross_province"


def take_openings(vacancy_id: int, n: int = 1) -> bool:
    """The guard against over-hiring: one statement that only succeeds while n places are left (rowcount
    checked), so the last opening is taken once even on SQLite, which ignores SELECT … FOR UPDATE."""
    taken = db.session.execute(update(Vacancy).where(Vacancy.id == vacancy_id,
                                                     Vacancy.filled + n <= Vacancy.headcount)
                               .values(filled=Vacancy.filled + n).execution_options(synchronize_session=False))
    return taken.rowcount == 1


def lapse_invitations(*, vacancy_id: int | None = None, worker_id: int | None = None,
                      hired_by: int | None = None) -> int:
    """Expire, in the caller's transaction, the invitations still pending that can no longer be taken up: those
    to a vacancy just filled, or those of a worker just hired (by the enterprise ``hired_by``). Otherwise they
    would wait their 30 days on both sides, and accepting one would only be refused. (A closed vacancy keeps
    them: closing is often a pause, and accepting is refused while it lasts.) The other side is told: the
    invited worker's, or each other enterprise that invited the worker. The enterprise may invite again later:
    see invitations.invite."""
    if (vacancy_id is None) == (worker_id is None):
        raise ValueError("one of vacancy_id, worker_id")
    which = JobInvitation.vacancy_id == vacancy_id if vacancy_id is not None else JobInvitation.worker_id == worker_id
    lapsed = db.session.scalars(update(JobInvitation).where(JobInvitation.status == "pending", which)
                                .values(status="expired").returning(JobInvitation.id)
                                .execution_options(synchronize_session=False)).all()
    if lapsed:
        audit.record(None, "invitation.lapsed", "vacancy" if vacancy_id is not None else "worker",
                     vacancy_id if vacancy_id is not None else worker_id, count=len(lapsed))
        if vacancy_id is not None:
            notifications.invitations_lapsed_vacancy_filled(lapsed)
        else:
            notifications.invitations_lapsed_worker_hired(lapsed, hired_by)
    return len(lapsed)


def new_placement(worker: Worker, vacancy: Vacancy, start_date: date, channel: str, monthly_wage: int | None,
                  referral_id: int | None = None) -> Placement:
    """The placement of a hire with its follow-up visits at 1, 3, 6 and 12 months; the worker is employed.
    Call after take_openings and a refresh of the vacancy (a full vacancy is marked filled)."""
    worker.status = "employed"
    lapse_invitations(worker_id=worker.id, hired_by=vacancy.enterprise_id)
    placement = Placement(worker=worker, vacancy=vacancy, enterprise_id=vacancy.enterprise_id,
                          referral_id=referral_id, start_date=start_date, channel=channel,
                          transfer_type=_transfer_type(worker, vacancy), monthly_wage=monthly_wage)
    for months in FOLLOW_UP_MONTHS:
        placement.follow_ups.append(FollowUp(due_month=months, due_on=start_date + timedelta(days=30 * months)))
    db.session.add(placement)
    if vacancy.filled >= vacancy.headcount:
        vacancy.status = "filled"
        lapse_invitations(vacancy_id=vacancy.id)
    return placement


def hire(actor: User, referral_id: int, start_date: date, monthly_wage: int | None) -> Placement:
    """Hire an offered candidate: takes one opening atomically, creates the placement and its follow-ups."""
    referral = load_for(actor, Referral, referral_id)
    if actor.role != "enterprise" or referral.vacancy.enterprise_id != actor.enterprise_id:
        raise Forbidden(_("您无权进行此操作。"))
    if referral.status != "offered":
        raise DomainError(_("只有已发录用通知的人员可以办理入职。"))
    if start_date is None or abs((start_date - date.today()).days) > 366:
        raise DomainError(_("请填写一年内的入职日期。"), "start_date")
    if monthly_wage is not None and not 0 < monthly_wage <= 100_000:
        raise DomainError(_("月薪应在 1 到 100000 元之间。"), "monthly_wage")
    if not take_openings(referral.vacancy_id):
        db.session.rollback()
        raise DomainError(_("该岗位名额已满，无法再录用。"))
    vacancy = referral.vacancy
    db.session.refresh(vacancy)
    _step(actor, referral, "hired", "")
    placement = new_placement(referral.worker, vacancy, start_date, _channel(referral), monthly_wage,
                              referral_id=referral.id)
    db.session.flush()
    audit.record(actor, "referral.hired", "referral", referral.id, placement_id=placement.id)
    notifications.referral_moved(actor, referral)
    for kind, oid in (("worker", referral.worker_id), ("vacancy", vacancy.id), ("context", None)):
        matching.note_change(kind, oid)
    db.session.commit()
    return placement


# --- what each role's referral pages list ------------------------------------------------------------------

def inbox(actor: User, status: str | None = None, limit: int = 200) -> list[Referral]:
    query = (select(Referral).join(Vacancy).join(Worker)
             .options(selectinload(Referral.worker).selectinload(Worker.home_region),
                      selectinload(Referral.vacancy).selectinload(Vacancy.enterprise),
                      selectinload(Referral.steps)))
    if actor.role == "enterprise":
        query = query.where(Vacancy.enterprise_id == actor.enterprise_id)
    elif actor.role == "coordinator":
        query = query.where(Worker.home_region_id == actor.village.region_id)
    elif actor.role == "seeker":
        query = query.where(Referral.worker_id == (actor.worker_id or -1))
    else:
        raise Forbidden(_("您无权访问此页面。"))
    if status:
        query = query.where(Referral.status == status)
    return list(db.session.scalars(query.order_by(Referral.updated_at.desc(), Referral.id.desc()).limit(limit)))


@dataclass
class Nominee:
    worker: Worker
    explanation: Explanation


def nominees_for(actor: User, vacancy_id: int) -> tuple[Vacancy, list[Nominee]]:
    """The coordinator's own available workers for a vacancy, best fit first, with the engine's reasons.
    Bounded by the village's size, so explaining each is cheap."""
    if actor.role != "coordinator":
        raise Forbidden(_("只有村级协调员可以推荐人员。"))
    vacancy = _open_vacancy(actor, vacancy_id)
    workers = list(db.session.scalars(select(Worker).where(Worker.home_region_id == actor.village.region_id,
                                                           Worker.status.in_(("available", "nominated")))))
    explanations = matching.explain_many([w.id for w in workers], [vacancy.id] * len(workers))
    rows = [Nominee(w, explanation) for w, explanation in zip(workers, explanations)]
    rows = [r for r in rows if r.explanation.eligible]
    rows.sort(key=lambda r: (-r.explanation.total, r.worker.id))
    return vacancy, rows


def paired_vacancies(actor: User) -> list[Vacancy]:
    """Open vacancies of the enterprises actively paired with the coordinator's village."""
    if actor.role != "coordinator":
        raise Forbidden(_("只有村级协调员可以查看。"))
    enterprise_ids = select(Pairing.enterprise_id).where(Pairing.village_id == actor.village_id,
                                                         Pairing.status == "active")
    return list(db.session.scalars(
        select(Vacancy).where(Vacancy.enterprise_id.in_(enterprise_ids), Vacancy.status == "open")
        .options(selectinload(Vacancy.enterprise), selectinload(Vacancy.site_county))
        .order_by(Vacancy.published_at.desc(), Vacancy.id.desc())))
