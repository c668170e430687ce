"""May this user see / change this object? The one check every service calls, per object.

Scopes: an enterprise's staff own their enterprise and what hangs off it; a coordinator owns the village and
the workers whose home is that village; a school owns itself and its students; a job seeker owns their own
worker record; a bureau owns everything inside its region. Region codes are hierarchical (44 → 4401 → 440103
→ 440103001 → 440103001101), so "inside the region" is a prefix test on the code.
"""
from __future__ import annotations

from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import (Enterprise, FollowUp, JobInvitation, LedgerLinkRequest, OrderClass, Pairing,
                               ParkSchoolLink, Placement, Referral, Region, School, User, Vacancy, Village, Worker)
from matchmaker.services.errors import Forbidden, NotFound

_PREFIX_LEN = {"province": 2, "city": 4, "county": 6, "town": 9, "village": 12}


def region_prefix(region: Region) -> str:
    return region.code[: _PREFIX_LEN[region.level]]


def in_region(scope: Region, code: str | None) -> bool:
    return code is not None and code.startswith(region_prefix(scope))


def _region_codes(obj) -> list[str]:
    """The region codes an object lives in, for a bureau's scope test."""
    match obj:
        case Enterprise():
            return [obj.county.code]
        case Village():
            return [obj.region.code]
        case School():
            return [obj.county.code]
        case Worker():
            return [obj.home_region.code]
        case Vacancy():
            return [obj.site_county.code, obj.enterprise.county.code]
        case Pairing():
            return [obj.enterprise.county.code, obj.village.region.code]
        case ParkSchoolLink():
            return [obj.park.county.code, obj.school.county.code]
        case OrderClass():
            return [obj.school.county.code, obj.enterprise.county.code]
        case Referral() | JobInvitation():
            return [obj.worker.home_region.code, obj.vacancy.site_county.code]
        case Placement():
            return [obj.worker.home_region.code, obj.vacancy.site_county.code]
        case FollowUp():
            return _region_codes(obj.placement)
        case Region():
            return [obj.code]
        case User():
            org = obj.organisation
            return _region_codes(org) if org is not None else []
    return []


# A bureau oversees its region: it sees everything in it and approves, verifies and invites, but it does not
# edit an enterprise's vacancy or a village's ledger in their stead. It may record a follow-up visit it made.
BUREAU_ACTIONS = ("view", "approve", "verify", "invite", "export", "record")


def _owner_check(actor: User, action: str, obj) -> bool:
    role = actor.role
    if role == "bureau":
        return action in BUREAU_ACTIONS and any(in_region(actor.region, code) for code in _region_codes(obj))
    match obj:
        case User():
            return obj.id == actor.id
        case Enterprise():
            return role == "enterprise" and obj.id == actor.enterprise_id
        case Village():
            return role == "coordinator" and obj.id == actor.village_id
        case School():
            return role == "school" and obj.id == actor.school_id
        case Worker():
            if role == "coordinator":
                return obj.home_region_id == actor.village.region_id
            if role == "school":
                return obj.school_id == actor.school_id
            if role == "seeker":
                return obj.id == actor.worker_id
            if role == "enterprise" and action == "view":
                # An enterprise sees a worker's record only once a referral to one of its vacancies exists.
                return db.session.query(Referral.id).join(Vacancy).filter(
                    Referral.worker_id == obj.id, Vacancy.enterprise_id == actor.enterprise_id).first() is not None
            return False
        case Vacancy():
            if role == "enterprise" and obj.enterprise_id == actor.enterprise_id:
                return True
            # Published vacancies are public to every signed-in user; drafts only to their enterprise.
            return action == "view" and obj.status in ("open", "filled")
        case Pairing():
            return (role == "enterprise" and obj.enterprise_id == actor.enterprise_id) or (
                role == "coordinator" and obj.village_id == actor.village_id)
        case ParkSchoolLink():
            return role == "school" and obj.school_id == actor.school_id
        case OrderClass():
            return (role == "school" and obj.school_id == actor.school_id) or (
                role == "enterprise" and obj.enterprise_id == actor.enterprise_id and action == "view")
        case Referral():
            if role == "enterprise":
                return obj.vacancy.enterprise_id == actor.enterprise_id
            return _owner_check(actor, action, obj.worker)
        case Placement():
            if role == "enterprise":
                return obj.enterprise_id == actor.enterprise_id
            return _owner_check(actor, action, obj.worker)
        case JobInvitation():
            # The inviting enterprise follows it; the worker's side (the seeker, their coordinator) answers it.
            if role == "enterprise":
                return obj.vacancy.enterprise_id == actor.enterprise_id and action == "view"
            return _owner_check(actor, "edit" if action == "answer" else action, obj.worker)
        case FollowUp():
            return _owner_check(actor, action, obj.placement)
        case Region():
            return action == "view"
        case LedgerLinkRequest():
            # The village's coordinators decide; the seeker who asked may see and cancel it, nothing more.
            if role == "coordinator":
                return obj.village_id == actor.village_id
            return role == "seeker" and obj.user_id == actor.id and action in ("view", "cancel")
    return False


def can(actor: User | None, action: str, obj) -> bool:
    """Deny by default: anonymous users and disabled accounts may do nothing here."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return _owner_check(actor, action, obj)


def require(actor: User | None, action: str, obj) -> None:
    if not can(actor, action, obj):
        raise Forbidden(_("您无权进行此操作。"))


def load_for(actor: User | None, model, object_id: int, action: str = "view"):
    """Load one object for a user: NotFound when it does not exist or may not even be seen, Forbidden when
    it may be seen but not acted on."""
    obj = db.session.get(model, object_id)
    if obj is None or not can(actor, "view", obj):
        raise NotFound(_("找不到该记录，或您无权查看。"))
    if action != "view":
        require(actor, action, obj)
    return obj
