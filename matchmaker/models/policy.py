"""Policy settings (score weights and bonuses, versioned) and the plan's annual targets."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.extensions import db
from matchmaker.orm import utcnow

# The plan's KPIs (DESIGN.md "KPIs"): key → default yearly target for the province.
KPI_DEFAULTS = {
    "active_pairings": 1000,
    "pairing_transfers": 250_000,
    "park_school_links": 5,
    "park_placements": 100_000,
    "trained_share_pct": 85,
    "midlevel_share_pct": 25,
    "retention_6m_pct": 60,
}


class PolicySetting(db.Model):
    """One version of the scoring policy; the newest version is in force. Rows are never edited. Defaults are the
    engine's (matchmaker.matching.policy.Policy)."""

    __tablename__ = "policy_setting"
    __table_args__ = (
        CheckConstraint("w_skills >= 0 AND w_location >= 0 AND w_training >= 0", name="weights_nonneg"),
        CheckConstraint("w_skills + w_location + w_training > 0", name="weights_sum"),
        CheckConstraint("bonus_cap >= 0 AND bonus_cap <= 100", name="bonus_cap"),
        CheckConstraint("shortage_open_days > 0", name="shortage_open_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    w_skills: Mapped[float] = mapped_column(Float, default=0.5)
    w_location: Mapped[float] = mapped_column(Float, default=0.3)
    w_training: Mapped[float] = mapped_column(Float, default=0.2)
    bonus_pairing: Mapped[float] = mapped_column(Float, default=5.0)
    bonus_school_link: Mapped[float] = mapped_column(Float, default=3.0)
    bonus_order_class: Mapped[float] = mapped_column(Float, default=5.0)
    bonus_zone_flow: Mapped[float] = mapped_column(Float, default=2.0)
    bonus_poor_household: Mapped[float] = mapped_column(Float, default=3.0)
    bonus_cap: Mapped[float] = mapped_column(Float, default=10.0)
    # A vacancy open longer than this many days is on the bureau's shortage warning list.
    shortage_open_days: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class KpiTarget(db.Model):
    __tablename__ = "kpi_target"
    __table_args__ = (
        UniqueConstraint("year", "region_id", "kpi"),
        CheckConstraint("target >= 0", name="target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    kpi: Mapped[str] = mapped_column(String(40))
    target: Mapped[float] = mapped_column(Float)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
