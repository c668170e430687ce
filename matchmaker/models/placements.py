"""Placements (转移就业: the hire) and their follow-up visits (跟踪服务 / 回访)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.orm import in_list, utcnow
from matchmaker.models.orgs import Enterprise
from matchmaker.models.vacancies import Vacancy
from matchmaker.models.workers import Worker

PLACEMENT_CHANNELS = ("pairing", "school_link", "open_market")
TRANSFER_TYPES = ("local", "in_province", "cross_province")
FOLLOW_UP_MONTHS = (1, 3, 6, 12)


class Placement(db.Model):
    __tablename__ = "placement"
    __table_args__ = (
        CheckConstraint(in_list("channel", PLACEMENT_CHANNELS), name="channel"),
        CheckConstraint(in_list("transfer_type", TRANSFER_TYPES), name="transfer_type"),
        CheckConstraint("monthly_wage IS NULL OR monthly_wage >= 0", name="wage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancy.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"), unique=True)
    start_date: Mapped[date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(String(12))
    transfer_type: Mapped[str] = mapped_column(String(16))
    monthly_wage: Mapped[int | None] = mapped_column(Integer)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    worker: Mapped[Worker] = relationship()
    vacancy: Mapped[Vacancy] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    referral = relationship("Referral")
    follow_ups: Mapped[list[FollowUp]] = relationship(back_populates="placement", cascade="all, delete-orphan",
                                                      order_by="FollowUp.due_month")


class FollowUp(db.Model):
    __tablename__ = "follow_up"
    __table_args__ = (
        UniqueConstraint("placement_id", "due_month"),
        CheckConstraint("due_month IN (1, 3, 6, 12)", name="due_month"),
        CheckConstraint("wage IS NULL OR wage >= 0", name="wage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id", ondelete="CASCADE"), index=True)
    due_month: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    still_employed: Mapped[bool | None] = mapped_column(Boolean)
    wage: Mapped[int | None] = mapped_column(Integer)
    problems: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    placement: Mapped[Placement] = relationship(back_populates="follow_ups")
