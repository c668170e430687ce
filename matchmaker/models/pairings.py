"""一企一村 pairings (enterprise + village) and their activity log."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.orm import in_list, utcnow
from matchmaker.models.orgs import Enterprise, Village

LINK_STATUSES = ("proposed", "active", "declined", "ended")
ACTIVITY_KINDS = ("publicity", "consultation", "job_fair", "follow_up", "other")


class Pairing(db.Model):
    __tablename__ = "pairing"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "village_id"),
        CheckConstraint(in_list("status", LINK_STATUSES), name="status"),
        CheckConstraint("annual_target >= 0", name="annual_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="proposed", index=True)
    annual_target: Mapped[int] = mapped_column(Integer, default=0)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    enterprise: Mapped[Enterprise] = relationship()
    village: Mapped[Village] = relationship()
    activities: Mapped[list[PairingActivity]] = relationship(back_populates="pairing", cascade="all, delete-orphan")


class PairingActivity(db.Model):
    __tablename__ = "pairing_activity"
    __table_args__ = (
        CheckConstraint(in_list("kind", ACTIVITY_KINDS), name="kind"),
        CheckConstraint("people_reached >= 0", name="people_reached"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(14))
    held_on: Mapped[date] = mapped_column(Date)
    people_reached: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    pairing: Mapped[Pairing] = relationship(back_populates="activities")
