"""Factories that read like the domain: make_worker(village, …), make_enterprise(county, …)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from matchmaker.extensions import db
from matchmaker.ids import credit_code_check_digit, gb11643_check_digit
from matchmaker.models import Enterprise, Region, School, Trade, User, Village, Worker
from matchmaker.services import pii
from matchmaker.services.accounts import hash_password

PASSWORD = "correct-horse-77"
_seq = itertools.count(1)
_HASH = None


def id_number(area: str = "441424", birth: date = date(1990, 5, 17), sex: str = "M", serial: int | None = None) -> str:
    serial = next(_seq) % 500 if serial is None else serial
    seq = serial * 2 + (1 if sex == "M" else 0)
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + gb11643_check_digit(first17)


def credit_code(serial: int | None = None) -> str:
    serial = next(_seq) if serial is None else serial
    first17 = f"91441400MA{serial:07d}"
    return first17 + credit_code_check_digit(first17)


def region(code, name, level, parent=None, zone=None, lon=115.0, lat=24.0):
    r = Region(code=code, name=name, level=level, parent=parent, zone=zone, longitude=lon, latitude=lat,
               pinyin="", rural=level == "village")
    db.session.add(r)
    return r


def make_tree(city_code="441400", city="梅州市", county_code="441424", county="五华县", zone="output"):
    """province → city → county → town → village; returns the village region."""
    province = db.session.query(Region).filter_by(level="province").first() or region("440000", "广东省", "province")
    c = region(city_code, city, "city", province)
    k = region(county_code, county, "county", c, zone=zone)
    t = region(county_code + "101", county + "水寨镇", "town", k)
    v = region(county_code + "101201", county + "大坝村", "village", t)
    db.session.flush()
    return v


def make_village(village_region) -> Village:
    v = Village(region=village_region, verified=True)
    db.session.add(v)
    db.session.flush()
    return v


def make_enterprise(county, name="广东示范制造有限公司", park=None) -> Enterprise:
    e = Enterprise(name=name, credit_code=credit_code(), county=county, park=park, industry="制造业", verified=True)
    db.session.add(e)
    db.session.flush()
    return e


def make_school(county, name="梅州市技师学院") -> School:
    s = School(code=f"T{next(_seq):05d}", name=name, kind="技工院校", county=county)
    db.session.add(s)
    db.session.flush()
    return s


def make_user(role, login=None, **membership) -> User:
    global _HASH
    _HASH = _HASH or hash_password(PASSWORD)
    u = User(login=login or f"{role}{next(_seq)}", display_name=f"{role} user", password_hash=_HASH, role=role,
             **membership)
    db.session.add(u)
    db.session.flush()
    return u


def make_worker(village: Village, name="张三", birth=date(1990, 5, 17), sex="M", status="available", **fields) -> Worker:
    number = id_number(birth=birth, sex=sex)
    w = Worker(name=name, **pii.id_number_columns(number), birth_date=birth, sex=sex, home_region=village.region,
               status=status, **fields)
    db.session.add(w)
    db.session.flush()
    return w


def make_trade(code="6-18-02-04", name="焊工") -> Trade:
    parts = code.split("-")
    parent = None
    for level in range(1, len(parts) + 1):
        c = "-".join(parts[:level])
        t = db.session.query(Trade).filter_by(code=c).first()
        if t is None:
            t = Trade(code=c, name=name if level == len(parts) else f"group {c}", level=level, parent=parent)
            db.session.add(t)
        parent = t
    db.session.flush()
    return parent


@dataclass
class Side:
    village: Village
    county: Region
    enterprise: Enterprise
    school: School
    worker: Worker
    coordinator: User
    employer: User
    teacher: User
    seeker: User
    county_bureau: User


@dataclass
class World:
    a: Side
    b: Side
    province_bureau: User


def _side(city_code, city, county_code, county, zone, suffix) -> Side:
    vr = make_tree(city_code, city, county_code, county, zone)
    k = vr.parent.parent
    village = make_village(vr)
    enterprise = make_enterprise(k, name=f"企业{suffix}")
    school = make_school(k, name=f"技师学院{suffix}")
    worker = make_worker(village, name=f"工人{suffix}")
    side = Side(village=village, county=k, enterprise=enterprise, school=school, worker=worker,
                coordinator=make_user("coordinator", village_id=village.id),
                employer=make_user("enterprise", enterprise_id=enterprise.id),
                teacher=make_user("school", school_id=school.id),
                seeker=make_user("seeker", worker_id=worker.id),
                county_bureau=make_user("bureau", region_id=k.id))
    return side


def make_world() -> World:
    make_trade("6-18-02-04", "焊工")  # the engine's catalogue needs at least one occupation
    a = _side("441400", "梅州市", "441424", "五华县", "output", "甲")
    b = _side("441300", "惠州市", "441302", "惠城区", "optimisation", "乙")
    province = db.session.query(Region).filter_by(level="province").one()
    world = World(a=a, b=b, province_bureau=make_user("bureau", region_id=province.id))
    db.session.commit()
    return world
