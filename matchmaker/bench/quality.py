"""Ranking quality on a labelled set built from the real seed data.

Real parts: the 2022 classification's trade hierarchy (seed/trades.csv), Guangdong's villages, counties and
functional zones (seed/regions/), the provincial transfer parks (seed/parks.csv), the trades rural workers
typically hold (demo.population.COMMON_TRADES). Synthetic parts: who holds which trade at which level, and
which vacancy needs what.

Labels (graded relevance 0-3) are set by rules a placement officer would state, independent of the score
formula:

- trade: the same trade 3, same minor group 2, same medium group 1, otherwise 0; a general-labour vacancy 1;
- qualification: one level short of the minimum costs 1 grade, two or more levels short → 0;
- distance: within the worker's radius (widened ×1.5 by housing) keeps the grade, up to twice the radius
  costs 1 grade, farther → 0.

Both directions are measured — vacancies for a worker (the seeker's list) and workers for a vacancy (the
enterprise's list) — with NDCG@10 (gain 2^g − 1) and recall@50 of the relevant items (grade ≥ 2), the recall
normalised by min(#relevant, 50) so that a perfect list scores 1.
"""
from __future__ import annotations

import csv
import math
from datetime import date

import numpy as np

from matchmaker.bench.data import SEED_DIR, load_catalogue, zones
from matchmaker.matching import RADII, Context, MatchIndex, Policy, VacancyRecord, WorkerRecord
from matchmaker.matching.geo import haversine_km

TODAY = date(2025, 6, 1)


def _grade(cat, w_trade, w_level, w_kind, w_lon, w_lat, v_req, v_lon, v_lat, v_housing, policy) -> int:
    if not v_req:
        g = 1
    else:
        g = 0
        for t, m in v_req:
            rel = cat.relation(w_trade, t)
            if rel == 0:
                continue
            short = max(0, m - w_level)
            gg = rel - short if short < 2 else 0
            g = max(g, gg)
    if g <= 0:
        return 0
    r = policy.radius_table[1 if v_housing else 0][w_kind]
    d = float(haversine_km(w_lon, w_lat, v_lon, v_lat))
    if d > 2 * r:
        return 0
    if d > r:
        g -= 1
    return max(0, g)


def _ndcg(ranked_grades: list[int], all_grades: list[int], k: int = 10) -> float:
    ideal = sorted(all_grades, reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    if idcg == 0:
        return float("nan")
    dcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ranked_grades[:k]))
    return dcg / idcg


def bench_quality(seed: int = 0, n_query_workers: int = 400, n_vacancies: int = 3000, n_pool: int = 20000,
                  n_query_vacancies: int = 200) -> dict:
    from matchmaker.demo.population import COMMON_TRADES

    rng = np.random.default_rng(seed)
    cat = load_catalogue()
    policy = Policy()
    zone = zones()
    with open(SEED_DIR / "regions" / "villages.csv", encoding="utf-8-sig", newline="") as fh:
        villages = [r for r in csv.DictReader(fh) if r["longitude"] and r.get("rural") == "1"
                    and zone.get(r["code"][:6]) in ("output", "nearby", "aggregation")]
    with open(SEED_DIR / "regions" / "counties.csv", encoding="utf-8-sig", newline="") as fh:
        counties = [r for r in csv.DictReader(fh) if r["longitude"]]
    with open(SEED_DIR / "parks.csv", encoding="utf-8-sig", newline="") as fh:
        parks = [r for r in csv.DictReader(fh) if r["longitude"]]
    trades = [c for c in sorted(COMMON_TRADES) if c in cat]
    tp = np.array([COMMON_TRADES[c] for c in trades], dtype=float)
    tp /= tp.sum()

    sites = ([(float(p["longitude"]), float(p["latitude"]), p["county_code"], p["code"]) for p in parks]
             + [(float(c["longitude"]), float(c["latitude"]), c["code"], None) for c in counties])
    vacancies = []
    for j in range(n_vacancies):
        lon, lat, county, park = sites[int(rng.integers(0, len(sites)))]
        if rng.random() < 0.15:
            req = []
        else:
            k = 1 if rng.random() < 0.8 else 2
            picked = sorted(set(rng.choice(trades, size=k, p=tp).tolist()))
            req = [(t, int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))) for t in picked]
        vacancies.append(VacancyRecord(
            id=j + 1, enterprise_id=j // 4 + 1, lon=lon + float(rng.normal(0, 0.03)), lat=lat + float(rng.normal(0, 0.03)),
            county_code=county, park_code=park, required=req, age_min=18, age_max=55,
            training_mode=str(rng.choice(["none", "train_then_work", "work_then_train"])),
            housing=bool(rng.random() < 0.5)))

    def make_worker(i: int) -> tuple[WorkerRecord, tuple]:
        v = villages[int(rng.integers(0, len(villages)))]
        t = str(rng.choice(trades, p=tp))
        level = int(rng.choice([1, 2, 3, 4], p=[0.4, 0.3, 0.2, 0.1]))
        kind = int(rng.choice(5, p=[0.1, 0.3, 0.25, 0.25, 0.1]))
        lon, lat = float(v["longitude"]), float(v["latitude"])
        rec = WorkerRecord(id=i, birth_date=date(1990, 1, 1), sex="M", village_code=v["code"], lon=lon, lat=lat,
                           radius=RADII[kind], willing_to_train=bool(rng.random() < 0.5), skills=[(t, level)])
        return rec, (t, level, kind, lon, lat)

    queries = [make_worker(i + 1) for i in range(n_query_workers)]
    pool = [make_worker(100_000 + i) for i in range(n_pool)]
    ctx = Context(zones=zone)
    index = MatchIndex.build(cat, [w for w, _ in queries + pool], vacancies, policy, ctx, TODAY)

    # vacancies for a worker
    ndcg_v, recall_v = [], []
    for w, (t, level, kind, lon, lat) in queries:
        grades = {v.id: _grade(cat, t, level, kind, lon, lat, v.required, v.lon, v.lat, v.housing, policy)
                  for v in vacancies}
        top = index.rank_vacancies(w.id, k=50)
        ranked = [grades[int(i)] for i in top.ids]
        n = _ndcg(ranked, list(grades.values()))
        if n == n:
            ndcg_v.append(n)
        relevant = {i for i, g in grades.items() if g >= 2}
        if relevant:
            recall_v.append(len(relevant & {int(i) for i in top.ids}) / min(len(relevant), 50))

    # workers for a vacancy
    ndcg_w, recall_w = [], []
    trade_vacancies = [v for v in vacancies if v.required][:n_query_vacancies]
    info = {w.id: meta for w, meta in queries + pool}
    for v in trade_vacancies:
        grades = {wid: _grade(cat, t, level, kind, lon, lat, v.required, v.lon, v.lat, v.housing, policy)
                  for wid, (t, level, kind, lon, lat) in info.items()}
        top = index.rank_workers(v.id, k=50)
        ranked = [grades[int(i)] for i in top.ids]
        n = _ndcg(ranked, list(grades.values()))
        if n == n:
            ndcg_w.append(n)
        relevant = {i for i, g in grades.items() if g >= 2}
        if relevant:
            recall_w.append(len(relevant & {int(i) for i in top.ids}) / min(len(relevant), 50))

    return {
        "bench": "quality", "seed": seed, "vacancies": n_vacancies, "query_workers": len(queries),
        "worker_pool": len(queries) + len(pool), "query_vacancies": len(trade_vacancies),
        "ndcg_at_10": round(float(np.mean(ndcg_v + ndcg_w)), 4),
        "recall_at_50": round(float(np.mean(recall_v + recall_w)), 4),
        "rank_vacancies_ndcg_at_10": round(float(np.mean(ndcg_v)), 4),
        "rank_vacancies_recall_at_50": round(float(np.mean(recall_v)), 4),
        "rank_workers_ndcg_at_10": round(float(np.mean(ndcg_w)), 4),
        "rank_workers_recall_at_50": round(float(np.mean(recall_w)), 4),
        "labels": "trade same 3 / minor 2 / medium 1 / general 1; -1 per level short (0 if ≥2); "
                  "-1 beyond radius, 0 beyond twice the radius; relevant = grade ≥ 2",
    }
