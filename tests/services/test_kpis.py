"""The KPI dashboard's figures against the same figures counted again, independently, in plain Python over the
ORM objects of the demo province (not the service's grouped SQL)."""
from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import (KpiTarget, OrderClass, Pairing, ParkSchoolLink, Placement, Region, User, Worker)
from matchmaker.models.policy import KPI_DEFAULTS
from matchmaker.services import demo, kpis, seed
from matchmaker.services.errors import DomainError, NotFound
from matchmaker.services.permissions import region_prefix

SEED = Path(__file__).resolve().parents[2] / "seed"
THIS_YEAR = date.today().year


@pytest.fixture
def province(app):
    seed.load_all(SEED)
    demo.build_demo(300, 40, seed=7)
    EWN_CITIES.clear()
    EWN_CITIES.update(c.code[:4] for c in db.session.scalars(select(Region).where(Region.level == "city"))
                      if c.name in EWN_NAMES)
    assert len(EWN_CITIES) == 12
    return {login: db.session.scalar(select(User).where(User.login == login))
            for login in ("bureau", "bureau.city", "bureau.county")}


# 粤东西北 by name, looked up independently of the service's list of codes
EWN_NAMES = {"汕头市", "汕尾市", "潮州市", "揭阳市", "湛江市", "茂名市", "阳江市", "韶关市", "梅州市", "河源市",
             "清远市", "云浮市"}
EWN_CITIES: set[str] = set()


def _pct(num, den):
    return round(100.0 * num / den, 1) if den else None


def expected(prefix: str, start: date, end: date) -> dict:
    """Every KPI of the region with this code prefix for [start, end), counted one object at a time."""
    placements = [p for p in db.session.scalars(select(Placement))
                  if p.worker.home_region.code.startswith(prefix) and start <= p.start_date < end]
    workers = {p.worker for p in placements}
    trained = {w for w in workers if w.certificates or any(t.completed for t in w.trainings)}
    mid = {w for w in workers if max([s.level for s in w.skills] + [c.level for c in w.certificates], default=0) >= 2}
    kinds = Counter(p.transfer_type for p in placements)
    six = [f for p in db.session.scalars(select(Placement)) for f in p.follow_ups
           if f.due_month == 6 and p.worker.home_region.code.startswith(prefix) and start <= f.due_on < end]
    done = [f for f in six if f.done_on is not None and f.still_employed is not None]
    poor = [w for w in db.session.scalars(select(Worker))
            if w.poor_household and w.anonymised_at is None and w.home_region.code.startswith(prefix)]
    pairings = []
    for p in db.session.scalars(select(Pairing)):
        if p.status not in ("active", "ended") or p.approved_at is None:
            continue
        if not p.village.region.code.startswith(prefix):
            continue
        approved, ended = p.approved_at.date(), p.ended_at and p.ended_at.date()
        if approved < end and (ended is None or ended >= start):
            pairings.append(p)
    links = [link for link in db.session.scalars(select(ParkSchoolLink))
             if link.year == start.year and link.status in ("active", "ended")
             and link.park.county.code.startswith(prefix)]
    classes = [c for c in db.session.scalars(select(OrderClass))
               if c.status != "cancelled" and c.starts_on and start <= c.starts_on < end
               and (c.park.county if c.park else c.enterprise.county).code.startswith(prefix)]
    return {
        "active_pairings": len(pairings), "paired_villages": len({p.village_id for p in pairings}),
        "paired_enterprises": len({p.enterprise_id for p in pairings}),
        "pairing_transfers": sum(p.channel == "pairing" for p in placements),
        "park_placements": sum(p.vacancy.site_park_id is not None for p in placements),
        "park_school_links": len(links), "order_class_intake": sum(c.intake for c in classes),
        "placements": len(placements),
        "trained_share_pct": _pct(len(trained), len(workers)), "midlevel_share_pct": _pct(len(mid), len(workers)),
        "local_pct": _pct(kinds["local"], len(placements)),
        "in_province_pct": _pct(kinds["in_province"], len(placements)),
        "cross_province_pct": _pct(kinds["cross_province"], len(placements)),
        "services_pct": _pct(sum(any(t.trade.code.startswith("4-") for t in p.vacancy.trades) for p in placements),
                             len(placements)),
        "ewn_pct": _pct(sum(p.vacancy.site_county.code[:4] in EWN_CITIES for p in placements), len(placements)),
        "retention_6m_pct": _pct(sum(f.still_employed for f in done), len(done)),
        "poor_employed": sum(w.status == "employed" for w in poor),
        "poor_employed_pct": _pct(sum(w.status == "employed" for w in poor), len(poor)),
    }


def _values(board) -> dict:
    return {k["key"]: k["value"] for k in board.kpis}


def test_the_demo_has_what_the_dashboard_needs(province):
    placements = list(db.session.scalars(select(Placement)))
    assert len(placements) >= 15
    assert len({(p.start_date.year, p.start_date.month) for p in placements}) >= 8
    assert {p.channel for p in placements} >= {"pairing", "open_market"}
    assert any(p.vacancy.site_park_id for p in placements) and any(not p.vacancy.site_park_id for p in placements)
    six_done = [f for p in placements for f in p.follow_ups if f.due_month == 6 and f.done_on]
    assert six_done and {f.still_employed for f in six_done} <= {True, False}
    # Both sides of the services and 粤东西北 shares occur, so their checks below compare real numbers.
    services = {any(t.trade.code.startswith("4-") for t in p.vacancy.trades) for p in placements}
    assert services == {True, False}
    assert {p.vacancy.site_county.code[:4] in EWN_CITIES for p in placements} == {True, False}
    # Vacancies never show more hires than places.
    assert all(p.vacancy.filled <= p.vacancy.headcount for p in placements)


@pytest.mark.parametrize("login", ["bureau", "bureau.city", "bureau.county"])
def test_every_kpi_matches_an_independent_count(province, login):
    user = province[login]
    prefix = region_prefix(user.region)
    for period in (kpis.Period(THIS_YEAR), kpis.Period(THIS_YEAR - 1), kpis.Period(THIS_YEAR, 1),
                   kpis.Period(THIS_YEAR - 1, 11)):
        board = kpis.dashboard(user, user.region, period)
        assert _values(board) == expected(prefix, period.start, period.end), (login, period)


def test_province_breakdown_months_and_zones_add_up(province):
    user = province["bureau"]
    period = kpis.Period(THIS_YEAR)
    board = kpis.dashboard(user, user.region, period)
    total = _values(board)
    assert total["placements"] > 0
    assert [c["region"].level for c in board.children] == ["city"] * 21
    for child in board.children:
        if child["raw"]:
            assert child["values"] == expected(region_prefix(child["region"]), period.start, period.end)
    assert sum(c["values"]["placements"] for c in board.children) == total["placements"]
    for m in board.months:
        p = kpis.Period(THIS_YEAR, m["month"])
        want = expected("44", p.start, p.end)
        got = m["values"]
        for key in ("placements", "pairing_transfers", "park_placements", "trained_share_pct", "retention_6m_pct",
                    "active_pairings"):
            assert got[key] == want[key], (m["month"], key)
    # Zone mix: every placement once, by the zone of the worker's home county.
    flows = sum(sum(row.values()) for row in board.zone_flows.values())
    assert flows == total["placements"]
    by_zone = Counter()
    for p in db.session.scalars(select(Placement)):
        if period.start <= p.start_date < period.end:
            county = db.session.scalar(select(Region).where(Region.code == p.worker.home_region.code[:6],
                                                            Region.level == "county"))
            by_zone[county.zone] += 1
    assert {z: sum(row.values()) for z, row in board.zone_flows.items() if sum(row.values())} == dict(by_zone)
    assert {z: v["placements"] for z, v in board.zone_figures.items() if v["placements"]} == dict(by_zone)
    # The map draws every county with coordinates, each with its own figures.
    assert len(board.points) == db.session.query(Region).filter(Region.level == "county",
                                                                 Region.longitude.is_not(None)).count()
    assert sum(p["values"]["placements"] for p in board.points) == total["placements"]


def test_county_breaks_down_into_its_villages_with_small_counts_suppressed(province):
    user = province["bureau.county"]
    board = kpis.dashboard(user, user.region, kpis.Period(THIS_YEAR))
    assert board.child_level == "village" and board.suppress_children and board.children
    prefix = region_prefix(user.region)
    assert all(c["region"].code.startswith(prefix) and c["region"].level == "village" for c in board.children)
    assert kpis.shown("placements", 3, None, True) == "<5"
    assert kpis.shown("placements", 0, None, True) == "0"
    assert kpis.shown("placements", 7, None, True) == "7"
    assert kpis.shown("trained_share_pct", 50.0, 4, True) == "*"
    assert kpis.shown("trained_share_pct", 50.0, 4, False) == "50%"
    assert kpis.shown("retention_6m_pct", None, 0, False) == "—"


def test_targets_plan_defaults_for_the_province_shares_only_below_and_set_targets_win(province):
    prov, county = province["bureau"].region, province["bureau.county"].region
    year = kpis.Period(THIS_YEAR)
    goals = kpis.targets(prov, year)
    assert goals["pairing_transfers"] == (KPI_DEFAULTS["pairing_transfers"], "plan")
    assert goals["trained_share_pct"] == (KPI_DEFAULTS["trained_share_pct"], "plan")
    below = kpis.targets(county, year)
    assert "pairing_transfers" not in below and below["retention_6m_pct"] == (60.0, "plan")
    db.session.add(KpiTarget(year=THIS_YEAR, region_id=county.id, kpi="pairing_transfers", target=120))
    db.session.commit()
    assert kpis.targets(county, year)["pairing_transfers"] == (120.0, "set")
    assert kpis.targets(county, kpis.Period(THIS_YEAR, 3))["pairing_transfers"] == (10.0, "set")
    assert "pairing_transfers" not in kpis.targets(county, kpis.Period(THIS_YEAR - 1))
    board = kpis.dashboard(province["bureau.county"], county, year)
    card = next(k for k in board.kpis if k["key"] == "pairing_transfers")
    assert card["target"] == 120.0 and card["progress"] == round(min(100.0, 100.0 * card["value"] / 120), 1)


def test_a_bureau_reads_only_inside_its_region(province):
    county_bureau, city_bureau = province["bureau.county"], province["bureau.city"]
    with pytest.raises(NotFound):
        kpis.load_region(county_bureau, city_bureau.region.id)
    other = db.session.scalar(select(Region).where(Region.level == "county",
                                                   Region.code.not_like(region_prefix(city_bureau.region) + "%")))
    with pytest.raises(NotFound):
        kpis.load_region(city_bureau, other.id)
    assert kpis.load_region(city_bureau, county_bureau.region.id) == county_bureau.region
    assert kpis.load_region(county_bureau, None) == county_bureau.region


def test_bad_periods_are_refused_with_a_message():
    assert kpis.parse_period("", "") == kpis.Period(THIS_YEAR)
    assert kpis.parse_period("2025", "3") == kpis.Period(2025, 3)
    for year, month, field in (("abc", "", "year"), ("1999", "", "year"), (str(THIS_YEAR + 1), "", "year"),
                               ("2025", "13", "month"), ("2025", "x", "month")):
        with pytest.raises(DomainError) as e:
            kpis.parse_period(year, month)
        assert e.value.field == field and e.value.message
