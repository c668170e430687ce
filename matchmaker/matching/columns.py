"""Columnar input for bulk index builds (1,000,000 workers without 1,000,000 Python objects).

:class:`WorkerColumns` / :class:`VacancyColumns` hold one NumPy array per field; variable-length lists
(skills, certificates, trainings, required trades) are CSR: ``*_ptr`` (length n+1) delimits each row's
entries. Trades are catalogue trade ids (``catalogue.trade_id(code)``); statuses, radius kinds and training
modes are indices into ``records.WORKER_STATUSES``, ``policy.RADII``, ``records.TRAINING_MODES``,
``records.VACANCY_STATUSES``. Dates are ``yyyymmdd`` integers. Missing values: NaN coordinates, -1 codes/ids.

``from_records`` converts plain records (validated); ``validate()`` checks a bulk array set and raises
:class:`MatchingInputError` naming the field (``workers.skill_level`` …).
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Sequence

import numpy as np

from matchmaker.matching.errors import MatchingInputError
from matchmaker.matching.policy import RADII
from matchmaker.matching.records import (TRAINING_MODES, VACANCY_STATUSES, WORKER_STATUSES, VacancyRecord,
                                         WorkerRecord, validate_vacancy, validate_worker)
from matchmaker.matching.trades import TradeCatalogue


def _csr(rows: Sequence[Sequence], ncols: int, dtypes):
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    cols = []
    for j, dt in enumerate(dtypes):
        cols.append(np.fromiter((item[j] for r in rows for item in r), dtype=dt, count=int(ptr[-1])))
    return ptr, cols


@dataclass
class WorkerColumns:
    id: np.ndarray  # int64
    birth: np.ndarray  # int32 yyyymmdd
    sex: np.ndarray  # int8: 0 M, 1 F
    status: np.ndarray  # int8 index into WORKER_STATUSES
    education: np.ndarray  # int8 0-5
    village_code: np.ndarray  # int64 12-digit code, -1 unknown
    county_code: np.ndarray  # int32 6-digit code, -1 unknown
    lon: np.ndarray  # float64, NaN unknown
    lat: np.ndarray  # float64, NaN unknown
    radius: np.ndarray  # int8 index into RADII
    willing: np.ndarray  # int8: -1 not recorded, 0 no, 1 yes
    poor: np.ndarray  # bool
    no_employed: np.ndarray  # bool
    school_id: np.ndarray  # int64, -1 none
    skill_ptr: np.ndarray
    skill_trade: np.ndarray  # int32 trade ids
    skill_level: np.ndarray  # int8 1-5
    cert_ptr: np.ndarray
    cert_trade: np.ndarray
    cert_level: np.ndarray
    train_ptr: np.ndarray
    train_trade: np.ndarray
    train_completed: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.id)

    @classmethod
    def from_records(cls, records: Sequence[WorkerRecord], cat: TradeCatalogue) -> "WorkerColumns":
        recs = [validate_worker(r, cat) for r in records]
        tid = cat.code_to_id
        sp, (st, sl) = _csr([[(tid[c], l) for c, l in r.skills] for r in recs], 2, (np.int32, np.int8))
        cp, (ct, cl) = _csr([[(tid[c], l) for c, l in r.certificates] for r in recs], 2, (np.int32, np.int8))
        tp, (tt, tc) = _csr([[(tid[c], d) for c, d in r.trainings] for r in recs], 2, (np.int32, np.bool_))
        n = len(recs)
        f64 = lambda xs: np.array([np.nan if x is None else x for x in xs], dtype=np.float64)  # noqa: E731
        return cls(
            id=np.array([r.id for r in recs], dtype=np.int64).reshape(n),
            birth=np.array([r.birth_date.year * 10000 + r.birth_date.month * 100 + r.birth_date.day for r in recs],
                           dtype=np.int32).reshape(n),
            sex=np.array([0 if r.sex == "M" else 1 for r in recs], dtype=np.int8).reshape(n),
            status=np.array([WORKER_STATUSES.index(r.status) for r in recs], dtype=np.int8).reshape(n),
            education=np.array([r.education for r in recs], dtype=np.int8).reshape(n),
            village_code=np.array([int(r.village_code) if r.village_code else -1 for r in recs],
                                  dtype=np.int64).reshape(n),
            county_code=np.array([int(r.county_code[:6]) if r.county_code else -1 for r in recs],
                                 dtype=np.int32).reshape(n),
            lon=f64([r.lon for r in recs]).reshape(n), lat=f64([r.lat for r in recs]).reshape(n),
            radius=np.array([RADII.index(r.radius) for r in recs], dtype=np.int8).reshape(n),
            willing=np.array([-1 if r.willing_to_train is None else int(r.willing_to_train) for r in recs],
                             dtype=np.int8).reshape(n),
            poor=np.array([r.poor_household for r in recs], dtype=bool).reshape(n),
            no_employed=np.array([r.no_employed_member for r in recs], dtype=bool).reshape(n),
            school_id=np.array([-1 if r.school_id is None else r.school_id for r in recs], dtype=np.int64).reshape(n),
            skill_ptr=sp, skill_trade=st, skill_level=sl, cert_ptr=cp, cert_trade=ct, cert_level=cl,
            train_ptr=tp, train_trade=tt, train_completed=tc)

    def validate(self, n_trades: int) -> None:
        n = len(self.id)
        for f in fields(self):
            a = getattr(self, f.name)
            if not isinstance(a, np.ndarray):
                raise MatchingInputError(f"workers.{f.name}", "must be a NumPy array")
            if not f.name.endswith(("_ptr", "_trade", "_level", "_completed")) and len(a) != n:
                raise MatchingInputError(f"workers.{f.name}", f"length {len(a)} != {n}")
        if len(np.unique(self.id)) != n:
            raise MatchingInputError("workers.id", "duplicate ids")
        _range(self.sex, 0, 1, "workers.sex")
        _range(self.status, 0, len(WORKER_STATUSES) - 1, "workers.status")
        _range(self.education, 0, 5, "workers.education")
        _range(self.radius, 0, len(RADII) - 1, "workers.radius")
        _range(self.willing, -1, 1, "workers.willing")
        _dates(self.birth, "workers.birth")
        _coords(self.lon, self.lat, "workers")
        for name in ("skill", "cert", "train"):
            ptr, trade = getattr(self, name + "_ptr"), getattr(self, name + "_trade")
            _ptr(ptr, n, len(trade), f"workers.{name}_ptr")
            _range(trade, 0, n_trades - 1, f"workers.{name}_trade")
        _range(self.skill_level, 1, 5, "workers.skill_level")
        _range(self.cert_level, 1, 5, "workers.cert_level")
        if len(self.skill_level) != len(self.skill_trade) or len(self.cert_level) != len(self.cert_trade) or \
                len(self.train_completed) != len(self.train_trade):
            raise MatchingInputError("workers.skill_level", "CSR columns of different lengths")


@dataclass
class VacancyColumns:
    id: np.ndarray  # int64
    enterprise_id: np.ndarray  # int64
    lon: np.ndarray  # float64 (required)
    lat: np.ndarray
    county_code: np.ndarray  # int32 (required)
    park_code: np.ndarray  # int64 park code as a number, -1 none
    req_ptr: np.ndarray
    req_trade: np.ndarray  # int32 trade ids; sorted within each vacancy (canonical order)
    req_level: np.ndarray  # int8 1-5
    headcount: np.ndarray  # int32 >= 0
    age_min: np.ndarray  # int8
    age_max: np.ndarray  # int8
    min_education: np.ndarray  # int8
    training_mode: np.ndarray  # int8 index into TRAINING_MODES
    housing: np.ndarray  # bool
    reserved: np.ndarray  # bool
    status: np.ndarray  # int8 index into VACANCY_STATUSES

    def __len__(self) -> int:
        return len(self.id)

    @classmethod
    def from_records(cls, records: Sequence[VacancyRecord], cat: TradeCatalogue) -> "VacancyColumns":
        recs = [validate_vacancy(r, cat) for r in records]
        tid = cat.code_to_id
        rp, (rt, rl) = _csr([[(tid[c], l) for c, l in r.required] for r in recs], 2, (np.int32, np.int8))
        n = len(recs)
        return cls(
            id=np.array([r.id for r in recs], dtype=np.int64).reshape(n),
            enterprise_id=np.array([r.enterprise_id for r in recs], dtype=np.int64).reshape(n),
            lon=np.array([r.lon for r in recs], dtype=np.float64).reshape(n),
            lat=np.array([r.lat for r in recs], dtype=np.float64).reshape(n),
            county_code=np.array([int(r.county_code[:6]) for r in recs], dtype=np.int32).reshape(n),
            park_code=np.array([park_number(r.park_code) for r in recs], dtype=np.int64).reshape(n),
            req_ptr=rp, req_trade=rt, req_level=rl,
            headcount=np.array([r.headcount for r in recs], dtype=np.int32).reshape(n),
            age_min=np.array([r.age_min for r in recs], dtype=np.int8).reshape(n),
            age_max=np.array([r.age_max for r in recs], dtype=np.int8).reshape(n),
            min_education=np.array([r.min_education for r in recs], dtype=np.int8).reshape(n),
            training_mode=np.array([TRAINING_MODES.index(r.training_mode) for r in recs], dtype=np.int8).reshape(n),
            housing=np.array([r.housing for r in recs], dtype=bool).reshape(n),
            reserved=np.array([r.reserved_for_paired for r in recs], dtype=bool).reshape(n),
            status=np.array([VACANCY_STATUSES.index(r.status) for r in recs], dtype=np.int8).reshape(n))

    def validate(self, n_trades: int) -> None:
        n = len(self.id)
        if len(np.unique(self.id)) != n:
            raise MatchingInputError("vacancies.id", "duplicate ids")
        if np.isnan(self.lon).any() or np.isnan(self.lat).any():
            raise MatchingInputError("vacancies.lon", "site coordinates are required")
        _coords(self.lon, self.lat, "vacancies")
        if (self.county_code < 0).any():
            raise MatchingInputError("vacancies.county_code", "is required")
        _ptr(self.req_ptr, n, len(self.req_trade), "vacancies.req_ptr")
        _range(self.req_trade, 0, n_trades - 1, "vacancies.req_trade")
        _range(self.req_level, 1, 5, "vacancies.req_level")
        if (self.headcount < 0).any():
            raise MatchingInputError("vacancies.headcount", "must not be negative")
        _range(self.age_min, 14, 80, "vacancies.age_min")
        _range(self.age_max, 14, 80, "vacancies.age_max")
        if (self.age_min > self.age_max).any():
            raise MatchingInputError("vacancies.age_max", "must not be below age_min")
        _range(self.min_education, 0, 5, "vacancies.min_education")
        _range(self.training_mode, 0, len(TRAINING_MODES) - 1, "vacancies.training_mode")
        _range(self.status, 0, len(VACANCY_STATUSES) - 1, "vacancies.status")
        if len(self.req_trade):
            owner = np.repeat(np.arange(n), np.diff(self.req_ptr))
            same = owner[1:] == owner[:-1]
            if (same & (self.req_trade[1:] <= self.req_trade[:-1])).any():
                raise MatchingInputError("vacancies.req_trade", "trades must be distinct and sorted per vacancy")
            if np.diff(self.req_ptr).max() > 8:
                raise MatchingInputError("vacancies.req_ptr", "at most 8 trades per vacancy")


_PARK_TEXT: dict[int, str] = {}
_PARK_NUM: dict[str, int] = {}


def park_number(code: str | None) -> int:
    """Park code as a number (-1 none). Numeric codes map to themselves; others to a stable number."""
    if code is None or code == "":
        return -1
    s = str(code)
    if s.isdigit() and not s.startswith("0") and len(s) < 18:
        return int(s)
    num = _PARK_NUM.get(s)
    if num is None:  # other codes: numbered in order of appearance (stable within a process)
        num = _PARK_NUM[s] = (1 << 60) + len(_PARK_NUM)
        _PARK_TEXT[num] = s
    return num


def park_text(num: int) -> str | None:
    if num < 0:
        return None
    return _PARK_TEXT.get(int(num), str(int(num)))


def _range(a, lo, hi, name):
    if len(a) and (a.min() < lo or a.max() > hi):
        raise MatchingInputError(name, f"values must be between {lo} and {hi}")


def _ptr(ptr, n, nnz, name):
    if len(ptr) != n + 1 or ptr[0] != 0 or ptr[-1] != nnz or (np.diff(ptr) < 0).any():
        raise MatchingInputError(name, "not a valid CSR pointer array")


def _dates(a, name):
    if not len(a):
        return
    y, m, d = a // 10000, a // 100 % 100, a % 100
    if (y < 1900).any() or (y > 2100).any() or (m < 1).any() or (m > 12).any() or (d < 1).any() or (d > 31).any():
        raise MatchingInputError(name, "not yyyymmdd dates")


def _coords(lon, lat, prefix):
    if (np.isnan(lon) != np.isnan(lat)).any():
        raise MatchingInputError(f"{prefix}.lat", "both coordinates or neither")
    with np.errstate(invalid="ignore"):
        if (np.abs(lon) > 180).any() or np.isinf(lon).any():
            raise MatchingInputError(f"{prefix}.lon", "out of range")
        if (np.abs(lat) > 90).any() or np.isinf(lat).any():
            raise MatchingInputError(f"{prefix}.lat", "out of range")


def date_int(d: date) -> int:
    return d.year * 10000 + d.month * 100 + d.day
