"""Live counts for the home page and the role landings: one aggregate query each, no row loading."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import (Enterprise, Pairing, ParkSchoolLink, Placement, Region, School, Vacancy, Village,
                               Worker)


def platform_counts() -> dict[str, int]:
    year_start = date(date.today().year, 1, 1)
    scalar = db.session.scalar
    return {
        "enterprises": scalar(select(func.count(Enterprise.id))) or 0,
        "villages": scalar(select(func.count(Village.id))) or 0,
        "schools": scalar(select(func.count(School.id))) or 0,
        "workers": scalar(select(func.count(Worker.id))) or 0,
        "open_places": scalar(select(func.coalesce(func.sum(Vacancy.headcount - Vacancy.filled), 0))
                              .where(Vacancy.status == "open")) or 0,
        "active_pairings": scalar(select(func.count(Pairing.id)).where(Pairing.status == "active")) or 0,
        "active_links": scalar(select(func.count(ParkSchoolLink.id)).where(ParkSchoolLink.status == "active")) or 0,
        "placements_this_year": scalar(select(func.count(Placement.id))
                                       .where(Placement.start_date >= year_start)) or 0,
    }


def counties_by_zone() -> dict[str, int]:
    rows = db.session.execute(select(Region.zone, func.count(Region.id))
                              .where(Region.level == "county", Region.zone.is_not(None)).group_by(Region.zone))
    return {zone: n for zone, n in rows}
