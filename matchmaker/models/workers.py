"""Workers (the labour ledger's people) with their skills, certificates, training and wanted trades."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.orm import in_list, utcnow
from matchmaker.models.orgs import School
from matchmaker.models.regions import Region, Trade

WORKER_STATUSES = ("available", "nominated", "employed", "not_seeking")
# A seeker sees vacancies ranked for their own record whatever its status (employed and looking around, too).
BROWSING_STATUSES = WORKER_STATUSES
WORKER_SOURCES = ("ledger", "self", "school")
# How far a worker will go; the matching engine turns these into kilometres.
RADII = ("village", "county", "city", "province", "anywhere")
# 0 none, 1 primary, 2 junior middle, 3 senior middle / secondary vocational, 4 college, 5 bachelor or above.
EDUCATION_LEVELS = (0, 1, 2, 3, 4, 5)
TRAINING_MODES = ("train_then_work", "work_then_train", "order", "reserve")


class Worker(db.Model):
    __tablename__ = "worker"
    __table_args__ = (
        CheckConstraint(in_list("status", WORKER_STATUSES), name="status"),
        CheckConstraint(in_list("source", WORKER_SOURCES), name="source"),
        CheckConstraint(in_list("radius", RADII), name="radius"),
        CheckConstraint(in_list("sex", ("M", "F")), name="sex"),
        CheckConstraint("education BETWEEN 0 AND 5", name="education"),
        CheckConstraint("min_wage IS NULL OR min_wage >= 0", name="min_wage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    # 身份证号: encrypted at rest; a keyed hash (blind index) makes "one person, one record" a unique key.
    id_number_enc: Mapped[str] = mapped_column(String(200))
    id_number_index: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str] = mapped_column(String(18))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    phone_enc: Mapped[str | None] = mapped_column(String(200))
    phone_masked: Mapped[str] = mapped_column(String(11), default="")
    home_region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    education: Mapped[int] = mapped_column(Integer, default=2)
    poor_household: Mapped[bool] = mapped_column(Boolean, default=False)
    no_employed_member: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default="available", index=True)
    source: Mapped[str] = mapped_column(String(8), default="ledger")
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    radius: Mapped[str] = mapped_column(String(10), default="city")
    min_wage: Mapped[int | None] = mapped_column(Integer)
    willing_to_train: Mapped[bool] = mapped_column(Boolean, default=False)
    available_from: Mapped[date | None] = mapped_column(Date)
    # Optimistic lock: an edit based on an older version is refused, never silently lost.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    home_region: Mapped[Region] = relationship()
    school: Mapped[School | None] = relationship()
    skills: Mapped[list[WorkerSkill]] = relationship(back_populates="worker", cascade="all, delete-orphan")
    certificates: Mapped[list[Certificate]] = relationship(back_populates="worker", cascade="all, delete-orphan")
    trainings: Mapped[list[TrainingRecord]] = relationship(back_populates="worker", cascade="all, delete-orphan")
    wanted_trades: Mapped[list[WantedTrade]] = relationship(back_populates="worker", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class WorkerSkill(db.Model):
    __tablename__ = "worker_skill"
    __table_args__ = (
        UniqueConstraint("worker_id", "trade_id"),
        CheckConstraint("level BETWEEN 1 AND 5", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    trade_id: Mapped[int] = mapped_column(ForeignKey("trade.id"), index=True)
    level: Mapped[int] = mapped_column(Integer, default=1)
    # What the person typed, kept beside the normalised trade so a wrong match can be seen and fixed.
    typed_name: Mapped[str] = mapped_column(String(60), default="")

    worker: Mapped[Worker] = relationship(back_populates="skills")
    trade: Mapped[Trade] = relationship()


class Certificate(db.Model):
    """职业资格证书 / 职业技能等级证书."""

    __tablename__ = "certificate"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    trade_id: Mapped[int] = mapped_column(ForeignKey("trade.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(120), default="")
    # The course whose skill appraisal gave this certificate, when it came from one.
    training_id: Mapped[int | None] = mapped_column(ForeignKey("training_record.id", ondelete="SET NULL"))

    worker: Mapped[Worker] = relationship(back_populates="certificates")
    trade: Mapped[Trade] = relationship()


class TrainingRecord(db.Model):
    __tablename__ = "training_record"
    __table_args__ = (
        CheckConstraint(f"mode IS NULL OR ({in_list('mode', TRAINING_MODES)})", name="mode"),
        CheckConstraint("hours >= 0", name="hours"),
        CheckConstraint("attendance_pct IS NULL OR (attendance_pct BETWEEN 0 AND 100)", name="attendance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    course: Mapped[str] = mapped_column(String(120))
    provider: Mapped[str] = mapped_column(String(120), default="")
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    trade_id: Mapped[int | None] = mapped_column(ForeignKey("trade.id"), index=True)
    mode: Mapped[str | None] = mapped_column(String(16))
    hours: Mapped[int] = mapped_column(Integer, default=0)
    attendance_pct: Mapped[int | None] = mapped_column(Integer)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    certified: Mapped[bool] = mapped_column(Boolean, default=False)
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    worker: Mapped[Worker] = relationship(back_populates="trainings")
    trade: Mapped[Trade | None] = relationship()


class WantedTrade(db.Model):
    """Part of the worker's intention: a trade they want to work in."""

    __tablename__ = "wanted_trade"
    __table_args__ = (UniqueConstraint("worker_id", "trade_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    trade_id: Mapped[int] = mapped_column(ForeignKey("trade.id"))

    worker: Mapped[Worker] = relationship(back_populates="wanted_trades")
    trade: Mapped[Trade] = relationship()
