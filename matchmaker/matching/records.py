"""Plain records the engine takes (no ORM objects), their validation, and the relations between them.

- :class:`WorkerRecord` — one worker (a ledger row or a seeker's profile);
- :class:`VacancyRecord` — one vacancy;
- :class:`Context` — the relations the policy bonuses and hard filters need: functional zone of each county,
  active 一企一村 pairings, park–school links, order-class enrolments, active referrals.

Trade codes are level-4 codes of the catalogue (``"6-18-02-04"``); levels are 1 (五级/初级) … 5 (一级/高级技师).
Validation raises :class:`~matchmaker.matching.errors.MatchingInputError` whose ``field`` names the bad field,
e.g. ``worker.skills[1].level`` or ``vacancy.lat`` — never a wrong score.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable, Sequence

from matchmaker.matching.errors import MatchingInputError
from matchmaker.matching.policy import RADII
from matchmaker.matching.trades import TradeCatalogue

WORKER_STATUSES = ("available", "nominated", "employed", "not_seeking")
VACANCY_STATUSES = ("draft", "open", "filled", "closed")
TRAINING_MODES = ("none", "train_then_work", "work_then_train", "order", "reserve")
ZONES = ("output", "nearby", "aggregation", "optimisation")
#: zones labour flows *from* and *to* along the plan's route 两聚一散
FLOW_FROM = ("output", "nearby")
FLOW_TO = ("aggregation", "optimisation")


@dataclass
class WorkerRecord:
    """One worker. ``lon``/``lat`` are the home village's coordinates (WGS-84/GCJ-02 degrees) or None.

    ``skills`` and ``certificates`` are ``(trade_code, level)``; ``trainings`` are ``(trade_code, completed)``.
    A certificate also counts as a skill at its level. ``willing_to_train`` None means "not recorded".
    """

    id: int
    birth_date: date
    sex: str
    status: str = "available"
    education: int = 0
    village_code: str | None = None
    lon: float | None = None
    lat: float | None = None
    county_code: str | None = None  # derived from village_code when None
    radius: str = "county"
    willing_to_train: bool | None = None
    poor_household: bool = False
    no_employed_member: bool = False
    school_id: int | None = None
    skills: Sequence[tuple[str, int]] = ()
    certificates: Sequence[tuple[str, int]] = ()
    trainings: Sequence[tuple[str, bool]] = ()


@dataclass
class VacancyRecord:
    """One vacancy. ``required`` is ``[(trade_code, min_level)]``; empty means general labour (普工).

    The site is a point (``lon``/``lat``, required: use the park's or the county's centre when the enterprise
    gave no address) in county ``county_code`` and optionally in park ``park_code``.
    """

    id: int
    enterprise_id: int
    lon: float
    lat: float
    county_code: str
    park_code: str | None = None
    required: Sequence[tuple[str, int]] = ()
    headcount: int = 1
    age_min: int = 16
    age_max: int = 60
    min_education: int = 0
    training_mode: str = "none"
    housing: bool = False
    reserved_for_paired: bool = False
    status: str = "open"


def _int(value, field_name, lo=None, hi=None, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            if isinstance(value, bool) or value is None or int(value) != value:
                raise ValueError
            value = int(value)
        except (TypeError, ValueError):
            raise MatchingInputError(field_name, f"must be an integer, got {value!r}") from None
    if lo is not None and value < lo or hi is not None and value > hi:
        raise MatchingInputError(field_name, f"must be between {lo} and {hi}, got {value}")
    return value


def _coords(lon, lat, prefix, required):
    if lon is None and lat is None:
        if required:
            raise MatchingInputError(f"{prefix}.lon", "site coordinates are required")
        return None, None
    for name, v, lim in (("lon", lon, 180.0), ("lat", lat, 90.0)):
        if v is None or isinstance(v, bool):
            raise MatchingInputError(f"{prefix}.{name}", "both coordinates are needed")
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise MatchingInputError(f"{prefix}.{name}", f"not a number: {v!r}") from None
        if not math.isfinite(f) or abs(f) > lim:
            raise MatchingInputError(f"{prefix}.{name}", f"out of range: {v!r}")
    return float(lon), float(lat)


def _region(code, field_name, length, allow_none=True):
    if code is None or code == "":
        if allow_none:
            return None
        raise MatchingInputError(field_name, "is required")
    code = str(code).strip()
    if len(code) < length or not code[:length].isdigit():
        raise MatchingInputError(field_name, f"not a {length}-digit region code: {code!r}")
    return code


def _trade_levels(items, cat: TradeCatalogue, prefix: str) -> list[tuple[str, int]]:
    out = []
    for i, item in enumerate(items or ()):
        try:
            code, level = item
        except (TypeError, ValueError):
            raise MatchingInputError(f"{prefix}[{i}]", "must be a (trade_code, level) pair") from None
        cat.trade_id(code, f"{prefix}[{i}].trade")
        out.append((code, _int(level, f"{prefix}[{i}].level", 1, 5)))
    return out


def validate_worker(rec: WorkerRecord, cat: TradeCatalogue) -> WorkerRecord:
    """A normalised copy of ``rec``; :class:`MatchingInputError` naming the field otherwise."""
    _int(rec.id, "worker.id")
    if not isinstance(rec.birth_date, date):
        raise MatchingInputError("worker.birth_date", "must be a date")
    if rec.sex not in ("M", "F"):
        raise MatchingInputError("worker.sex", f"must be 'M' or 'F', got {rec.sex!r}")
    if rec.status not in WORKER_STATUSES:
        raise MatchingInputError("worker.status", f"unknown status {rec.status!r}")
    education = _int(rec.education if rec.education is not None else 0, "worker.education", 0, 5)
    lon, lat = _coords(rec.lon, rec.lat, "worker", required=False)
    village = _region(rec.village_code, "worker.village_code", 12)
    county = _region(rec.county_code, "worker.county_code", 6) or (village[:6] if village else None)
    if rec.radius not in RADII:
        raise MatchingInputError("worker.radius", f"must be one of {RADII}, got {rec.radius!r}")
    if rec.willing_to_train not in (None, True, False):
        raise MatchingInputError("worker.willing_to_train", "must be true, false or None")
    school = _int(rec.school_id, "worker.school_id", allow_none=True)
    skills = _trade_levels(rec.skills, cat, "worker.skills")
    certs = _trade_levels(rec.certificates, cat, "worker.certificates")
    trainings = []
    for i, item in enumerate(rec.trainings or ()):
        try:
            code, completed = item
        except (TypeError, ValueError):
            raise MatchingInputError(f"worker.trainings[{i}]", "must be a (trade_code, completed) pair") from None
        cat.trade_id(code, f"worker.trainings[{i}].trade")
        trainings.append((code, bool(completed)))
    return replace(rec, education=education, lon=lon, lat=lat, village_code=village, county_code=county,
                   school_id=school, skills=skills, certificates=certs, trainings=trainings,
                   poor_household=bool(rec.poor_household), no_employed_member=bool(rec.no_employed_member))


def validate_vacancy(rec: VacancyRecord, cat: TradeCatalogue) -> VacancyRecord:
    """A normalised copy (required trades sorted by code: the canonical order); MatchingInputError otherwise."""
    _int(rec.id, "vacancy.id")
    _int(rec.enterprise_id, "vacancy.enterprise_id")
    lon, lat = _coords(rec.lon, rec.lat, "vacancy", required=True)
    county = _region(rec.county_code, "vacancy.county_code", 6, allow_none=False)
    park = None if rec.park_code in (None, "") else str(rec.park_code)
    required = _trade_levels(rec.required, cat, "vacancy.required")
    if len({c for c, _ in required}) != len(required):
        raise MatchingInputError("vacancy.required", "a trade is listed twice")
    if len(required) > 8:
        raise MatchingInputError("vacancy.required", "at most 8 trades per vacancy")
    required.sort(key=lambda cl: cl[0])
    headcount = _int(rec.headcount, "vacancy.headcount", 0, 1_000_000)
    age_min = _int(rec.age_min, "vacancy.age_min", 14, 80)
    age_max = _int(rec.age_max, "vacancy.age_max", 14, 80)
    if age_min > age_max:
        raise MatchingInputError("vacancy.age_max", "must not be below age_min")
    min_edu = _int(rec.min_education if rec.min_education is not None else 0, "vacancy.min_education", 0, 5)
    if rec.training_mode not in TRAINING_MODES:
        raise MatchingInputError("vacancy.training_mode", f"unknown training mode {rec.training_mode!r}")
    if rec.status not in VACANCY_STATUSES:
        raise MatchingInputError("vacancy.status", f"unknown status {rec.status!r}")
    return replace(rec, lon=lon, lat=lat, county_code=county, park_code=park, required=required,
                   headcount=headcount, age_min=age_min, age_max=age_max, min_education=min_edu,
                   housing=bool(rec.housing), reserved_for_paired=bool(rec.reserved_for_paired))


class Context:
    """Relations the score needs besides the two records. Mutable: change it as the database changes.

    - ``zones``: county code (6 digits) → functional zone (``output``/``nearby``/``aggregation``/``optimisation``);
    - ``pairings``: active 一企一村 pairs ``(enterprise_id, village_code)``;
    - ``park_school_links``: active links ``(park_code, school_id)``;
    - ``order_classes``: order-class enrolments ``(enterprise_id, worker_id)``;
    - ``active_referrals``: referrals not yet closed ``(vacancy_id, worker_id)``.

    An index holding this context sees changes at its next query (lookups are rebuilt lazily when ``version``
    moves on).
    """

    def __init__(self, zones: dict[str, str] | None = None, pairings: Iterable[tuple[int, str]] = (),
                 park_school_links: Iterable[tuple[str, int]] = (), order_classes: Iterable[tuple[int, int]] = (),
                 active_referrals: Iterable[tuple[int, int]] = ()):
        self.zones: dict[str, str] = {}
        self.zones_version = 0
        for county, zone in (zones or {}).items():
            self.set_zone(county, zone)
        self.pairings: set[tuple[int, str]] = set()
        self.park_school_links: set[tuple[str, int]] = set()
        self.order_classes: set[tuple[int, int]] = set()
        self.active_referrals: set[tuple[int, int]] = set()
        self.version = 0
        self._by: dict[str, dict] = {}
        for e, v in pairings:
            self.add_pairing(e, v)
        for p, s in park_school_links:
            self.add_park_school_link(p, s)
        for e, w in order_classes:
            self.add_order_class_student(e, w)
        for v, w in active_referrals:
            self.add_referral(v, w)

    # --- changes ---
    def _touch(self):
        self.version += 1
        self._by.clear()

    def set_zone(self, county_code: str, zone: str | None):
        if zone is not None and zone not in ZONES:
            raise MatchingInputError("context.zones", f"unknown zone {zone!r} for county {county_code}")
        if zone is None:
            self.zones.pop(str(county_code), None)
        else:
            self.zones[str(county_code)] = zone
        self.zones_version = getattr(self, "zones_version", 0) + 1
        self._touch() if hasattr(self, "version") else None

    def add_pairing(self, enterprise_id: int, village_code: str):
        self.pairings.add((_int(enterprise_id, "pairing.enterprise_id"),
                           _region(village_code, "pairing.village_code", 12, allow_none=False)))
        self._touch()

    def remove_pairing(self, enterprise_id: int, village_code: str):
        self.pairings.discard((enterprise_id, str(village_code)))
        self._touch()

    def add_park_school_link(self, park_code: str, school_id: int):
        self.park_school_links.add((str(park_code), _int(school_id, "link.school_id")))
        self._touch()

    def remove_park_school_link(self, park_code: str, school_id: int):
        self.park_school_links.discard((str(park_code), school_id))
        self._touch()

    def add_order_class_student(self, enterprise_id: int, worker_id: int):
        self.order_classes.add((_int(enterprise_id, "order_class.enterprise_id"),
                                _int(worker_id, "order_class.worker_id")))
        self._touch()

    def remove_order_class_student(self, enterprise_id: int, worker_id: int):
        self.order_classes.discard((enterprise_id, worker_id))
        self._touch()

    def add_referral(self, vacancy_id: int, worker_id: int):
        self.active_referrals.add((_int(vacancy_id, "referral.vacancy_id"), _int(worker_id, "referral.worker_id")))
        self._touch()

    def remove_referral(self, vacancy_id: int, worker_id: int):
        self.active_referrals.discard((vacancy_id, worker_id))
        self._touch()

    # --- lookups (built lazily) ---
    def _group(self, name: str, pairs, key_pos: int) -> dict:
        d = self._by.get(name)
        if d is None:
            d = {}
            for pair in pairs:
                d.setdefault(pair[key_pos], set()).add(pair[1 - key_pos])
            self._by[name] = d
        return d

    def villages_of(self, enterprise_id: int) -> set[str]:
        return self._group("ent_villages", self.pairings, 0).get(enterprise_id, set())

    def enterprises_of(self, village_code: str | None) -> set[int]:
        return self._group("village_ents", self.pairings, 1).get(village_code, set())

    def schools_of(self, park_code: str | None) -> set[int]:
        return self._group("park_schools", self.park_school_links, 0).get(park_code, set())

    def parks_of(self, school_id: int | None) -> set[str]:
        return self._group("school_parks", self.park_school_links, 1).get(school_id, set())

    def students_of(self, enterprise_id: int) -> set[int]:
        return self._group("ent_students", self.order_classes, 0).get(enterprise_id, set())

    def order_enterprises_of(self, worker_id: int) -> set[int]:
        return self._group("worker_ents", self.order_classes, 1).get(worker_id, set())

    def referred_workers(self, vacancy_id: int) -> set[int]:
        return self._group("vac_workers", self.active_referrals, 0).get(vacancy_id, set())

    def referred_vacancies(self, worker_id: int) -> set[int]:
        return self._group("worker_vacs", self.active_referrals, 1).get(worker_id, set())

    def zone_of(self, county_code: str | None) -> str | None:
        return self.zones.get(county_code) if county_code else None


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
