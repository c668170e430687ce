"""一企一村 pairings: an enterprise proposes to a village (or a village's coordinator to an enterprise), the other
party accepts or declines, either party sets the annual target, logs activities and ends the pairing. Per
pairing: nominated, hired and still employed at 6 months, against the target, by aggregate queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.models import (Enterprise, FollowUp, Pairing, PairingActivity, Placement, Referral, Region, User,
                               Vacancy, Village, Worker)
from matchmaker.models.pairings import ACTIVITY_KINDS
from matchmaker.orm import utcnow
from matchmaker.services import audit, matching, notifications
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from matchmaker.services.permissions import load_for

PARTY_ROLES = ("enterprise", "coordinator")
PROVINCE_PREFIX = "44"  # 广东省
SEARCH_LIMIT = 20
MAX_TARGET = 100_000
MAX_PEOPLE = 1_000_000
MAX_NOTES = 1000
FIRST_STATS_YEAR = 2016  # the earliest year the stats selector offers


def _require_party(actor: User) -> None:
    if actor is None or actor.role not in PARTY_ROLES:
        raise Forbidden(_("只有企业和村级协调员可以办理一企一村结对。"))


def _load(actor: User, pairing_id: int) -> Pairing:
    _require_party(actor)
    return load_for(actor, Pairing, pairing_id, "edit")


def _proposer_role(pairing: Pairing) -> str | None:
    if pairing.proposed_by_id is None:
        return None
    return db.session.scalar(select(User.role).where(User.id == pairing.proposed_by_id))


# --- finding the other party ----------------------------------------------------------------------------------

def search_candidates(actor: User, q: str) -> list:
    """Villages by name in the province (for an enterprise), or enterprises by name (for a coordinator)."""
    _require_party(actor)
    q = (q or "").strip()[:40]
    if not q:
        return []
    if actor.role == "enterprise":
        return list(db.session.scalars(
            select(Village).join(Region, Village.region_id == Region.id)
            .where(Region.name.contains(q, autoescape=True), Region.code.startswith(PROVINCE_PREFIX))
            .options(selectinload(Village.region)).order_by(Region.code).limit(SEARCH_LIMIT)))
    return list(db.session.scalars(
        select(Enterprise).where(Enterprise.name.contains(q, autoescape=True))
        .options(selectinload(Enterprise.county)).order_by(Enterprise.name, Enterprise.id).limit(SEARCH_LIMIT)))


# --- the pairing's life ---------------------------------------------------------------------------------------

def propose(actor: User, other_id: int) -> Pairing:
    """An enterprise proposes to a village (Village id); a coordinator to an enterprise (Enterprise id).
    A declined or ended pair may be proposed again: the same row starts over."""
    _require_party(actor)
    if not other_id:
        raise DomainError(_("请选择要结对的村或企业。"), "other_id")
    if actor.role == "enterprise":
        enterprise_id, village = actor.enterprise_id, db.session.get(Village, other_id)
        if village is None:
            raise NotFound(_("找不到该村。"))
        village_id = village.id
    else:
        village_id, enterprise = actor.village_id, db.session.get(Enterprise, other_id)
        if enterprise is None:
            raise NotFound(_("找不到该企业。"))
        enterprise_id = enterprise.id
    pairing = db.session.scalar(select(Pairing).where(Pairing.enterprise_id == enterprise_id,
                                                      Pairing.village_id == village_id))
    if pairing is not None and pairing.status in ("proposed", "active"):
        raise DomainError(_("双方已结对或已有待确认的结对申请。"), "other_id")
    if pairing is None:
        pairing = Pairing(enterprise_id=enterprise_id, village_id=village_id)
        db.session.add(pairing)
    pairing.status = "proposed"
    pairing.proposed_by_id = actor.id
    pairing.proposed_at = utcnow()
    pairing.approved_by_id = None
    pairing.approved_at = None
    pairing.ended_at = None
    db.session.flush()
    audit.record(actor, "pairing.propose", "pairing", pairing.id, enterprise_id=enterprise_id, village_id=village_id)
    notifications.pairing_changed(actor, pairing, "pairing_proposed")
    db.session.commit()
    return pairing


def _answer(actor: User, pairing_id: int, accept: bool) -> Pairing:
    pairing = _load(actor, pairing_id)
    if pairing.status != "proposed":
        raise DomainError(_("该结对申请已处理。"))
    if _proposer_role(pairing) == actor.role:
        raise Forbidden(_("结对申请须由对方确认。"))
    if accept:
        pairing.status = "active"
        pairing.approved_by_id = actor.id
        pairing.approved_at = utcnow()
        matching.note_change("context")
    else:
        pairing.status = "declined"
    audit.record(actor, "pairing.accept" if accept else "pairing.decline", "pairing", pairing.id)
    notifications.pairing_changed(actor, pairing, "pairing_accepted" if accept else "pairing_declined")
    db.session.commit()
    return pairing


def accept(actor: User, pairing_id: int) -> Pairing:
    return _answer(actor, pairing_id, True)


def decline(actor: User, pairing_id: int) -> Pairing:
    return _answer(actor, pairing_id, False)


def end(actor: User, pairing_id: int) -> Pairing:
    """Either party ends an active pairing (or withdraws a proposal it made)."""
    pairing = _load(actor, pairing_id)
    if pairing.status == "proposed" and _proposer_role(pairing) == actor.role:
        pairing.status = "ended"
    elif pairing.status == "active":
        pairing.status = "ended"
        matching.note_change("context")
    else:
        raise DomainError(_("只有进行中的结对可以结束。"))
    pairing.ended_at = utcnow()
    audit.record(actor, "pairing.end", "pairing", pairing.id)
    db.session.commit()
    return pairing


def set_target(actor: User, pairing_id: int, annual_target: int | None) -> Pairing:
    pairing = _load(actor, pairing_id)
    if pairing.status not in ("proposed", "active"):
        raise DomainError(_("已结束的结对不能修改年度目标。"))
    if annual_target is None or not 0 <= annual_target <= MAX_TARGET:
        raise DomainError(_("年度目标人数应为 0 到 %(n)s 之间的整数。", n=MAX_TARGET), "annual_target")
    old = pairing.annual_target
    pairing.annual_target = annual_target
    audit.record(actor, "pairing.target", "pairing", pairing.id, old=old, new=annual_target)
    db.session.commit()
    return pairing


def log_activity(actor: User, pairing_id: int, kind: str, held_on: date | None, people_reached: int | None,
                 notes: str = "") -> PairingActivity:
    pairing = _load(actor, pairing_id)
    if pairing.status != "active":
        raise DomainError(_("只有进行中的结对可以登记活动。"))
    if kind not in ACTIVITY_KINDS:
        raise DomainError(_("请选择活动类型。"), "kind")
    if held_on is None:
        raise DomainError(_("请填写活动日期。"), "held_on")
    if held_on > date.today():
        raise DomainError(_("活动日期不能晚于今天。"), "held_on")
    if people_reached is None or not 0 <= people_reached <= MAX_PEOPLE:
        raise DomainError(_("覆盖人数应为 0 到 %(n)s 之间的整数。", n=MAX_PEOPLE), "people_reached")
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise DomainError(_("备注不能超过 %(n)s 字。", n=MAX_NOTES), "notes")
    activity = PairingActivity(pairing_id=pairing.id, kind=kind, held_on=held_on, people_reached=people_reached,
                               notes=notes, created_by_id=actor.id)
    db.session.add(activity)
    db.session.flush()
    audit.record(actor, "pairing.activity", "pairing", pairing.id, activity_id=activity.id, kind=kind)
    db.session.commit()
    return activity


# --- what the pages show --------------------------------------------------------------------------------------

def pairings_of(actor: User) -> list[Pairing]:
    _require_party(actor)
    query = select(Pairing).options(selectinload(Pairing.enterprise), selectinload(Pairing.village)
                                    .selectinload(Village.region))
    if actor.role == "enterprise":
        query = query.where(Pairing.enterprise_id == actor.enterprise_id)
    else:
        query = query.where(Pairing.village_id == actor.village_id)
    return list(db.session.scalars(query.order_by(Pairing.proposed_at.desc(), Pairing.id.desc())))


@dataclass
class Groups:
    to_answer: list[Pairing]
    active: list[Pairing]
    mine: list[Pairing]
    ended: list[Pairing]


def grouped(actor: User) -> Groups:
    """The actor's pairings: proposals to answer, active, proposed by the actor's side, declined or ended."""
    rows = pairings_of(actor)
    ids = {p.proposed_by_id for p in rows if p.proposed_by_id}
    roles = dict(db.session.execute(select(User.id, User.role).where(User.id.in_(ids))).all()) if ids else {}
    groups = Groups([], [], [], [])
    for p in rows:
        if p.status == "active":
            groups.active.append(p)
        elif p.status == "proposed":
            (groups.mine if roles.get(p.proposed_by_id) == actor.role else groups.to_answer).append(p)
        else:
            groups.ended.append(p)
    return groups


@dataclass
class Stats:
    nominated: int = 0
    hired: int = 0
    retained_6m: int = 0
    target: int = 0
    year: int | None = None

    @property
    def progress(self) -> float | None:
        """Hires against the annual target (only meaningful for one year)."""
        return self.hired / self.target if self.target and self.year is not None else None


def _year_bounds(year: int) -> tuple[date, date, datetime, datetime]:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    return start, end, datetime(year, 1, 1, tzinfo=timezone.utc), datetime(year + 1, 1, 1, tzinfo=timezone.utc)


def stats_many(pairings: list[Pairing], year: int | None = None) -> dict[int, Stats]:
    """Per pairing: referrals of the village's workers to the enterprise's vacancies, placements of those workers
    with the enterprise, and 6-month follow-ups still employed — three grouped queries for any number of pairs.
    With a year: referrals made that year, placements started that year, and of those placements the ones still
    employed at their 6-month follow-up (the year's cohort), against the annual target."""
    if not pairings:
        return {}
    regions = dict(db.session.execute(select(Village.id, Village.region_id)
                                      .where(Village.id.in_({p.village_id for p in pairings}))).all())
    enterprise_ids = {p.enterprise_id for p in pairings}
    region_ids = set(regions.values())
    referral_when, placement_when = [], []
    if year is not None:
        start, end, start_at, end_at = _year_bounds(year)
        referral_when = [Referral.created_at >= start_at, Referral.created_at < end_at]
        placement_when = [Placement.start_date >= start, Placement.start_date < end]
    nominated = dict(((e, r), n) for e, r, n in db.session.execute(
        select(Vacancy.enterprise_id, Worker.home_region_id, func.count(Referral.id))
        .join(Vacancy, Referral.vacancy_id == Vacancy.id).join(Worker, Referral.worker_id == Worker.id)
        .where(Vacancy.enterprise_id.in_(enterprise_ids), Worker.home_region_id.in_(region_ids), *referral_when)
        .group_by(Vacancy.enterprise_id, Worker.home_region_id)))
    hired = dict(((e, r), n) for e, r, n in db.session.execute(
        select(Placement.enterprise_id, Worker.home_region_id, func.count(Placement.id))
        .join(Worker, Placement.worker_id == Worker.id)
        .where(Placement.enterprise_id.in_(enterprise_ids), Worker.home_region_id.in_(region_ids), *placement_when)
        .group_by(Placement.enterprise_id, Worker.home_region_id)))
    retained = dict(((e, r), n) for e, r, n in db.session.execute(
        select(Placement.enterprise_id, Worker.home_region_id, func.count(FollowUp.id))
        .join(Placement, FollowUp.placement_id == Placement.id).join(Worker, Placement.worker_id == Worker.id)
        .where(Placement.enterprise_id.in_(enterprise_ids), Worker.home_region_id.in_(region_ids),
               FollowUp.due_month == 6, FollowUp.still_employed.is_(True), *placement_when)
        .group_by(Placement.enterprise_id, Worker.home_region_id)))
    out = {}
    for p in pairings:
        key = (p.enterprise_id, regions.get(p.village_id))
        out[p.id] = Stats(nominated.get(key, 0), hired.get(key, 0), retained.get(key, 0), p.annual_target or 0, year)
    return out


def stats(pairing: Pairing, year: int | None = None) -> Stats:
    return stats_many([pairing], year)[pairing.id]


def stats_year(raw) -> int:
    """The year a stats page asks for: a whole number from FIRST_STATS_YEAR to this year, else this year."""
    this_year = date.today().year
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return this_year
    return year if FIRST_STATS_YEAR <= year <= this_year else this_year


def stats_years() -> list[int]:
    """The years a selector offers, newest first."""
    return list(range(date.today().year, FIRST_STATS_YEAR - 1, -1))


def activities(actor: User, pairing_id: int) -> tuple[Pairing, list[PairingActivity]]:
    pairing = _load(actor, pairing_id)
    rows = list(db.session.scalars(select(PairingActivity).where(PairingActivity.pairing_id == pairing.id)
                                   .order_by(PairingActivity.held_on.desc(), PairingActivity.id.desc())))
    return pairing, rows
