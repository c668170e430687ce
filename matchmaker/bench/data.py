"""The demo population (matchmaker.demo.population) as input to the matching engine — no database.

A worker's location is the home village's coordinates (seed/regions/villages.csv), as in the database, so
workers of one village share a point (the population's per-worker jitter is for maps only).
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from matchmaker.matching import (TRAINING_MODES, WORKER_STATUSES, Context, TradeCatalogue, VacancyColumns,
                                 WorkerColumns, load_trade_catalogue)
from matchmaker.matching.columns import park_number

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"


def load_catalogue(seed_dir: Path = SEED_DIR) -> TradeCatalogue:
    return load_trade_catalogue(seed_dir / "trades.csv", seed_dir / "trade_aliases.csv")


def village_points(seed_dir: Path = SEED_DIR) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    codes, lons, lats = [], [], []
    with open(seed_dir / "regions" / "villages.csv", encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["longitude"]:
                codes.append(int(r["code"]))
                lons.append(float(r["longitude"]))
                lats.append(float(r["latitude"]))
    order = np.argsort(codes)
    return np.array(codes, dtype=np.int64)[order], np.array(lons)[order], np.array(lats)[order]


def zones(seed_dir: Path = SEED_DIR) -> dict[str, str]:
    with open(seed_dir / "regions" / "counties.csv", encoding="utf-8-sig", newline="") as fh:
        return {r["code"]: r["zone"] for r in csv.DictReader(fh) if r.get("zone")}


def to_engine(pop, cat: TradeCatalogue, seed_dir: Path = SEED_DIR, seed: int = 0):
    """(WorkerColumns, VacancyColumns, Context) from a Population; enterprise id = index + 1.

    The population has no relations, so a reproducible set is added for the bonuses: every 8th enterprise is
    paired with a village where workers live.
    """
    w, v = pop.workers, pop.vacancies
    n, m = pop.n_workers, pop.n_vacancies
    tmap = np.array([cat.trade_id(str(c), "population.trade_codes") for c in pop.trade_codes], dtype=np.int32)
    vcode = w["village_code"].astype(np.int64)
    codes, lons, lats = village_points(seed_dir)
    pos = np.clip(np.searchsorted(codes, vcode), 0, len(codes) - 1)
    found = codes[pos] == vcode
    lon = np.where(found, lons[pos], w["lon"].astype(np.float64))
    lat = np.where(found, lats[pos], w["lat"].astype(np.float64))
    birth = w["birth_date"].astype("datetime64[D]")
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    status = np.zeros(n, dtype=np.int8)
    for i, s in enumerate(WORKER_STATUSES):
        status[w["status"] == s] = i
    workers = WorkerColumns(
        id=np.arange(1, n + 1, dtype=np.int64), birth=(years * 10000 + months * 100 + days).astype(np.int32),
        sex=(w["sex"] == "F").astype(np.int8), status=status, education=w["education"].astype(np.int8),
        village_code=vcode, county_code=(vcode // 1_000_000).astype(np.int32), lon=lon, lat=lat,
        radius=w["radius"].astype(np.int8), willing=w["willing_to_train"].astype(np.int8),
        poor=w["poor_household"].astype(bool), no_employed=w["no_employed_member"].astype(bool),
        school_id=np.full(n, -1, dtype=np.int64),
        skill_ptr=w["skill_ptr"], skill_trade=tmap[w["skill_trade"]], skill_level=w["skill_level"].astype(np.int8),
        cert_ptr=w["cert_ptr"].astype(np.int64), cert_trade=tmap[w["cert_trade"]],
        cert_level=w["cert_level"].astype(np.int8),
        train_ptr=w["train_ptr"].astype(np.int64), train_trade=tmap[w["train_trade"]],
        train_completed=w["train_completed"].astype(bool))
    # required trades: distinct and in catalogue order within each vacancy
    owner = np.repeat(np.arange(m), np.diff(v["req_ptr"]))
    rt, rl = tmap[v["req_trade"]], v["req_level"].astype(np.int8)
    order = np.lexsort((rt, owner))
    owner, rt, rl = owner[order], rt[order], rl[order]
    keep = np.r_[True, (owner[1:] != owner[:-1]) | (rt[1:] != rt[:-1])] if len(owner) else np.zeros(0, bool)
    owner, rt, rl = owner[keep], rt[keep], rl[keep]
    req_ptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=m), out=req_ptr[1:])
    mode = np.zeros(m, dtype=np.int8)
    for i, s in enumerate(TRAINING_MODES):
        mode[v["training_mode"] == s] = i
    parks = {p: park_number(p) for p in set(v["park_code"].tolist()) if p}
    vacancies = VacancyColumns(
        id=np.arange(1, m + 1, dtype=np.int64), enterprise_id=v["enterprise"].astype(np.int64) + 1,
        lon=v["lon"].astype(np.float64), lat=v["lat"].astype(np.float64),
        county_code=v["county_code"].astype(np.int32),
        park_code=np.array([parks.get(p, -1) for p in v["park_code"].tolist()], dtype=np.int64),
        req_ptr=req_ptr, req_trade=rt, req_level=rl, headcount=v["headcount"].astype(np.int32),
        age_min=v["age_min"].astype(np.int8), age_max=v["age_max"].astype(np.int8),
        min_education=v["min_education"].astype(np.int8), training_mode=mode, housing=v["housing"].astype(bool),
        reserved=v["reserved_for_paired"].astype(bool), status=np.full(m, 1, dtype=np.int8))
    rng = np.random.default_rng(seed + 12345)
    n_ent = len(pop.enterprises["name"])
    villages_with_people = np.unique(vcode)
    pairings = [(int(e) + 1, f"{int(villages_with_people[rng.integers(0, len(villages_with_people))]):012d}")
                for e in range(0, n_ent, 8)] if len(villages_with_people) else []
    ctx = Context(zones=zones(seed_dir), pairings=pairings)
    return workers, vacancies, ctx


def worker_records(index, ids):
    """Plain records of indexed workers (what the naive scorer reads)."""
    return [index.worker_record(int(i)) for i in ids]
