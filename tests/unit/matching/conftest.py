"""Fixtures for the engine's tests: a small hand-made trade list and random populations."""
from __future__ import annotations

import random
from datetime import date

import pytest

from matchmaker.matching import Context, TradeCatalogue, VacancyRecord, WorkerRecord

TODAY = date(2025, 6, 1)

TRADE_ROWS = [
    ("6", "生产制造及有关人员", 1, None),
    ("6-18", "机械制造基础加工人员", 2, "6"),
    ("6-18-01", "机械冷加工人员", 3, "6-18"),
    ("6-18-01-01", "车工", 4, "6-18-01"),
    ("6-18-01-02", "铣工", 4, "6-18-01"),
    ("6-18-02", "机械热加工人员", 3, "6-18"),
    ("6-18-02-01", "铸造工", 4, "6-18-02"),
    ("6-18-02-02", "锻造工", 4, "6-18-02"),
    ("6-18-02-04", "焊工", 4, "6-18-02"),
    ("6-31", "机械设备修理人员", 2, "6"),
    ("6-31-01", "机械设备修理人员", 3, "6-31"),
    ("6-31-01-02", "机修钳工", 4, "6-31-01"),
    ("6-31-01-03", "电工", 4, "6-31-01"),
    ("4", "社会生产服务和生活服务人员", 1, None),
    ("4-10", "居民服务人员", 2, "4"),
    ("4-10-01", "生活照料服务人员", 3, "4-10"),
    ("4-10-01-02", "家政服务员", 4, "4-10-01"),
    ("4-10-01-05", "养老护理员", 4, "4-10-01"),
    ("4-02", "交通运输服务人员", 2, "4"),
    ("4-02-02", "道路运输服务人员", 3, "4-02"),
    ("4-02-02-01", "汽车驾驶员", 4, "4-02-02"),
]
ALIASES = [("电焊工", "6-18-02-04"), ("氩弧焊工", "6-18-02-04"), ("水电工", "6-31-01-03"),
           ("护工", "4-10-01-05"), ("司机", "4-02-02-01"), ("保姆", "4-10-01-02")]

WELDER, CASTER, FORGER, TURNER, MILLER = "6-18-02-04", "6-18-02-01", "6-18-02-02", "6-18-01-01", "6-18-01-02"
FITTER, ELECTRICIAN, HOUSEKEEPER, CARER, DRIVER = "6-31-01-02", "6-31-01-03", "4-10-01-02", "4-10-01-05", "4-02-02-01"
ALL_TRADES = [WELDER, CASTER, FORGER, TURNER, MILLER, FITTER, ELECTRICIAN, HOUSEKEEPER, CARER, DRIVER]

# a few counties with zones and villages with coordinates
COUNTIES = {"441481": "output", "441322": "nearby", "441900": "aggregation", "440306": "optimisation",
            "440232": "output"}
VILLAGES = [("441481100201", 116.10, 24.30), ("441481100202", 116.12, 24.35), ("441322101203", 114.35, 23.16),
            ("441900001210", 113.75, 23.02), ("440306001201", 113.88, 22.55), ("440232100205", 113.40, 24.70),
            ("441322101204", 114.40, 23.20)]


@pytest.fixture(scope="session")
def cat() -> TradeCatalogue:
    return TradeCatalogue(TRADE_ROWS, ALIASES)


def make_worker(i=1, **kw) -> WorkerRecord:
    base = dict(id=i, birth_date=date(1990, 1, 1), sex="M", status="available", education=2,
                village_code="441481100201", lon=116.10, lat=24.30, radius="county", willing_to_train=None)
    base.update(kw)
    return WorkerRecord(**base)


def make_vacancy(i=1, **kw) -> VacancyRecord:
    base = dict(id=i, enterprise_id=10, lon=116.10, lat=24.30, county_code="441481", required=[(WELDER, 2)],
                age_min=18, age_max=55)
    base.update(kw)
    return VacancyRecord(**base)


def random_population(seed: int, n_workers: int, n_vacancies: int):
    """Random but plausible workers, vacancies and a context — many ties, many edge cases."""
    rnd = random.Random(seed)
    workers, vacancies = [], []
    for i in range(1, n_workers + 1):
        code, lon, lat = rnd.choice(VILLAGES)
        has_loc = rnd.random() > 0.08
        skills = [(t, rnd.randint(1, 5)) for t in rnd.sample(ALL_TRADES, rnd.choice([0, 0, 1, 1, 1, 2, 3]))]
        certs = [(t, rnd.randint(1, 5)) for t in rnd.sample(ALL_TRADES, rnd.choice([0, 0, 0, 1]))]
        trainings = [(t, rnd.random() < 0.7) for t in rnd.sample(ALL_TRADES, rnd.choice([0, 0, 1, 2]))]
        workers.append(WorkerRecord(
            id=i * 3 + rnd.randint(0, 2), birth_date=date(rnd.randint(1960, 2009), rnd.randint(1, 12), rnd.randint(1, 28)),
            sex=rnd.choice("MF"), status=rnd.choice(["available"] * 6 + ["nominated", "employed", "not_seeking"]),
            education=rnd.randint(0, 5), village_code=code if rnd.random() > 0.05 else None,
            lon=lon if has_loc else None, lat=lat if has_loc else None,
            radius=rnd.choice(["village", "county", "city", "province", "anywhere"]),
            willing_to_train=rnd.choice([None, True, False, True]), poor_household=rnd.random() < 0.1,
            no_employed_member=rnd.random() < 0.1, school_id=rnd.choice([None, None, None, 1, 2]),
            skills=skills, certificates=certs, trainings=trainings))
    for j in range(1, n_vacancies + 1):
        county = rnd.choice(list(COUNTIES))
        code, lon, lat = rnd.choice([v for v in VILLAGES if v[0].startswith(county)] or VILLAGES)
        req = [] if rnd.random() < 0.2 else [(t, rnd.randint(1, 4)) for t in rnd.sample(ALL_TRADES, rnd.choice([1, 1, 2, 3]))]
        amin = rnd.randint(16, 30)
        vacancies.append(VacancyRecord(
            id=1000 + j, enterprise_id=rnd.randint(1, 4), lon=lon + rnd.uniform(-0.3, 0.3), lat=lat + rnd.uniform(-0.3, 0.3),
            county_code=county, park_code=rnd.choice([None, None, "P1", "P2"]), required=req,
            headcount=rnd.randint(1, 5), age_min=amin, age_max=rnd.randint(amin, 65), min_education=rnd.choice([0, 0, 1, 2, 3]),
            training_mode=rnd.choice(["none", "train_then_work", "work_then_train", "order", "reserve"]),
            housing=rnd.random() < 0.4, reserved_for_paired=rnd.random() < 0.1,
            status=rnd.choice(["open"] * 5 + ["draft", "closed"])))
    ids = [w.id for w in workers]
    # make ids unique
    seen = set()
    for w in workers:
        while w.id in seen:
            w.id += 100000
        seen.add(w.id)
    ctx = Context(zones=COUNTIES,
                  pairings=[(rnd.randint(1, 4), rnd.choice(VILLAGES)[0]) for _ in range(4)],
                  park_school_links=[("P1", 1), ("P2", 2)],
                  order_classes=[(rnd.randint(1, 4), rnd.choice(workers).id) for _ in range(max(1, n_workers // 20))],
                  active_referrals=[(rnd.choice(vacancies).id, rnd.choice(workers).id) for _ in range(max(1, n_workers // 10))])
    del ids
    return workers, vacancies, ctx
