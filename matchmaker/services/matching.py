"""The bridge between the database and the matching engine (matchmaker.matching).

Each process keeps one MatchIndex, built from the database on first use (and so after every restart). Services
that change what the score depends on call `note_change` inside their transaction; before every ranking the
process reads the change log past what it has seen and applies it — upserting changed workers and vacancies,
reloading the small relation context, rebuilding on a policy change — so a change made through any gunicorn
worker shows in every worker's rankings at its next query, without a full rebuild.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from sqlalchemy import bindparam, delete, func, or_, select
from sqlalchemy.orm import aliased

from matchmaker.extensions import db
from matchmaker.matching import (WORKER_STATUSES, Context, Explanation, MatchIndex, Policy, TradeCatalogue,
                                 VacancyColumns, VacancyRecord, WorkerColumns, WorkerRecord)
from matchmaker.matching.errors import UnknownRecord
from matchmaker.matching.policy import RADII
from matchmaker.models import (Certificate, MatchingChange, OrderClass, OrderClassStudent, Pairing, Park,
                               ParkSchoolLink, PolicySetting, Referral, Region, Trade, TradeAlias,
                               TrainingRecord, Vacancy, VacancyTrade, Village, Worker, WorkerSkill)
from matchmaker.models.referrals import ACTIVE_REFERRAL_STATUSES
from matchmaker.models.changes import CHANGE_KINDS
from matchmaker.orm import utcnow
from matchmaker.read_only import only_read
from matchmaker.services import rows as plain

_lock = threading.RLock()

# A change-log id is taken when its transaction writes the row, but that transaction may commit after a later
# one: a reader then sees id 11 before id 10. Ids skipped over are looked for again for this long (a rolled-back
# transaction leaves its id unused for good), and at most this many at once.
GAP_WAIT_SECONDS = 120.0
GAPS_MAX = 1000


# Rankings and explanations are remembered until a change they depend on (see _State.remembered); past this
# many, all are forgotten at once. A remembered ranking is at most RANK_DEPTH_MAX + 1 ids (int32).
REMEMBERED_MAX = 2_000

# The first item of a remembered key says what the answer depends on (see _State.forget_records). The engine scores
# a pair from the worker, the vacancy, the context and the policy alone (matchmaker.matching.index: nothing in a
# query reaches across records), so:
_EXPLAINED = "explain"  # (_, worker, vacancy, statuses): on that worker and that vacancy
_WORKERS_RANKED = "workers"  # (_, vacancy, filters): on that vacancy and every worker
_VACANCIES_RANKED = "vacancies"  # (_, worker, filters): on that worker and every vacancy
_OF_VACANCIES = "of vacancies"  # (_, key) from remember(..., of_vacancies_only=True): on the vacancies alone


@dataclass
class _State:
    index: MatchIndex
    catalogue: TradeCatalogue
    seen: int  # the highest MatchingChange.id applied
    gaps: dict[int, float] = field(default_factory=dict)  # ids below `seen` not read yet → when first missed
    # What the index answered: pages ask the same again (the next page of a ranking, the list an invitation's
    # redirect returns to, the API polling a vacancy). A change to a worker or a vacancy forgets what depends on
    # it (forget_records); any other change, or the date turning, forgets everything. Values are shared, so no
    # caller may change them.
    remembered: dict = field(default_factory=dict)
    # Counted up whenever anything is forgotten: a result worked out while another thread applied a change (a
    # threaded server) is not kept, as it may come from the index before the change.
    generation: int = 0
    checked_in: object | None = None  # the session transaction that last read the change log (see current)
    # Held while `remembered` is stored into or forgotten: on a threaded server one thread may keep an answer while
    # another walks the dict to forget (a dict changed during the walk raises) or between a check and a store.
    _memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def rank_workers(self, vacancy_id: int, k: int, **filters) -> list[int]:
        """The ids of `MatchIndex.rank_workers`, best first."""
        return self._ranked(_WORKERS_RANKED, self.index.rank_workers, vacancy_id, k, filters)

    def rank_vacancies(self, worker_id: int, k: int, **filters) -> list[int]:
        """The ids of `MatchIndex.rank_vacancies`, best first (UnknownRecord for a worker not in the index)."""
        return self._ranked(_VACANCIES_RANKED, self.index.rank_vacancies, worker_id, k, filters)

    def explain_many(self, worker_ids, vacancy_ids, statuses=("available",)) -> list[Explanation]:
        """`MatchIndex.explain_many`, working out only the pairs not remembered."""
        keys = [(_EXPLAINED, w, v, tuple(statuses)) for w, v in zip(worker_ids, vacancy_ids)]
        out = [self.remembered.get(key) for key in keys]
        missing = [i for i, found in enumerate(out) if found is None]
        if missing:
            generation = self.generation
            fresh = self.index.explain_many([worker_ids[i] for i in missing], [vacancy_ids[i] for i in missing],
                                            statuses=statuses)
            for i, explanation in zip(missing, fresh):
                out[i] = self._remember(keys[i], explanation, generation)
        return out

    def remember(self, key: tuple, compute, of_vacancies_only: bool = False):
        """What ``compute()`` gives, worked out once for as long as the index stays as it is: only for what
        changes with the records the change log notes (a vacancy's every change is noted, say). An answer that
        depends on the vacancies alone (``of_vacancies_only``) outlives changes to workers."""
        if of_vacancies_only:
            key = (_OF_VACANCIES, key)
        found = self.remembered.get(key)
        if found is not None:
            return found
        generation = self.generation
        return self._remember(key, compute(), generation)

    def _ranked(self, side: str, rank, record_id: int, k: int, filters: dict) -> list[int]:
        # Rankings are ordered by (score desc, id asc), so the best k of a longer ranking are its first k: the
        # longest asked for is kept, and a shorter ask is served from it.
        key = (side, record_id, tuple(sorted((name, tuple(v) if isinstance(v, (list, set)) else v)
                                             for name, v in filters.items())))
        found = self.remembered.get(key)
        if found is None or (found[0] < k and len(found[1]) == found[0]):  # too short, and there may be more
            generation = self.generation
            # int32, not a list of ints: at most 2 KB a ranking, so all REMEMBERED_MAX stay a few MB a process
            found = self._remember(key, (k, rank(record_id, k=k, **filters).ids.astype(np.int32)), generation)
        return found[1][:k].tolist()

    def forget(self) -> None:
        """Empty what is remembered: the index has taken in a change to the context (or the date turned)."""
        with self._memo_lock:
            self.generation += 1
            self.remembered = {}

    def forget_records(self, workers: set[int], vacancies: set[int]) -> None:
        """Forget what depends on these changed records and keep the rest, which is still what the index would
        answer: an explanation of another pair, a ranking of another worker's vacancies while no vacancy changed
        (a changed vacancy may now enter any worker's top k) and the other way round. Writes are frequent on a
        busy platform; forgetting everything at each cost a fifth of the pages a second at one change a second."""
        def depends(key) -> bool:
            kind = key[0]
            if kind == _EXPLAINED:
                return key[1] in workers or key[2] in vacancies
            if kind == _VACANCIES_RANKED:
                return bool(vacancies) or key[1] in workers
            if kind == _WORKERS_RANKED:
                return bool(workers) or key[1] in vacancies
            return kind != _OF_VACANCIES or bool(vacancies)
        with self._memo_lock:  # a new dict, not one emptied in place: a reader sees the old or the new one whole
            self.generation += 1
            self.remembered = {key: value for key, value in self.remembered.items() if not depends(key)}

    def _remember(self, key, value, generation: int):
        """Keep ``value``, worked out at ``generation``, unless a change came in meanwhile; returns it anyway."""
        with self._memo_lock:
            if generation == self.generation:
                if len(self.remembered) >= REMEMBERED_MAX:
                    self.remembered = {}
                self.remembered[key] = value
        return value


_state: _State | None = None


def note_change(kind: str, object_id: int | None = None) -> None:
    """Record, in the caller's transaction, that rankings must take this change into account."""
    assert kind in CHANGE_KINDS
    db.session.add(MatchingChange(kind=kind, object_id=object_id))


# --- loading plain records from the database --------------------------------------------------------------

def load_catalogue() -> TradeCatalogue:
    parents = dict(db.session.execute(select(Trade.id, Trade.code)).all())
    rows = [{"code": t.code, "name": t.name, "level": t.level, "parent_code": parents.get(t.parent_id) or ""}
            for t in db.session.scalars(select(Trade))]
    aliases = [{"alias": a, "trade_code": parents[tid]}
               for a, tid in db.session.execute(select(TradeAlias.alias, TradeAlias.trade_id))]
    return TradeCatalogue(rows, aliases)


def load_policy() -> Policy:
    p = db.session.scalar(select(PolicySetting).order_by(PolicySetting.version.desc()).limit(1))
    if p is None:
        return Policy()
    return Policy(version=str(p.version), w_skill=p.w_skills, w_location=p.w_location, w_training=p.w_training,
                  bonus_paired_village=p.bonus_pairing, bonus_school_park_link=p.bonus_school_link,
                  bonus_order_class_student=p.bonus_order_class, bonus_zone_flow=p.bonus_zone_flow,
                  bonus_household_priority=p.bonus_poor_household, bonus_cap=p.bonus_cap)


def load_context() -> Context:
    zones = dict(db.session.execute(select(Region.code, Region.zone)
                                    .where(Region.level == "county", Region.zone.is_not(None))).all())
    pairings = db.session.execute(
        select(Pairing.enterprise_id, Region.code).join(Village, Pairing.village_id == Village.id)
        .join(Region, Village.region_id == Region.id).where(Pairing.status == "active")).all()
    links = db.session.execute(select(Park.code, ParkSchoolLink.school_id).join(Park)
                               .where(ParkSchoolLink.status == "active")).all()
    students = db.session.execute(
        select(OrderClass.enterprise_id, OrderClassStudent.worker_id).join(OrderClass)
        .where(OrderClassStudent.status == "enrolled")).all()
    referrals = db.session.execute(select(Referral.vacancy_id, Referral.worker_id)
                                   .where(Referral.status.in_(ACTIVE_REFERRAL_STATUSES))).all()
    return Context(zones=zones, pairings=pairings, park_school_links=links, order_classes=students,
                   active_referrals=referrals)


# Workers and vacancies come from Core selects of plain columns, never ORM objects: through the ORM the index for
# 100,000 workers took ~20 s to build in every process. `_worker_columns` feeds the full build straight into NumPy
# columns; `_worker_records`/`_vacancy_records` feed the per-change upserts (and the vacancies of the full build,
# which are few); both read the same queries.

_IN_CHUNK = 5_000  # ids per IN (...): SQLite caps the number of bound parameters


def _chunks(ids):
    ids = sorted(ids)
    for start in range(0, len(ids), _IN_CHUNK):
        yield ids[start:start + _IN_CHUNK]


def _trade_codes() -> dict[int, str]:
    return dict(db.session.execute(select(Trade.id, Trade.code)).all())


_WORKER_COLUMNS = (Worker.id, Worker.birth_date, Worker.sex, Worker.status, Worker.education, Region.code,
                   Region.longitude, Region.latitude, Worker.radius, Worker.willing_to_train, Worker.poor_household,
                   Worker.no_employed_member, Worker.school_id)


def _worker_rows(ids=None):
    """(workers, skills, certificates, trainings) as row lists; the lists are (worker_id, trade_id, level|completed).

    Anonymised workers are left out (they are never ranked)."""
    live = Worker.anonymised_at.is_(None)
    queries = (
        select(*_WORKER_COLUMNS).join(Region, Worker.home_region_id == Region.id).where(live),
        select(WorkerSkill.worker_id, WorkerSkill.trade_id, WorkerSkill.level).join(Worker).where(live),
        select(Certificate.worker_id, Certificate.trade_id, Certificate.level).join(Worker).where(live),
        select(TrainingRecord.worker_id, TrainingRecord.trade_id, TrainingRecord.completed).join(Worker)
        .where(live, TrainingRecord.trade_id.is_not(None)),
    )
    if ids is None:
        return [db.session.execute(q).all() for q in queries]
    out = [[], [], [], []]
    for part in _chunks(ids):
        for rows, q in zip(out, queries):
            rows.extend(db.session.execute(q.where(Worker.id.in_(part))).all())
    return out


def _grouped(rows, codes) -> dict[int, list]:
    by_owner: dict[int, list] = {}
    for owner, trade_id, value in rows:
        by_owner.setdefault(owner, []).append((codes[trade_id], value))
    return by_owner


def _worker_records(ids=None) -> list[WorkerRecord]:
    workers, skills, certs, trainings = _worker_rows(ids)
    codes = _trade_codes()
    skills, certs, trainings = (_grouped(r, codes) for r in (skills, certs, trainings))
    return [WorkerRecord(
        id=wid, birth_date=birth, sex=sex, status=status, education=education, village_code=code, lon=lon, lat=lat,
        radius=radius, willing_to_train=willing, poor_household=poor, no_employed_member=no_employed,
        school_id=school_id, skills=skills.get(wid, []), certificates=certs.get(wid, []),
        trainings=[(c, bool(done)) for c, done in trainings.get(wid, [])])
        for wid, birth, sex, status, education, code, lon, lat, radius, willing, poor, no_employed, school_id
        in workers]


def _trade_lookup(catalogue: TradeCatalogue) -> np.ndarray:
    """Database trade id → catalogue trade id (the engine's numbering), as an array to index with."""
    codes = _trade_codes()
    lookup = np.full(max(codes, default=0) + 1, -1, dtype=np.int32)
    for db_id, code in codes.items():
        lookup[db_id] = catalogue.code_to_id.get(code, -1)
    return lookup


def _csr_of(rows, owner_ids: np.ndarray, lookup: np.ndarray, value_dtype):
    """CSR (ptr, catalogue trade ids, values) of (owner_id, trade_id, value) rows, in the order of owner_ids
    (sorted); rows whose owner is not among them are dropped."""
    n = len(owner_ids)
    if rows:
        owner, trade, value = (np.array(col) for col in zip(*rows))
        slot = np.searchsorted(owner_ids, owner)
        keep = (slot < n) & (owner_ids[np.minimum(slot, n - 1)] == owner) if n else np.zeros(len(owner), bool)
        slot, trade, value = slot[keep], trade[keep], value[keep]
        order = np.argsort(slot, kind="stable")
        slot, trade, value = slot[order], lookup[trade[order]], value[order]
    else:
        slot, trade, value = (np.zeros(0, np.int64),) * 3
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(slot, minlength=n), out=ptr[1:])
    return ptr, trade.astype(np.int32), value.astype(value_dtype)


def _worker_columns(catalogue: TradeCatalogue) -> WorkerColumns:
    """Every worker as NumPy columns, straight from the rows (no WorkerRecord per worker)."""
    workers, skills, certs, trainings = _worker_rows()
    workers.sort(key=lambda r: r[0])
    lookup = _trade_lookup(catalogue)
    n = len(workers)
    (wid, birth, sex, status, education, code, lon, lat, radius, willing, poor, no_employed,
     school_id) = zip(*workers) if n else ((),) * 13
    ids = np.array(wid, dtype=np.int64).reshape(n)
    village = np.array([int(c) if c else -1 for c in code], dtype=np.int64).reshape(n)
    statuses = {s: i for i, s in enumerate(WORKER_STATUSES)}
    radii = {r: i for i, r in enumerate(RADII)}
    sp, st, sl = _csr_of(skills, ids, lookup, np.int8)
    cp, ct, cl = _csr_of(certs, ids, lookup, np.int8)
    tp, tt, td = _csr_of(trainings, ids, lookup, np.bool_)
    return WorkerColumns(
        id=ids, birth=np.array([d.year * 10000 + d.month * 100 + d.day for d in birth], dtype=np.int32).reshape(n),
        sex=np.array([s != "M" for s in sex], dtype=np.int8).reshape(n),
        status=np.array([statuses[s] for s in status], dtype=np.int8).reshape(n),
        education=np.array(education, dtype=np.int8).reshape(n), village_code=village,
        county_code=np.where(village >= 0, village // 1_000_000, -1).astype(np.int32),
        lon=np.array([np.nan if x is None else x for x in lon], dtype=np.float64).reshape(n),
        lat=np.array([np.nan if x is None else x for x in lat], dtype=np.float64).reshape(n),
        radius=np.array([radii[r] for r in radius], dtype=np.int8).reshape(n),
        willing=np.array([-1 if w is None else int(w) for w in willing], dtype=np.int8).reshape(n),
        poor=np.array(poor, dtype=bool).reshape(n), no_employed=np.array(no_employed, dtype=bool).reshape(n),
        school_id=np.array([-1 if s is None else s for s in school_id], dtype=np.int64).reshape(n),
        skill_ptr=sp, skill_trade=st, skill_level=sl, cert_ptr=cp, cert_trade=ct, cert_level=cl,
        train_ptr=tp, train_trade=tt, train_completed=td)


def _vacancy_rows(ids=None):
    site_park = aliased(Park)
    queries = (
        select(Vacancy.id, Vacancy.enterprise_id, Vacancy.longitude, Vacancy.latitude, Region.code,
               Region.longitude, Region.latitude, site_park.code, Vacancy.headcount, Vacancy.age_min,
               Vacancy.age_max, Vacancy.min_education, Vacancy.training_mode, Vacancy.housing,
               Vacancy.reserved_for_paired, Vacancy.status)
        .join(Region, Vacancy.site_county_id == Region.id)
        .outerjoin(site_park, Vacancy.site_park_id == site_park.id),
        select(VacancyTrade.vacancy_id, VacancyTrade.trade_id, VacancyTrade.min_level),
    )
    if ids is None:
        return [db.session.execute(q).all() for q in queries]
    out = [[], []]
    for part in _chunks(ids):
        out[0].extend(db.session.execute(queries[0].where(Vacancy.id.in_(part))).all())
        out[1].extend(db.session.execute(queries[1].where(VacancyTrade.vacancy_id.in_(part))).all())
    return out


def _vacancy_records(ids=None) -> list[VacancyRecord]:
    vacancies, required = _vacancy_rows(ids)
    required = _grouped(required, _trade_codes())
    return [VacancyRecord(
        id=vid, enterprise_id=enterprise_id, lon=lon if lon is not None else county_lon,
        lat=lat if lat is not None else county_lat, county_code=county, park_code=park,
        required=required.get(vid, []), headcount=headcount, age_min=age_min, age_max=age_max,
        min_education=min_education, training_mode=training_mode, housing=housing, reserved_for_paired=reserved,
        status=status)
        for (vid, enterprise_id, lon, lat, county, county_lon, county_lat, park, headcount, age_min, age_max,
             min_education, training_mode, housing, reserved, status) in vacancies]


# --- the per-process index ----------------------------------------------------------------------------------

def _build() -> _State:
    seen = db.session.scalar(select(func.max(MatchingChange.id))) or 0
    # Changes of transactions still open hold ids below `seen` that are not visible yet: wait for them too.
    recent = db.session.scalars(select(MatchingChange.id).where(MatchingChange.id > seen - GAPS_MAX)).all()
    catalogue = load_catalogue()
    index = MatchIndex.from_columns(catalogue, _worker_columns(catalogue),
                                    VacancyColumns.from_records(_vacancy_records(), catalogue), load_policy(),
                                    load_context())
    state = _State(index=index, catalogue=catalogue, seen=seen)
    if recent:
        _note_gaps(state, range(min(recent), seen + 1), set(recent))
    return state


def _note_gaps(state: _State, expected: range, present: set[int]) -> None:
    now = time.monotonic()
    for change_id in expected:
        if change_id not in present:
            state.gaps.setdefault(change_id, now)


def _forget_old_gaps(state: _State) -> None:
    now = time.monotonic()
    for change_id, since in list(state.gaps.items()):
        if now - since > GAP_WAIT_SECONDS:
            del state.gaps[change_id]
    while len(state.gaps) > GAPS_MAX:
        del state.gaps[min(state.gaps, key=state.gaps.get)]


def _apply(state: _State, changes: list[tuple[int, str, int | None]]) -> _State:
    kinds = {kind for _, kind, _ in changes}
    if kinds & {"policy", "rebuild"}:
        return _build()
    index = state.index
    for kind, load, upsert, remove in (("worker", _worker_records, index.upsert_worker, index.remove_worker),
                                       ("vacancy", _vacancy_records, index.upsert_vacancy, index.remove_vacancy)):
        ids = {oid for _, k, oid in changes if k == kind}
        found = {r.id: r for r in load(ids)} if ids else {}
        for object_id in ids:
            if object_id in found:
                upsert(found[object_id])
            else:  # deleted or anonymised since
                _remove(remove, object_id)
    if "context" in kinds:
        _sync_context(state.index.ctx, load_context())
        state.forget()
    else:
        state.forget_records({oid for _, k, oid in changes if k == "worker"},
                             {oid for _, k, oid in changes if k == "vacancy"})
    state.seen = max(state.seen, changes[-1][0])
    return state


def _sync_context(ctx: Context, fresh: Context) -> None:
    """Bring the index's context in line with the database, change by change (the index caches by version)."""
    for name, add, remove in (("pairings", ctx.add_pairing, ctx.remove_pairing),
                              ("park_school_links", ctx.add_park_school_link, ctx.remove_park_school_link),
                              ("order_classes", ctx.add_order_class_student, ctx.remove_order_class_student),
                              ("active_referrals", ctx.add_referral, ctx.remove_referral)):
        old, new = getattr(ctx, name), getattr(fresh, name)
        for pair in old - new:
            remove(*pair)
        for pair in new - old:
            add(*pair)
    for county, zone in fresh.zones.items():
        if ctx.zones.get(county) != zone:
            ctx.set_zone(county, zone)


def _remove(remove, object_id) -> None:
    try:
        remove(object_id)
    except UnknownRecord:
        pass


_CHANGES = select(MatchingChange.id, MatchingChange.kind, MatchingChange.object_id)
# Run before every ranking, so built once: building and keying a statement costs as much as running it.
_CHANGES_SINCE = _CHANGES.where(MatchingChange.id > bindparam("seen")).order_by(MatchingChange.id)


def current() -> _State:
    """The index, fresh with every change committed so far (one small indexed query when nothing changed). A
    transaction that has only read since its last look is answered without looking again: a page asks more
    than once (its list, then its filters), and what it shows should come from one state of the index."""
    global _state
    with _lock:
        session = db.session()
        if _state is None:
            _state = _build()
            _state.checked_in = session.get_transaction()
            return _state
        if _state.index.today != date.today():  # a process outlives a day: ages count from today's date
            _state.index.today = date.today()
            _state.forget()
        if _state.checked_in is not None and _state.checked_in is session.get_transaction() and only_read(session):
            return _state  # this transaction read the change log already and has written nothing since
        _forget_old_gaps(_state)
        if _state.gaps:
            unread = _CHANGES.where(or_(MatchingChange.id > _state.seen, MatchingChange.id.in_(list(_state.gaps))))
            changes = [tuple(c) for c in db.session.execute(unread.order_by(MatchingChange.id)).all()]
        else:
            changes = [tuple(c) for c in plain.rows(_CHANGES_SINCE, {"seen": _state.seen})]
        newer = [c[0] for c in changes if c[0] > _state.seen]
        if newer and newer[0] > _state.seen + 1 and _pruned_since(_state.seen):
            _state = _build()  # changes this process never saw were pruned: rebuild rather than miss them
        elif changes:
            seen = _state.seen
            _state = _apply(_state, changes)
            for change_id, _kind, _object_id in changes:
                _state.gaps.pop(change_id, None)
            if newer:
                _note_gaps(_state, range(seen + 1, newer[-1] + 1), set(newer))
        _state.checked_in = session.get_transaction()
        return _state


def _pruned_since(seen: int) -> bool:
    """Ids can skip (a rolled-back insert); only pruning leaves the oldest row newer than what was seen."""
    oldest = db.session.scalar(select(func.min(MatchingChange.id)))
    return oldest is not None and oldest > seen + 1


def prune_changes(keep_days: int = 7) -> int:
    """Delete change-log rows older than ``keep_days``, always keeping the newest (so ids never restart). A
    process idle for longer rebuilds its index at its next query instead of replaying them."""
    newest = db.session.scalar(select(func.max(MatchingChange.id)))
    if newest is None:
        return 0
    cutoff = utcnow() - timedelta(days=keep_days)
    done = db.session.execute(delete(MatchingChange).where(MatchingChange.at < cutoff, MatchingChange.id < newest))
    db.session.commit()
    return done.rowcount or 0


def reset() -> None:
    """Forget the index (tests, and after a database restore); the next query rebuilds it."""
    global _state
    with _lock:
        _state = None


def open_vacancy_counties() -> list[str]:
    """The 6-digit codes of the counties with an open vacancy, from the index; worked out again only after the
    index has taken in a change (every seeker's page offers them)."""
    state = current()
    return state.remember(("open counties",), lambda: state.index.vacancy_counties(("open",)),
                          of_vacancies_only=True)


# One-off explanations (a single pair, a village's workers for one vacancy) are worked out and not remembered:
# they are rarely asked twice, and thousands of them would push remembered rankings out.
def explain(worker_id: int, vacancy_id: int, statuses=("available", "nominated")) -> Explanation:
    return current().index.explain(worker_id, vacancy_id, statuses=statuses)


def explain_many(worker_ids, vacancy_ids, statuses=("available", "nominated")) -> list[Explanation]:
    return current().index.explain_many(worker_ids, vacancy_ids, statuses=statuses)
