"""Rankings as users see them: a vacancy's candidates for its enterprise, a seeker's recommended vacancies.

The engine ranks; this module checks who may ask, applies the filters users choose, and joins the ranked ids to
the rows a page needs in one query each (no per-row loading)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.matching import Explanation
from matchmaker.matching.errors import UnknownRecord
from matchmaker.models import Region, User, Vacancy, VacancyTrade, Worker
from matchmaker.services import matching
from matchmaker.services.errors import DomainError
from matchmaker.services.permissions import load_for
from matchmaker.services.workers import age_on


@dataclass
class CandidateFilters:
    county: str = ""
    zone: str = ""
    max_km: float | None = None
    paired_only: bool = False


@dataclass
class RankedCandidate:
    worker: Worker
    age: int
    explanation: Explanation


@dataclass
class RankedVacancy:
    vacancy: Vacancy
    explanation: Explanation


@dataclass
class CandidateList:
    vacancy: Vacancy
    rows: list[RankedCandidate] = field(default_factory=list)


def candidates_for(actor: User, vacancy_id: int, filters: CandidateFilters, k: int = 50) -> CandidateList:
    """The best candidates for one of the actor's vacancies, best first (ties: lower worker id first)."""
    vacancy = load_for(actor, Vacancy, vacancy_id, "edit")
    if filters.max_km is not None and not 0 < filters.max_km <= 5000:
        raise DomainError(_("距离应在 1 到 5000 公里之间。"), "max_km")
    state = matching.current()
    ranking = state.index.rank_workers(
        vacancy.id, k=k, counties=[filters.county] if filters.county else None,
        zones=[filters.zone] if filters.zone else None, max_km=filters.max_km, paired_only=filters.paired_only)
    ids = [int(i) for i in ranking.ids]
    workers = {w.id: w for w in db.session.scalars(
        select(Worker).where(Worker.id.in_(ids))
        .options(selectinload(Worker.home_region).selectinload(Region.parent).selectinload(Region.parent)))}
    today = date.today()
    rows = [RankedCandidate(workers[i], age_on(workers[i].birth_date, today), state.index.explain(i, vacancy.id))
            for i in ids if i in workers]
    return CandidateList(vacancy=vacancy, rows=rows)


def vacancies_for(actor: User, k: int = 20) -> list[RankedVacancy]:
    """Open vacancies ranked for the seeker's own ledger record (empty until the record is linked)."""
    if actor.role != "seeker" or actor.worker_id is None:
        return []
    state = matching.current()
    try:
        ranking = state.index.rank_vacancies(actor.worker_id, k=k, statuses=("available", "nominated", "employed",
                                                                              "not_seeking"))
    except UnknownRecord:  # the record was anonymised: nothing left to rank on
        return []
    ids = [int(i) for i in ranking.ids]
    vacancies = {v.id: v for v in db.session.scalars(
        select(Vacancy).where(Vacancy.id.in_(ids))
        .options(selectinload(Vacancy.enterprise), selectinload(Vacancy.site_county),
                 selectinload(Vacancy.site_park), selectinload(Vacancy.trades).selectinload(VacancyTrade.trade)))}
    return [RankedVacancy(vacancies[i], state.index.explain(actor.worker_id, i,
                                                            statuses=("available", "nominated", "employed",
                                                                      "not_seeking")))
            for i in ids if i in vacancies]
