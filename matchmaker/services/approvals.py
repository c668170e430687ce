"""The bureau's approvals: verifying organisations, approving 一企一村 pairings and park–school links in its region.

Pairing approval (审批/备案): the two parties agree between themselves (services.pairings: one proposes, the
other accepts, which makes the pairing active); the bureau then approves it for the programme. A pairing awaits
the bureau while it is proposed or active and its `approved_by` is not a bureau user. Approving an active
pairing records the bureau as approver; approving a proposed one also makes it active — the bureau organises
一企一村 and may confirm a pairing on the other party's behalf (either party can still end it). Rejecting
needs a reason: a proposal becomes declined, an active pairing ends (so its matching bonus stops at once).
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import aliased, selectinload

from matchmaker.extensions import db
from matchmaker.models import Enterprise, Pairing, Park, ParkSchoolLink, Region, School, User, Village
from matchmaker.orm import utcnow
from matchmaker.services import audit, matching, notifications
from matchmaker.services.errors import DomainError, Forbidden
from matchmaker.services.permissions import load_for, region_prefix

ORGANISATIONS = {"enterprise": Enterprise, "village": Village, "school": School}
MAX_REASON = 500
LIST_LIMIT = 200


def _require_bureau(actor: User) -> str:
    if actor is None or actor.role != "bureau" or actor.region is None:
        raise Forbidden(_("仅人社部门可以审批。"))
    return region_prefix(actor.region) + "%"


# --- organisations ----------------------------------------------------------------------------------------------

def unverified_organisations(actor: User) -> dict[str, list]:
    prefix = _require_bureau(actor)
    out = {}
    for kind, model, column, load in (
            ("enterprise", Enterprise, Enterprise.county_id, selectinload(Enterprise.county)),
            ("village", Village, Village.region_id, selectinload(Village.region).selectinload(Region.parent)),
            ("school", School, School.county_id, selectinload(School.county))):
        out[kind] = list(db.session.scalars(
            select(model).join(Region, column == Region.id)
            .where(model.verified.is_(False), Region.code.like(prefix)).options(load)
            .order_by(model.id).limit(LIST_LIMIT)))
    return out


def verify(actor: User, kind: str, org_id: int):
    _require_bureau(actor)
    model = ORGANISATIONS.get(kind)
    if model is None:
        raise DomainError(_("未知的机构类型。"))
    organisation = load_for(actor, model, org_id, "verify")
    if organisation.verified:
        raise DomainError(_("该机构已认证。"))
    organisation.verified = True
    audit.record(actor, f"{kind}.verify", kind, organisation.id)
    db.session.commit()
    return organisation


# --- pairings ---------------------------------------------------------------------------------------------------

def _awaiting_bureau():
    approver = aliased(User)
    return approver, (Pairing.status.in_(("proposed", "active"))
                      & or_(Pairing.approved_by_id.is_(None), approver.role != "bureau"))


def _pending_pairings_query(actor: User, what):
    prefix = _require_bureau(actor)
    approver, awaiting = _awaiting_bureau()
    county, village_region = aliased(Region), aliased(Region)
    return (select(what).select_from(Pairing).join(Enterprise, Pairing.enterprise_id == Enterprise.id)
            .join(county, Enterprise.county_id == county.id)
            .join(Village, Pairing.village_id == Village.id)
            .join(village_region, Village.region_id == village_region.id)
            .outerjoin(approver, Pairing.approved_by_id == approver.id)
            .where(awaiting, or_(county.code.like(prefix), village_region.code.like(prefix))))


def pending_pairings(actor: User) -> list[Pairing]:
    """Pairings touching the region (the enterprise or the village inside it) that await the bureau."""
    return list(db.session.scalars(
        _pending_pairings_query(actor, Pairing)
        .options(selectinload(Pairing.enterprise).selectinload(Enterprise.county),
                 selectinload(Pairing.village).selectinload(Village.region).selectinload(Region.parent))
        .order_by(Pairing.proposed_at, Pairing.id).limit(LIST_LIMIT)))


def _pending_pairing(actor: User, pairing_id: int) -> Pairing:
    _require_bureau(actor)
    pairing = load_for(actor, Pairing, pairing_id, "approve")
    approver = db.session.get(User, pairing.approved_by_id) if pairing.approved_by_id else None
    if pairing.status not in ("proposed", "active") or (approver is not None and approver.role == "bureau"):
        raise DomainError(_("该结对已审批或已结束。"))
    return pairing


def _transition(pairing: Pairing, **values) -> None:
    """Change the pairing only if nobody (a party answering, another bureau) changed it since it was read: an
    atomic UPDATE … WHERE on what was read, so on PostgreSQL two decisions at once cannot both win."""
    same_approver = (Pairing.approved_by_id.is_(None) if pairing.approved_by_id is None
                     else Pairing.approved_by_id == pairing.approved_by_id)
    done = db.session.execute(update(Pairing).where(Pairing.id == pairing.id, Pairing.status == pairing.status,
                                                    same_approver).values(**values)
                              .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        raise DomainError(_("该结对刚被他人处理，请刷新后重试。"))


def approve_pairing(actor: User, pairing_id: int) -> Pairing:
    pairing = _pending_pairing(actor, pairing_id)
    was = pairing.status
    _transition(pairing, status="active", approved_by_id=actor.id, approved_at=utcnow())
    if was == "proposed":
        matching.note_change("context")  # an active pairing earns its village's workers the pairing bonus
    audit.record(actor, "pairing.approve", "pairing", pairing.id, was=was)
    notifications.pairing_decided(pairing, approved=True)
    db.session.commit()
    db.session.refresh(pairing)
    return pairing


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写不通过的原因。"), "reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_("原因不能超过 %(n)s 个字。", n=MAX_REASON), "reason")
    return reason


def reject_pairing(actor: User, pairing_id: int, reason: str) -> Pairing:
    pairing = _pending_pairing(actor, pairing_id)
    reason = _reason(reason)
    was = pairing.status
    if was == "active":
        _transition(pairing, status="ended", ended_at=utcnow())
        matching.note_change("context")
    else:
        _transition(pairing, status="declined")
    audit.record(actor, "pairing.reject", "pairing", pairing.id, was=was, reason=reason)
    notifications.pairing_decided(pairing, approved=False, reason=reason)
    db.session.commit()
    db.session.refresh(pairing)
    return pairing


# --- park–school links ------------------------------------------------------------------------------------------

def _pending_links_query(actor: User, what):
    prefix = _require_bureau(actor)
    park_county, school_county = aliased(Region), aliased(Region)
    return (select(what).select_from(ParkSchoolLink).join(Park, ParkSchoolLink.park_id == Park.id)
            .join(park_county, Park.county_id == park_county.id)
            .join(School, ParkSchoolLink.school_id == School.id)
            .join(school_county, School.county_id == school_county.id)
            .where(ParkSchoolLink.status == "proposed",
                   or_(park_county.code.like(prefix), school_county.code.like(prefix))))


def pending_links(actor: User) -> list[ParkSchoolLink]:
    return list(db.session.scalars(
        _pending_links_query(actor, ParkSchoolLink).options(selectinload(ParkSchoolLink.park).selectinload(Park.county),
                 selectinload(ParkSchoolLink.school).selectinload(School.county))
        .order_by(ParkSchoolLink.created_at, ParkSchoolLink.id).limit(LIST_LIMIT)))


def pending_counts(actor: User) -> dict[str, int]:
    """What awaits the bureau, counted as the approvals page lists it (for the landing page's figures)."""
    return {"pending_pairings": db.session.scalar(_pending_pairings_query(actor, func.count(Pairing.id))) or 0,
            "pending_links": db.session.scalar(_pending_links_query(actor, func.count(ParkSchoolLink.id))) or 0,
            "unverified": sum(db.session.scalar(
                select(func.count(model.id)).join(Region, column == Region.id)
                .where(model.verified.is_(False), Region.code.like(region_prefix(actor.region) + "%"))) or 0
                for model, column in ((Enterprise, Enterprise.county_id), (Village, Village.region_id),
                                      (School, School.county_id)))}


def decide_link(actor: User, link_id: int, approve: bool, reason: str = ""):
    """The school helper's service owns the link's life (services.schools.decide_link); imported here, when
    called, so the bureau's pages do not depend on it being loaded first."""
    _require_bureau(actor)
    if not approve:
        reason = _reason(reason)
    from matchmaker.services import schools
    return schools.decide_link(actor, link_id, approve, reason)
