"""The bridge between the database and the matching engine (matchmaker.matching).

Each process keeps one MatchIndex, built from the database on first use (and so after every restart). Services
that change what the score depends on call `note_change` inside their transaction; before every ranking the
process reads the change log past what it has seen and applies it — upserting changed workers and vacancies,
reloading the small relation context, rebuilding on a policy change — so a change made through any gunicorn
worker shows in every worker's rankings at its next query, without a full rebuild.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.matching import (Context, Explanation, MatchIndex, Policy, TradeCatalogue, VacancyRecord,
                                 WorkerRecord)
from matchmaker.matching.errors import UnknownRecord
from matchmaker.models import (MatchingChange, OrderClass, OrderClassStudent, Pairing, Park,
                               ParkSchoolLink, PolicySetting, Referral, Region, Trade, TradeAlias, Vacancy,
                               VacancyTrade, Village, Worker)
from matchmaker.models.referrals import ACTIVE_REFERRAL_STATUSES
from matchmaker.models.changes import CHANGE_KINDS

_lock = threading.RLock()


@dataclass
class _State:
    index: MatchIndex
    catalogue: TradeCatalogue
    seen: int  # the last MatchingChange.id applied


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


def _worker_records(ids=None) -> list[WorkerRecord]:
    query = select(Worker).options(selectinload(Worker.home_region), selectinload(Worker.skills),
                                   selectinload(Worker.certificates), selectinload(Worker.trainings))
    if ids is not None:
        query = query.where(Worker.id.in_(ids))
    codes = dict(db.session.execute(select(Trade.id, Trade.code)).all())
    out = []
    for w in db.session.scalars(query):
        if w.anonymised_at is not None:
            continue
        out.append(WorkerRecord(
            id=w.id, birth_date=w.birth_date, sex=w.sex, status=w.status, education=w.education,
            village_code=w.home_region.code, lon=w.home_region.longitude, lat=w.home_region.latitude,
            radius=w.radius, willing_to_train=w.willing_to_train, poor_household=w.poor_household,
            no_employed_member=w.no_employed_member, school_id=w.school_id,
            skills=[(codes[s.trade_id], s.level) for s in w.skills],
            certificates=[(codes[c.trade_id], c.level) for c in w.certificates],
            trainings=[(codes[t.trade_id], t.completed) for t in w.trainings if t.trade_id is not None]))
    return out


def _vacancy_records(ids=None) -> list[VacancyRecord]:
    query = select(Vacancy).options(selectinload(Vacancy.site_county), selectinload(Vacancy.site_park),
                                    selectinload(Vacancy.trades).selectinload(VacancyTrade.trade))
    if ids is not None:
        query = query.where(Vacancy.id.in_(ids))
    out = []
    for v in db.session.scalars(query):
        lon = v.longitude if v.longitude is not None else v.site_county.longitude
        lat = v.latitude if v.latitude is not None else v.site_county.latitude
        out.append(VacancyRecord(
            id=v.id, enterprise_id=v.enterprise_id, lon=lon, lat=lat, county_code=v.site_county.code,
            park_code=v.site_park.code if v.site_park else None,
            required=[(t.trade.code, t.min_level) for t in v.trades], headcount=v.headcount,
            age_min=v.age_min, age_max=v.age_max, min_education=v.min_education, training_mode=v.training_mode,
            housing=v.housing, reserved_for_paired=v.reserved_for_paired, status=v.status))
    return out


# --- the per-process index ----------------------------------------------------------------------------------

def _build() -> _State:
    seen = db.session.scalar(select(func.max(MatchingChange.id))) or 0
    catalogue = load_catalogue()
    index = MatchIndex.build(catalogue, _worker_records(), _vacancy_records(), load_policy(), load_context())
    return _State(index=index, catalogue=catalogue, seen=seen)


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
    state.seen = changes[-1][0]
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


def current() -> _State:
    """The index, fresh with every change committed so far (one small indexed query when nothing changed)."""
    global _state
    with _lock:
        if _state is None:
            _state = _build()
            return _state
        changes = db.session.execute(select(MatchingChange.id, MatchingChange.kind, MatchingChange.object_id)
                                     .where(MatchingChange.id > _state.seen).order_by(MatchingChange.id)).all()
        if changes:
            _state = _apply(_state, [tuple(c) for c in changes])
        return _state


def reset() -> None:
    """Forget the index (tests, and after a database restore); the next query rebuilds it."""
    global _state
    with _lock:
        _state = None


def explain(worker_id: int, vacancy_id: int, statuses=("available", "nominated")) -> Explanation:
    return current().index.explain(worker_id, vacancy_id, statuses=statuses)
