"""The match index: arrays built once, kept fresh record by record, ranked both ways in milliseconds.

Layout (one :class:`MatchIndex` per shard — e.g. one per prefecture city or per province; see below):

- workers: one slot per record in fixed-width arrays (``id`` int64, ``pk`` = place·5 + radius kind int32, a
  bit-packed class byte ``tc`` = status | willing | completed-training | household flags, birth date int32,
  sex, education int8, school int32); the home point is a *place* (unique village + coordinates, ~30k for the
  province) so distances are computed per place, not per worker;
- tags: skills (merged with certificates), certificates and completed trainings as a forward CSR by slot and
  an inverted CSC by trade id. Trades are numbered in code order, so a minor or medium group of the
  classification is one contiguous slice of the inverted index;
- vacancies: the same, with required trades as tags and sites as places.

Ranking workers for a vacancy (top-k, exact — equal to a full scan, tested against the naive scorer):

0. if the filters leave few workers (reserved vacancy → paired villages, a county, a distance), the workers of
   the allowed places (slots grouped by place) are all scored exactly;
1. otherwise the *explicit* candidates — workers with a tag in the medium group of a required trade, order-class
   students of the enterprise, students of schools linked to the vacancy's park — are bounded per posting from
   small tables (trade × level × kind, place × radius, class byte); the best postings' owners are scored
   exactly, which gives a k-th score θ, and then only owners whose bound reaches θ;
2. everybody else has S = S₀ (0 for a trade vacancy, ``s_general_labour`` for general labour) and a score that
   depends only on (place, radius kind, class byte); if the best such bound is below θ we are done (the
   typical trade vacancy); otherwise one vectorised float32 pass computes that bound per worker, keeps those
   that can still reach the k-th score, and scores only those exactly. Ties are broken by id.

Freshness: ``upsert_worker`` / ``remove_worker`` (and the vacancy twins) tombstone the old slot and append a
new one; new tags go to a small delta posting list. No rebuild; ``compact()`` folds deltas back (call it when
``needs_compaction``; the service layer can do that in the background).

Sharding: nothing in a query reaches across records except the tables computed per query, so an index can
hold any subset of workers (e.g. one city's) — rank each shard and merge their top-k lists with
:func:`merge_rankings` (same totals, same tie-break). Vacancies are few; every shard can hold all of them.

Scores are computed with the operation order of :mod:`matchmaker.matching.rules`, so the totals equal
``explain()``'s bit for bit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

import numpy as np

from matchmaker.matching.columns import VacancyColumns, WorkerColumns, park_number, park_text
from matchmaker.matching.errors import MatchingInputError, UnknownRecord
from matchmaker.matching.geo import haversine_km
from matchmaker.matching.policy import DEFAULT_POLICY, RADII, Policy
from matchmaker.matching.records import (FLOW_FROM, FLOW_TO, TRAINING_MODES, VACANCY_STATUSES, WORKER_STATUSES,
                                         ZONES, Context, VacancyRecord, WorkerRecord)
from matchmaker.matching.rules import Explanation, evaluate
from matchmaker.matching.trades import TradeCatalogue

DEAD = 7  # status code of a removed slot
_K_SKILL, _K_CERT, _K_TRAIN = 0, 1, 2
_EPS = 1e-3  # margin for the float32 bound (float32 error on 0-120 is < 2e-5)
_NEG = np.float32(-np.inf)


@dataclass
class Ranking:
    """Top-k result, best first. Arrays of equal length; ``ids`` are worker or vacancy ids."""

    ids: np.ndarray
    totals: np.ndarray
    skill: np.ndarray
    location: np.ndarray
    training: np.ndarray
    bonus: np.ndarray  # after the cap
    distance_km: np.ndarray  # NaN when unknown
    scanned: int = 0  # how many candidates were scored exactly (diagnostics)
    policy_version: str = ""

    def __len__(self) -> int:
        return len(self.ids)

    def items(self) -> list[dict]:
        out = []
        for i in range(len(self.ids)):
            d = float(self.distance_km[i])
            out.append({"id": int(self.ids[i]), "total": float(self.totals[i]), "skill": float(self.skill[i]),
                        "location": float(self.location[i]), "training": float(self.training[i]),
                        "bonus": float(self.bonus[i]), "distance_km": None if d != d else d})
        return out

    def pairs(self) -> list[tuple[int, float]]:
        return [(int(i), float(t)) for i, t in zip(self.ids, self.totals)]


def merge_rankings(rankings: Sequence[Ranking], k: int) -> Ranking:
    """Merge the top-k of several shards into the global top-k (score desc, id asc)."""
    cat = {f: np.concatenate([getattr(r, f) for r in rankings]) for f in
           ("ids", "totals", "skill", "location", "training", "bonus", "distance_km")}
    order = np.lexsort((cat["ids"], -cat["totals"]))[:k]
    return Ranking(**{f: a[order] for f, a in cat.items()}, scanned=sum(r.scanned for r in rankings),
                   policy_version=rankings[0].policy_version if rankings else "")


def _combine(policy: Policy, s, l, t, b):
    base = policy.w_skill * s
    base = base + policy.w_location * l
    base = base + policy.w_training * t
    total = base * policy.scale + np.minimum(b, policy.bonus_cap)
    return np.minimum(np.maximum(total, 0.0), 100.0)


def _topk(ids: np.ndarray, totals: np.ndarray, k: int) -> np.ndarray:
    """Positions of the top-k by (total desc, id asc)."""
    n = len(ids)
    if n > k:
        kth = np.partition(totals, n - k)[n - k]
        sel = np.flatnonzero(totals >= kth)
    else:
        sel = np.arange(n)
    return sel[np.lexsort((ids[sel], -totals[sel]))[:k]]


def _kth_best(totals: np.ndarray, k: int) -> float:
    if len(totals) < k:
        return -np.inf
    return float(np.partition(totals, len(totals) - k)[len(totals) - k])


def _merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(a, b) for a, b in out]


class _Growable:
    """Fixed-width columns with spare capacity (amortised O(1) append)."""

    def __init__(self, spec: dict[str, np.dtype], n: int, cap: int):
        self.n = n
        self.cap = cap
        for name, dt in spec.items():
            setattr(self, name, np.zeros(cap, dtype=dt))
        self._names = list(spec)

    def append(self, **values) -> int:
        if self.n == self.cap:
            self.cap = max(16, self.cap * 2)
            for name in self._names:
                old = getattr(self, name)
                new = np.zeros(self.cap, dtype=old.dtype)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)
        slot = self.n
        for name, v in values.items():
            getattr(self, name)[slot] = v
        self.n += 1
        return slot

    def nbytes(self) -> int:
        return sum(getattr(self, n).nbytes for n in self._names)


class _Tags:
    """Tags (trade, level, kind) of each owner: forward CSR by owner + inverted CSC by trade, with deltas."""

    def __init__(self, n_trades: int, n_owners: int, owner: np.ndarray, trade: np.ndarray, level: np.ndarray,
                 kind: np.ndarray):
        self.n_trades = n_trades
        self.n_main = n_owners
        order = np.lexsort((kind, trade, owner))
        self.f_ptr = np.zeros(n_owners + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner, minlength=n_owners), out=self.f_ptr[1:])
        self.f_trade = trade[order].astype(np.int16)
        self.f_level = level[order].astype(np.int8)
        self.f_kind = kind[order].astype(np.int8)
        inv = np.lexsort((owner, trade))
        self.p_owner = owner[inv].astype(np.int32)
        self.p_trade = trade[inv].astype(np.int16)
        self.p_level = level[inv].astype(np.int8)
        self.p_kind = kind[inv].astype(np.int8)
        self.p_ptr = np.searchsorted(self.p_trade, np.arange(n_trades + 1)).astype(np.int64)
        self.extra: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._d: list[list[int]] = [[], [], [], []]
        self._d_np: tuple | None = None

    def forward(self, owner: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if owner in self.extra:
            return self.extra[owner]
        a, b = self.f_ptr[owner], self.f_ptr[owner + 1]
        return self.f_trade[a:b], self.f_level[a:b], self.f_kind[a:b]

    def add(self, owner: int, trade: np.ndarray, level: np.ndarray, kind: np.ndarray):
        order = np.lexsort((kind, trade))
        trade, level, kind = (trade[order].astype(np.int16), level[order].astype(np.int8),
                              kind[order].astype(np.int8))
        self.extra[owner] = (trade, level, kind)
        self._d[0].extend([owner] * len(trade))
        self._d[1].extend(trade.tolist())
        self._d[2].extend(level.tolist())
        self._d[3].extend(kind.tolist())
        self._d_np = None

    @property
    def delta_len(self) -> int:
        return len(self._d[0])

    def postings(self, ranges: list[tuple[int, int]]):
        """(owner, trade, level, kind) of all postings whose trade id lies in one of ``ranges``."""
        parts = [[], [], [], []]
        for lo, hi in ranges:
            a, b = self.p_ptr[lo], self.p_ptr[hi]
            if b > a:
                parts[0].append(self.p_owner[a:b])
                parts[1].append(self.p_trade[a:b])
                parts[2].append(self.p_level[a:b])
                parts[3].append(self.p_kind[a:b])
        if self._d[0]:
            if self._d_np is None:
                self._d_np = (np.array(self._d[0], dtype=np.int32), np.array(self._d[1], dtype=np.int16),
                              np.array(self._d[2], dtype=np.int8), np.array(self._d[3], dtype=np.int8))
            do, dt, dl, dk = self._d_np
            m = np.zeros(len(dt), dtype=bool)
            for lo, hi in ranges:
                m |= (dt >= lo) & (dt < hi)
            if m.any():
                for part, arr in zip(parts, (do, dt, dl, dk)):
                    part.append(arr[m])
        if not parts[0]:
            return (np.zeros(0, np.int32), np.zeros(0, np.int16), np.zeros(0, np.int8), np.zeros(0, np.int8))
        return tuple(np.concatenate(p) if len(p) > 1 else p[0] for p in parts)

    def nbytes(self) -> int:
        n = sum(a.nbytes for a in (self.f_ptr, self.f_trade, self.f_level, self.f_kind, self.p_owner,
                                   self.p_trade, self.p_level, self.p_kind, self.p_ptr))
        n += sum(sum(x.nbytes for x in v) for v in self.extra.values()) + 8 * 4 * self.delta_len
        return n


class _IdMap:
    def __init__(self, ids: np.ndarray):
        order = np.argsort(ids, kind="stable")
        self.sorted_ids = ids[order].astype(np.int64)
        self.sorted_slots = order.astype(np.int32)
        self.extra: dict[int, int] = {}

    def get(self, key: int) -> int:
        slot = self.extra.get(key)
        if slot is not None:
            return slot
        i = int(np.searchsorted(self.sorted_ids, key))
        if i < len(self.sorted_ids) and self.sorted_ids[i] == key:
            return int(self.sorted_slots[i])
        return -1

    def slots_of(self, keys: Iterable[int]) -> np.ndarray:
        out = [self.get(k) for k in keys]
        return np.array(sorted(s for s in out if s >= 0), dtype=np.int64)

    def remove(self, key: int):
        if self.extra.pop(key, None) is not None:
            pass
        i = int(np.searchsorted(self.sorted_ids, key))
        if i < len(self.sorted_ids) and self.sorted_ids[i] == key:
            self.sorted_slots[i] = -1

    def add(self, key: int, slot: int):
        self.extra[key] = slot

    def nbytes(self) -> int:
        return self.sorted_ids.nbytes + self.sorted_slots.nbytes + 100 * len(self.extra)


class _Places:
    """Unique points (code, lon, lat, county, park) shared by many records."""

    def __init__(self):
        self.key_to_idx: dict[tuple, int] = {}
        self.code: list[int] = []
        self.lon: list[float] = []
        self.lat: list[float] = []
        self.county: list[int] = []
        self.park: list[int] = []
        self._np = None

    def bulk(self, code, lon, lat, county, park) -> np.ndarray:
        lon_k = np.where(np.isnan(lon), 1e9, lon)
        lat_k = np.where(np.isnan(lat), 1e9, lat)
        keys = np.stack([code.astype(np.float64), lon_k, lat_k, county.astype(np.float64),
                         park.astype(np.float64)], axis=1)
        uniq, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        mapping = np.empty(len(uniq), dtype=np.int32)
        for j, i in enumerate(first):
            mapping[j] = self.add(int(code[i]), float(lon[i]), float(lat[i]), int(county[i]), int(park[i]))
        return mapping[inverse.reshape(-1)]

    def add(self, code: int, lon: float, lat: float, county: int, park: int) -> int:
        key = (code, None if lon != lon else lon, None if lat != lat else lat, county, park)
        idx = self.key_to_idx.get(key)
        if idx is None:
            idx = self.key_to_idx[key] = len(self.code)
            self.code.append(code)
            self.lon.append(lon)
            self.lat.append(lat)
            self.county.append(county)
            self.park.append(park)
            self._np = None
        return idx

    def arrays(self, ctx: Context):
        stamp = (len(self.code), id(ctx), ctx.zones_version)
        if self._np is None or self._np[0] != stamp:
            county = np.array(self.county, dtype=np.int64)
            zone_of = {int(c): ZONES.index(z) for c, z in ctx.zones.items() if str(c).isdigit()}
            zone = np.array([zone_of.get(c, -1) for c in self.county], dtype=np.int8)
            self._np = (stamp, np.array(self.lon, dtype=np.float64), np.array(self.lat, dtype=np.float64),
                        np.array(self.code, dtype=np.int64), county, zone, np.array(self.park, dtype=np.int64))
        return self._np[1:]

    def nbytes(self) -> int:
        return len(self.code) * (5 * 8 + 1 + 150)


@dataclass
class _VQ:  # a vacancy, as a query
    id: int
    ent: int
    lon: float
    lat: float
    county: int
    park: int
    req_t: np.ndarray
    req_m: np.ndarray
    mode: int
    housing: bool
    reserved: bool
    age_min: int
    age_max: int
    min_edu: int


@dataclass
class _WQ:  # a worker, as a query
    id: int
    lon: float
    lat: float
    village: int
    county: int
    kind: int
    tc: int
    birth: int
    sex: int
    edu: int
    school: int
    tags: tuple[np.ndarray, np.ndarray, np.ndarray]


class MatchIndex:
    """Workers and vacancies as arrays, ranked both ways. See the module docstring for the layout.

    Build with :meth:`build` (plain records) or :meth:`from_columns` (bulk arrays); keep fresh with
    :meth:`upsert_worker`, :meth:`remove_worker`, :meth:`upsert_vacancy`, :meth:`remove_vacancy` and by
    changing the shared :class:`Context`. ``today`` fixes the date ages are computed on (default: today).
    """

    #: score every worker of the allowed places when they are at most this many (or N/20)
    SMALL_SCAN = 20_000
    #: prune the explicit candidates by their upper bound when they have more postings than this
    PRUNE_MIN = 4_000

    def __init__(self, catalogue: TradeCatalogue, policy: Policy = DEFAULT_POLICY, context: Context | None = None,
                 today: date | None = None):
        self.cat = catalogue
        self.policy = policy
        self.ctx = context if context is not None else Context()
        self.today = today or date.today()
        self._wplaces = _Places()
        self._vplaces = _Places()
        self._init_workers(WorkerColumns.from_records([], catalogue))
        self._init_vacancies(VacancyColumns.from_records([], catalogue))

    # ------------------------------------------------------------------------------------------------ build
    @classmethod
    def build(cls, catalogue: TradeCatalogue, workers: Iterable[WorkerRecord] = (),
              vacancies: Iterable[VacancyRecord] = (), policy: Policy = DEFAULT_POLICY,
              context: Context | None = None, today: date | None = None) -> "MatchIndex":
        return cls.from_columns(catalogue, WorkerColumns.from_records(list(workers), catalogue),
                                VacancyColumns.from_records(list(vacancies), catalogue), policy, context, today)

    @classmethod
    def from_columns(cls, catalogue: TradeCatalogue, workers: WorkerColumns, vacancies: VacancyColumns,
                     policy: Policy = DEFAULT_POLICY, context: Context | None = None,
                     today: date | None = None) -> "MatchIndex":
        self = cls.__new__(cls)
        self.cat = catalogue
        self.policy = policy
        self.ctx = context if context is not None else Context()
        self.today = today or date.today()
        self._wplaces = _Places()
        self._vplaces = _Places()
        workers.validate(len(catalogue))
        vacancies.validate(len(catalogue))
        self._init_workers(workers)
        self._init_vacancies(vacancies)
        return self

    def _init_workers(self, c: WorkerColumns):
        n = len(c)
        cap = n + max(1024, n // 16)
        self.W = _Growable({"id": np.int64, "pk": np.int32, "tc": np.uint8, "birth": np.int32,
                            "birth_legal": np.int32, "sex": np.int8,
                            "edu": np.int8, "school": np.int64}, n, cap)
        county = np.where(c.county_code >= 0, c.county_code,
                          np.where(c.village_code >= 0, c.village_code // 1_000_000, -1)).astype(np.int64)
        place = self._wplaces.bulk(c.village_code, c.lon, c.lat, county, np.full(n, -1, np.int64))
        W = self.W
        W.id[:n] = c.id
        W.pk[:n] = place.astype(np.int64) * 5 + c.radius
        W.birth[:n] = c.birth
        W.birth_legal[:n] = c.birth - c.sex.astype(np.int32) * self._legal_shift()
        W.sex[:n] = c.sex
        W.edu[:n] = c.education
        W.school[:n] = c.school_id
        cert_owner = np.repeat(np.arange(n), np.diff(c.cert_ptr))
        train_owner = np.repeat(np.arange(n), np.diff(c.train_ptr))
        skill_owner = np.repeat(np.arange(n), np.diff(c.skill_ptr))
        done = c.train_completed.astype(bool)
        completed_any = np.zeros(n, dtype=bool)
        completed_any[cert_owner] = True
        completed_any[train_owner[done]] = True
        W.tc[:n] = self._tclass(c.status, c.willing, completed_any, c.poor, c.no_employed)
        # tags: effective skills (skills ∪ certificates, max level per trade), certificates, completed trainings
        so = np.concatenate([skill_owner, cert_owner]).astype(np.int64)
        st = np.concatenate([c.skill_trade, c.cert_trade]).astype(np.int64)
        sl = np.concatenate([c.skill_level, c.cert_level]).astype(np.int8)
        order = np.lexsort((sl, st, so))
        so, st, sl = so[order], st[order], sl[order]
        last = np.r_[(so[1:] != so[:-1]) | (st[1:] != st[:-1]), True] if len(so) else np.zeros(0, bool)
        so, st, sl = so[last], st[last], sl[last]
        to, tt = train_owner[done].astype(np.int64), c.train_trade[done].astype(np.int64)
        if len(to):
            key = np.unique(to * len(self.cat) + tt)
            to, tt = key // len(self.cat), key % len(self.cat)
        owner = np.concatenate([so, cert_owner, to]).astype(np.int64)
        trade = np.concatenate([st, c.cert_trade, tt]).astype(np.int64)
        level = np.concatenate([sl, c.cert_level, np.zeros(len(to), np.int8)]).astype(np.int8)
        kind = np.concatenate([np.full(len(so), _K_SKILL), np.full(len(cert_owner), _K_CERT),
                               np.full(len(to), _K_TRAIN)]).astype(np.int8)
        self.WT = _Tags(len(self.cat), n, owner, trade, level, kind)
        self.Wmap = _IdMap(c.id)
        self.school_members: dict[int, set[int]] = {}
        # slots grouped by home place (built once; slots appended later are kept in a tail list)
        place_of = (W.pk[:n] // 5).astype(np.int64)
        self._by_place = np.argsort(place_of, kind="stable").astype(np.int32)
        self._by_place_ptr = np.zeros(len(self._wplaces.code) + 1, dtype=np.int64)
        np.cumsum(np.bincount(place_of, minlength=len(self._wplaces.code)), out=self._by_place_ptr[1:])
        self._tail: list[int] = []
        for slot in np.flatnonzero(c.school_id >= 0):
            self.school_members.setdefault(int(c.school_id[slot]), set()).add(int(slot))

    def _legal_shift(self) -> int:
        """Women's births shifted so one comparison checks both sexes' legal maximum working age."""
        return (self.policy.max_working_age_male - self.policy.max_working_age_female) * 10000

    @staticmethod
    def _tclass(status, willing, completed_any, poor, no_employed) -> np.ndarray:
        status = np.asarray(status).astype(np.uint8)
        willing = np.asarray(willing)
        return (status | ((willing == 1).astype(np.uint8) << 3) | ((willing >= 0).astype(np.uint8) << 4)
                | (np.asarray(completed_any).astype(np.uint8) << 5) | (np.asarray(poor).astype(np.uint8) << 6)
                | (np.asarray(no_employed).astype(np.uint8) << 7)).astype(np.uint8)

    def _init_vacancies(self, c: VacancyColumns):
        n = len(c)
        cap = n + max(256, n // 16)
        self.V = _Growable({"id": np.int64, "ent": np.int64, "site": np.int32, "housing": np.bool_, "mode": np.int8,
                            "reserved": np.bool_, "age_min": np.int8, "age_max": np.int8, "min_edu": np.int8,
                            "status": np.int8, "headcount": np.int32, "nreq": np.int8}, n, cap)
        V = self.V
        site = self._vplaces.bulk(np.full(n, -1, np.int64), c.lon, c.lat, c.county_code.astype(np.int64),
                                  c.park_code)
        V.id[:n], V.ent[:n], V.site[:n] = c.id, c.enterprise_id, site
        V.housing[:n], V.mode[:n], V.reserved[:n] = c.housing, c.training_mode, c.reserved
        V.age_min[:n], V.age_max[:n], V.min_edu[:n] = c.age_min, c.age_max, c.min_education
        V.status[:n], V.headcount[:n] = c.status, c.headcount
        nreq = np.diff(c.req_ptr)
        V.nreq[:n] = nreq
        owner = np.repeat(np.arange(n), nreq)
        pos = (np.arange(len(owner)) - np.repeat(c.req_ptr[:-1], nreq)).astype(np.int8)
        self.VT = _Tags(len(self.cat), n, owner, c.req_trade.astype(np.int64), c.req_level, pos)
        self.Vmap = _IdMap(c.id)

    # ----------------------------------------------------------------------------------------- conversions
    def _birth_int(self, age: int) -> int:
        """Largest yyyymmdd birth date of someone aged at least ``age`` today."""
        t = self.today
        return (t.year - age) * 10000 + t.month * 100 + t.day

    def _worker_columns(self, rec: WorkerRecord) -> WorkerColumns:
        cols = WorkerColumns.from_records([rec], self.cat)
        return cols

    def _vq_from_slot(self, slot: int) -> _VQ:
        V = self.V
        lon, lat, _code, county, _zone, park = self._vplaces.arrays(self.ctx)
        site = int(V.site[slot])
        trade, level, kind = self.VT.forward(slot)
        order = np.argsort(kind, kind="stable")
        return _VQ(int(V.id[slot]), int(V.ent[slot]), float(lon[site]), float(lat[site]), int(county[site]),
                   int(park[site]), trade[order].astype(np.int64), level[order].astype(np.int64), int(V.mode[slot]),
                   bool(V.housing[slot]), bool(V.reserved[slot]), int(V.age_min[slot]), int(V.age_max[slot]),
                   int(V.min_edu[slot]))

    def _vq_from_record(self, rec: VacancyRecord) -> _VQ:
        c = VacancyColumns.from_records([rec], self.cat)
        return _VQ(int(c.id[0]), int(c.enterprise_id[0]), float(c.lon[0]), float(c.lat[0]), int(c.county_code[0]),
                   int(c.park_code[0]), c.req_trade.astype(np.int64), c.req_level.astype(np.int64),
                   int(c.training_mode[0]), bool(c.housing[0]), bool(c.reserved[0]), int(c.age_min[0]),
                   int(c.age_max[0]), int(c.min_education[0]))

    def _wq_from_slot(self, slot: int) -> _WQ:
        W = self.W
        lon, lat, code, county, _zone, _park = self._wplaces.arrays(self.ctx)
        pk = int(W.pk[slot])
        place = pk // 5
        return _WQ(int(W.id[slot]), float(lon[place]), float(lat[place]), int(code[place]), int(county[place]),
                   pk % 5, int(W.tc[slot]), int(W.birth[slot]), int(W.sex[slot]), int(W.edu[slot]),
                   int(W.school[slot]), self.WT.forward(slot))

    def _wq_from_record(self, rec: WorkerRecord) -> _WQ:
        tmp = MatchIndex.from_columns(self.cat, WorkerColumns.from_records([rec], self.cat),
                                      VacancyColumns.from_records([], self.cat), self.policy, self.ctx, self.today)
        wq = tmp._wq_from_slot(0)
        return wq

    def worker_record(self, worker_id: int) -> WorkerRecord:
        """The worker as the index holds it (for explain and tests)."""
        slot = self._wslot(worker_id)
        return self._worker_record_from_wq(self._wq_from_slot(slot))

    def _worker_record_from_wq(self, q: _WQ) -> WorkerRecord:
        codes = self.cat.codes
        trade, level, kind = q.tags
        skills = [(codes[t], int(lv)) for t, lv, k in zip(trade, level, kind) if k == _K_SKILL]
        certs = [(codes[t], int(lv)) for t, lv, k in zip(trade, level, kind) if k == _K_CERT]
        trainings = [(codes[t], True) for t, k in zip(trade, kind) if k == _K_TRAIN]
        tc = q.tc
        status = tc & 7
        return WorkerRecord(
            id=q.id, birth_date=date(q.birth // 10000, q.birth // 100 % 100, q.birth % 100),
            sex="M" if q.sex == 0 else "F", status=WORKER_STATUSES[status] if status < 4 else "not_seeking",
            education=q.edu, village_code=f"{q.village:012d}" if q.village >= 0 else None,
            lon=None if q.lon != q.lon else q.lon, lat=None if q.lat != q.lat else q.lat,
            county_code=f"{q.county:06d}" if q.county >= 0 else None, radius=RADII[q.kind],
            willing_to_train=bool(tc >> 3 & 1) if tc >> 4 & 1 else None, poor_household=bool(tc >> 6 & 1),
            no_employed_member=bool(tc >> 7 & 1), school_id=None if q.school < 0 else q.school,
            skills=skills, certificates=certs, trainings=trainings)

    def vacancy_record(self, vacancy_id: int) -> VacancyRecord:
        slot = self._vslot(vacancy_id)
        q = self._vq_from_slot(slot)
        codes = self.cat.codes
        return VacancyRecord(
            id=q.id, enterprise_id=q.ent, lon=q.lon, lat=q.lat, county_code=f"{q.county:06d}",
            park_code=park_text(q.park), required=[(codes[t], int(m)) for t, m in zip(q.req_t, q.req_m)],
            headcount=int(self.V.headcount[slot]), age_min=q.age_min, age_max=q.age_max, min_education=q.min_edu,
            training_mode=TRAINING_MODES[q.mode], housing=q.housing, reserved_for_paired=q.reserved,
            status=VACANCY_STATUSES[int(self.V.status[slot])])

    def _wslot(self, worker_id: int) -> int:
        slot = self.Wmap.get(int(worker_id))
        if slot < 0:
            raise UnknownRecord(f"worker {worker_id}")
        return slot

    def _vslot(self, vacancy_id: int) -> int:
        slot = self.Vmap.get(int(vacancy_id))
        if slot < 0:
            raise UnknownRecord(f"vacancy {vacancy_id}")
        return slot

    # ------------------------------------------------------------------------------------------ freshness
    def upsert_worker(self, rec: WorkerRecord) -> None:
        """Insert or replace one worker (validated; MatchingInputError naming the field). O(tags)."""
        c = WorkerColumns.from_records([rec], self.cat)
        old = self.Wmap.get(int(c.id[0]))
        if old >= 0:
            self._kill_worker(old)
        county = int(c.county_code[0]) if c.county_code[0] >= 0 else (
            int(c.village_code[0]) // 1_000_000 if c.village_code[0] >= 0 else -1)
        place = self._wplaces.add(int(c.village_code[0]), float(c.lon[0]), float(c.lat[0]), county, -1)
        completed = bool(len(c.cert_trade)) or bool(c.train_completed.any())
        tc = int(self._tclass(c.status, c.willing, [completed], c.poor, c.no_employed)[0])
        slot = self.W.append(id=c.id[0], pk=place * 5 + int(c.radius[0]), tc=tc, birth=c.birth[0],
                             birth_legal=int(c.birth[0]) - int(c.sex[0]) * self._legal_shift(), sex=c.sex[0],
                             edu=c.education[0], school=c.school_id[0])
        eff: dict[int, int] = {}
        for t, lv in zip(np.r_[c.skill_trade, c.cert_trade], np.r_[c.skill_level, c.cert_level]):
            eff[int(t)] = max(eff.get(int(t), 0), int(lv))
        done = sorted({int(t) for t, d in zip(c.train_trade, c.train_completed) if d})
        trade = np.array(list(eff) + c.cert_trade.tolist() + done, dtype=np.int64)
        level = np.array(list(eff.values()) + c.cert_level.tolist() + [0] * len(done), dtype=np.int64)
        kind = np.array([_K_SKILL] * len(eff) + [_K_CERT] * len(c.cert_trade) + [_K_TRAIN] * len(done))
        self.WT.add(slot, trade, level, kind)
        self.Wmap.add(int(c.id[0]), slot)
        self._tail.append(slot)
        if c.school_id[0] >= 0:
            self.school_members.setdefault(int(c.school_id[0]), set()).add(slot)

    def _kill_worker(self, slot: int):
        self.W.tc[slot] = (self.W.tc[slot] & 0xF8) | DEAD
        school = int(self.W.school[slot])
        if school >= 0:
            self.school_members.get(school, set()).discard(slot)
        self.Wmap.remove(int(self.W.id[slot]))

    def remove_worker(self, worker_id: int) -> None:
        self._kill_worker(self._wslot(worker_id))

    def set_worker_status(self, worker_id: int, status: str) -> None:
        """Fast path for the most frequent change (nominated, employed …)."""
        if status not in WORKER_STATUSES:
            raise MatchingInputError("worker.status", f"unknown status {status!r}")
        slot = self._wslot(worker_id)
        self.W.tc[slot] = (self.W.tc[slot] & 0xF8) | WORKER_STATUSES.index(status)

    def upsert_vacancy(self, rec: VacancyRecord) -> None:
        c = VacancyColumns.from_records([rec], self.cat)
        old = self.Vmap.get(int(c.id[0]))
        if old >= 0:
            self._kill_vacancy(old)
        site = self._vplaces.add(-1, float(c.lon[0]), float(c.lat[0]), int(c.county_code[0]), int(c.park_code[0]))
        slot = self.V.append(id=c.id[0], ent=c.enterprise_id[0], site=site, housing=c.housing[0],
                             mode=c.training_mode[0], reserved=c.reserved[0], age_min=c.age_min[0],
                             age_max=c.age_max[0], min_edu=c.min_education[0], status=c.status[0],
                             headcount=c.headcount[0], nreq=len(c.req_trade))
        self.VT.add(slot, c.req_trade.astype(np.int64), c.req_level.astype(np.int64),
                    np.arange(len(c.req_trade)))
        self.Vmap.add(int(c.id[0]), slot)

    def _kill_vacancy(self, slot: int):
        self.V.status[slot] = -1
        self.Vmap.remove(int(self.V.id[slot]))

    def remove_vacancy(self, vacancy_id: int) -> None:
        self._kill_vacancy(self._vslot(vacancy_id))

    def set_vacancy_status(self, vacancy_id: int, status: str) -> None:
        if status not in VACANCY_STATUSES:
            raise MatchingInputError("vacancy.status", f"unknown status {status!r}")
        self.V.status[self._vslot(vacancy_id)] = VACANCY_STATUSES.index(status)

    @property
    def needs_compaction(self) -> bool:
        return (self.WT.delta_len > max(50_000, len(self.WT.p_owner) // 10)
                or self.VT.delta_len > max(20_000, len(self.VT.p_owner) // 10))

    def compact(self) -> None:
        """Rebuild the arrays from the live records (folds deltas and tombstones back in)."""
        workers = [self._worker_record_from_wq(self._wq_from_slot(s)) for s in self._live_worker_slots()]
        vacancies = [self.vacancy_record(int(self.V.id[s])) for s in self._live_vacancy_slots()]
        fresh = MatchIndex.build(self.cat, workers, vacancies, self.policy, self.ctx, self.today)
        self.__dict__.update(fresh.__dict__)

    def _live_worker_slots(self) -> np.ndarray:
        return np.flatnonzero((self.W.tc[: self.W.n] & 7) != DEAD)

    def _live_vacancy_slots(self) -> np.ndarray:
        return np.flatnonzero(self.V.status[: self.V.n] >= 0)

    def vacancy_counties(self, statuses: Sequence[str] = ("open",)) -> list[str]:
        """The 6-digit codes of the counties where a vacancy in one of ``statuses`` is sited, sorted."""
        allowed = [VACANCY_STATUSES.index(s) for s in statuses if s in VACANCY_STATUSES]
        slots = np.flatnonzero(np.isin(self.V.status[: self.V.n], allowed))
        county = self._vplaces.arrays(self.ctx)[3]
        return [f"{c:06d}" for c in np.unique(county[self.V.site[slots]]) if c >= 0]

    @property
    def n_workers(self) -> int:
        return int(len(self._live_worker_slots()))

    @property
    def n_vacancies(self) -> int:
        return int(len(self._live_vacancy_slots()))

    def nbytes(self) -> dict[str, int]:
        """Bytes held, by part (sum of array nbytes; dict-held extras estimated)."""
        return {"workers": self.W.nbytes() + self.Wmap.nbytes() + self.WT.nbytes() + self._wplaces.nbytes()
                + 80 * sum(len(s) for s in self.school_members.values()),
                "vacancies": self.V.nbytes() + self.Vmap.nbytes() + self.VT.nbytes() + self._vplaces.nbytes()}

    # ------------------------------------------------------------------------------------ rank workers
    def rank_workers(self, vacancy: int | VacancyRecord, k: int = 50, *, statuses: Sequence[str] = ("available",),
                     counties: Iterable[str] | None = None, zones: Iterable[str] | None = None,
                     trades: Iterable[str] | None = None, max_km: float | None = None,
                     paired_only: bool = False, min_level: int | None = None) -> Ranking:
        """Top-k workers for a vacancy (an indexed vacancy id, or a record — e.g. a draft being edited).

        Filters apply to the worker: home ``counties`` (6-digit codes), home ``zones``, holding a skill or
        certificate in one of ``trades`` (codes), within ``max_km`` of the site, from a paired village only;
        ``min_level``: holding one at that level or higher, in ``trades`` or else in the vacancy's required
        trades (a general-labour vacancy has none, so it filters nothing there).
        Hard filters (status, age, education, active referral, reserved vacancy) always apply.
        """
        q = self._vq_from_record(vacancy) if isinstance(vacancy, VacancyRecord) else self._vq_from_slot(
            self._vslot(vacancy))
        if k <= 0:
            return self._empty()
        pol = self.policy
        W = self.W
        n = W.n
        general = len(q.req_t) == 0
        p_lon, p_lat, p_code, p_county, p_zone, _ = self._wplaces.arrays(self.ctx)
        n_places = len(p_lon)

        # --- per-place tables ---
        with np.errstate(invalid="ignore"):
            dist = haversine_km(p_lon, p_lat, q.lon, q.lat)
            radii = np.array(pol.radius_table[1 if q.housing else 0], dtype=np.float64)
            qq = dist[:, None] / radii[None, :]
            ltab = 1.0 / (1.0 + qq * qq)
        has_loc = ~np.isnan(dist)
        ltab[~has_loc] = 0.0
        ltab = ltab.reshape(-1)
        paired_codes = [int(v) for v in self.ctx.villages_of(q.ent)]
        paired_place = np.isin(p_code, paired_codes) if paired_codes else np.zeros(n_places, dtype=bool)
        place_ok = np.ones(n_places, dtype=bool)
        if q.reserved or paired_only:
            place_ok &= paired_place
        if counties is not None:
            place_ok &= np.isin(p_county, [int(c) for c in counties])
        if zones is not None:
            place_ok &= np.isin(p_zone, [ZONES.index(z) for z in zones if z in ZONES])
        if max_km is not None:
            with np.errstate(invalid="ignore"):
                place_ok &= has_loc & (dist <= max_km)
        site_zone = self.ctx.zone_of(f"{q.county:06d}")
        flow_target = q.park >= 0 or site_zone in FLOW_TO
        flow_place = np.isin(p_zone, [ZONES.index(z) for z in FLOW_FROM]) if flow_target else np.zeros(
            n_places, dtype=bool)
        bp = np.where(paired_place, pol.bonus_paired_village, 0.0)
        bz = np.where(flow_place, pol.bonus_zone_flow, 0.0)

        # --- per class-byte tables ---
        tcs = np.arange(256)
        allowed = [WORKER_STATUSES.index(s) for s in statuses if s in WORKER_STATUSES]
        status_ok = np.isin(tcs & 7, allowed)
        willing = (tcs >> 3 & 1).astype(bool)
        trains = TRAINING_MODES[q.mode] != "none"
        twill = np.where(willing, pol.t_order_or_trains if trains else pol.t_willing, 0.0)
        if general:
            twill = np.maximum(np.where((tcs >> 5 & 1).astype(bool), pol.t_completed, 0.0), twill)
        bh = np.where(((tcs >> 6) & 3) > 0, pol.bonus_household_priority, 0.0)

        # --- age / education bounds ---
        lo_age = max(q.age_min, pol.min_working_age)
        hi_m = min(q.age_max, pol.max_working_age_male - 1)
        hi_f = min(q.age_max, pol.max_working_age_female - 1)
        birth_max = self._birth_int(lo_age)  # born on or before
        birth_min_m = self._birth_int(hi_m + 1)  # born strictly after
        birth_min_f = self._birth_int(hi_f + 1)

        order_slots = self.Wmap.slots_of(self.ctx.students_of(q.ent))
        school_slots = np.zeros(0, dtype=np.int64)
        if q.park >= 0:
            members: set[int] = set()
            for school in self.ctx.schools_of(park_text(q.park)):
                members |= self.school_members.get(int(school), set())
            school_slots = np.array(sorted(members), dtype=np.int64)
        referred = self.Wmap.slots_of(self.ctx.referred_workers(q.id))

        check_legal = (q.age_max + 1 > pol.max_working_age_female or q.age_max + 1 > pol.max_working_age_male)
        ub_pk = np.where(np.repeat(place_ok, 5), (pol.w_location * ltab) * pol.scale + np.repeat(bp + bz, 5),
                         -np.inf)
        ub_tc = np.where(status_ok, (pol.w_training * twill) * pol.scale + bh, -np.inf)
        def ranges_of(vq: _VQ) -> list[tuple[int, int]]:
            return _merge_ranges((int(self.cat.medium_lo[t]), int(self.cat.medium_hi[t])) for t in vq.req_t)

        pt = dict(ltab=ltab, place_ok=place_ok, bp=bp, bz=bz, status_ok=status_ok, twill=twill, bh=bh,
                  birth_max=birth_max, birth_min_m=birth_min_m, birth_min_f=birth_min_f, min_edu=q.min_edu,
                  order=order_slots, school=school_slots, referred=referred, ub_pk=ub_pk, ub_tc=ub_tc,
                  check_legal=check_legal, birth_min_v=self._birth_int(q.age_max + 1),
                  birth_legal_min=self._birth_int(pol.max_working_age_male))

        # --- few workers live where the filters allow (reserved vacancy, county, distance …): score them all ---
        n_main_places = len(self._by_place_ptr) - 1
        ok_main = np.flatnonzero(place_ok[:n_main_places])
        n_ok = int((self._by_place_ptr[ok_main + 1] - self._by_place_ptr[ok_main]).sum())
        level_filter = bool(min_level) and min_level > 1 and (trades is not None or not general)
        if trades is None and not level_filter and n_ok + len(self._tail) <= max(self.SMALL_SCAN, n // 20):
            return self._rank_in_places(q, pt, k, ok_main, place_ok, order_slots, school_slots, general, ranges_of(q),
                                        dist)

        # --- explicit candidates: workers with a tag related to a required trade, order-class students, students
        # of schools linked to the park. Scored exactly, after pruning by a per-posting upper bound. ---
        ranges = ranges_of(q)
        owner, trade, level, kind = self.WT.postings(ranges)
        trade_filter = None
        if trades is not None or level_filter:
            tids = sorted({self.cat.trade_id(c, "filter.trades") for c in trades} if trades is not None
                          else {int(t) for t in q.req_t})
            f_owner, _ft, f_level, f_kind = self.WT.postings([(t, t + 1) for t in tids])
            held = f_kind == _K_SKILL  # effective skills: a certificate counts at its level
            if level_filter:
                held &= f_level >= min_level
            trade_filter = self._unique(f_owner[held].astype(np.int64))[0]
            keep = np.isin(owner, trade_filter)
            owner, trade, level, kind = owner[keep], trade[keep], level[keep], kind[keep]
        extra = np.concatenate([order_slots, school_slots])
        if trade_filter is not None:
            extra = np.concatenate([extra[np.isin(extra, trade_filter)], trade_filter])
        owner = owner.astype(np.int64)
        cand_slots, cand_tot, cand_parts = [], [], []
        scanned = 0

        scored: list[np.ndarray] = []

        def score(slots: np.ndarray, own: np.ndarray, tr, lv, kd):
            nonlocal scanned
            slots, inv = self._unique(np.concatenate([own, slots]))
            inv = inv[: len(own)]
            s_e, t_e = self._skill_training_from_postings(q, len(slots), inv, tr, lv, kd, general)
            tot, parts, ok = self._score_worker_slots(q, pt, slots, s_e, t_e)
            cand_slots.append(slots[ok])
            cand_tot.append(tot[ok])
            cand_parts.append(tuple(p[ok] for p in parts))
            scored.append(slots)
            scanned += len(slots)

        if len(owner) <= max(4 * k, self.PRUNE_MIN) or general:
            score(extra, owner, trade, level, kind)
        else:
            # upper bound of the owner's total from each posting: S from this posting (single trade) or 1,
            # L of the owner's place and radius, T ≤ 1, bonuses ≤ cap
            if len(extra):  # scored in the first pass whatever their bound
                scr = self._scratch()
                scr[extra] = 1
                in_extra = scr[owner] == 1
                scr[extra] = -1
            ub = self._posting_bound(q, pt, ranges, owner, trade, level, kind)
            if len(extra):
                ub[in_extra] = -np.inf
            fin = np.flatnonzero(ub > -np.inf)  # argpartition degrades badly on masses of -inf
            m = min(len(fin), 2 * max(k, 500))
            first = fin[np.argpartition(ub[fin], len(fin) - m)[len(fin) - m:]] if m else fin
            first_owners = self._unique(np.concatenate([owner[first], extra]))[0]  # with all their postings
            scr = self._scratch()
            scr[first_owners] = 1
            rows = scr[owner] == 1
            scr[first_owners] = -1
            score(extra, owner[rows], trade[rows], level[rows], kind[rows])
            theta1 = _kth_best(np.concatenate(cand_tot), k)
            need = fin[ub[fin] >= theta1 - _EPS]
            if len(need):
                need_slots = self._unique(owner[need])[0]
                scr[need_slots] = 1
                scr[scored[0]] = -1
                rows = scr[owner] == 1
                scr[need_slots] = -1
                if rows.any():
                    score(np.zeros(0, np.int64), owner[rows], trade[rows], level[rows], kind[rows])
        e_slots = np.concatenate([owner, extra])

        # --- everybody else: S = S0, bounded per (place, kind) and class byte ---
        if trade_filter is None and n:
            s0 = pol.s_general_labour if general else 0.0
            theta = _kth_best(np.concatenate(cand_tot) if cand_tot else np.zeros(0), k)
            base_pk = ((pol.w_skill * s0 + pol.w_location * ltab) * pol.scale
                       + np.repeat(bp + bz, 5))
            tab_pk = np.where(np.repeat(place_ok, 5), base_pk, -np.inf).astype(np.float32)
            tab_c = np.where(status_ok, (pol.w_training * twill) * pol.scale + bh, -np.inf).astype(np.float32)
            bound = float(tab_pk.max(initial=-np.inf)) + float(tab_c.max(initial=-np.inf))
            if bound + _EPS >= theta:
                approx = tab_pk[W.pk[:n]]
                approx += tab_c[W.tc[:n]]
                birth = W.birth[:n]
                bad = birth > birth_max
                bad |= birth <= self._birth_int(min(q.age_max, 200) + 1)
                if q.age_max + 1 > pol.max_working_age_female or q.age_max + 1 > pol.max_working_age_male:
                    bad |= W.birth_legal[:n] <= self._birth_int(pol.max_working_age_male)
                if q.min_edu > 0:
                    bad |= W.edu[:n] < q.min_edu
                approx[bad] = _NEG
                approx[e_slots] = _NEG
                if len(referred):
                    approx[referred] = _NEG
                t_lb = self._block_kth(approx, k)
                thr = max(theta, t_lb) - _EPS
                c0 = np.flatnonzero(approx >= thr) if thr > -np.inf else np.flatnonzero(approx > _NEG)
                for _round in range(2):
                    if len(c0):
                        s_u = np.full(len(c0), s0)
                        tot_u, parts_u, ok_u = self._score_worker_slots(q, pt, c0, s_u, np.zeros(len(c0)))
                        cand_slots.append(c0[ok_u])
                        cand_tot.append(tot_u[ok_u])
                        cand_parts.append(tuple(p[ok_u] for p in parts_u))
                        scanned += len(c0)
                    theta2 = _kth_best(np.concatenate(cand_tot), k) - _EPS
                    if theta2 >= thr:
                        break
                    c0 = np.flatnonzero((approx >= theta2) & (approx < thr) & (approx > _NEG))
                    thr = theta2
        if not cand_slots:
            return self._empty()
        slots = np.concatenate(cand_slots)
        tot = np.concatenate(cand_tot)
        parts = [np.concatenate([p[i] for p in cand_parts]) for i in range(4)]
        ids = W.id[slots]
        top = _topk(ids, tot, k)
        place_top = W.pk[slots[top]] // 5
        return Ranking(ids[top], tot[top], parts[0][top], parts[1][top], parts[2][top],
                       np.minimum(parts[3][top], pol.bonus_cap), dist[place_top], scanned, pol.version)

    def _rank_in_places(self, q: _VQ, pt: dict, k: int, ok_main: np.ndarray, place_ok: np.ndarray,
                        order_slots, school_slots, general: bool, ranges, dist) -> Ranking:
        W = self.W
        pol = self.policy
        starts, ends = self._by_place_ptr[ok_main], self._by_place_ptr[ok_main + 1]
        lens = ends - starts
        pos = np.repeat(starts - np.cumsum(np.r_[0, lens[:-1]]), lens) + np.arange(int(lens.sum()))
        cand = self._by_place[pos].astype(np.int64)
        if self._tail:
            tail = np.array(self._tail, dtype=np.int64)
            cand = np.concatenate([cand, tail[place_ok[W.pk[tail] // 5]]])
        cand = np.concatenate([cand, order_slots, school_slots])
        owner, trade, level, kind = self.WT.postings(ranges)
        owner = owner.astype(np.int64)
        cand, _ = self._unique(cand)
        scr = self._scratch()
        scr[cand] = np.arange(len(cand), dtype=np.int32)
        inv = scr[owner]
        scr[cand] = -1
        rows = inv >= 0
        s_e, t_e = self._skill_training_from_postings(q, len(cand), inv[rows].astype(np.int64), trade[rows],
                                                      level[rows], kind[rows], general)
        tot, parts, ok = self._score_worker_slots(q, pt, cand, s_e, t_e)
        keep = np.flatnonzero(ok)
        slots, tot = cand[keep], tot[keep]
        ids = W.id[slots]
        best = _topk(ids, tot, k)
        top = keep[best]  # the parts are gathered for the top k only, not filtered whole
        place_top = W.pk[slots[best]] // 5
        return Ranking(ids[best], tot[best], parts[0][top], parts[1][top], parts[2][top],
                       np.minimum(parts[3][top], pol.bonus_cap), dist[place_top], len(cand), pol.version)

    def _posting_bound(self, q: _VQ, pt: dict, ranges, owner, trade, level, kind) -> np.ndarray:
        """Per posting, an upper bound of its owner's total (−inf if the owner fails a hard filter).

        The owner's total ≤ max over its postings of this bound: S ≤ the best contribution of one posting to any
        required trade (the mean over trades is at most the max); T ≤ willingness/order value, plus 1 if the
        owner holds a certificate or training tag in a required trade's minor group; bonuses ≤ the place's and
        the class byte's, uncapped (order-class and school students are scored apart). Built from small tables
        (per trade × level × kind, per place × radius, per class byte) so each posting costs a few gathers.
        """
        pol = self.policy
        cat = self.cat
        W = self.W
        lo = min(a for a, _ in ranges)
        hi = max(b for _, b in ranges)
        trades_ = np.arange(lo, hi)
        lf = np.array(pol.level_factors)
        levels = np.arange(6)
        c_tab = np.zeros((hi - lo, 6, 3))
        t_tab = np.zeros((hi - lo, 6, 3), dtype=bool)
        for rt, rm in zip(q.req_t, q.req_m):
            rt, rm = int(rt), int(rm)
            same_minor = cat.minor_id[trades_] == cat.minor_id[rt]
            same_medium = cat.medium_id[trades_] == cat.medium_id[rt]
            sim = np.where(trades_ == rt, 1.0, np.where(same_minor, pol.same_minor,
                                                        np.where(same_medium, pol.same_medium, 0.0)))
            c = sim[:, None] * lf[np.clip(rm - levels, 0, 4)][None, :]
            c_tab[:, :, _K_SKILL] = np.maximum(c_tab[:, :, _K_SKILL], c)
            t_tab[:, :, _K_CERT] |= same_minor[:, None]
            t_tab[:, :, _K_TRAIN] |= same_minor[:, None]
        a_tab = (pol.w_skill * c_tab * pol.scale).reshape(-1)
        idx = ((trade.astype(np.int32) - lo) * 6 + level) * 3 + kind
        ub = a_tab[idx]
        tag_t = t_tab.reshape(-1)[idx]
        scr = self._scratch()
        t_owners = owner[tag_t]
        scr[t_owners] = 1
        has_t = scr[owner] == 1
        scr[t_owners] = -1
        pk = W.pk[owner]
        tc = W.tc[owner]
        ub += pt["ub_pk"][pk]
        ub += pt["ub_tc"][tc]
        ub += np.where(has_t, pol.w_training * pol.scale, 0.0)
        birth = W.birth[owner]
        bad = birth > pt["birth_max"]
        bad |= birth <= pt["birth_min_v"]
        if pt["check_legal"]:
            bad |= W.birth_legal[owner] <= pt["birth_legal_min"]
        if pt["min_edu"] > 0:
            bad |= W.edu[owner] < pt["min_edu"]
        ub[bad] = -np.inf
        return ub

    def _scratch(self) -> np.ndarray:
        scr = getattr(self, "_scr", None)
        if scr is None or len(scr) < self.W.cap:
            scr = self._scr = np.full(self.W.cap, -1, dtype=np.int32)
        return scr

    def _unique(self, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distinct slots (in first-seen order) and each input's position among them: O(n), no sort."""
        if len(slots) < 2048:
            u, inv = np.unique(slots, return_inverse=True)
            return u.astype(np.int64), inv.reshape(-1)
        scr = self._scratch()
        pos = np.arange(len(slots), dtype=np.int32)
        scr[slots] = pos
        u = slots[scr[slots] == pos]
        scr[u] = np.arange(len(u), dtype=np.int32)
        inv = scr[slots].astype(np.int64)
        scr[u] = -1
        return u.astype(np.int64), inv


    @staticmethod
    def _block_kth(approx: np.ndarray, k: int, block: int = 1024) -> float:
        """A lower bound of the k-th largest value: the k-th largest of block maxima."""
        n = len(approx)
        nb = n // block
        maxima = approx[: nb * block].reshape(nb, block).max(axis=1) if nb else np.zeros(0, np.float32)
        if n > nb * block:
            maxima = np.r_[maxima, approx[nb * block:].max()]
        finite = maxima[np.isfinite(maxima)]
        if len(finite) < k:
            return -np.inf
        return float(np.partition(finite, len(finite) - k)[len(finite) - k])

    def _skill_training_from_postings(self, q: _VQ, n_cand: int, inv, trade, level, kind, general: bool):
        pol = self.policy
        cat = self.cat
        s = np.zeros(n_cand) if not general else np.full(n_cand, pol.s_general_labour)
        t = np.zeros(n_cand)
        if general or not len(inv):
            return s, t
        trade = trade.astype(np.int64)
        lvl = level.astype(np.int64)
        minor = cat.minor_id[trade]
        medium = cat.medium_id[trade]
        is_skill = kind == _K_SKILL
        is_cert = kind == _K_CERT
        is_train = kind == _K_TRAIN
        lf = np.array(pol.level_factors)
        acc = np.zeros(n_cand)
        for rt, rm in zip(q.req_t, q.req_m):
            rt, rm = int(rt), int(rm)
            same = trade == rt
            same_minor = minor == cat.minor_id[rt]
            same_medium = medium == cat.medium_id[rt]
            sim = np.where(same, 1.0, np.where(same_minor, pol.same_minor, np.where(same_medium, pol.same_medium,
                                                                                      0.0)))
            sim = np.where(is_skill, sim, 0.0)
            short = np.clip(rm - lvl, 0, 4)
            contrib = sim * lf[short]
            best = np.zeros(n_cand)
            np.maximum.at(best, inv, contrib)
            acc = acc + best
            tv = np.where(is_cert & same, np.where(lvl >= rm, pol.t_certificate, pol.t_completed), 0.0)
            tv = np.where((is_cert | is_train) & same_minor & ~(is_cert & same), np.maximum(tv, pol.t_completed), tv)
            np.maximum.at(t, inv, tv)
        s = acc / len(q.req_t)
        return s, t

    def _score_worker_slots(self, q: _VQ, pt: dict, slots: np.ndarray, s: np.ndarray, t_tag: np.ndarray):
        pol = self.policy
        W = self.W
        pk = W.pk[slots].astype(np.int64)
        place = pk // 5
        tc = W.tc[slots]
        l_part = pt["ltab"][pk]
        t_part = np.maximum(t_tag, pt["twill"][tc])
        is_order = np.isin(slots, pt["order"]) if len(pt["order"]) else np.zeros(len(slots), dtype=bool)
        t_part = np.where(is_order, np.maximum(t_part, pol.t_order_or_trains), t_part)
        is_school = np.isin(slots, pt["school"]) if len(pt["school"]) else np.zeros(len(slots), dtype=bool)
        b = np.zeros(len(slots))
        b = b + pt["bp"][place]
        b = b + np.where(is_school, pol.bonus_school_park_link, 0.0)
        b = b + np.where(is_order, pol.bonus_order_class_student, 0.0)
        b = b + pt["bz"][place]
        b = b + pt["bh"][tc]
        total = _combine(pol, s, l_part, t_part, b)
        birth = W.birth[slots]
        birth_min = np.where(W.sex[slots] == 1, pt["birth_min_f"], pt["birth_min_m"])
        ok = (pt["status_ok"][tc] & pt["place_ok"][place] & (birth <= pt["birth_max"]) & (birth > birth_min)
              & (W.edu[slots] >= pt["min_edu"]))
        if len(pt["referred"]):
            ok &= ~np.isin(slots, pt["referred"])
        return total, (s, l_part, t_part, b), ok

    # ---------------------------------------------------------------------------------- rank vacancies
    def rank_vacancies(self, worker: int | WorkerRecord, k: int = 20, *, statuses: Sequence[str] = ("available",),
                       vacancy_statuses: Sequence[str] = ("open",), counties: Iterable[str] | None = None,
                       zones: Iterable[str] | None = None, trades: Iterable[str] | None = None,
                       max_km: float | None = None, paired_only: bool = False, with_housing: bool = False,
                       with_training: bool = False) -> Ranking:
        """Top-k vacancies for a worker (an indexed worker id or a record).

        Filters apply to the vacancy: site ``counties``/``zones``, requiring one of ``trades``, within
        ``max_km``, enterprise paired with the worker's village, offering housing, offering training (any mode
        but none). A worker whose status is not in ``statuses`` gets an empty list (pass all statuses to let
        anyone browse).
        """
        q = self._wq_from_record(worker) if isinstance(worker, WorkerRecord) else self._wq_from_slot(
            self._wslot(worker))
        pol = self.policy
        V = self.V
        m = V.n
        if k <= 0 or (q.tc & 7) not in [WORKER_STATUSES.index(s) for s in statuses if s in WORKER_STATUSES]:
            return self._empty()
        s_lon, s_lat, _code, s_county, s_zone, s_park = self._vplaces.arrays(self.ctx)
        tc = q.tc
        age = self._age_from_birth(q.birth)
        max_age = pol.max_working_age_male if q.sex == 0 else pol.max_working_age_female
        if not pol.min_working_age <= age < max_age:
            return self._empty()
        site = V.site[:m]
        # location
        has_loc = q.lon == q.lon
        if has_loc:
            d_site = haversine_km(q.lon, q.lat, s_lon, s_lat)
            dist = d_site[site]
            r = np.where(V.housing[:m], pol.radius_table[1][q.kind], pol.radius_table[0][q.kind])
            qq = dist / r
            l_part = 1.0 / (1.0 + qq * qq)
        else:
            dist = np.full(m, np.nan)
            l_part = np.zeros(m)
        nreq = V.nreq[:m].astype(np.int64)
        general = nreq == 0
        s = np.where(general, pol.s_general_labour, 0.0)
        # training defaults
        willing = bool(tc >> 3 & 1)
        trains = V.mode[:m] != TRAINING_MODES.index("none")
        t_part = np.where(trains, pol.t_order_or_trains, pol.t_willing) if willing else np.zeros(m)
        if tc >> 5 & 1:
            t_part = np.where(general, np.maximum(t_part, pol.t_completed), t_part)
        order_ents = list(self.ctx.order_enterprises_of(q.id))
        is_order = np.isin(V.ent[:m], order_ents) if order_ents else np.zeros(m, dtype=bool)
        t_part = np.where(is_order, np.maximum(t_part, pol.t_order_or_trains), t_part)
        # skills and tag-based training from the requirement postings
        w_trade, w_level, w_kind = (x.astype(np.int64) for x in q.tags)
        cat = self.cat
        sk = w_kind == _K_SKILL
        if sk.any():
            ranges = _merge_ranges((int(cat.medium_lo[t]), int(cat.medium_hi[t])) for t in w_trade[sk])
            v_owner, r_trade, r_level, r_pos = self.VT.postings(ranges)
            if len(v_owner):
                r_trade = r_trade.astype(np.int64)
                r_level = r_level.astype(np.int64)
                best = np.zeros(len(v_owner))
                lf = np.array(pol.level_factors)
                for wt, wl in zip(w_trade[sk], w_level[sk]):
                    sim = np.where(r_trade == wt, 1.0,
                                   np.where(cat.minor_id[r_trade] == cat.minor_id[wt], pol.same_minor,
                                            np.where(cat.medium_id[r_trade] == cat.medium_id[wt],
                                                     pol.same_medium, 0.0)))
                    contrib = sim * lf[np.clip(r_level - wl, 0, 4)]
                    best = np.maximum(best, contrib)
                uv, uinv = np.unique(v_owner, return_inverse=True)
                uinv = uinv.reshape(-1)
                width = int(r_pos.max()) + 1
                mat = np.zeros((len(uv), width))
                mat[uinv, r_pos.astype(np.int64)] = best
                acc = np.zeros(len(uv))
                for j in range(width):
                    acc = acc + mat[:, j]
                s[uv] = acc / nreq[uv]
        tg = (w_kind == _K_CERT) | (w_kind == _K_TRAIN)
        if tg.any():
            ranges = _merge_ranges((int(cat.minor_lo[t]), int(cat.minor_hi[t])) for t in w_trade[tg])
            v_owner, r_trade, r_level, _pos = self.VT.postings(ranges)
            if len(v_owner):
                r_trade = r_trade.astype(np.int64)
                r_level = r_level.astype(np.int64)
                tv = np.zeros(len(v_owner))
                for wt, wl, wk in zip(w_trade[tg], w_level[tg], w_kind[tg]):
                    same_minor = cat.minor_id[r_trade] == cat.minor_id[wt]
                    if wk == _K_CERT:
                        same = r_trade == wt
                        val = np.where(same, np.where(wl >= r_level, pol.t_certificate, pol.t_completed),
                                       np.where(same_minor, pol.t_completed, 0.0))
                    else:
                        val = np.where(same_minor, pol.t_completed, 0.0)
                    tv = np.maximum(tv, val)
                tt = np.zeros(m)
                np.maximum.at(tt, v_owner.astype(np.int64), tv)
                t_part = np.maximum(t_part, tt)
        # bonuses
        ents = list(self.ctx.enterprises_of(f"{q.village:012d}" if q.village >= 0 else None))
        paired = np.isin(V.ent[:m], ents) if ents else np.zeros(m, dtype=bool)
        parks = [park_number(p) for p in self.ctx.parks_of(q.school)] if q.school >= 0 else []
        park_of_v = s_park[site]
        linked = np.isin(park_of_v, parks) if parks else np.zeros(m, dtype=bool)
        home_zone = self.ctx.zone_of(f"{q.county:06d}" if q.county >= 0 else None)
        if home_zone in FLOW_FROM:
            target = (s_park >= 0) | np.isin(s_zone, [ZONES.index(z) for z in FLOW_TO])
            flow = target[site]
        else:
            flow = np.zeros(m, dtype=bool)
        h = pol.bonus_household_priority if (tc >> 6) & 3 else 0.0
        b = np.zeros(m)
        b = b + np.where(paired, pol.bonus_paired_village, 0.0)
        b = b + np.where(linked, pol.bonus_school_park_link, 0.0)
        b = b + np.where(is_order, pol.bonus_order_class_student, 0.0)
        b = b + np.where(flow, pol.bonus_zone_flow, 0.0)
        b = b + h
        total = _combine(pol, s, l_part, t_part, b)
        # hard filters and filters
        allowed_v = [VACANCY_STATUSES.index(x) for x in vacancy_statuses if x in VACANCY_STATUSES]
        ok = np.isin(V.status[:m], allowed_v)
        ok &= (V.age_min[:m] <= age) & (age <= V.age_max[:m]) & (V.min_edu[:m] <= q.edu)
        ok &= ~V.reserved[:m] | paired
        if paired_only:
            ok &= paired
        if with_housing:
            ok &= V.housing[:m]
        if with_training:
            ok &= trains
        referred = self.Vmap.slots_of(self.ctx.referred_vacancies(q.id))
        if len(referred):
            ok[referred] = False
        if counties is not None:
            ok &= np.isin(s_county[site], [int(c) for c in counties])
        if zones is not None:
            ok &= np.isin(s_zone[site], [ZONES.index(z) for z in zones if z in ZONES])
        if max_km is not None:
            with np.errstate(invalid="ignore"):
                ok &= dist <= max_km
        if trades is not None:
            tids = sorted({self.cat.trade_id(c, "filter.trades") for c in trades})
            v_owner = self.VT.postings([(t, t + 1) for t in tids])[0]
            want = np.zeros(m, dtype=bool)
            want[v_owner.astype(np.int64)] = True
            ok &= want
        sel = np.flatnonzero(ok)
        ids = V.id[sel]
        top = _topk(ids, total[sel], k)
        i = sel[top]
        return Ranking(V.id[i], total[i], s[i], l_part[i], t_part[i], np.minimum(b[i], pol.bonus_cap), dist[i],
                       len(sel), pol.version)

    def _age_from_birth(self, birth: int) -> int:
        t = self.today
        y, md = birth // 10000, birth % 10000
        return t.year - y - (1 if (t.month * 100 + t.day) < md else 0)

    def _empty(self) -> Ranking:
        z = np.zeros(0)
        return Ranking(np.zeros(0, np.int64), z, z, z, z, z, z, 0, self.policy.version)

    # ---------------------------------------------------------------------------------- explain & pairs
    def explain(self, worker: int | WorkerRecord, vacancy: int | VacancyRecord, *,
                statuses: Sequence[str] = ("available",)) -> Explanation:
        """The full breakdown for one pair; its ``total`` equals the ranked lists' for the same pair."""
        w = worker if isinstance(worker, WorkerRecord) else self.worker_record(worker)
        v = vacancy if isinstance(vacancy, VacancyRecord) else self.vacancy_record(vacancy)
        from matchmaker.matching.records import validate_vacancy, validate_worker
        w, v = validate_worker(w, self.cat), validate_vacancy(v, self.cat)
        return evaluate(w, v, self.ctx, self.policy, self.cat, self.today, statuses=statuses)

    def explain_many(self, worker_ids: Sequence[int], vacancy_ids: Sequence[int], *,
                     statuses: Sequence[str] = ("available",)) -> list[Explanation]:
        """:meth:`explain` for each pair of ``zip(worker_ids, vacancy_ids)``; a record in several pairs (one
        vacancy's page of candidates, one worker's page of vacancies) is rebuilt and validated once."""
        from matchmaker.matching.records import validate_vacancy, validate_worker
        ws: dict[int, WorkerRecord] = {}
        vs: dict[int, VacancyRecord] = {}
        out = []
        for w, v in zip(worker_ids, vacancy_ids):
            if w not in ws:
                ws[w] = validate_worker(self.worker_record(w), self.cat)
            if v not in vs:
                vs[v] = validate_vacancy(self.vacancy_record(v), self.cat)
            out.append(evaluate(ws[w], vs[v], self.ctx, self.policy, self.cat, self.today, statuses=statuses))
        return out

    def score_matrix(self, worker_ids: Sequence[int], vacancy_ids: Sequence[int], *,
                     statuses: Sequence[str] = ("available",)) -> np.ndarray:
        """Scores of every (worker, vacancy) pair — NaN where a hard filter fails. For :func:`allocate`."""
        ws = [self.worker_record(i) for i in worker_ids]
        vs = [self.vacancy_record(i) for i in vacancy_ids]
        out = np.full((len(ws), len(vs)), np.nan)
        for a, w in enumerate(ws):
            for b, v in enumerate(vs):
                ex = evaluate(w, v, self.ctx, self.policy, self.cat, self.today, statuses=statuses,
                              with_reasons=False)
                if ex.eligible:
                    out[a, b] = ex.total
        return out
