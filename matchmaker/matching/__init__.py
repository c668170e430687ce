"""The matching engine: how well a worker fits a vacancy, why, and the best candidates at provincial scale.

Pure Python + NumPy/SciPy/rapidfuzz: no Flask, no SQLAlchemy, nothing else of Matchmaker. It takes plain
records (or columnar arrays for bulk builds) and returns scores. DESIGN.md "Matching" is the specification.

Public API
----------
Trades (normalise once, when a record is saved)::

    cat = load_trade_catalogue("seed/trades.csv", "seed/trade_aliases.csv")
    cat.normalise("焊工（电焊）")   # Normalised(code="6-18-02-04", confidence=0.95, candidates=[…], level=None)
    code, confidence, candidates = cat.normalise("电焊公")   # typo → code None, candidates to choose from
    cat.search("电焊")                                       # suggestions while typing

Records, policy, context::

    w = WorkerRecord(id=1, birth_date=date(1990, 5, 1), sex="M", village_code="441481100201",
                     lon=116.1, lat=24.3, radius="province", willing_to_train=True,
                     skills=[("6-18-02-04", 2)], certificates=[("6-18-02-04", 2)])
    v = VacancyRecord(id=7, enterprise_id=3, lon=113.9, lat=22.8, county_code="441900",
                      required=[("6-18-02-04", 2)], training_mode="work_then_train", housing=True)
    policy = Policy(w_skill=0.5, w_location=0.3, w_training=0.2, version="2025-1")   # PolicyError if invalid
    ctx = Context(zones={"441481": "output"}, pairings=[(3, "441481100201")])

Scoring and ranking::

    ex = explain(w, v, ctx, policy, cat)          # Explanation: total, skill, location, training, bonus,
                                                  # bonuses, coverage, distance_km, reasons, failed, eligible
    index = MatchIndex.build(cat, workers, vacancies, policy, ctx)      # or MatchIndex.from_columns(...)
    top = index.rank_workers(7, k=50, counties=None, zones=None, trades=None, max_km=None, paired_only=False)
    top.ids, top.totals, top.items()              # same totals as index.explain(worker_id, 7).total
    index.rank_vacancies(1, k=20)
    index.upsert_worker(w); index.remove_worker(1); index.set_worker_status(1, "employed")
    index.upsert_vacancy(v); index.remove_vacancy(7); ctx.add_referral(7, 1)   # visible at the next query

Allocation::

    scores = index.score_matrix(worker_ids, vacancy_ids)         # NaN where a hard filter fails
    allocate(scores, headcounts, min_score=40.0)                  # [(worker_index, vacancy_index, score)]

Plain-record formats (see ``records.py``): ``WorkerRecord(id, birth_date, sex 'M'/'F', status, education 0-5,
village_code 12 digits, lon, lat, county_code, radius village|county|city|province|anywhere, willing_to_train
True/False/None, poor_household, no_employed_member, school_id, skills [(code, level 1-5)], certificates
[(code, level)], trainings [(code, completed)])``; ``VacancyRecord(id, enterprise_id, lon, lat, county_code,
park_code, required [(code, min_level)] (empty = general labour), headcount, age_min, age_max, min_education,
training_mode none|train_then_work|work_then_train|order|reserve, housing, reserved_for_paired, status)``.
Bulk builds take ``WorkerColumns`` / ``VacancyColumns`` (NumPy columns + CSR lists, see ``columns.py``).
A worker's lon/lat are the home village's: workers of a village share a point, which the index exploits.

Reasons are ``(key, params)``; :data:`REASON_KEYS`, :data:`TEMPLATES` (zh_CN, en) and :func:`format_reason`
render them. Bad input raises :class:`MatchingInputError` (a ValueError) whose ``field`` names the culprit.
"""
from __future__ import annotations

from datetime import date

from matchmaker.matching.allocation import allocate, allocate_ids
from matchmaker.matching.columns import VacancyColumns, WorkerColumns
from matchmaker.matching.errors import MatchingInputError, PolicyError, UnknownRecord, UnknownTrade
from matchmaker.matching.index import MatchIndex, Ranking, merge_rankings
from matchmaker.matching.messages import LEVEL_NAMES, REASON_KEYS, TEMPLATES, format_reason
from matchmaker.matching.policy import DEFAULT_POLICY, RADII, Policy
from matchmaker.matching.records import (TRAINING_MODES, VACANCY_STATUSES, WORKER_STATUSES, ZONES, Context,
                                         VacancyRecord, WorkerRecord, validate_vacancy, validate_worker)
from matchmaker.matching.rules import Explanation
from matchmaker.matching.trades import Normalised, TradeCatalogue, load_trade_catalogue


def explain(worker: WorkerRecord, vacancy: VacancyRecord, context: Context | None = None,
            policy: Policy = DEFAULT_POLICY, catalogue: TradeCatalogue | None = None, today: date | None = None,
            *, statuses=("available",)) -> Explanation:
    """The full breakdown of one pair from plain records (validated first). Same numbers as the index."""
    from matchmaker.matching.rules import evaluate

    if catalogue is None:
        raise MatchingInputError("catalogue", "a TradeCatalogue is required")
    w = validate_worker(worker, catalogue)
    v = validate_vacancy(vacancy, catalogue)
    return evaluate(w, v, context, policy, catalogue, today or date.today(), statuses=statuses)


__all__ = [
    "Context", "DEFAULT_POLICY", "Explanation", "LEVEL_NAMES", "MatchIndex", "MatchingInputError", "Normalised",
    "Policy", "PolicyError", "RADII", "REASON_KEYS", "Ranking", "TEMPLATES", "TRAINING_MODES", "TradeCatalogue",
    "UnknownRecord", "UnknownTrade", "VACANCY_STATUSES", "VacancyColumns", "VacancyRecord", "WORKER_STATUSES",
    "WorkerColumns", "WorkerRecord", "ZONES", "allocate", "allocate_ids", "explain", "format_reason",
    "load_trade_catalogue", "merge_rankings", "validate_vacancy", "validate_worker",
]
