"""What each role's landing page shows: their organisation and its live figures."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from matchmaker.extensions import db
from matchmaker.models import (OrderClass, OrderClassStudent, Pairing, Park, ParkSchoolLink, Referral, Region,
                               User, Vacancy, Village, Worker)
from matchmaker.services.permissions import region_prefix


def enterprise_landing(actor: User) -> dict:
    enterprise = actor.enterprise
    vacancies = db.session.scalars(select(Vacancy).where(Vacancy.enterprise_id == enterprise.id)
                                   .order_by(Vacancy.id.desc()).limit(20)).all()
    referrals = dict(db.session.execute(
        select(Referral.status, func.count(Referral.id)).join(Vacancy)
        .where(Vacancy.enterprise_id == enterprise.id).group_by(Referral.status)).all())
    pairings = db.session.scalars(select(Pairing).where(Pairing.enterprise_id == enterprise.id)
                                  .options(selectinload(Pairing.village).selectinload(Village.region))
                                  .order_by(Pairing.id)).all()
    return {"enterprise": enterprise, "vacancies": vacancies, "referrals": referrals, "pairings": pairings}


def school_landing(actor: User) -> dict:
    school = actor.school
    links = db.session.scalars(select(ParkSchoolLink).where(ParkSchoolLink.school_id == school.id)
                               .options(selectinload(ParkSchoolLink.park))).all()
    classes = db.session.scalars(select(OrderClass).where(OrderClass.school_id == school.id)
                                 .options(selectinload(OrderClass.enterprise), selectinload(OrderClass.trade))
                                 .order_by(OrderClass.id.desc())).all()
    students = db.session.scalar(select(func.count(Worker.id)).where(Worker.school_id == school.id)) or 0
    enrolled = dict(db.session.execute(
        select(OrderClassStudent.order_class_id, func.count(OrderClassStudent.id))
        .join(OrderClass).where(OrderClass.school_id == school.id, OrderClassStudent.status == "enrolled")
        .group_by(OrderClassStudent.order_class_id)).all())
    return {"school": school, "links": links, "classes": classes, "students": students, "enrolled": enrolled}


def bureau_landing(actor: User) -> dict:
    prefix = region_prefix(actor.region) + "%"
    zones = dict(db.session.execute(
        select(Region.zone, func.count(Region.id)).where(Region.level == "county", Region.code.like(prefix))
        .group_by(Region.zone)).all())
    home, county = aliased(Region), aliased(Region)
    workers_by_zone = dict(db.session.execute(
        select(county.zone, func.count(Worker.id))
        .join(home, Worker.home_region_id == home.id)
        .join(county, (county.code == func.substr(home.code, 1, 6)) & (county.level == "county"))
        .where(home.code.like(prefix)).group_by(county.zone)).all())
    village_region = aliased(Region)
    pending_pairings = db.session.scalar(
        select(func.count(Pairing.id)).join(Village).join(village_region, Village.region_id == village_region.id)
        .where(Pairing.status == "proposed", village_region.code.like(prefix))) or 0
    park_county = aliased(Region)
    pending_links = db.session.scalar(
        select(func.count(ParkSchoolLink.id)).join(Park).join(park_county, Park.county_id == park_county.id)
        .where(ParkSchoolLink.status == "proposed", park_county.code.like(prefix))) or 0
    return {"region": actor.region, "zones": zones, "workers_by_zone": workers_by_zone,
            "workers": sum(workers_by_zone.values()), "pending_pairings": pending_pairings,
            "pending_links": pending_links}
