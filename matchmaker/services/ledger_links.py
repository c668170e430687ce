"""Linking a job seeker's account to their record in a village's labour ledger (劳动力台账).

The seeker asks; only a coordinator of that village links, by choosing the record in the ledger after checking
who the person is. Nothing the seeker types (a name, an ID number) is ever matched to a record automatically, so
no one can claim another person's record."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.models import LedgerLinkRequest, Region, User, Village, Worker
from matchmaker.orm import utcnow
from matchmaker.services import audit, notifications, workers
from matchmaker.services.errors import DomainError, Forbidden, refused_on_conflict
from matchmaker.services.permissions import load_for, require

NAME_MAX = 40
MESSAGE_MAX = 200
REASON_MAX = 200


def _seeker_without_record(actor: User) -> None:
    if actor is None or actor.role != "seeker":
        raise Forbidden(_("只有求职者可以申请关联台账记录。"))
    if actor.worker_id is not None:
        raise DomainError(_("您的账号已与台账记录关联。"))


def village_by_code(code: str) -> Village:
    village = db.session.scalar(select(Village).join(Region, Village.region_id == Region.id)
                                .where(Region.code == (code or "").strip(), Region.level == "village"))
    if village is None:
        raise DomainError(_("请选择您户籍所在的村（居）；若找不到，说明该村尚未开通，请联系当地人社部门。"),
                          "village_code")
    return village


def pending_of(actor: User) -> LedgerLinkRequest | None:
    """The seeker's own request still waiting for the coordinator, if any."""
    return db.session.scalar(select(LedgerLinkRequest).where(LedgerLinkRequest.user_id == actor.id,
                                                             LedgerLinkRequest.status == "pending"))


def latest_of(actor: User) -> LedgerLinkRequest | None:
    """The seeker's most recent request (to show a decline and its reason)."""
    return db.session.scalar(select(LedgerLinkRequest).where(LedgerLinkRequest.user_id == actor.id)
                             .order_by(LedgerLinkRequest.id.desc()).limit(1))


def request_link(actor: User, village_code: str, name: str, message: str = "") -> LedgerLinkRequest:
    _seeker_without_record(actor)
    name, message = (name or "").strip(), (message or "").strip()
    if not name or len(name) > NAME_MAX:
        raise DomainError(_("请填写您的真实姓名（不超过 %(n)s 个字），方便协调员在台账中找到您。", n=NAME_MAX), "name")
    if len(message) > MESSAGE_MAX:
        raise DomainError(_("留言不超过 %(n)s 个字。", n=MESSAGE_MAX), "message")
    village = village_by_code(village_code)
    if pending_of(actor) is not None:
        raise DomainError(_("您已有一个待确认的关联申请，请等待协调员处理，或先撤回。"))
    link = LedgerLinkRequest(user_id=actor.id, village_id=village.id, name_given=name, message=message)
    db.session.add(link)
    db.session.flush()
    audit.record(actor, "ledger_link.request", "ledger_link_request", link.id, village_id=village.id)
    coordinators = db.session.scalars(select(User.id).where(User.role == "coordinator", User.active.is_(True),
                                                            User.village_id == village.id))
    notifications.notify(coordinators, "ledger_link_requested",
                         notifications.link_to("ledger_links.review", request_id=link.id), name=name)
    db.session.commit()
    return link


def cancel(actor: User, request_id: int) -> LedgerLinkRequest:
    link = load_for(actor, LedgerLinkRequest, request_id, "cancel")
    if link.status != "pending":
        raise DomainError(_("该申请已处理，不能撤回。"))
    link.status = "cancelled"
    audit.record(actor, "ledger_link.cancel", "ledger_link_request", link.id)
    db.session.commit()
    return link


# --- the coordinator's side --------------------------------------------------------------------------------------

def _coordinator_village(actor: User) -> Village:
    village = actor.village if actor is not None and actor.role == "coordinator" else None
    require(actor, "edit", village)
    return village


def pending_for(actor: User) -> list[LedgerLinkRequest]:
    """Requests waiting for the coordinator's village, oldest first (they have waited longest)."""
    village = _coordinator_village(actor)
    return list(db.session.scalars(
        select(LedgerLinkRequest).where(LedgerLinkRequest.village_id == village.id,
                                        LedgerLinkRequest.status == "pending")
        .options(selectinload(LedgerLinkRequest.user)).order_by(LedgerLinkRequest.id)))


def recent_decided(actor: User, limit: int = 20) -> list[LedgerLinkRequest]:
    village = _coordinator_village(actor)
    return list(db.session.scalars(
        select(LedgerLinkRequest).where(LedgerLinkRequest.village_id == village.id,
                                        LedgerLinkRequest.status.in_(("confirmed", "declined")))
        .options(selectinload(LedgerLinkRequest.worker)).order_by(LedgerLinkRequest.decided_at.desc()).limit(limit)))


def pending_count(actor: User) -> int:
    if actor is None or actor.role != "coordinator":
        return 0
    return db.session.scalar(select(func.count(LedgerLinkRequest.id)).where(
        LedgerLinkRequest.village_id == actor.village_id, LedgerLinkRequest.status == "pending")) or 0


@dataclass
class LedgerCandidate:
    worker: Worker
    linked: bool  # already linked to some account: shown, but cannot be chosen


def request_for(actor: User, request_id: int) -> LedgerLinkRequest:
    return load_for(actor, LedgerLinkRequest, request_id, "view")


def candidates(actor: User, request_id: int, search: str | None = None, limit: int = 20) -> list[LedgerCandidate]:
    """The village's ledger searched by name (the name the seeker gave, unless the coordinator types another),
    masked ID and phone only: the coordinator compares with the person, not the seeker with the ledger."""
    link = load_for(actor, LedgerLinkRequest, request_id, "decide")
    text = (link.name_given if search is None else search).strip()
    if not text:
        return []
    page = workers.ledger_page(actor, link.village, 1, per_page=limit, search=text)
    ids = [w.id for w in page.items]
    linked = set(db.session.scalars(select(User.worker_id).where(User.worker_id.in_(ids)))) if ids else set()
    return [LedgerCandidate(w, w.id in linked) for w in page.items]


def _pending(actor: User, request_id: int) -> LedgerLinkRequest:
    link = load_for(actor, LedgerLinkRequest, request_id, "decide")
    if link.status != "pending":
        raise DomainError(_("该申请已处理。"))
    return link


def confirm(actor: User, request_id: int, worker_id: int) -> LedgerLinkRequest:
    """Link the seeker to the record the coordinator chose, after checking who they are."""
    link = _pending(actor, request_id)
    if not worker_id:
        raise DomainError(_("请在台账中选择此人的记录。"), "worker_id")
    worker = load_for(actor, Worker, worker_id, "edit")
    if worker.home_region_id != link.village.region_id:
        raise DomainError(_("只能关联本村台账中的记录。"))
    seeker = link.user
    if seeker.worker_id is not None:
        raise DomainError(_("该账号已与一条台账记录关联。"))
    if db.session.scalar(select(User.id).where(User.worker_id == worker.id)) is not None:
        raise DomainError(_("该台账记录已与另一个账号关联，不能重复关联。"), "worker_id")
    seeker.worker_id = worker.id
    link.status, link.worker_id = "confirmed", worker.id
    link.decided_by_id, link.decided_at = actor.id, utcnow()
    audit.record(actor, "ledger_link.confirm", "ledger_link_request", link.id, user_id=seeker.id,
                 worker_id=worker.id)
    notifications.notify([seeker.id], "ledger_link_confirmed", notifications.link_to("seeker.profile"),
                         village=link.village.region.name)
    # Another coordinator linked the same record (or this account) a moment ago: user.worker_id is unique.
    with refused_on_conflict(_("该台账记录已与另一个账号关联，不能重复关联。"), "worker_id"):
        db.session.commit()
    return link


def decline(actor: User, request_id: int, reason: str) -> LedgerLinkRequest:
    link = _pending(actor, request_id)
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise DomainError(_("请填写不予关联的原因（不超过 %(n)s 个字），求职者会看到它。", n=REASON_MAX), "reason")
    link.status, link.decline_reason = "declined", reason
    link.decided_by_id, link.decided_at = actor.id, utcnow()
    audit.record(actor, "ledger_link.decline", "ledger_link_request", link.id, reason=reason)
    notifications.notify([link.user_id], "ledger_link_declined", notifications.link_to("seeker.home"),
                         village=link.village.region.name, reason=reason)
    db.session.commit()
    return link
