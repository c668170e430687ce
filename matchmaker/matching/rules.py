"""The scoring rules of DESIGN.md, one (worker, vacancy) pair at a time, in plain Python.

This is the reference: :func:`evaluate` gives the full breakdown (``explain``), and the naive ranker loops over
it. The index computes the same numbers with arrays; every floating-point operation here is done in the same
order there, so the totals are equal bit for bit (the distance uses NumPy's formula in ``explain`` and
``math`` in the naive ranker).

Order of operations (do not change one without the other, ``index.py``):

- ``S = (((0 + best_1) + best_2) + …) / n`` over required trades in code order; ``best_j = max(sim × level_factor)``;
- ``L = 1 / (1 + q·q)`` with ``q = d / r``;
- ``B = ((((paired + school_link) + order_class) + zone_flow) + household)``;
- ``total = clip((w_s·S + w_l·L) + w_t·T) · (100 / Σw) + min(B, cap), 0, 100)``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Callable

from matchmaker.matching.geo import haversine_km_np1
from matchmaker.matching.policy import RADII, Policy
from matchmaker.matching.records import FLOW_FROM, FLOW_TO, Context, VacancyRecord, WorkerRecord, age_on
from matchmaker.matching.trades import TradeCatalogue

Reason = tuple[str, dict]


@dataclass
class Explanation:
    """The breakdown of one score. ``total`` is what every list shows; parts are in [0, 1]."""

    worker_id: int
    vacancy_id: int
    eligible: bool
    total: float
    skill: float
    location: float
    training: float
    bonus: float  # after the cap
    bonuses: dict[str, float]  # each bonus earned, before the cap
    coverage: float
    distance_km: float | None
    radius_km: float | None
    reasons: list[Reason] = field(default_factory=list)
    failed: list[Reason] = field(default_factory=list)  # hard filters failed (then not ranked)
    policy_version: str = ""

    def to_dict(self) -> dict:
        d = asdict(self)
        d["reasons"] = [[k, p] for k, p in self.reasons]
        d["failed"] = [[k, p] for k, p in self.failed]
        return d


def combine(policy: Policy, s: float, l: float, t: float, b: float) -> float:
    base = policy.w_skill * s
    base = base + policy.w_location * l
    base = base + policy.w_training * t
    total = base * policy.scale + min(b, policy.bonus_cap)
    return min(max(total, 0.0), 100.0)


def birth_int(d: date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def evaluate(w: WorkerRecord, v: VacancyRecord, ctx: Context | None, policy: Policy, cat: TradeCatalogue,
             today: date, *, statuses=("available",), distance: Callable = haversine_km_np1,
             with_reasons: bool = True) -> Explanation:
    """Score one validated pair (see :func:`records.validate_worker` / ``validate_vacancy``)."""
    ctx = ctx if ctx is not None else _EMPTY
    groups = cat.groups
    reasons: list[Reason] = []
    failed: list[Reason] = []

    # 1. hard filters -------------------------------------------------------------------------------------
    age = age_on(w.birth_date, today)
    paired = w.village_code is not None and w.village_code in ctx.villages_of(v.enterprise_id)
    if w.status not in statuses:
        failed.append(("filter_status", {"status": w.status}))
    if not v.age_min <= age <= v.age_max:
        failed.append(("filter_age", {"age": age, "min": v.age_min, "max": v.age_max}))
    max_age = policy.max_working_age_male if w.sex == "M" else policy.max_working_age_female
    if not policy.min_working_age <= age < max_age:
        failed.append(("filter_working_age", {"age": age}))
    if w.education < v.min_education:
        failed.append(("filter_education", {"education": w.education, "min": v.min_education}))
    if w.id in ctx.referred_workers(v.id):
        failed.append(("filter_active_referral", {}))
    if v.reserved_for_paired and not paired:
        failed.append(("filter_reserved_for_paired", {}))

    # 2. skills ---------------------------------------------------------------------------------------------
    eff: dict[str, int] = {}
    for code, level in list(w.skills) + list(w.certificates):
        if level > eff.get(code, 0):
            eff[code] = level
    lf = policy.level_factors
    general = not v.required
    if general:
        s = policy.s_general_labour
        if with_reasons:
            reasons.append(("general_labour", {}))
    else:
        acc = 0.0
        for t, m in v.required:
            tmed, tmin = groups[t]
            best, best_code, best_level, best_rel = 0.0, None, 0, 0
            for code, level in eff.items():
                if code == t:
                    sim, rel = 1.0, 3
                else:
                    med, mn = groups[code]
                    if mn == tmin:
                        sim, rel = policy.same_minor, 2
                    elif med == tmed:
                        sim, rel = policy.same_medium, 1
                    else:
                        continue
                short = m - level
                c = sim * lf[short if short > 0 else 0]
                if c > best:
                    best, best_code, best_level, best_rel = c, code, level, rel
            acc = acc + best
            if with_reasons:
                if best_code is None:
                    if eff:
                        reasons.append(("no_skill_match", {"required": cat.name(t), "code": t}))
                elif best_rel == 3 and best_level >= m:
                    reasons.append(("skill_match", {"trade": cat.name(t), "code": t, "level": best_level}))
                elif best_rel == 3:
                    reasons.append(("skill_level_short", {"trade": cat.name(t), "code": t, "level": best_level,
                                                          "required_level": m}))
                else:
                    reasons.append(("skill_related_minor" if best_rel == 2 else "skill_related_medium",
                                    {"trade": cat.name(best_code), "code": best_code, "required": cat.name(t),
                                     "level": best_level}))
        s = acc / len(v.required)
        if with_reasons and not eff:
            reasons.append(("no_skills_recorded", {}))

    # 3. location -------------------------------------------------------------------------------------------
    kind = RADII.index(w.radius)
    radius = policy.radius_table[1 if v.housing else 0][kind]
    if w.lon is None or w.lat is None:
        dist, l_part = None, 0.0
        if with_reasons:
            reasons.append(("no_location", {}))
    else:
        dist = distance(w.lon, w.lat, v.lon, v.lat)
        q = dist / radius
        l_part = 1.0 / (1.0 + q * q)
        if with_reasons:
            km = int(round(dist))
            if v.housing and RADII[kind] != "anywhere":
                reasons.append(("housing_widens_radius", {"radius_km": int(round(radius))}))
            if dist <= radius:
                reasons.append(("distance_within_radius", {"km": km, "radius_km": int(round(radius))}))
            else:
                reasons.append(("distance_beyond_radius", {"km": km, "radius_km": int(round(radius))}))

    # 4. training -------------------------------------------------------------------------------------------
    t_part, t_reason = 0.0, None
    order_student = w.id in ctx.students_of(v.enterprise_id)
    if general:
        if w.certificates or any(done for _c, done in w.trainings):
            t_part, t_reason = policy.t_completed, ("completed_any_training", {})
    else:
        for t, m in v.required:
            tmin = groups[t][1]
            for code, level in w.certificates:
                if code == t:
                    value = policy.t_certificate if level >= m else policy.t_completed
                    why = ("holds_certificate" if level >= m else "certificate_below_level",
                           {"trade": cat.name(t), "code": t, "level": level, "required_level": m})
                elif groups[code][1] == tmin:
                    value, why = policy.t_completed, ("related_certificate",
                                                      {"trade": cat.name(code), "code": code, "level": level})
                else:
                    continue
                if value > t_part:
                    t_part, t_reason = value, why
            for code, done in w.trainings:
                if done and groups[code][1] == tmin and policy.t_completed > t_part:
                    t_part, t_reason = policy.t_completed, ("completed_training",
                                                            {"trade": cat.name(code), "code": code})
    if order_student and policy.t_order_or_trains > t_part:
        t_part, t_reason = policy.t_order_or_trains, ("order_class_student", {})
    if w.willing_to_train:
        trains = v.training_mode != "none"
        value = policy.t_order_or_trains if trains else policy.t_willing
        if value > t_part:
            t_part = value
            t_reason = (("enterprise_trains", {"mode": v.training_mode}) if trains else ("willing_to_train", {}))
    has_training_info = bool(w.certificates) or bool(w.trainings) or w.willing_to_train is not None
    if with_reasons:
        if t_reason is not None:
            reasons.append(t_reason)
        elif not has_training_info:
            reasons.append(("no_training_info", {}))

    # 5. bonuses --------------------------------------------------------------------------------------------
    p = policy.bonus_paired_village if paired else 0.0
    linked = w.school_id is not None and v.park_code is not None and w.school_id in ctx.schools_of(v.park_code)
    sc = policy.bonus_school_park_link if linked else 0.0
    o = policy.bonus_order_class_student if order_student else 0.0
    home_zone = ctx.zone_of(w.county_code)
    site_zone = ctx.zone_of(v.county_code)
    flow = home_zone in FLOW_FROM and (v.park_code is not None or site_zone in FLOW_TO)
    z = policy.bonus_zone_flow if flow else 0.0
    h = policy.bonus_household_priority if (w.poor_household or w.no_employed_member) else 0.0
    b = 0.0
    b = b + p
    b = b + sc
    b = b + o
    b = b + z
    b = b + h
    bonuses = {}
    for key, value in (("paired_village", p), ("school_park_link", sc), ("order_class_student", o),
                       ("zone_flow", z), ("household_priority", h)):
        if value:
            bonuses[key] = value
    if with_reasons:
        if paired:
            reasons.append(("paired_village", {}))
        if linked:
            reasons.append(("school_park_link", {}))
        if order_student and (not t_reason or t_reason[0] != "order_class_student"):
            reasons.append(("order_class_student", {}))
        if flow:
            reasons.append(("zone_flow", {"from": home_zone, "to": "park" if v.park_code is not None else site_zone}))
        if w.poor_household:
            reasons.append(("poor_household", {}))
        elif w.no_employed_member:
            reasons.append(("no_employed_member", {}))
        if b > policy.bonus_cap:
            reasons.append(("bonus_capped", {"cap": policy.bonus_cap}))

    total = combine(policy, s, l_part, t_part, b)
    wsum = policy.w_skill + policy.w_location + policy.w_training
    coverage = ((policy.w_skill if (general or eff) else 0.0) + (policy.w_location if dist is not None else 0.0)
                + (policy.w_training if has_training_info else 0.0)) / wsum
    if with_reasons and coverage < 1.0:
        reasons.append(("profile_incomplete", {"percent": int(round(coverage * 100))}))
    return Explanation(w.id, v.id, not failed, total, s, l_part, t_part, min(b, policy.bonus_cap), bonuses,
                       coverage, dist, radius, reasons, failed, policy.version)


_EMPTY = Context()
