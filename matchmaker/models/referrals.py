"""Referrals: a worker put forward for a vacancy, and every step it takes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.orm import in_list, utcnow
from matchmaker.models.vacancies import Vacancy
from matchmaker.models.workers import Worker

REFERRAL_CHANNELS = ("application", "nomination", "school", "invitation")
REFERRAL_STATUSES = ("submitted", "shortlisted", "interview", "offered", "hired", "rejected", "withdrawn", "expired")
# The state machine as data: service, templates and tests all read this one table.
REFERRAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "submitted": ("shortlisted", "rejected", "withdrawn", "expired"),
    "shortlisted": ("interview", "offered", "rejected", "withdrawn", "expired"),
    "interview": ("offered", "rejected", "withdrawn", "expired"),
    "offered": ("hired", "rejected", "withdrawn", "expired"),
    "hired": (),
    "rejected": (),
    "withdrawn": (),
    "expired": (),
}
ACTIVE_REFERRAL_STATUSES = ("submitted", "shortlisted", "interview", "offered")


class Referral(db.Model):
    __tablename__ = "referral"
    __table_args__ = (
        UniqueConstraint("worker_id", "vacancy_id"),
        CheckConstraint(in_list("channel", REFERRAL_CHANNELS), name="channel"),
        CheckConstraint(in_list("status", REFERRAL_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancy.id"), index=True)
    channel: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), default="submitted", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # PIPL Art. 23: the worker's separate consent to hand their data to this enterprise for this purpose.
    consent_version: Mapped[str | None] = mapped_column(String(20))
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consent_recipient: Mapped[str | None] = mapped_column(String(120))
    consent_purpose: Mapped[str | None] = mapped_column(String(200))
    score_at_referral: Mapped[float | None] = mapped_column()

    worker: Mapped[Worker] = relationship()
    vacancy: Mapped[Vacancy] = relationship()
    steps: Mapped[list[ReferralStep]] = relationship(back_populates="referral", cascade="all, delete-orphan",
                                                     order_by="ReferralStep.at")


class ReferralStep(db.Model):
    __tablename__ = "referral_step"
    __table_args__ = (
        CheckConstraint(f"from_status IS NULL OR ({in_list('from_status', REFERRAL_STATUSES)})", name="from_status"),
        CheckConstraint(in_list("to_status", REFERRAL_STATUSES), name="to_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")

    referral: Mapped[Referral] = relationship(back_populates="steps")


JOB_INVITATION_STATUSES = ("pending", "accepted", "declined", "expired")


class JobInvitation(db.Model):
    """An enterprise asks a ranked candidate to apply. It reveals nothing to the enterprise: only when the worker
    (or their coordinator, with the worker's consent) accepts does a referral exist, on the "invitation" channel."""
    __tablename__ = "job_invitation"
    __table_args__ = (
        UniqueConstraint("worker_id", "vacancy_id"),  # asked once per vacancy: a refusal is not asked again
        CheckConstraint(in_list("status", JOB_INVITATION_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancy.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))

    worker: Mapped[Worker] = relationship()
    vacancy: Mapped[Vacancy] = relationship()
    referral: Mapped[Referral | None] = relationship()
