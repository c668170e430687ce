"""校园对接产业园: park–school links and order classes (订单班, 校企双制)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.orm import in_list, utcnow
from matchmaker.models.orgs import Enterprise, School
from matchmaker.models.pairings import LINK_STATUSES
from matchmaker.models.regions import Park, Trade
from matchmaker.models.vacancies import Vacancy

ORDER_CLASS_STATUSES = ("open", "running", "graduated", "cancelled")
STUDENT_STATUSES = ("enrolled", "graduated", "left")


class ParkSchoolLink(db.Model):
    __tablename__ = "park_school_link"
    __table_args__ = (
        UniqueConstraint("school_id", "park_id"),
        CheckConstraint(in_list("status", LINK_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    branch_campus: Mapped[bool] = mapped_column(Boolean, default=False)
    branch_address: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int] = mapped_column(Integer)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    school: Mapped[School] = relationship()
    park: Mapped[Park] = relationship()


class OrderClass(db.Model):
    __tablename__ = "order_class"
    __table_args__ = (
        CheckConstraint(in_list("status", ORDER_CLASS_STATUSES), name="status"),
        CheckConstraint("intake > 0", name="intake"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("park.id"))
    trade_id: Mapped[int] = mapped_column(ForeignKey("trade.id"))
    # The vacancy whose places are reserved for this class's students.
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancy.id"))
    name: Mapped[str] = mapped_column(String(120))
    intake: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    school: Mapped[School] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    park: Mapped[Park | None] = relationship()
    trade: Mapped[Trade] = relationship()
    vacancy: Mapped[Vacancy | None] = relationship()
    students: Mapped[list[OrderClassStudent]] = relationship(back_populates="order_class", cascade="all, delete-orphan")


class OrderClassStudent(db.Model):
    __tablename__ = "order_class_student"
    __table_args__ = (
        UniqueConstraint("order_class_id", "worker_id"),
        CheckConstraint(in_list("status", STUDENT_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_class_id: Mapped[int] = mapped_column(ForeignKey("order_class.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    enrolled_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="enrolled")
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    # The placement made when the class graduated and this student took up their reserved place.
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placement.id"))

    order_class: Mapped[OrderClass] = relationship(back_populates="students")
    worker = relationship("Worker")
