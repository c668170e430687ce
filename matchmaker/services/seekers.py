"""The job seeker's own use cases: a record of their own (source 'self'), their profile in short steps, and the
open vacancies searched, filtered and ranked for them.

Editing goes through services/workers.py (the same validation, version check, audit and note_change as the
coordinator's ledger edits); this module only says which fields each step changes and checks the record is the
seeker's own (load_for: a seeker may see and edit only their own worker record)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from matchmaker.extensions import db
from matchmaker.matching import Explanation
from matchmaker.matching.errors import MatchingInputError, UnknownRecord
from matchmaker.models import Referral, Region, Trade, User, Vacancy, VacancyTrade, Worker
from matchmaker.models.referrals import ACTIVE_REFERRAL_STATUSES
from matchmaker.models.workers import BROWSING_STATUSES, RADII
from matchmaker.services import audit, ledger_links, matching, regions, vacancies, workers
from matchmaker.services import rows as plain
from matchmaker.services.errors import DomainError, Forbidden, refused_on_conflict
from matchmaker.services.paging import ResultPage
from matchmaker.services.permissions import load_for

PROFILE_STEPS = ("skills", "certificates", "training", "where", "wage", "availability")
MAX_WAGE = 100000


def _seeker(actor: User) -> User:
    if actor is None or actor.role != "seeker":
        raise Forbidden(_("您无权进行此操作。"))
    return actor


def own_record(actor: User) -> Worker | None:
    """The seeker's linked worker record, or None while unlinked."""
    _seeker(actor)
    return load_for(actor, Worker, actor.worker_id) if actor.worker_id is not None else None


# Run for every seeker's home page, so built once (see notifications._UNREAD_COUNT).
_HOME_REGION = select(Worker.home_region_id).where(Worker.id == bindparam("worker_id"))


def home_place(actor: User) -> regions.HomePlace | None:
    """Where the seeker's linked record is registered (None while unlinked), without loading the record."""
    _seeker(actor)
    if actor.worker_id is None:
        return None
    region_id = plain.value(_HOME_REGION, {"worker_id": actor.worker_id})
    return regions.home_place(region_id) if region_id is not None else None


# --- a record of one's own -----------------------------------------------------------------------------------

def create_own_record(actor: User, village_code: str, entry: workers.LedgerEntry) -> Worker:
    """A seeker with no ledger record adds themselves to their home village's ledger (source 'self'), with the
    same checks as a coordinator's entry. An ID number already on file links nothing: the seeker is told to ask
    their village, and not whose or where the record is."""
    _seeker(actor)
    if actor.worker_id is not None:
        raise DomainError(_("您的账号已与台账记录关联。"))
    if ledger_links.pending_of(actor) is not None:
        raise DomainError(_("您已申请由村协调员关联台账记录，请等待处理，或先撤回该申请。"))
    village = ledger_links.village_by_code(village_code)
    id_number, _birth, _sex, _phone = workers.validate_entry(entry)
    if workers.find_by_id_number(id_number) is not None:
        raise DomainError(_("该身份证号已有台账记录，不能重复登记。请向户籍所在村申请关联，由协调员核实身份后为您关联。"),
                          "id_number")
    worker = workers.new_worker(actor, entry, village.region_id, source="self")
    actor.worker_id = worker.id
    audit.record(actor, "worker.create", "worker", worker.id, village_id=village.id, source="self")
    matching.note_change("worker", worker.id)
    # The same ID number saved a moment ago, or the account linked meanwhile: unique keys caught it.
    with refused_on_conflict(_("该身份证号已有台账记录，不能重复登记。请向户籍所在村申请关联，由协调员核实身份后为您关联。"),
                             "id_number"):
        db.session.commit()
    return worker


# --- the profile, one short step at a time -------------------------------------------------------------------

def _profile_of(worker: Worker) -> workers.Profile:
    """The record's current intention, so a step changes only its own fields."""
    return workers.Profile(phone="", education=worker.education, radius=worker.radius, min_wage=worker.min_wage,
                           willing_to_train=worker.willing_to_train, available_from=worker.available_from,
                           poor_household=worker.poor_household, no_employed_member=worker.no_employed_member)


def _mine(actor: User, worker_id: int) -> Worker:
    _seeker(actor)
    return workers.worker_for_edit(actor, worker_id)


def set_radius(actor: User, worker_id: int, version, radius: str, willing_to_train: bool) -> Worker:
    worker = _mine(actor, worker_id)
    if radius not in RADII:
        raise DomainError(_("请选择意向就业范围。"), "radius")
    profile = replace(_profile_of(worker), radius=radius, willing_to_train=bool(willing_to_train))
    return workers.update_profile(actor, worker_id, version, profile)


def set_min_wage(actor: User, worker_id: int, version, min_wage: int | None) -> Worker:
    worker = _mine(actor, worker_id)
    return workers.update_profile(actor, worker_id, version, replace(_profile_of(worker), min_wage=min_wage))


def set_availability(actor: User, worker_id: int, version, available_from: date | None, seeking: bool) -> Worker:
    """When the seeker can start, and whether they are looking at all (暂不求职). Both or neither change."""
    worker = _mine(actor, worker_id)
    if available_from is not None and available_from.year < 2000:
        raise DomainError(_("日期格式不正确。"), "available_from")
    change_status = seeking != (worker.status != "not_seeking")
    if change_status and not seeking and worker.status != "available":
        # Checked before anything is saved, so the date is not saved without the status.
        raise DomainError(_("您有进行中的申请或已就业，暂不能标记为暂不求职；可先在“我的申请”中撤回。"), "seeking")
    worker = workers.update_profile(actor, worker_id, version,
                                    replace(_profile_of(worker), available_from=available_from))
    if change_status:
        worker = workers.set_seeking(actor, worker_id, worker.version, seeking)
    return worker


def step_done(worker: Worker) -> dict[str, bool]:
    """Which steps hold something, for the step list's ticks."""
    return {"skills": bool(worker.skills), "certificates": bool(worker.certificates),
            "training": bool(worker.trainings), "where": bool(worker.radius), "wage": worker.min_wage is not None,
            "availability": worker.available_from is not None or worker.status == "not_seeking"}


# --- vacancies: search, filters, ranking ---------------------------------------------------------------------

@dataclass
class VacancyFilters:
    trade_code: str = ""   # chosen in the picker
    trade_text: str = ""   # typed; normalised to a trade when no code was chosen
    county: str = ""       # county region code
    min_wage: int | None = None
    housing: bool = False
    training: bool = False

    @property
    def active(self) -> bool:
        return bool(self.trade_code or self.trade_text.strip() or self.county or self.min_wage is not None
                    or self.housing or self.training)


@dataclass
class RankedVacancy:
    vacancy: vacancies.ListedVacancy
    explanation: Explanation


def resolve_trade(filters: VacancyFilters) -> Trade | None:
    """The trade a filter means: the picker's code, else the typed name (电焊 → 焊工), else a clear refusal."""
    code, typed = (filters.trade_code or "").strip(), (filters.trade_text or "").strip()
    if not code and not typed:
        return None
    catalogue = matching.current().catalogue
    if code not in catalogue:
        found = catalogue.normalise(typed)
        if found.code is None:
            names = "、".join(dict.fromkeys(name for _code, name, _score in found.candidates[:5]))
            raise DomainError(_("工种“%(text)s”无法识别，您是否要找：%(names)s？", text=typed[:40], names=names)
                              if names else _("工种“%(text)s”无法识别，请换一种说法，例如“焊工”“电工”。", text=typed[:40]),
                              "trade")
        code = found.code
    trade = db.session.scalar(select(Trade).where(Trade.code == code))
    if trade is None:
        raise DomainError(_("工种“%(text)s”无法识别。", text=typed[:40] or code), "trade")
    return trade


def _check(filters: VacancyFilters) -> Region | None:
    if filters.min_wage is not None and not 0 <= filters.min_wage <= MAX_WAGE:
        raise DomainError(_("期望最低月薪应在 0 到 100000 元之间。"), "min_wage")
    if not filters.county:
        return None
    county = db.session.scalar(select(Region).where(Region.code == filters.county, Region.level == "county"))
    if county is None:
        raise DomainError(_("请选择县（市、区）。"), "county")
    return county


def _filtered(query, filters: VacancyFilters, trade: Trade | None, county: Region | None):
    if trade is not None:
        query = query.where(Vacancy.trades.any(VacancyTrade.trade_id == trade.id))
    if county is not None:
        query = query.where(Vacancy.site_county_id == county.id)
    if filters.min_wage is not None:
        query = query.where(Vacancy.wage_max >= filters.min_wage)
    if filters.housing:
        query = query.where(Vacancy.housing.is_(True))
    if filters.training:
        query = query.where(Vacancy.training_mode != "none")
    return query


def search_by_date(filters: VacancyFilters, page: int, per_page: int = 20):
    """Open vacancies matching the filters, newest first: the plain order every seeker can choose."""
    trade, county = resolve_trade(filters), _check(filters)
    query = _filtered(vacancies.LISTED.where(Vacancy.status == "open"), filters, trade, county)
    query = query.order_by(Vacancy.published_at.desc(), Vacancy.id.desc())
    return vacancies.page_of_open(query, page, per_page, filters_key=(
        trade.id if trade else None, county.id if county else None, filters.min_wage, filters.housing,
        filters.training))


def search_ranked(actor: User, filters: VacancyFilters, page: int, per_page: int = 10,
                  pool: int = 200) -> ResultPage:
    """Open vacancies ranked for the seeker's own record, best first, with the filters applied: trade, county,
    housing and training by the engine, the minimum wage on the best `pool` it returns. Empty while the account
    is unlinked."""
    _seeker(actor)
    trade, county = resolve_trade(filters), _check(filters)
    page = max(1, page)
    if actor.worker_id is None:
        return ResultPage([], page, per_page, 0)
    state = matching.current()
    try:
        ids = state.rank_vacancies(
            actor.worker_id, k=pool, statuses=BROWSING_STATUSES,
            counties=(county.code[:6],) if county is not None else None,
            trades=(trade.code,) if trade is not None else None, with_housing=filters.housing,
            with_training=filters.training)
    except UnknownRecord:  # the record was anonymised: nothing left to rank on
        return ResultPage([], page, per_page, 0)
    if not ids:
        return ResultPage([], page, per_page, 0)
    if filters.min_wage is not None:  # the one filter the engine cannot apply: wages are not in the index
        query = _filtered(select(Vacancy.id).where(Vacancy.id.in_(ids), Vacancy.status == "open"), filters, trade,
                          county)
        kept = set(db.session.scalars(query))
        ordered = [i for i in ids if i in kept]
    else:  # the engine has applied every filter (and ranks open vacancies only): no query of 200 ids
        ordered = ids
    shown = ordered[(page - 1) * per_page: page * per_page]
    rows = {v.id: v for v in vacancies.load_listed(vacancies.LISTED_OPEN_BY_IDS, {"ids": shown})} if shown else {}
    shown = [i for i in shown if i in rows]
    explanations = state.explain_many([actor.worker_id] * len(shown), shown, statuses=BROWSING_STATUSES)
    items = [RankedVacancy(rows[i], explanation) for i, explanation in zip(shown, explanations)]
    return ResultPage(items, page, per_page, len(ordered))


def counties_with_vacancies() -> list[tuple[str, str]]:
    """(code, "city county") of every county with an open vacancy, for the county filter; the matching index
    holds every open vacancy with its county, so no query scans the vacancies for them."""
    try:
        codes = matching.open_vacancy_counties()
    except MatchingInputError:  # no index before `flask seed` loads the trades; no counties to offer either
        return []
    return regions.county_options(set(codes))


@dataclass
class VacancyView:
    vacancy: Vacancy
    explanation: Explanation | None
    referral: Referral | None  # the seeker's own latest application or nomination for it


def vacancy_for(actor: User, vacancy_id: int) -> VacancyView:
    """One published vacancy as a seeker sees it: with their score and reasons once linked, and their own
    referral for it (to follow or withdraw)."""
    _seeker(actor)
    vacancy = load_for(actor, Vacancy, vacancy_id)
    explanation, referral = None, None
    if actor.worker_id is not None:
        try:
            explanation = matching.explain(actor.worker_id, vacancy.id, statuses=BROWSING_STATUSES)
        except UnknownRecord:
            explanation = None
        referral = db.session.scalar(
            select(Referral).where(Referral.worker_id == actor.worker_id, Referral.vacancy_id == vacancy.id)
            .order_by(Referral.status.in_(ACTIVE_REFERRAL_STATUSES).desc(), Referral.id.desc()).limit(1))
    return VacancyView(vacancy, explanation, referral)
