"""Rankings as users see them: a vacancy's candidates for its enterprise, a seeker's recommended vacancies.

The engine ranks; this module checks who may ask, applies the filters users choose, and joins the ranked ids to
the rows a page needs in one query each (no per-row loading)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from matchmaker.extensions import db
from matchmaker.matching import Explanation
from matchmaker.matching.errors import UnknownRecord
from matchmaker.models import User, Vacancy, Worker
from matchmaker.models.workers import BROWSING_STATUSES
from matchmaker.services import matching, regions, vacancies
from matchmaker.services import rows as plain
from matchmaker.services.errors import DomainError
from matchmaker.services.paging import Pager
from matchmaker.services.permissions import load_for
from matchmaker.services.workers import age_on


@dataclass
class CandidateFilters:
    county: str = ""
    zone: str = ""
    max_km: float | None = None
    paired_only: bool = False
    min_level: int | None = None  # a skill or certificate at this level or higher in a required trade


@dataclass(frozen=True, slots=True)
class CandidateWorker:
    """A ranked worker as the enterprise sees one before any referral, read as plain values (50 Worker objects a
    page cost more than ranking them). ``name`` holds the first character only: the full name, the ID number and
    the phone are never read for this page, so no template or serializer can show them by mistake."""
    id: int
    name: str
    sex: str
    education: int
    birth_date: date
    home_region_id: int


@dataclass
class RankedCandidate:
    worker: CandidateWorker
    age: int
    home: regions.HomePlace
    explanation: Explanation


@dataclass
class RankedVacancy:
    vacancy: Vacancy
    explanation: Explanation


@dataclass
class CandidateList(Pager):
    vacancy: Vacancy
    rows: list[RankedCandidate] = field(default_factory=list)
    offset: int = 0  # rank of the first row, from 0
    has_more: bool = False  # the ranking goes on past these rows
    requires_trades: bool = False  # the vacancy names trades, so a minimum skill level can filter its candidates
    per_page: int = 50
    pages = None  # a ranking's length is not known without ranking it all: the pager shows no total

    @property
    def page(self) -> int:
        return self.offset // self.per_page + 1

    @property
    def has_next(self) -> bool:
        return self.has_more


# Run for every page of candidates, so built once (see notifications._UNREAD_COUNT).
_WORKERS = (select(Worker.id, func.substr(Worker.name, 1, 1), Worker.sex, Worker.education, Worker.birth_date,
                   Worker.home_region_id)
            .where(Worker.id.in_(bindparam("ids", expanding=True))))

#: how deep a ranking may be read (pages of candidates); the engine's cost grows with it
RANK_DEPTH_MAX = 500


def candidates_for(actor: User, vacancy_id: int, filters: CandidateFilters, k: int = 50,
                   offset: int = 0) -> CandidateList:
    """Candidates ranked ``offset`` to ``offset + k`` for one of the actor's vacancies, best first (ties: lower
    worker id first); only these rows are loaded and explained."""
    vacancy = load_for(actor, Vacancy, vacancy_id, "edit")
    if filters.max_km is not None and not 0 < filters.max_km <= 5000:
        raise DomainError(_("距离应在 1 到 5000 公里之间。"), "max_km")
    if filters.min_level is not None and not 1 <= filters.min_level <= 5:
        raise DomainError(_("技能等级应为 1 到 5 级。"), "min_level")
    state = matching.current()
    # From the index, which holds the vacancy's trades: loading them for the filters cost a tenth of the page.
    requires_trades = bool(state.index.vacancy_record(vacancy.id).required)
    if offset >= RANK_DEPTH_MAX:  # past the deepest page: nothing, as past the last
        return CandidateList(vacancy=vacancy, offset=offset, per_page=k, requires_trades=requires_trades)
    per_page, k = k, min(k, RANK_DEPTH_MAX - offset)
    ranked = state.rank_workers(
        vacancy.id, k=offset + k + 1, counties=(filters.county,) if filters.county else None,
        zones=(filters.zone,) if filters.zone else None, max_km=filters.max_km, paired_only=filters.paired_only,
        min_level=filters.min_level)
    has_more = len(ranked) > offset + k and offset + k < RANK_DEPTH_MAX
    ids = ranked[offset:offset + k]
    workers = {row[0]: CandidateWorker(*row) for row in plain.rows(_WORKERS, {"ids": ids})}
    today = date.today()
    ids = [i for i in ids if i in workers]
    explanations = state.explain_many(ids, [vacancy.id] * len(ids))
    rows = [RankedCandidate(workers[i], age_on(workers[i].birth_date, today),
                            regions.home_place(workers[i].home_region_id), explanation)
            for i, explanation in zip(ids, explanations)]
    return CandidateList(vacancy=vacancy, rows=rows, offset=offset, has_more=has_more, per_page=per_page,
                         requires_trades=requires_trades)


def vacancies_for(actor: User, k: int = 20) -> list[RankedVacancy]:
    """Open vacancies ranked for the seeker's own ledger record (empty until the record is linked)."""
    if actor.role != "seeker" or actor.worker_id is None:
        return []
    state = matching.current()
    try:
        ranked = state.rank_vacancies(actor.worker_id, k=k, statuses=BROWSING_STATUSES)
    except UnknownRecord:  # the record was anonymised: nothing left to rank on
        return []
    rows = {v.id: v for v in db.session.scalars(vacancies.listed(select(Vacancy).where(Vacancy.id.in_(ranked))))}
    ids = [i for i in ranked if i in rows]
    explanations = state.explain_many([actor.worker_id] * len(ids), ids, statuses=BROWSING_STATUSES)
    return [RankedVacancy(rows[i], explanation) for i, explanation in zip(ids, explanations)]
