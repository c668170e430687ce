"""Organisations that have staff accounts: enterprises, villages (村居) and schools."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.orm import in_list, utcnow
from matchmaker.models.regions import Park, Region

SCHOOL_KINDS = ("技工院校", "中职", "高职")


class Enterprise(db.Model):
    __tablename__ = "enterprise"
    __table_args__ = (CheckConstraint("length(credit_code) = 18", name="credit_code_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # 统一社会信用代码 (GB 32100), validated with its check digit before it is saved.
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    industry: Mapped[str] = mapped_column(String(60), default="")
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("park.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    county: Mapped[Region] = relationship()
    park: Mapped[Park | None] = relationship()


class Village(db.Model):
    """A village (村居) taking part in the platform: a village-level region with its coordinators."""

    __tablename__ = "village"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), unique=True)
    service_phone: Mapped[str] = mapped_column(String(20), default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    region: Mapped[Region] = relationship()

    @property
    def name(self) -> str:
        return self.region.name


class School(db.Model):
    __tablename__ = "school"
    __table_args__ = (CheckConstraint(in_list("kind", SCHOOL_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    specialties: Mapped[str] = mapped_column(String(300), default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    county: Mapped[Region] = relationship()
