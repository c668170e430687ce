"""Shortage warnings checked against a small hand-built world whose figures are counted here by hand."""
from datetime import datetime, timedelta, timezone

import pytest

from matchmaker.extensions import db
from matchmaker.models import Certificate, Park, Vacancy, VacancyTrade, WorkerSkill
from matchmaker.services import policy, shortages
from matchmaker.services.errors import Forbidden
from tests.factories import make_trade, make_village, make_worker, region

NOW = datetime.now(timezone.utc)


def _vacancy(enterprise, county, title, headcount, filled=0, days_ago=1, trades=(), park=None, status="open"):
    v = Vacancy(enterprise=enterprise, title=title, site_county=county, site_park=park, headcount=headcount,
                filled=filled, wage_min=4000, wage_max=6000, status=status, age_max=55,
                published_at=NOW - timedelta(days=days_ago) if status != "draft" else None)
    for trade, level in trades:
        v.trades.append(VacancyTrade(trade=trade, min_level=level))
    db.session.add(v)
    return v


def _worker(village, name, skills=(), certificates=(), status="available"):
    w = make_worker(village, name=name, status=status)
    db.session.add_all([WorkerSkill(worker=w, trade=t, level=lv) for t, lv in skills] +
                       [Certificate(worker=w, trade=t, level=lv) for t, lv in certificates])
    return w


def _village(side, code, lon):
    """Another village of the side's town, at the given longitude (latitude 24, like everything else)."""
    town = side.village.region.parent
    return make_village(region(code, f"村{code[-3:]}", "village", town, lon=lon, lat=24.0))


@pytest.fixture
def shortage_world(world):
    """County A (梅州市五华县) and every region sit at (115.0, 24.0) unless moved here.

    焊工 supply (available, best of skill and certificate):
      village A (0 km): level 3; level 2 by certificate (skill 1); level 1 only (too low); level 3 but employed
      far village of city 梅州 (≈254 km, same city): level 2            → in reach (same city)
      village B (惠州, ≈51 km): level 2                                   → in reach (distance)
      far village of city 惠州 (≈203 km): 焊工 level 4 and 电工 level 1   → elsewhere
    """
    welder, electrician = make_trade("6-18-02-04", "焊工"), make_trade("6-31-01-03", "电工")
    a, b = world.a, world.b
    b.village.region.longitude = 115.5
    far_a = _village(a, "441424101299", 117.5)
    far_b = _village(b, "441302101299", 117.0)
    _worker(a.village, "甲一", skills=[(welder, 3)])
    _worker(a.village, "甲二", skills=[(welder, 1)], certificates=[(welder, 2)])
    _worker(a.village, "甲三", skills=[(welder, 1)])
    _worker(a.village, "甲四", skills=[(welder, 3)], status="employed")
    _worker(far_a, "甲远", skills=[(welder, 2)])
    _worker(b.village, "乙一", certificates=[(welder, 2)])
    _worker(far_b, "乙远", skills=[(welder, 4), (electrician, 1)])
    park = Park(code="P901", name="五华产业园", county_id=a.county.id, longitude=115.0, latitude=24.0)
    db.session.add(park)
    e = a.enterprise
    vs = {
        "weld_old": _vacancy(e, a.county, "焊工甲", 5, filled=1, days_ago=40, trades=[(welder, 2)]),
        "weld_new": _vacancy(e, a.county, "焊工乙", 2, days_ago=10, trades=[(welder, 2)]),
        "electric_park": _vacancy(e, a.county, "电工", 3, days_ago=100, trades=[(electrician, 1)], park=park),
        "master_welder": _vacancy(e, a.county, "焊工技师", 1, days_ago=3, trades=[(welder, 4)]),
        "general": _vacancy(e, a.county, "普工", 20, days_ago=60),
        "draft": _vacancy(e, a.county, "草稿焊工", 9, trades=[(welder, 1)], status="draft"),
        "full": _vacancy(e, a.county, "已招满", 4, filled=4, days_ago=90, trades=[(welder, 1)]),
        "county_b": _vacancy(b.enterprise, b.county, "惠城焊工", 7, days_ago=50, trades=[(welder, 3)]),
    }
    db.session.commit()
    return vs


def _gaps(user):
    return [(g.place, g.trade.name, g.min_level, g.vacancies, g.open_headcount, g.supply_in_reach,
             g.supply_elsewhere, g.gap, g.action) for g in shortages.trade_gaps(user)]


def test_trade_gaps_in_the_county_with_supply_in_reach_and_suggested_actions(world, shortage_world):
    assert _gaps(world.a.county_bureau) == [
        # 3 open, nobody qualified within reach, 1 elsewhere: too few anywhere → training
        ("五华产业园", "电工", 1, 1, 3, 0, 1, 3, "training"),
        # 4 + 2 open; in reach 甲一, 甲二 (certificate), 甲远 (same city), 乙一 (51 km) = 4 ≥ half → job fair
        ("五华县", "焊工", 2, 2, 6, 4, 1, 2, "job_fair"),
        # a level-4 welder: none within reach, 乙远 elsewhere covers the gap → pairing
        ("五华县", "焊工", 4, 1, 1, 0, 1, 1, "pairing"),
    ]


def test_another_county_sees_only_its_own_demand_and_the_province_sees_both(world, shortage_world):
    # 惠城: 7 open at level 3; 甲一 (0 km from 惠城 too, as every region sits at the same point here) is in reach
    # by distance; 乙远 (≈203 km, same city 惠州) by city; 甲四 is employed.
    assert _gaps(world.b.county_bureau) == [("惠城区", "焊工", 3, 1, 7, 2, 0, 5, "training")]
    assert len(_gaps(world.province_bureau)) == 4


def test_vacancies_open_longer_than_the_policy_delay_oldest_first(world, shortage_world):
    days, rows = shortages.stale_vacancies(world.a.county_bureau)
    assert days == 30
    assert [(r.vacancy.title, r.days_open, r.open_headcount) for r in rows] == [
        ("电工", 100, 3), ("普工", 60, 20), ("焊工甲", 40, 4)]
    fields = {k: f"{v:g}" for k, v in policy.current_values().items()} | {"shortage_open_days": "5"}
    policy.change_policy(world.province_bureau, fields, "提前预警")
    days, rows = shortages.stale_vacancies(world.a.county_bureau)
    assert days == 5 and [r.vacancy.title for r in rows] == ["电工", "普工", "焊工甲", "焊工乙"]


def test_only_a_bureau_sees_the_warnings(world, shortage_world):
    for call in (shortages.trade_gaps, shortages.stale_vacancies):
        with pytest.raises(Forbidden):
            call(world.a.employer)
