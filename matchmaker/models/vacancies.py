"""Vacancies posted by enterprises, with their required trades."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.orm import in_list, utcnow
from matchmaker.models.orgs import Enterprise
from matchmaker.models.regions import Park, Region, Trade

VACANCY_STATUSES = ("draft", "open", "filled", "closed")
VACANCY_TRAINING = ("none", "train_then_work", "work_then_train", "order", "reserve")


class Vacancy(db.Model):
    __tablename__ = "vacancy"
    __table_args__ = (
        CheckConstraint(in_list("status", VACANCY_STATUSES), name="status"),
        CheckConstraint(in_list("training_mode", VACANCY_TRAINING), name="training_mode"),
        CheckConstraint("headcount > 0", name="headcount"),
        # The guard against over-hiring lives in the database too, not only in the service.
        CheckConstraint("filled >= 0 AND filled <= headcount", name="filled"),
        CheckConstraint("wage_min >= 0 AND wage_max >= wage_min", name="wage"),
        CheckConstraint("age_min >= 16 AND age_max >= age_min AND age_max <= 70", name="age"),
        CheckConstraint("min_education BETWEEN 0 AND 5", name="min_education"),
        # The seekers' list, open vacancies newest first, walks this index and stops after a page; it also
        # serves every lookup by status alone.
        Index("ix_vacancy_status_published_at", "status", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    site_county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    site_park_id: Mapped[int | None] = mapped_column(ForeignKey("park.id"), index=True)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    filled: Mapped[int] = mapped_column(Integer, default=0)
    wage_min: Mapped[int] = mapped_column(Integer, default=0)
    wage_max: Mapped[int] = mapped_column(Integer, default=0)
    age_min: Mapped[int] = mapped_column(Integer, default=18)
    age_max: Mapped[int] = mapped_column(Integer, default=55)
    min_education: Mapped[int] = mapped_column(Integer, default=0)
    training_mode: Mapped[str] = mapped_column(String(16), default="none")
    housing: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default="draft")
    deadline: Mapped[date | None] = mapped_column(Date)
    reserved_for_paired: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    enterprise: Mapped[Enterprise] = relationship()
    site_county: Mapped[Region] = relationship()
    site_park: Mapped[Park | None] = relationship()
    trades: Mapped[list[VacancyTrade]] = relationship(back_populates="vacancy", cascade="all, delete-orphan")

    @property
    def open_places(self) -> int:
        return self.headcount - self.filled


class VacancyTrade(db.Model):
    """A trade the vacancy requires, with the minimum skill level. None at all means general labour (普工)."""

    __tablename__ = "vacancy_trade"
    __table_args__ = (
        UniqueConstraint("vacancy_id", "trade_id"),
        CheckConstraint("min_level BETWEEN 1 AND 5", name="min_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancy.id", ondelete="CASCADE"), index=True)
    trade_id: Mapped[int] = mapped_column(ForeignKey("trade.id"), index=True)
    min_level: Mapped[int] = mapped_column(Integer, default=1)

    vacancy: Mapped[Vacancy] = relationship(back_populates="trades")
    trade: Mapped[Trade] = relationship()
