"""Shortage warnings (缺工预警) for a bureau's region: the list it would act on.

(a) Open vacancies in the region published more than `shortage_open_days` ago (policy setting) with places still
    open, oldest first.
(b) Trade gaps: for each place (a park when the vacancy is in one, else its county), trade and minimum level,
    the open headcount against the available qualified supply within reach. Qualified = status available, not
    anonymised, holding the same trade (a skill or a certificate) at the level or above. Within reach = home
    village within REACH_KM (great-circle) of the place, or in the same prefecture city. Each place is compared
    with the whole supply in its reach (supply is not shared out between places), and supply may live outside
    the bureau's region. Vacancies for general labour (no trade) are left out: there is no trade to train.

    Suggested action, in this order:
      - 招聘会 job fair: qualified workers in reach cover at least half the open headcount — they exist, bring
        them and the employers together;
      - 结对 pairing: else, if qualified available workers elsewhere in the province (beyond reach) cover the
        gap — pair the enterprises with those workers' villages (一企一村) so labour flows to the jobs;
      - 培训 training: else — put the trade on the training catalogue (需求储备式 reserve training), since
        too few qualified workers exist anywhere.

Both lists use aggregate queries (no per-row loading); distances are computed in NumPy over the aggregated
points (villages × places), never per worker.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, union_all
from sqlalchemy.orm import aliased, selectinload

from matchmaker.extensions import db
from matchmaker.matching.geo import haversine_km
from matchmaker.models import (Certificate, Park, Region, Trade, User, Vacancy, VacancyTrade, Worker,
                               WorkerSkill)
from matchmaker.services import policy
from matchmaker.services.errors import Forbidden
from matchmaker.services.permissions import region_prefix

REACH_KM = 100.0
LIST_LIMIT = 200
ACTIONS = {"job_fair": _l("招聘会"), "pairing": _l("一企一村结对"), "training": _l("列入培训目录")}
ACTION_HINTS = {
    "job_fair": _l("附近合格劳动力达到空缺的一半以上，组织专场招聘会促成对接。"),
    "pairing": _l("否则，若省内其他地区的合格劳动力足以补足缺口，推动企业与其所在村结对。"),
    "training": _l("否则，合格劳动力不足，将该工种列入培训目录，开展需求储备式培训。"),
}


def _require_bureau(actor: User) -> str:
    if actor is None or actor.role != "bureau" or actor.region is None:
        raise Forbidden(_("仅人社部门可以查看缺工预警。"))
    return region_prefix(actor.region) + "%"


@dataclass
class StaleVacancy:
    vacancy: Vacancy
    days_open: int
    open_headcount: int


def stale_vacancies(actor: User, now: datetime | None = None) -> tuple[int, list[StaleVacancy]]:
    """(the delay in days, the vacancies open longer than it), oldest first."""
    prefix = _require_bureau(actor)
    days = policy.shortage_open_days()
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=days)
    county = aliased(Region)
    rows = db.session.scalars(
        select(Vacancy).join(county, Vacancy.site_county_id == county.id)
        .where(Vacancy.status == "open", Vacancy.published_at.is_not(None), Vacancy.published_at < cutoff,
               Vacancy.headcount > Vacancy.filled, county.code.like(prefix))
        .options(selectinload(Vacancy.enterprise), selectinload(Vacancy.site_county),
                 selectinload(Vacancy.site_park))
        .order_by(Vacancy.published_at, Vacancy.id).limit(LIST_LIMIT))
    out = []
    for v in rows:
        published = v.published_at if v.published_at.tzinfo else v.published_at.replace(tzinfo=timezone.utc)
        out.append(StaleVacancy(v, (now - published).days, v.headcount - v.filled))
    return days, out


@dataclass
class TradeGap:
    place: str           # the park's or the county's name
    place_kind: str      # "park" | "county"
    trade: Trade
    min_level: int
    vacancies: int
    open_headcount: int
    supply_in_reach: int
    supply_elsewhere: int
    action: str

    @property
    def gap(self) -> int:
        return self.open_headcount - self.supply_in_reach


def _suggest(demand: int, near: int, far: int) -> str:
    if 2 * near >= demand:
        return "job_fair"
    if far >= demand - near:
        return "pairing"
    return "training"


def trade_gaps(actor: User) -> list[TradeGap]:
    prefix = _require_bureau(actor)
    county = aliased(Region)
    demand = db.session.execute(
        select(VacancyTrade.trade_id, VacancyTrade.min_level, Vacancy.site_county_id, Vacancy.site_park_id,
               func.count(Vacancy.id), func.sum(Vacancy.headcount - Vacancy.filled))
        .join(Vacancy, VacancyTrade.vacancy_id == Vacancy.id).join(county, Vacancy.site_county_id == county.id)
        .where(Vacancy.status == "open", Vacancy.headcount > Vacancy.filled, county.code.like(prefix))
        .group_by(VacancyTrade.trade_id, VacancyTrade.min_level, Vacancy.site_county_id, Vacancy.site_park_id)
    ).all()
    if not demand:
        return []
    trade_ids = {r[0] for r in demand}
    counties = {r.id: r for r in db.session.scalars(select(Region).where(Region.id.in_({r[2] for r in demand})))}
    park_ids = {r[3] for r in demand if r[3] is not None}
    parks = {p.id: p for p in db.session.scalars(select(Park).where(Park.id.in_(park_ids)))} if park_ids else {}
    trades = {t.id: t for t in db.session.scalars(select(Trade).where(Trade.id.in_(trade_ids)))}

    # Supply: each available worker once per trade, at their best level from skills and certificates, counted
    # per (trade, level, home village) — the village carries the coordinates and the city code.
    held = union_all(select(WorkerSkill.worker_id, WorkerSkill.trade_id, WorkerSkill.level),
                     select(Certificate.worker_id, Certificate.trade_id, Certificate.level)).subquery()
    best = (select(held.c.worker_id, held.c.trade_id, func.max(held.c.level).label("level"))
            .where(held.c.trade_id.in_(trade_ids)).group_by(held.c.worker_id, held.c.trade_id).subquery())
    supply = db.session.execute(
        select(best.c.trade_id, best.c.level, Region.code, Region.longitude, Region.latitude, func.count())
        .join(Worker, Worker.id == best.c.worker_id).join(Region, Worker.home_region_id == Region.id)
        .where(Worker.status == "available", Worker.anonymised_at.is_(None))
        .group_by(best.c.trade_id, best.c.level, Region.code, Region.longitude, Region.latitude)).all()
    s_trade = np.array([r[0] for r in supply], dtype=np.int64)
    s_level = np.array([r[1] for r in supply], dtype=np.int64)
    s_city = np.array([r[2][:4] for r in supply], dtype=object)
    s_lon = np.array([np.nan if r[3] is None else r[3] for r in supply], dtype=float)
    s_lat = np.array([np.nan if r[4] is None else r[4] for r in supply], dtype=float)
    s_count = np.array([r[5] for r in supply], dtype=np.int64)

    # Each demand row looks only at its trade's supply rows.
    order = np.argsort(s_trade, kind="stable")
    trades_in_order, starts = np.unique(s_trade[order], return_index=True)
    ends = np.r_[starts[1:], len(order)].astype(np.int64)
    bounds = {int(t): (int(a), int(b)) for t, a, b in zip(trades_in_order, starts, ends)}
    out = []
    for trade_id, min_level, county_id, park_id, n_vacancies, open_headcount in demand:
        site_county = counties[county_id]
        park = parks.get(park_id)
        lon = park.longitude if park is not None and park.longitude is not None else site_county.longitude
        lat = park.latitude if park is not None and park.latitude is not None else site_county.latitude
        lo, hi = bounds.get(trade_id, (0, 0))
        rows = order[lo:hi]
        qualified = s_level[rows] >= min_level
        near = s_city[rows] == site_county.code[:4]
        if lon is not None and lat is not None:
            with np.errstate(invalid="ignore"):  # a village without coordinates compares False
                near |= haversine_km(lon, lat, s_lon[rows], s_lat[rows]) <= REACH_KM
        in_reach = int(s_count[rows][qualified & near].sum())
        elsewhere = int(s_count[rows][qualified & ~near].sum())
        open_headcount = int(open_headcount)
        if open_headcount <= in_reach:
            continue
        out.append(TradeGap(place=park.name if park is not None else site_county.name,
                            place_kind="park" if park is not None else "county", trade=trades[trade_id],
                            min_level=min_level, vacancies=n_vacancies, open_headcount=open_headcount,
                            supply_in_reach=in_reach, supply_elsewhere=elsewhere,
                            action=_suggest(open_headcount, in_reach, elsewhere)))
    out.sort(key=lambda g: (-g.gap, g.place, g.trade.code, g.min_level))
    return out[:LIST_LIMIT]
