"""The naive reference ranker: every pair scored in plain Python (no NumPy), for tests and the benchmark.

It applies :func:`matchmaker.matching.rules.evaluate` to each pair, with the ``math`` haversine, and sorts by
(score desc, id asc) — what the index must reproduce.
"""
from __future__ import annotations

import heapq
from datetime import date
from typing import Iterable

from matchmaker.matching.geo import haversine_km_py
from matchmaker.matching.policy import Policy
from matchmaker.matching.records import Context, VacancyRecord, WorkerRecord
from matchmaker.matching.rules import evaluate
from matchmaker.matching.trades import TradeCatalogue


def _passes(w: WorkerRecord, v: VacancyRecord, ctx: Context | None, ex, counties, zones, max_km, paired_only,
            side: str) -> bool:
    if side == "worker":  # filters on the worker's home
        county, zone = w.county_code, (ctx.zone_of(w.county_code) if ctx else None)
    else:  # filters on the vacancy's site
        county, zone = v.county_code, (ctx.zone_of(v.county_code) if ctx else None)
    if counties is not None and county not in counties:
        return False
    if zones is not None and zone not in zones:
        return False
    if max_km is not None and (ex.distance_km is None or ex.distance_km > max_km):
        return False
    if paired_only and "paired_village" not in ex.bonuses:
        return False
    return True


def naive_rank_workers(vacancy: VacancyRecord, workers: Iterable[WorkerRecord], ctx: Context | None,
                       policy: Policy, cat: TradeCatalogue, today: date, k: int = 50, *,
                       statuses=("available",), counties=None, zones=None, trades=None, max_km=None,
                       paired_only=False, min_level=None) -> list[tuple[int, float]]:
    """Top-k ``(worker_id, total)`` for a vacancy, best first (ties: smaller id first)."""
    trade_set = set(trades) if trades is not None else None
    level_set = trade_set if trade_set is not None else {c for c, _ in vacancy.required}
    level_filter = bool(min_level) and min_level > 1 and bool(level_set)
    counties = set(counties) if counties is not None else None
    zones = set(zones) if zones is not None else None
    scored = []
    for w in workers:
        if trade_set is not None:
            have = {c for c, _ in w.skills} | {c for c, _ in w.certificates}
            if not have & trade_set:
                continue
        if level_filter and max((lv for c, lv in (*w.skills, *w.certificates) if c in level_set), default=0) < min_level:
            continue
        ex = evaluate(w, vacancy, ctx, policy, cat, today, statuses=statuses, distance=haversine_km_py,
                      with_reasons=False)
        if not ex.eligible or not _passes(w, vacancy, ctx, ex, counties, zones, max_km, paired_only, "worker"):
            continue
        scored.append((-ex.total, w.id))
    return [(wid, -neg) for neg, wid in heapq.nsmallest(k, scored)]


def naive_rank_vacancies(worker: WorkerRecord, vacancies: Iterable[VacancyRecord], ctx: Context | None,
                         policy: Policy, cat: TradeCatalogue, today: date, k: int = 20, *,
                         statuses=("available",), vacancy_statuses=("open",), counties=None, zones=None,
                         trades=None, max_km=None, paired_only=False, with_housing=False,
                         with_training=False) -> list[tuple[int, float]]:
    """Top-k ``(vacancy_id, total)`` for a worker, best first (ties: smaller id first)."""
    trade_set = set(trades) if trades is not None else None
    counties = set(counties) if counties is not None else None
    zones = set(zones) if zones is not None else None
    scored = []
    for v in vacancies:
        if v.status not in vacancy_statuses:
            continue
        if trade_set is not None and not {c for c, _ in v.required} & trade_set:
            continue
        if (with_housing and not v.housing) or (with_training and v.training_mode == "none"):
            continue
        ex = evaluate(worker, v, ctx, policy, cat, today, statuses=statuses, distance=haversine_km_py,
                      with_reasons=False)
        if not ex.eligible or not _passes(worker, v, ctx, ex, counties, zones, max_km, paired_only, "vacancy"):
            continue
        scored.append((-ex.total, v.id))
    return [(vid, -neg) for neg, vid in heapq.nsmallest(k, scored)]
