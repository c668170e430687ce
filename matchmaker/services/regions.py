"""Region look-ups for the cascading selector (市 → 县 → 镇 → 村) and search by name or pinyin."""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import or_, select

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


class _Named(NamedTuple):
    code: str
    name: str
    level: str
    parent_id: int | None


#: Every region's code, name, level and parent, read once per process: regions are reference data that `flask
#: seed` loads and nothing renames or moves while the site runs (a county's zone changes, and no label shows it).
#: Pages that list counties or say where a worker is from read it here instead of querying (and loading) the
#: region chain on every request.
_cache: tuple[dict[int, _Named], list[tuple[int, str, str]]] | None = None  # names by id; (id, code, label) of
#                                                                          every county, by code


def _read() -> tuple[dict[int, _Named], list[tuple[int, str, str]]]:
    global _cache
    names = {rid: _Named(code, name, level, parent) for rid, code, name, level, parent in db.session.execute(
        select(Region.id, Region.code, Region.name, Region.level, Region.parent_id))}
    counties = []
    for rid, county in names.items():
        if county.level == "county":
            city = names.get(county.parent_id)
            counties.append((rid, county.code, _label(county.name, city.name if city else None,
                                                      city.level if city else None)))
    _cache = (names, sorted(counties, key=lambda c: c[1]))  # one assignment: no reader sees half of it
    return _cache


def _cached(reload: bool = False) -> tuple[dict[int, _Named], list[tuple[int, str, str]]]:
    cache = _cache
    if cache is None or reload or not cache[0]:  # empty: read before `flask seed` ran
        cache = _read()
    return cache


def _table(reload: bool = False) -> dict[int, _Named]:
    return _cached(reload)[0]


def _named(region_id: int) -> _Named:
    table = _table()
    if region_id not in table:  # loaded by `flask seed` after this process read the table
        table = _table(reload=True)
    return table[region_id]


def forget() -> None:
    """Drop the names read so far (tests that empty the tables; the next use reads them again)."""
    global _cache
    _cache = None


class HomePlace(NamedTuple):
    """Where a worker is registered: the village (or whatever region the record names) and its county."""
    code: str
    name: str
    county_name: str | None


def home_place(region_id: int) -> HomePlace:
    region = _named(region_id)
    county, up = None, region
    while up is not None and county is None:
        county = up if up.level == "county" else None
        up = _named(up.parent_id) if up.parent_id is not None else None
    return HomePlace(region.code, region.name, county.name if county is not None else None)


def county_options(codes: set[str] | None = None) -> list[tuple[str, str]]:
    """(code, label) of the counties (those of ``codes``, when given), by code, for a filter."""
    counties = _cached()[1]
    if codes is not None and not codes <= {code for _rid, code, _label in counties}:  # seeded after this
        counties = _cached(reload=True)[1]                                           # process read them
    return [(code, label) for _rid, code, label in counties if codes is None or code in codes]


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


def village_path(code: str) -> str:
    """A village by its code, spelt out below the province (梅州市 / 五华县 / 水寨镇 / 大坝村); "" if there is none."""
    region = db.session.scalar(select(Region).where(Region.code == (code or "").strip(), Region.level == "village"))
    return " / ".join(r.name for r in path(region)[1:]) if region is not None else ""


def path(region: Region) -> list[Region]:
    """From the province down to this region."""
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return chain[::-1]
