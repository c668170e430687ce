"""Region look-ups for the cascading selector (市 → 县 → 镇 → 村) and search by name or pinyin."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import Region
from matchmaker.services.errors import NotFound


def by_code(code: str, level: str) -> Region:
    region = db.session.scalar(select(Region).where(Region.code == code, Region.level == level))
    if region is None:
        raise NotFound(_("找不到该地区。"))
    return region


def _label(name: str, city: str | None, city_level: str | None) -> str:
    return f"{city} {name}" if city_level == "city" and city != name else name


def county_label(county: Region) -> str:
    """A county with its city (梅州市 五华县); a county-level city named like its city once (东莞市)."""
    parent = county.parent
    return _label(county.name, parent.name if parent else None, parent.level if parent else None)


def county_options(where=None) -> list[tuple[str, str]]:
    """(code, label) of the counties (those matching ``where``, a condition on Region), by code, for a filter.
    Plain rows, not objects: a filter on every candidates page lists some 130 counties."""
    city = aliased(Region)
    query = (select(Region.code, Region.name, city.name, city.level).outerjoin(city, Region.parent_id == city.id)
             .where(Region.level == "county").order_by(Region.code))
    if where is not None:
        query = query.where(where)
    return [(code, _label(name, city_name, level)) for code, name, city_name, level in db.session.execute(query)]


def children(code: str | None, level: str | None) -> list[Region]:
    """The regions one level below (code, level); the cities when no code is given."""
    if not code:
        parent_ids = select(Region.id).where(Region.level == "province")
    else:
        parent_ids = select(Region.id).where(Region.code == code, Region.level == level)
    return list(db.session.scalars(select(Region).where(Region.parent_id.in_(parent_ids)).order_by(Region.code)))


def search(text: str, level: str | None = None, limit: int = 20) -> list[Region]:
    text = (text or "").strip().lower()
    if not text:
        return []
    query = select(Region).where(or_(Region.name.contains(text), Region.pinyin.contains(text)))
    if level:
        query = query.where(Region.level == level)
    return list(db.session.scalars(query.order_by(Region.level, Region.code).limit(limit)))


def path(region: Region) -> list[Region]:
    """From the province down to this region."""
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return chain[::-1]
