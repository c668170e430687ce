"""A reproducible synthetic province: workers and vacancies as columnar NumPy arrays (pure; no database).

Used by `flask demo` (which writes it to the database) and by `python -m matchmaker.bench` (which feeds it to
the matching engine directly), so both see the same people. Built from the real seed: workers live mostly in
rural villages of the output and nearby-transfer zones, enterprises sit in the provincial transfer parks and
the Pearl River Delta, as the plan's "两聚一散" describes.

    pop = generate(n_workers=1000, n_vacancies=100, seed=7)
    pop.workers["id_number"][0], pop.workers["lon"][0]
    # skills of worker i: pop.trade_codes[pop.workers["skill_trade"][ptr[i]:ptr[i+1]]], where ptr = skill_ptr

Variable-length parts are CSR: `<part>_ptr` (n+1 offsets) and the flat columns it indexes. Trades are indexes
into `pop.trade_codes`.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from matchmaker import ids

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"

# Trades people in the ledgers actually have, with rough weights (manufacturing, construction, services,
# logistics, care): codes of the 2022 classification.
COMMON_TRADES = {
    "6-25-04-07": 12,  # 电子设备装接工 (the typical line job, 普工)
    "6-18-02-04": 6, "6-31-01-03": 7, "6-18-01-01": 3, "6-18-01-02": 2, "6-18-01-07": 4, "6-20-01-01": 3,
    "6-18-04-01": 2, "6-05-01-03": 6, "6-05-01-01": 1, "6-05-04-01": 2, "6-04-01-03": 1, "6-14-02-00": 2,
    "6-24-04-00": 2, "6-24-02-04": 1, "6-31-07-03": 2, "6-25-01-12": 1, "6-06-03-01": 2, "6-06-04-00": 1,
    "6-29-01-01": 4, "6-29-01-04": 3,
    "4-03-02-01": 4, "4-03-02-02": 2, "4-03-02-05": 3, "4-03-01-02": 2, "4-01-02-04": 2, "4-09-08-01": 3,
    "4-02-07-08": 4, "4-10-08-01": 3, "4-02-06-01": 2, "4-02-02-02": 3, "4-07-05-01": 3, "4-12-01-01": 2,
    "4-10-01-03": 1, "4-10-01-06": 3, "4-10-01-05": 3, "4-14-01-03": 1, "4-10-03-01": 1, "4-10-03-02": 1,
    "4-03-02-07": 1, "4-01-06-02": 1, "5-05-01-02": 1,
}
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷黎史龙陶贺顾毛郝龚邵万覃武钱戴严莫孔向常")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲辉建国红梅兰峰斌波宇浩凯健俊帆鹏飞志文海燕春燕雪琳晨欣佳颖家豪子轩梓涵嘉怡锦荣振邦永康少华国强惠珍")
INDUSTRIES = ("电子信息", "机械制造", "纺织服装", "家具建材", "新能源", "食品加工", "物流", "酒店餐饮", "家政养老",
              "建筑工程", "汽车零部件", "五金塑料")


@dataclass
class Population:
    trade_codes: np.ndarray
    workers: dict[str, np.ndarray] = field(default_factory=dict)
    vacancies: dict[str, np.ndarray] = field(default_factory=dict)
    enterprises: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_workers(self) -> int:
        return len(self.workers["lon"])

    @property
    def n_vacancies(self) -> int:
        return len(self.vacancies["lon"])


def _read(seed_dir: Path, name: str) -> list[dict]:
    with open(seed_dir / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _csr(rng, n: int, counts_p: list[float]) -> np.ndarray:
    counts = rng.choice(len(counts_p), size=n, p=counts_p)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr


def id_numbers(rng, area: np.ndarray, birth: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Valid, distinct 18-character ID numbers (GB 11643) for the given areas, birth dates and sexes."""
    area_int = area.astype(np.int64)
    days = birth.astype("datetime64[D]")
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    ymd = ((years.astype(np.int64) + 1970) * 10000 + (months - years).astype(np.int64) * 100 + 100
           + (days - months).astype(np.int64) + 1)
    seq = rng.integers(0, 500, len(area)) * 2 + male.astype(np.int64)  # odd for men, even for women
    while True:  # re-draw the sequence number of any repeat until every number is distinct
        _, first = np.unique((area_int * 10**8 + ymd) * 1000 + seq, return_index=True)
        dup = np.ones(len(area), dtype=bool)
        dup[first] = False
        if not dup.any():
            return ids.id_numbers(area_int, ymd, seq)
        seq[dup] = rng.integers(0, 500, dup.sum()) * 2 + male[dup].astype(np.int64)


def credit_codes(rng, county_codes: np.ndarray) -> np.ndarray:
    """Valid, distinct 统一社会信用代码 (GB 32100) of enterprises registered in the given counties."""
    codes = ids.credit_codes(county_codes.astype(np.int64), rng)
    while True:
        _, first = np.unique(codes, return_index=True)
        dup = np.ones(len(codes), dtype=bool)
        dup[first] = False
        if not dup.any():
            return codes
        codes[dup] = ids.credit_codes(county_codes[dup].astype(np.int64), rng)


def _names(rng, n: int) -> np.ndarray:
    surname = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)]
    g1 = np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
    g2 = np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
    two = rng.random(n) < 0.7
    return np.where(two, np.char.add(np.char.add(surname, g1), g2), np.char.add(surname, g1))


def _workers(rng, n: int, villages: dict, trade_index: np.ndarray, trade_p: np.ndarray, today: date) -> dict:
    # The ledgers of a few hundred workers each, in villages drawn mostly from the output and nearby zones.
    n_villages = min(len(villages["code"]), max(3, n // 250))
    chosen = rng.choice(len(villages["code"]), size=n_villages, replace=False, p=villages["weight"])
    size = rng.gamma(4.0, 1.0, n_villages)
    pick = chosen[rng.choice(n_villages, size=n, p=size / size.sum())]
    male = rng.random(n) < 0.55
    age_days = rng.integers(18 * 365, 58 * 365, n)
    birth = np.datetime64(today, "D") - age_days.astype("timedelta64[D]")
    area = villages["county"][pick]
    w = {
        "village_code": villages["code"][pick],
        "lon": (villages["lon"][pick] + rng.normal(0, 0.004, n)).astype(np.float32),
        "lat": (villages["lat"][pick] + rng.normal(0, 0.004, n)).astype(np.float32),
        "zone": villages["zone"][pick],
        "sex": np.where(male, "M", "F"),
        "birth_date": birth,
        "id_number": id_numbers(rng, area, birth, male),
        "name": _names(rng, n),
        "phone": np.char.add(np.array(["13", "15", "17", "18", "19"])[rng.integers(0, 5, n)],
                             np.char.zfill(rng.integers(0, 10**9, n).astype("U9"), 9)),
        "education": rng.choice(6, size=n, p=[0.03, 0.15, 0.47, 0.25, 0.08, 0.02]).astype(np.int8),
        "poor_household": rng.random(n) < 0.08,
        "no_employed_member": rng.random(n) < 0.04,
        "radius": rng.choice(5, size=n, p=[0.08, 0.22, 0.25, 0.35, 0.10]).astype(np.int8),
        "min_wage": (rng.integers(30, 70, n) * 100).astype(np.int32),
        "willing_to_train": rng.random(n) < 0.55,
        "status": rng.choice(np.array(["available", "employed", "not_seeking"]), size=n, p=[0.62, 0.3, 0.08]),
    }
    ptr = _csr(rng, n, [0.28, 0.47, 0.2, 0.05])
    k = int(ptr[-1])
    w["skill_ptr"], w["skill_trade"] = ptr, rng.choice(trade_index, size=k, p=trade_p).astype(np.int32)
    w["skill_level"] = rng.choice(np.arange(1, 6), size=k, p=[0.4, 0.3, 0.18, 0.09, 0.03]).astype(np.int8)
    # A worker does not list the same trade twice: keep the first of any repeat.
    owner = np.repeat(np.arange(n), np.diff(ptr))
    _, first = np.unique(owner.astype(np.int64) * 100_000 + w["skill_trade"], return_index=True)
    keep = np.zeros(k, dtype=bool)
    keep[first] = True
    owner, w["skill_trade"], w["skill_level"] = owner[keep], w["skill_trade"][keep], w["skill_level"][keep]
    ptr = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=n))]).astype(np.int64)
    w["skill_ptr"], k = ptr, int(keep.sum())
    has_cert = rng.random(k) < 0.35
    cert_counts = np.bincount(owner[has_cert], minlength=n)
    w["cert_ptr"] = np.concatenate([[0], np.cumsum(cert_counts)])
    w["cert_trade"] = w["skill_trade"][has_cert]
    w["cert_level"] = np.maximum(1, w["skill_level"][has_cert] - rng.integers(0, 2, has_cert.sum())).astype(np.int8)
    trained = rng.random(n) < 0.3
    w["train_ptr"] = np.concatenate([[0], np.cumsum(trained)]).astype(np.int64)
    first_skill = np.where(np.diff(ptr) > 0, w["skill_trade"][np.minimum(ptr[:-1], max(k - 1, 0))], -1)
    random_trade = rng.choice(trade_index, size=n, p=trade_p)
    w["train_trade"] = np.where(first_skill >= 0, first_skill, random_trade)[trained].astype(np.int32)
    w["train_completed"] = rng.random(int(trained.sum())) < 0.8
    w["train_hours"] = rng.integers(40, 400, int(trained.sum())).astype(np.int32)
    return w


def _sites(rng, n: int, counties: dict, parks: dict) -> dict:
    """Enterprise sites: half in provincial transfer parks, half in the PRD and aggregation zones."""
    in_park = rng.random(n) < 0.5
    park_pick = rng.integers(0, len(parks["code"]), n)
    hub = np.flatnonzero(np.isin(counties["zone"], ["optimisation", "aggregation"]))
    county_pick = hub[rng.integers(0, len(hub), n)]
    return {
        "park_code": np.where(in_park, parks["code"][park_pick], ""),
        "county_code": np.where(in_park, parks["county"][park_pick], counties["code"][county_pick]),
        "lon": np.where(in_park, parks["lon"][park_pick], counties["lon"][county_pick]) + rng.normal(0, 0.02, n),
        "lat": np.where(in_park, parks["lat"][park_pick], counties["lat"][county_pick]) + rng.normal(0, 0.02, n),
    }


def _enterprises(rng, n: int, counties: dict, parks: dict) -> dict:
    sites = _sites(rng, n, counties, parks)
    industry = np.array(INDUSTRIES)[rng.integers(0, len(INDUSTRIES), n)]
    county_name = dict(zip(counties["code"], counties["name"]))
    names = [f"{county_name[c][:2]}{a}{b}{ind}有限公司" for c, a, b, ind in
             zip(sites["county_code"], np.array(GIVEN)[rng.integers(0, len(GIVEN), n)],
                 np.array(GIVEN)[rng.integers(0, len(GIVEN), n)], industry)]
    return {"name": np.array(names), "credit_code": credit_codes(rng, sites["county_code"]), "industry": industry,
            **sites}


def _vacancies(rng, n: int, enterprises: dict, trade_index: np.ndarray, trade_p: np.ndarray) -> dict:
    owner = rng.integers(0, len(enterprises["name"]), n)
    ptr = _csr(rng, n, [0.15, 0.7, 0.15])  # 15% general labour (普工): no trade required
    k = int(ptr[-1])
    req_trade = rng.choice(trade_index, size=k, p=trade_p).astype(np.int32)
    second = np.zeros(k, dtype=bool)
    second[ptr[:-1][np.diff(ptr) == 2] + 1] = True
    clash = second & (np.roll(req_trade, 1) == req_trade)
    req_trade[clash] = trade_index[(np.searchsorted(trade_index, req_trade[clash]) + 1) % len(trade_index)]
    wage_min = rng.integers(35, 66, n) * 100
    return {
        "enterprise": owner.astype(np.int32),
        "lon": (enterprises["lon"][owner]).astype(np.float32),
        "lat": (enterprises["lat"][owner]).astype(np.float32),
        "county_code": enterprises["county_code"][owner],
        "park_code": enterprises["park_code"][owner],
        "req_ptr": ptr, "req_trade": req_trade,
        "req_level": rng.choice(np.arange(1, 6), size=k, p=[0.5, 0.3, 0.15, 0.05, 0.0]).astype(np.int8),
        "headcount": np.minimum(1 + rng.geometric(0.15, n), 60).astype(np.int32),
        "wage_min": wage_min.astype(np.int32),
        "wage_max": (wage_min + rng.integers(5, 31, n) * 100).astype(np.int32),
        "age_min": np.full(n, 18, dtype=np.int8),
        "age_max": rng.choice(np.array([35, 40, 45, 50, 55]), size=n).astype(np.int8),
        "min_education": rng.choice(4, size=n, p=[0.45, 0.15, 0.3, 0.1]).astype(np.int8),
        "training_mode": rng.choice(np.array(["none", "train_then_work", "work_then_train", "order", "reserve"]),
                                    size=n, p=[0.35, 0.2, 0.3, 0.1, 0.05]),
        "housing": rng.random(n) < 0.6,
        "reserved_for_paired": rng.random(n) < 0.1,
    }


def load_geography(seed_dir: Path = SEED_DIR) -> tuple[dict, dict, dict]:
    counties_rows = [r for r in _read(seed_dir, "regions/counties.csv") if r["longitude"]]
    counties = {k: np.array([r[c] for r in counties_rows]) for k, c in
                (("code", "code"), ("name", "name"), ("zone", "zone"))}
    counties["lon"] = np.array([float(r["longitude"]) for r in counties_rows])
    counties["lat"] = np.array([float(r["latitude"]) for r in counties_rows])
    zone_of = dict(zip(counties["code"], counties["zone"]))
    v_rows = [r for r in _read(seed_dir, "regions/villages.csv") if r["rural"] == "1" and r["code"][:6] in zone_of]
    villages = {"code": np.array([r["code"] for r in v_rows]), "county": np.array([r["code"][:6] for r in v_rows])}
    villages["lon"] = np.array([float(r["longitude"]) for r in v_rows])
    villages["lat"] = np.array([float(r["latitude"]) for r in v_rows])
    villages["zone"] = np.array([zone_of[c] for c in villages["county"]])
    weight = np.select([np.isin(villages["zone"], ["output", "nearby"]), villages["zone"] == "aggregation"],
                       [4.0, 1.0], 0.3)
    villages["weight"] = weight / weight.sum()
    p_rows = _read(seed_dir, "parks.csv")
    parks = {"code": np.array([r["code"] for r in p_rows]), "county": np.array([r["county_code"] for r in p_rows]),
             "lon": np.array([float(r["longitude"]) for r in p_rows]),
             "lat": np.array([float(r["latitude"]) for r in p_rows])}
    return counties, villages, parks


def generate(n_workers: int, n_vacancies: int, seed: int = 0, seed_dir: Path = SEED_DIR,
             today: date | None = None) -> Population:
    rng = np.random.default_rng(seed)
    counties, villages, parks = load_geography(seed_dir)
    trade_codes = np.array(sorted(COMMON_TRADES))
    trade_index = np.arange(len(trade_codes))
    weights = np.array([COMMON_TRADES[c] for c in trade_codes], dtype=float)
    trade_p = weights / weights.sum()
    pop = Population(trade_codes=trade_codes)
    pop.workers = _workers(rng, n_workers, villages, trade_index, trade_p, today or date.today())
    n_enterprises = max(10, n_vacancies // 4)
    pop.enterprises = _enterprises(rng, n_enterprises, counties, parks)
    pop.vacancies = _vacancies(rng, n_vacancies, pop.enterprises, trade_index, trade_p)
    return pop
