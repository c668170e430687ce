"""Organisations: a bureau registers enterprises, villages and schools of its region and verifies them."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Enterprise, Park, Region, School, User, Village
from matchmaker.models.orgs import SCHOOL_KINDS
from matchmaker.services import audit
from matchmaker.services.errors import DomainError, Forbidden
from matchmaker.services.identity import check_credit_code
from matchmaker.services.permissions import in_region, region_prefix


def _require_bureau_over(actor: User, region: Region, field: str) -> None:
    """The region was chosen in the form: one outside the bureau's area is refused beside that field, with what
    was typed kept (as for a park's county), not with an error page."""
    if actor.role != "bureau":
        raise Forbidden(_("只有人社部门可以登记机构。"))
    if not in_region(actor.region, region.code):
        raise DomainError(_("该地区不在您的管辖范围内。"), field)


def _region(code: str, level: str, field: str) -> Region:
    region = db.session.scalar(select(Region).where(Region.code == (code or "").strip(), Region.level == level))
    if region is None:
        raise DomainError(_("请选择有效的地区。"), field)
    return region


def register_enterprise(actor: User, name: str, credit_code: str, county_code: str, industry: str = "",
                        park_code: str = "") -> Enterprise:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("请填写企业名称。"), "name")
    code = check_credit_code(credit_code)
    county = _region(county_code, "county", "county_code")
    _require_bureau_over(actor, county, "county_code")
    park = None
    if park_code:
        park = db.session.scalar(select(Park).where(Park.code == park_code))
        if park is None:
            raise DomainError(_("请选择有效的产业园。"), "park_code")
    if db.session.scalar(select(Enterprise.id).where(Enterprise.credit_code == code)):
        raise DomainError(_("该统一社会信用代码的企业已登记。"), "credit_code")
    enterprise = Enterprise(name=name[:120], credit_code=code, county_id=county.id, industry=(industry or "")[:60],
                            park_id=park.id if park else None, verified=True)
    db.session.add(enterprise)
    db.session.flush()
    audit.record(actor, "enterprise.register", "enterprise", enterprise.id)
    db.session.commit()
    return enterprise


def register_village(actor: User, village_code: str) -> Village:
    region = _region(village_code, "village", "village_code")
    _require_bureau_over(actor, region, "village_code")
    if db.session.scalar(select(Village.id).where(Village.region_id == region.id)):
        raise DomainError(_("该村已在平台登记。"), "village_code")
    village = Village(region_id=region.id, verified=True)
    db.session.add(village)
    db.session.flush()
    audit.record(actor, "village.register", "village", village.id)
    db.session.commit()
    return village


def register_school(actor: User, name: str, kind: str, county_code: str, specialties: str = "") -> School:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("请填写学校名称。"), "name")
    if kind not in SCHOOL_KINDS:
        raise DomainError(_("请选择学校类型。"), "kind")
    county = _region(county_code, "county", "county_code")
    _require_bureau_over(actor, county, "county_code")
    if db.session.scalar(select(School.id).where(School.name == name)):
        raise DomainError(_("该学校已登记。"), "name")
    count = db.session.scalar(select(School.id).order_by(School.id.desc()).limit(1)) or 0
    school = School(code=f"U{count + 1:05d}", name=name[:120], kind=kind, county_id=county.id,
                    specialties=(specialties or "")[:300], verified=True)
    db.session.add(school)
    db.session.flush()
    audit.record(actor, "school.register", "school", school.id)
    db.session.commit()
    return school


def organisations_in_region(actor: User, limit: int = 10) -> dict[str, list]:
    """The newest enterprises, villages and schools a bureau oversees, and how many there are of each."""
    if actor.role != "bureau":
        raise Forbidden(_("仅人社部门可查看。"))
    prefix = region_prefix(actor.region) + "%"
    enterprises = db.session.scalars(select(Enterprise).join(Region, Enterprise.county_id == Region.id)
                                     .where(Region.code.like(prefix)).order_by(Enterprise.id.desc()).limit(limit))
    villages = db.session.scalars(select(Village).join(Region, Village.region_id == Region.id)
                                  .where(Region.code.like(prefix)).order_by(Village.id.desc()).limit(limit))
    schools = db.session.scalars(select(School).join(Region, School.county_id == Region.id)
                                 .where(Region.code.like(prefix)).order_by(School.id.desc()).limit(limit))
    totals = {
        f"{name}_total": db.session.scalar(select(func.count(model.id)).join(Region, column == Region.id)
                                           .where(Region.code.like(prefix)))
        for name, model, column in (("enterprises", Enterprise, Enterprise.county_id),
                                    ("villages", Village, Village.region_id), ("schools", School, School.county_id))}
    return {"enterprises": list(enterprises), "villages": list(villages), "schools": list(schools), **totals}
