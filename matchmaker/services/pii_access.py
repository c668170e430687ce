"""Seeing a worker's full ID number and phone, and a worker seeing who saw their personal data.

Who may reveal is who may view the worker at all (services.permissions): the coordinator of the worker's
village, the school for its students, a bureau whose region holds the worker, an enterprise once a referral
to one of its vacancies exists, and the worker themself. Every reveal is an audit entry ("pii.view").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, User, Village, Worker
from matchmaker.services import audit, pii
from matchmaker.services.errors import DomainError, Forbidden
from matchmaker.services.permissions import load_for

VIEW_ACTION = "pii.view"
#: ledger exports record only the village and a row count (ledger_export.export_ledger), not which workers
#: they held: a worker is shown every export of their home village's ledger.
EXPORT_ACTION = "ledger.export"
PURPOSE_MAX = 200


def reveal(actor: User, worker_id: int, purpose: str = "") -> dict:
    """The worker's full ID number and phone for one page view, audited. NotFound for those not entitled."""
    worker = load_for(actor, Worker, worker_id)
    if worker.anonymised_at is not None:
        raise DomainError(_("该人员的个人信息已按保存期限匿名化，无法显示。"))
    purpose = " ".join((purpose or "").split())[:PURPOSE_MAX]
    audit.record(actor, VIEW_ACTION, "worker", worker.id, purpose=purpose, role=actor.role,
                 fields=["id_number", "phone"])
    db.session.commit()
    return {
        "worker_id": worker.id,
        "name": worker.name,
        "id_number": pii.decrypt(worker.id_number_enc),
        "phone": pii.decrypt(worker.phone_enc) if worker.phone_enc else "",
    }


@dataclass(frozen=True)
class Viewing:
    """One view or export of a worker's personal data, as the worker may see it: role and organisation of
    the viewer, never the viewer's own name or anyone else's personal data."""
    at: datetime
    kind: str  # "view" | "export"
    role: str | None
    organisation: str
    purpose: str
    by_self: bool


def _organisation_name(user: User | None) -> str:
    if user is None:
        return ""
    if user.enterprise is not None:
        return user.enterprise.name
    if user.school is not None:
        return user.school.name
    if user.village is not None:
        return user.village.region.name
    if user.region is not None:
        return user.region.name
    return ""


def viewings_page(actor: User, page: int = 1, per_page: int = 20):
    """The seeker's own record: every audited view or export of their personal data, newest first. Returns
    (pagination, [Viewing]) — the pagination's items are the audit entries."""
    if actor is None or actor.role != "seeker":
        raise Forbidden(_("您无权进行此操作。"))
    if actor.worker_id is None:
        return None, []
    worker = db.session.get(Worker, actor.worker_id)
    village_id = db.session.scalar(select(Village.id).where(Village.region_id == worker.home_region_id))
    condition = and_(AuditEntry.action == VIEW_ACTION, AuditEntry.object_type == "worker",
                     AuditEntry.object_id == worker.id)
    if village_id is not None:
        condition = or_(condition, and_(AuditEntry.action == EXPORT_ACTION, AuditEntry.object_type == "village",
                                        AuditEntry.object_id == village_id))
    query = select(AuditEntry).where(condition).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    actors = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_({e.actor_id for e in pagination.items if e.actor_id}))
        .options(selectinload(User.enterprise), selectinload(User.school), selectinload(User.village),
                 selectinload(User.region)))}
    rows = []
    for e in pagination.items:
        viewer = actors.get(e.actor_id)
        rows.append(Viewing(
            at=e.at, kind="view" if e.action == VIEW_ACTION else "export",
            role=viewer.role if viewer else None, organisation=_organisation_name(viewer),
            purpose=str((e.detail or {}).get("purpose", "")) if e.action == VIEW_ACTION else "",
            by_self=viewer is not None and viewer.id == actor.id))
    return pagination, rows
