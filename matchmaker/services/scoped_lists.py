"""Lists across one's scope for the API: workers of the ledger and placements, for each role that may see them.

Each query is the SQL form of the scope in services/permissions.py (village, school, region prefix, own
enterprise, own record), and every row is still passed through `permissions.can`, so a query that drifted from
the rule could only hide rows, never show one too many."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.models import Certificate, Placement, Region, TrainingRecord, User, Vacancy, Worker, WorkerSkill
from matchmaker.services.errors import Forbidden
from matchmaker.services.permissions import can, region_prefix

LEDGER_ROLES = ("coordinator", "school", "bureau")


def _checked(actor: User, page):
    page.items = [row for row in page.items if can(actor, "view", row)]
    return page


def workers_page(actor: User, page: int, per_page: int, search: str = "", status: str = ""):
    """The workers a coordinator (their village), a school (its students) or a bureau (its region) keeps."""
    query = select(Worker)
    if actor.role == "coordinator":
        query = query.where(Worker.home_region_id == actor.village.region_id)
    elif actor.role == "school":
        query = query.where(Worker.school_id == actor.school_id)
    elif actor.role == "bureau":
        query = query.join(Region, Worker.home_region_id == Region.id).where(
            Region.code.startswith(region_prefix(actor.region), autoescape=True))
    else:
        raise Forbidden(_("只有村级协调员、院校和人社部门可以查看台账。"))
    if search:
        query = query.where(Worker.name.contains(search.strip(), autoescape=True))
    if status:
        query = query.where(Worker.status == status)
    query = query.options(selectinload(Worker.home_region), selectinload(Worker.skills).selectinload(WorkerSkill.trade),
                          selectinload(Worker.certificates).selectinload(Certificate.trade),
                          selectinload(Worker.trainings).selectinload(TrainingRecord.trade))
    return _checked(actor, db.paginate(query.order_by(Worker.id.desc()), page=page, per_page=per_page,
                                       error_out=False))


def placements_page(actor: User, page: int, per_page: int):
    """Placements: an enterprise's hires, a village's or school's placed workers, a seeker's own, a region's."""
    query = select(Placement).join(Worker, Placement.worker_id == Worker.id)
    if actor.role == "enterprise":
        query = query.where(Placement.enterprise_id == actor.enterprise_id)
    elif actor.role == "coordinator":
        query = query.where(Worker.home_region_id == actor.village.region_id)
    elif actor.role == "school":
        query = query.where(Worker.school_id == actor.school_id)
    elif actor.role == "seeker":
        query = query.where(Placement.worker_id == (actor.worker_id or -1))
    elif actor.role == "bureau":
        # In the region by the worker's home or by the vacancy's site, as the permission rule says.
        prefix = region_prefix(actor.region)
        home = select(Region.id).where(Region.code.startswith(prefix, autoescape=True))
        query = query.join(Vacancy, Placement.vacancy_id == Vacancy.id).where(
            Worker.home_region_id.in_(home) | Vacancy.site_county_id.in_(home))
    else:
        raise Forbidden(_("您无权访问此页面。"))
    query = query.options(selectinload(Placement.worker).selectinload(Worker.home_region),
                          selectinload(Placement.vacancy), selectinload(Placement.enterprise),
                          selectinload(Placement.follow_ups))
    return _checked(actor, db.paginate(query.order_by(Placement.id.desc()), page=page, per_page=per_page,
                                       error_out=False))
