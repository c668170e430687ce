"""The reference data a bureau keeps: each county's functional zone (功能区), the provincial industrial-transfer
parks, and the aliases the trade normaliser recognises (电焊 → 焊工).

Zones and the trade list are the province's: only a provincial bureau changes them. A park is kept by any bureau
whose region holds its county, but the key-park (重点园区) designation is the province's."""
from __future__ import annotations

import math
import re

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.models import Park, Region, Trade, TradeAlias, User
from matchmaker.models.regions import ZONES
from matchmaker.services import audit, matching
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from matchmaker.services.permissions import in_region, region_prefix

ALIAS_LIST_LIMIT = 100


def _require_bureau(actor: User) -> str:
    if actor is None or actor.role != "bureau" or actor.region is None:
        raise Forbidden(_("仅人社部门可以维护基础数据。"))
    return region_prefix(actor.region) + "%"


def is_province(actor: User) -> bool:
    return actor is not None and actor.role == "bureau" and actor.region is not None and \
        actor.region.level == "province"


def _require_province(actor: User, message: str) -> None:
    _require_bureau(actor)
    if not is_province(actor):
        raise Forbidden(message)


# --- zones ------------------------------------------------------------------------------------------------------

def counties(actor: User) -> list[Region]:
    prefix = _require_bureau(actor)
    return list(db.session.scalars(select(Region).where(Region.level == "county", Region.code.like(prefix))
                                   .options(selectinload(Region.parent)).order_by(Region.code)))


def set_zone(actor: User, county_id: int, zone: str) -> Region:
    _require_province(actor, _("功能区由省级人社部门划定。"))
    county = db.session.get(Region, county_id)
    if county is None or county.level != "county" or not in_region(actor.region, county.code):
        raise NotFound(_("找不到该县（市、区）。"))
    if zone not in ZONES:
        raise DomainError(_("请选择功能区。"), "zone")
    if county.zone == zone:
        raise DomainError(_("功能区没有变化。"), "zone")
    old, county.zone = county.zone, zone
    audit.record(actor, "region.zone", "region", county.id, old=old, new=zone)
    matching.note_change("context")  # the zone-flow bonus reads each county's zone
    db.session.commit()
    return county


# --- parks ------------------------------------------------------------------------------------------------------

def parks(actor: User) -> list[Park]:
    prefix = _require_bureau(actor)
    return list(db.session.scalars(select(Park).join(Region, Park.county_id == Region.id)
                                   .where(Region.code.like(prefix)).options(selectinload(Park.county))
                                   .order_by(Park.key_park.desc(), Park.code)))


def load_park(actor: User, park_id: int) -> Park:
    _require_bureau(actor)
    park = db.session.get(Park, park_id)
    if park is None or not in_region(actor.region, park.county.code):
        raise NotFound(_("找不到该产业园，或您无权查看。"))
    return park


def _coordinate(text, lo: float, hi: float, field: str) -> float | None:
    text = str(text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise DomainError(_("请填写数字。"), field) from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise DomainError(_("坐标应在 %(lo)s 到 %(hi)s 之间。", lo=lo, hi=hi), field)
    return value


def _next_park_code() -> str:
    numbers = [int(c[1:]) for c in db.session.scalars(select(Park.code).where(Park.code.like("P%")))
               if c[1:].isdigit()]
    return f"P{max(numbers, default=0) + 1:03d}"


def save_park(actor: User, park_id: int | None, name: str, county_code: str, key_park: bool = False,
              leading_industries: str = "", longitude: str = "", latitude: str = "") -> Park:
    """Add a park (park_id None) or change one. Blank coordinates mean the host county's centre."""
    _require_bureau(actor)
    park = load_park(actor, park_id) if park_id is not None else None
    name = re.sub(r"\s+", " ", name or "").strip()
    if not name:
        raise DomainError(_("请填写产业园名称。"), "name")
    if len(name) > 120:
        raise DomainError(_("名称不能超过 %(n)s 个字。", n=120), "name")
    county = db.session.scalar(select(Region).where(Region.code == (county_code or "").strip(),
                                                    Region.level == "county"))
    if county is None:
        raise DomainError(_("请选择所在县（市、区）。"), "county_code")
    if not in_region(actor.region, county.code):
        raise DomainError(_("该地区不在您的管辖范围内。"), "county_code")
    lon = _coordinate(longitude, 73, 136, "longitude")
    lat = _coordinate(latitude, 3, 54, "latitude")
    if (lon is None) != (lat is None):
        raise DomainError(_("经度和纬度请同时填写或同时留空。"), "longitude")
    industries = re.sub(r"\s+", " ", leading_industries or "").strip()
    if len(industries) > 300:
        raise DomainError(_("主导产业不能超过 %(n)s 个字。", n=300), "leading_industries")
    key_park = bool(key_park)
    if key_park != (park.key_park if park else False) and not is_province(actor):
        raise DomainError(_("重点园区由省级人社部门认定。"), "key_park")
    duplicate = select(Park.id).where(Park.name == name)
    if park is not None:
        duplicate = duplicate.where(Park.id != park.id)
    if db.session.scalar(duplicate):
        raise DomainError(_("已有同名产业园。"), "name")
    values = {"name": name, "county_id": county.id, "key_park": key_park, "leading_industries": industries,
              "longitude": lon if lon is not None else county.longitude,
              "latitude": lat if lat is not None else county.latitude}
    if park is None:
        park = Park(code=_next_park_code(), **values)
        db.session.add(park)
        db.session.flush()
        audit.record(actor, "park.create", "park", park.id, **{k: v for k, v in values.items()})
    else:
        changes = {k: [getattr(park, k), v] for k, v in values.items() if getattr(park, k) != v}
        if not changes:
            raise DomainError(_("没有修改任何内容。"))
        for k, v in values.items():
            setattr(park, k, v)
        audit.record(actor, "park.update", "park", park.id, changes=changes)
    db.session.commit()
    return park


# --- trade aliases ----------------------------------------------------------------------------------------------

def aliases(actor: User, q: str = "") -> list[TradeAlias]:
    """Aliases whose text or trade name contains q (the newest first when q is blank)."""
    _require_bureau(actor)
    q = (q or "").strip()[:40]
    query = select(TradeAlias).join(Trade).options(selectinload(TradeAlias.trade))
    if q:
        query = query.where(or_(TradeAlias.alias.contains(q, autoescape=True),
                                Trade.name.contains(q, autoescape=True), Trade.code == q))
    return list(db.session.scalars(query.order_by(TradeAlias.id.desc()).limit(ALIAS_LIST_LIMIT)))


def _clean_alias(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "")).strip()


def add_alias(actor: User, trade_code: str, alias: str) -> TradeAlias:
    _require_province(actor, _("工种别名由省级人社部门维护。"))
    alias = _clean_alias(alias)
    if not alias:
        raise DomainError(_("请填写别名。"), "alias")
    if len(alias) > 60:
        raise DomainError(_("别名不能超过 %(n)s 个字。", n=60), "alias")
    typed = (trade_code or "").strip()
    # The standard code or the standard name: an alias must point at exactly one occupation, so no guessing here.
    trade = db.session.scalar(select(Trade).where(or_(Trade.code == typed, Trade.name == typed), Trade.level == 4)
                              .order_by(Trade.code).limit(1)) if typed else None
    if trade is None:
        raise DomainError(_("请填写工种代码或标准名称（如 6-18-02-04 或 焊工）。"), "trade_code")
    other = db.session.scalar(select(Trade).where(Trade.name == alias, Trade.level == 4, Trade.id != trade.id))
    if other is not None:
        raise DomainError(_("“%(alias)s”是工种“%(name)s”的标准名称，不能作为其他工种的别名。",
                            alias=alias, name=other.name), "alias")
    if alias == trade.name:
        raise DomainError(_("别名与工种名称相同，无需添加。"), "alias")
    if db.session.scalar(select(TradeAlias.id).where(func.lower(TradeAlias.alias) == alias.lower(),
                                                     TradeAlias.trade_id == trade.id)):
        raise DomainError(_("该别名已存在。"), "alias")
    row = TradeAlias(alias=alias, trade_id=trade.id, source="bureau")
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "trade_alias.add", "trade_alias", row.id, alias=alias, trade=trade.code)
    # The normaliser's catalogue is built with the index; a rebuild is the one change kind that reloads it.
    # Aliases change rarely, and records already saved keep the trade they were normalised to.
    matching.note_change("rebuild")
    db.session.commit()
    return row


def remove_alias(actor: User, alias_id: int) -> TradeAlias:
    _require_province(actor, _("工种别名由省级人社部门维护。"))
    row = db.session.get(TradeAlias, alias_id)
    if row is None:
        raise NotFound(_("找不到该别名。"))
    audit.record(actor, "trade_alias.remove", "trade_alias", row.id, alias=row.alias, trade=row.trade.code)
    db.session.delete(row)
    matching.note_change("rebuild")
    db.session.commit()
    return row
