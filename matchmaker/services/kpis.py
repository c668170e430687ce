"""The bureau's KPI dashboard: the plan's figures for a region and a year (or one month of it), each against its
target, broken down one level (province → cities → counties → villages), by month, and by functional zone.

Where each figure is counted (a bureau sees what lies inside its region's code prefix):
- placements, trained / mid-level shares, transfer types, 6-month retention, poor-household workers: by the
  worker's home village (the labour-source view the plan's targets are written in);
- 一企一村 pairings: by the paired village; park–school links and order classes: by the park's county (an order
  class without a park, by its enterprise's county).
"Trained" = a completed training course or any skill certificate; "mid-level or higher" = the highest of the
worker's certificate and recorded skill levels is 四级/中级工 (level 2 in vocabulary.SKILL_LEVEL) or above.
Shares are of distinct workers placed in the period; a worker has one home, so children's counts add up.

Every figure comes from a handful of grouped queries (by home village and by month), folded in Python by code
prefix: no query per region or per row.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, distinct, extract, func, or_, select
from sqlalchemy.orm import aliased

from matchmaker.extensions import db
from matchmaker.models import (Certificate, Enterprise, FollowUp, KpiTarget, OrderClass, Pairing, Park,
                               ParkSchoolLink, Placement, Region, Trade, TrainingRecord, User, Vacancy, VacancyTrade,
                               Village, Worker, WorkerSkill)
from matchmaker.models.policy import KPI_DEFAULTS
from matchmaker.models.regions import ZONES
from matchmaker.services.errors import DomainError, NotFound
from matchmaker.services.permissions import _PREFIX_LEN, load_for, region_prefix, require

MIDLEVEL = 2  # 四级/中级工
FIRST_YEAR = 2015  # the plan's first milestone year
SMALL = 5  # counts below this are suppressed where people could be singled out (per village)
CHILD_LEVEL = {"province": "city", "city": "county", "county": "village"}


@dataclass(frozen=True)
class Kpi:
    key: str
    label: object
    kind: str  # "count" or "pct"
    num: str  # raw figure (numerator)
    den: str | None = None  # raw figure (denominator) for a share
    target: str | None = None  # key in KPI_DEFAULTS / KpiTarget.kpi


KPIS = (
    Kpi("active_pairings", _l("一企一村在结对数"), "count", "pairings", target="active_pairings"),
    Kpi("paired_villages", _l("结对村（居）数"), "count", "paired_villages"),
    Kpi("paired_enterprises", _l("结对企业数"), "count", "paired_enterprises"),
    Kpi("pairing_transfers", _l("一企一村转移就业人数"), "count", "pairing", target="pairing_transfers"),
    Kpi("park_placements", _l("园区就业人数"), "count", "park", target="park_placements"),
    Kpi("park_school_links", _l("校园对接产业园数"), "count", "links", target="park_school_links"),
    Kpi("order_class_intake", _l("订单班招生计划数"), "count", "intake"),
    Kpi("placements", _l("转移就业人次"), "count", "placements"),
    Kpi("trained_share_pct", _l("转移就业者受训率"), "pct", "trained", "workers", target="trained_share_pct"),
    Kpi("midlevel_share_pct", _l("中级工（四级）及以上占比"), "pct", "midlevel", "workers", target="midlevel_share_pct"),
    Kpi("local_pct", _l("就地就近就业占比"), "pct", "local", "placements"),
    Kpi("in_province_pct", _l("省内异地就业占比"), "pct", "in_province", "placements"),
    Kpi("cross_province_pct", _l("跨省就业占比"), "pct", "cross_province", "placements"),
    Kpi("services_pct", _l("服务业岗位就业占比"), "pct", "services", "placements"),
    Kpi("ewn_pct", _l("在粤东西北就业占比"), "pct", "east_west_north", "placements"),
    Kpi("retention_6m_pct", _l("6 个月在岗率"), "pct", "retained_6m", "done_6m", target="retention_6m_pct"),
    Kpi("poor_employed", _l("建档立卡贫困户劳动力已就业"), "count", "poor_employed"),
    Kpi("poor_employed_pct", _l("贫困户劳动力就业率"), "pct", "poor_employed", "poor_workers"),
)
KPI_BY_KEY = {k.key: k for k in KPIS}
# The figures the breakdown table and the export show per child region, and the map can colour by.
BREAKDOWN = ("placements", "pairing_transfers", "park_placements", "trained_share_pct", "midlevel_share_pct",
             "retention_6m_pct", "active_pairings", "poor_employed")
TRANSFER_TYPES = ("local", "in_province", "cross_province")
SITE_KINDS = ZONES + ("park",)


@dataclass
class Period:
    year: int
    month: int | None = None

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.month is None or self.month == 12:
            return date(self.year + 1, 1, 1)
        return date(self.year, self.month + 1, 1)

    def label(self) -> str:
        if self.month:
            return _("%(year)s 年 %(month)s 月", year=self.year, month=self.month)
        return _("%(year)s 年", year=self.year)


def parse_period(year: str | None, month: str | None, today: date | None = None) -> Period:
    """The period from the page's selectors; blank means this year / the whole year."""
    today = today or date.today()
    try:
        y = int(year) if year else today.year
    except ValueError:
        raise DomainError(_("年份应为 %(first)s–%(last)s 之间的数字。", first=FIRST_YEAR, last=today.year),
                          field="year") from None
    if not FIRST_YEAR <= y <= today.year:
        raise DomainError(_("年份应为 %(first)s–%(last)s 之间的数字。", first=FIRST_YEAR, last=today.year),
                          field="year")
    if not month:
        return Period(y)
    try:
        m = int(month)
    except ValueError:
        m = 0
    if not 1 <= m <= 12:
        raise DomainError(_("月份应为 1–12。"), field="month")
    return Period(y, m)


@dataclass
class Dashboard:
    region: Region
    period: Period
    kpis: list[dict]
    children: list[dict]  # one per child region: region, figures, values
    child_level: str | None
    months: list[dict]  # 1..12 of the period's year
    zone_flows: dict  # home zone → site kind → placements
    zone_figures: dict  # home zone → every KPI value (placement-based ones are meaningful by zone)
    points: list[dict] = field(default_factory=list)  # map: counties (or villages) with coordinates
    suppress_children: bool = False
    suppress_totals: bool = False


def _raw() -> dict:
    return defaultdict(int)


def _value(kpi: Kpi, raw: dict) -> float | int | None:
    if kpi.kind == "count":
        return raw.get(kpi.num, 0)
    den = raw.get(kpi.den, 0)
    return round(100.0 * raw.get(kpi.num, 0) / den, 1) if den else None


def values(raw: dict) -> dict:
    return {k.key: _value(k, raw) for k in KPIS}


# --- grouped queries --------------------------------------------------------------------------------------------

def within(column, prefix: str):
    """column's code starts with prefix, as a range (code >= '4414' AND code < '4415'): unlike LIKE, a range uses
    the index on region.code in SQLite and in PostgreSQL under any collation. Codes are digits only."""
    return and_(column >= prefix, column < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def _trained(worker):
    """The worker completed a training course or holds a certificate (index look-ups per placed worker)."""
    return or_(select(TrainingRecord.id).where(TrainingRecord.worker_id == worker,
                                               TrainingRecord.completed.is_(True)).exists(),
               select(Certificate.id).where(Certificate.worker_id == worker).exists())


def _midlevel(worker):
    return or_(select(WorkerSkill.id).where(WorkerSkill.worker_id == worker, WorkerSkill.level >= MIDLEVEL).exists(),
               select(Certificate.id).where(Certificate.worker_id == worker, Certificate.level >= MIDLEVEL).exists())


#: 粤东西北, where the plan wants more of the transferred to find work: the cities of east (粤东), west (粤西) and
#: north (粤北) Guangdong, as the province's regional policy names them; the rest is the Pearl River Delta.
EAST_WEST_NORTH = ("4405", "4415", "4451", "4452",  # 汕头 汕尾 潮州 揭阳
                   "4408", "4409", "4417",  # 湛江 茂名 阳江
                   "4402", "4414", "4416", "4418", "4453")  # 韶关 梅州 河源 清远 云浮
#: "employed in services": the vacancy asks for an occupation of major group 4 of 职业分类大典 2022,
#: 社会生产服务和生活服务人员 (a vacancy's trades are known; an enterprise's sector is free text).
SERVICES_MAJOR = "4"


def _services(vacancy):
    return (select(VacancyTrade.id).join(Trade, VacancyTrade.trade_id == Trade.id)
            .where(VacancyTrade.vacancy_id == vacancy, Trade.code.like(SERVICES_MAJOR + "-%")).exists())


def _placement_figures(prefix: str, start: date, end: date, by_month: bool) -> list[tuple]:
    """(home village code or month, raw figures) for placements starting in [start, end)."""
    home, site = aliased(Region), aliased(Region)
    key = extract("month", Placement.start_date) if by_month else home.code
    worker = Placement.worker_id
    count_if = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
    distinct_if = lambda cond: func.count(distinct(case((cond, worker), else_=None)))  # noqa: E731
    query = (select(key.label("key"), func.count(Placement.id), count_if(Placement.channel == "pairing"),
                    count_if(Vacancy.site_park_id.is_not(None)),
                    *[count_if(Placement.transfer_type == t) for t in TRANSFER_TYPES],
                    func.count(distinct(worker)), distinct_if(_trained(worker)), distinct_if(_midlevel(worker)),
                    distinct_if(Worker.poor_household.is_(True)), count_if(_services(Vacancy.id)),
                    count_if(func.substr(site.code, 1, 4).in_(EAST_WEST_NORTH)))
             .select_from(Placement).join(Vacancy, Placement.vacancy_id == Vacancy.id)
             .join(site, Vacancy.site_county_id == site.id)
             .join(Worker, Placement.worker_id == Worker.id).join(home, Worker.home_region_id == home.id)
             .where(within(home.code, prefix), Placement.start_date >= start, Placement.start_date < end)
             .group_by(key))
    names = ("placements", "pairing", "park", *TRANSFER_TYPES, "workers", "trained", "midlevel", "poor_placed",
             "services", "east_west_north")
    return [(row[0], dict(zip(names, (int(v or 0) for v in row[1:])))) for row in db.session.execute(query)]


def _retention_figures(prefix: str, start: date, end: date, by_month: bool) -> list[tuple]:
    """6-month follow-ups due in [start, end): how many were due, done, and found the worker still employed."""
    home = aliased(Region)
    key = extract("month", FollowUp.due_on) if by_month else home.code
    done = and_(FollowUp.done_on.is_not(None), FollowUp.still_employed.is_not(None))
    query = (select(key, func.count(FollowUp.id), func.sum(case((done, 1), else_=0)),
                    func.sum(case((and_(done, FollowUp.still_employed.is_(True)), 1), else_=0)))
             .select_from(FollowUp).join(Placement, FollowUp.placement_id == Placement.id)
             .join(Worker, Placement.worker_id == Worker.id).join(home, Worker.home_region_id == home.id)
             .where(FollowUp.due_month == 6, within(home.code, prefix), FollowUp.due_on >= start,
                    FollowUp.due_on < end)
             .group_by(key))
    return [(row[0], {"due_6m": int(row[1] or 0), "done_6m": int(row[2] or 0), "retained_6m": int(row[3] or 0)})
            for row in db.session.execute(query)]


def _poor_figures(prefix: str) -> list[tuple]:
    """Registered poor-household workers in the ledger now, and how many of them are employed. The ledger has no
    household key, so this counts workers of poor households, not households."""
    home = aliased(Region)
    query = (select(home.code, func.count(Worker.id), func.sum(case((Worker.status == "employed", 1), else_=0)))
             .select_from(Worker).join(home, Worker.home_region_id == home.id)
             .where(Worker.poor_household.is_(True), Worker.anonymised_at.is_(None), within(home.code, prefix))
             .group_by(home.code))
    return [(row[0], {"poor_workers": int(row[1] or 0), "poor_employed": int(row[2] or 0)})
            for row in db.session.execute(query)]


def _aware(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=timezone.utc)


def _pairing_rows(prefix: str, end: date) -> list[tuple]:
    """(village code, enterprise id, approved at, ended at) of pairings approved before the period ends; times
    made timezone-aware once here (SQLite hands back naive UTC), so the per-month filtering is plain compares."""
    vr = aliased(Region)
    query = (select(vr.code, Pairing.enterprise_id, Pairing.approved_at, Pairing.ended_at)
             .select_from(Pairing).join(Village, Pairing.village_id == Village.id).join(vr, Village.region_id == vr.id)
             .where(Pairing.status.in_(("active", "ended")), Pairing.approved_at.is_not(None),
                    Pairing.approved_at < _aware(end), within(vr.code, prefix)))
    return [(code, enterprise, _as_aware(approved), ended and _as_aware(ended))
            for code, enterprise, approved, ended in db.session.execute(query)]


def _active_between(rows, start: date, end: date) -> list[tuple]:
    s, e = _aware(start), _aware(end)
    return [r for r in rows if r[2] < e and (r[3] is None or r[3] >= s)]


def _as_aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _pairing_figures(rows) -> dict:
    villages, enterprises = {r[0] for r in rows}, {r[1] for r in rows}
    return {"pairings": len(rows), "paired_villages": len(villages), "paired_enterprises": len(enterprises)}


def _link_figures(prefix: str, period: Period) -> list[tuple]:
    """(park county code, {links}) for park–school links of the year, active or since ended."""
    county = aliased(Region)
    query = (select(county.code, func.count(ParkSchoolLink.id)).select_from(ParkSchoolLink)
             .join(Park, ParkSchoolLink.park_id == Park.id).join(county, Park.county_id == county.id)
             .where(ParkSchoolLink.year == period.year, ParkSchoolLink.status.in_(("active", "ended")),
                    within(county.code, prefix))
             .group_by(county.code))
    return [(code, {"links": int(n)}) for code, n in db.session.execute(query)]


def _class_figures(prefix: str, start: date, end: date) -> list[tuple]:
    """(county code, {intake, classes}) of order classes starting in the period, by park county (else the
    enterprise's county)."""
    park_county, ent_county = aliased(Region), aliased(Region)
    code = func.coalesce(park_county.code, ent_county.code)
    query = (select(code, func.sum(OrderClass.intake), func.count(OrderClass.id)).select_from(OrderClass)
             .join(Enterprise, OrderClass.enterprise_id == Enterprise.id)
             .join(ent_county, Enterprise.county_id == ent_county.id)
             .outerjoin(Park, OrderClass.park_id == Park.id).outerjoin(park_county, Park.county_id == park_county.id)
             .where(OrderClass.status != "cancelled", OrderClass.starts_on >= start, OrderClass.starts_on < end,
                    within(code, prefix))
             .group_by(code))
    return [(c, {"intake": int(i or 0), "classes": int(n)}) for c, i, n in db.session.execute(query)]


def _zone_flows(prefix: str, start: date, end: date) -> list[tuple]:
    """(home county code, site county zone, in a park?, placements)."""
    home, site = aliased(Region), aliased(Region)
    home_county = func.substr(home.code, 1, 6)
    in_park = Vacancy.site_park_id.is_not(None)
    query = (select(home_county, site.zone, in_park, func.count(Placement.id)).select_from(Placement)
             .join(Vacancy, Placement.vacancy_id == Vacancy.id).join(site, Vacancy.site_county_id == site.id)
             .join(Worker, Placement.worker_id == Worker.id).join(home, Worker.home_region_id == home.id)
             .where(within(home.code, prefix), Placement.start_date >= start, Placement.start_date < end)
             .group_by(home_county, site.zone, in_park))
    return list(db.session.execute(query))


# --- targets ----------------------------------------------------------------------------------------------------

def targets(region: Region, period: Period) -> dict[str, tuple[float, str]]:
    """key → (target, source). Targets the bureau set for this region and year win; otherwise the plan's
    defaults (KPI_DEFAULTS) apply to the province, and below it only the shares do (a percentage holds at any
    level, while there is no fair way to split a province's headcount among its cities): a city's or county's
    counts show no target until one is set for it. In a month view a yearly count target is shown as its
    twelfth."""
    set_here = dict(db.session.execute(select(KpiTarget.kpi, KpiTarget.target)
                                       .where(KpiTarget.year == period.year, KpiTarget.region_id == region.id)).all())
    out = {}
    for kpi in KPIS:
        if not kpi.target:
            continue
        if kpi.target in set_here:
            value, source = float(set_here[kpi.target]), "set"
        elif region.level == "province" or kpi.kind == "pct":
            value, source = float(KPI_DEFAULTS[kpi.target]), "plan"
        else:
            continue
        if period.month and kpi.kind == "count" and kpi.key != "active_pairings" and kpi.key != "park_school_links":
            value = round(value / 12, 1)
        out[kpi.key] = (value, source)
    return out


# --- the dashboard ----------------------------------------------------------------------------------------------

def load_region(actor: User, region_id: int | None) -> Region:
    """The bureau's own region, or a region inside it (NotFound outside: a bureau cannot learn of others)."""
    if region_id is None:
        return actor.region
    region = load_for(actor, Region, region_id)
    if region.level == "town":  # the drill goes county → village; towns have no dashboard of their own
        raise NotFound(_("找不到该记录，或您无权查看。"))
    return region


def _fold(rows, key_len: int | None, into: dict) -> None:
    """Add each row's figures to into[code prefix] (or into[None], the region's total, when key_len is None)."""
    for code, figures in rows:
        bucket = into[code[:key_len] if key_len else None]
        for name, v in figures.items():
            bucket[name] += v


def _by_prefix(row_sets, pairing_rows, length: int) -> dict:
    """Raw figures per code prefix of the given length (per city, county or village)."""
    out = defaultdict(_raw)
    for rows in row_sets:
        _fold(rows, length, out)
    grouped = defaultdict(list)
    for row in pairing_rows:
        grouped[row[0][:length]].append(row)
    for key, rows in grouped.items():
        out[key].update(_pairing_figures(rows))
    return out


def _children(region: Region, level: str, codes_with_data: set[str]) -> list[Region]:
    prefix = region_prefix(region)
    query = select(Region).where(Region.level == level, within(Region.code, prefix)).order_by(Region.code)
    if level == "village":  # only the villages that have something to count, not every village of the county
        query = query.where(Region.code.in_(codes_with_data or {""}))
    return list(db.session.scalars(query))


def _county_zones(prefix: str) -> dict[str, str]:
    rows = db.session.execute(select(Region.code, Region.zone).where(Region.level == "county",
                                                                     Region.code.like(prefix[:6] + "%")))
    return {code: zone for code, zone in rows}


def dashboard(actor: User, region: Region, period: Period) -> Dashboard:
    require(actor, "view", region)
    prefix = region_prefix(region)
    start, end = period.start, period.end
    year_start, year_end = date(period.year, 1, 1), date(period.year + 1, 1, 1)
    child_level = CHILD_LEVEL.get(region.level)
    child_len = _PREFIX_LEN[child_level] if child_level else None

    placed = _placement_figures(prefix, start, end, by_month=False)
    retention = _retention_figures(prefix, start, end, by_month=False)
    poor = _poor_figures(prefix)
    pairing_rows = _pairing_rows(prefix, year_end)
    active = _active_between(pairing_rows, start, end)
    links = _link_figures(prefix, period)
    classes = _class_figures(prefix, start, end)

    totals = defaultdict(_raw)
    for rows in (placed, retention, poor, links, classes):
        _fold(rows, None, totals)
    total = totals[None]
    total.update(_pairing_figures(active))

    by_child = _by_prefix((placed, retention, poor, links, classes), active, child_len) if child_len else {}
    by_county = _by_prefix((placed, retention, poor, links, classes), active, 6)
    child_regions = _children(region, child_level, set(by_child)) if child_level else []

    # Months of the year: placements and retention by month; pairings active at some time in the month.
    monthly = defaultdict(_raw)
    for rows in (_placement_figures(prefix, year_start, year_end, by_month=True),
                 _retention_figures(prefix, year_start, year_end, by_month=True)):
        for m, figures in rows:
            for name, v in figures.items():
                monthly[int(m)][name] += v
    for m in range(1, 13):
        p = Period(period.year, m)
        monthly[m].update(_pairing_figures(_active_between(pairing_rows, p.start, p.end)))
    months = [{"month": m, "raw": dict(monthly[m]), "values": values(monthly[m])} for m in range(1, 13)]

    # Zone mix: where the period's placements came from (home county's zone) and went (site zone, or a park).
    zones = _county_zones(prefix)
    flows = {z: {k: 0 for k in SITE_KINDS} for z in ZONES}
    for home_county, site_zone, in_park, n in _zone_flows(prefix, start, end):
        kind = "park" if in_park else site_zone
        if zones.get(home_county) in flows and kind in SITE_KINDS:  # every seeded county has its zone
            flows[zones[home_county]][kind] += int(n)
    zone_raw = defaultdict(_raw)
    for rows in (placed, retention, poor):
        for code, figures in rows:
            zone = zones.get(code[:6])
            for name, v in figures.items():
                zone_raw[zone][name] += v
    zone_figures = {z: values(zone_raw[z]) for z in ZONES}

    goals = targets(region, period)
    kpis = []
    for kpi in KPIS:
        value = _value(kpi, total)
        target = goals.get(kpi.key)
        progress = None
        if target and target[0] and value is not None:
            progress = round(min(100.0, 100.0 * value / target[0]), 1)
        kpis.append({"key": kpi.key, "label": str(kpi.label), "kind": kpi.kind, "value": value,
                     "num": total.get(kpi.num, 0), "den": total.get(kpi.den, 0) if kpi.den else None,
                     "target": target[0] if target else None, "target_source": target[1] if target else None,
                     "progress": progress})

    children = [{"region": r, "raw": dict(by_child.get(region_prefix(r), {})),
                 "values": values(by_child.get(region_prefix(r), {}))} for r in child_regions]
    return Dashboard(region=region, period=period, kpis=kpis, children=children, child_level=child_level,
                     months=months, zone_flows=flows, zone_figures=zone_figures,
                     points=_points(region, children, by_county, zones),
                     suppress_children=child_level == "village", suppress_totals=region.level == "village")


def _points(region: Region, children: list[dict], by_county: dict, zones: dict[str, str]) -> list[dict]:
    """What the map draws: every county of a province or city (with its zone and figures), or the villages of a
    county that have data."""
    if region.level == "county":
        return [{"region": c["region"], "zone": zones.get(c["region"].code[:6]), "values": c["values"],
                 "raw": c["raw"]} for c in children if c["region"].longitude is not None]
    if region.level == "village":
        return []
    counties = db.session.scalars(select(Region).where(Region.level == "county",
                                                       Region.code.like(region_prefix(region) + "%"),
                                                       Region.longitude.is_not(None)).order_by(Region.code)).all()
    return [{"region": c, "zone": c.zone, "values": values(by_county.get(c.code, {})),
             "raw": dict(by_county.get(c.code, {}))} for c in counties]


def shown(key: str, value, den: int | None, suppress: bool) -> str:
    """A figure as the page and the export show it. Where people could be singled out (a village's figures),
    counts of 1–4 read "<5" and a share over fewer than 5 workers is withheld ("*")."""
    kpi = KPI_BY_KEY[key]
    if value is None:
        return "—"
    if suppress and kpi.kind == "count" and 0 < value < SMALL:
        return f"<{SMALL}"
    if suppress and kpi.kind == "pct" and (den or 0) < SMALL:
        return "*"
    return f"{value:g}%" if kpi.kind == "pct" else f"{value:,}"


def denominator(key: str, raw: dict) -> int | None:
    kpi = KPI_BY_KEY[key]
    return raw.get(kpi.den, 0) if kpi.den else None
