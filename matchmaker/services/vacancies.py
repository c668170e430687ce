"""Vacancies: browsing what is open."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.models import Vacancy, VacancyTrade


def open_vacancies_page(page: int, per_page: int = 20):
    """Open vacancies, newest first: the plain, non-personalised order every seeker can choose (PIPL Art. 24)."""
    query = (select(Vacancy).where(Vacancy.status == "open")
             .options(selectinload(Vacancy.enterprise), selectinload(Vacancy.site_county),
                      selectinload(Vacancy.site_park), selectinload(Vacancy.trades).selectinload(VacancyTrade.trade))
             .order_by(Vacancy.published_at.desc(), Vacancy.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
