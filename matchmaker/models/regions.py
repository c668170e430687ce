"""Region tree (province → city → county → town → village), trades and parks: the reference data."""
from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.orm import in_list

REGION_LEVELS = ("province", "city", "county", "town", "village")
ZONES = ("output", "nearby", "aggregation", "optimisation")


class Region(db.Model):
    __tablename__ = "region"
    __table_args__ = (
        CheckConstraint(in_list("level", REGION_LEVELS), name="level"),
        CheckConstraint(f"zone IS NULL OR ({in_list('zone', ZONES)})", name="zone"),
        CheckConstraint("zone IS NULL OR level = 'county'", name="zone_on_county"),
        CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="lon"),
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="lat"),
        # Dongguan and Zhongshan have no counties: their one county-level unit shares the city's code.
        UniqueConstraint("code", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), index=True)
    name: Mapped[str] = mapped_column(String(80))
    level: Mapped[str] = mapped_column(String(10), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    zone: Mapped[str | None] = mapped_column(String(12))
    rural: Mapped[bool] = mapped_column(Boolean, default=False)
    # Initials and full pinyin, for the cascading selector's search ("gz", "guangzhou").
    pinyin: Mapped[str] = mapped_column(String(200), default="")

    parent: Mapped[Region | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"


class Trade(db.Model):
    """An entry of the national occupational classification (职业分类大典 2022): major → medium → minor → detail."""

    __tablename__ = "trade"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 4", name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("trade.id"), index=True)

    parent: Mapped[Trade | None] = relationship(remote_side=[id])
    aliases: Mapped[list[TradeAlias]] = relationship(back_populates="trade", cascade="all, delete-orphan")


class TradeAlias(db.Model):
    __tablename__ = "trade_alias"
    __table_args__ = (UniqueConstraint("alias", "trade_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alias: Mapped[str] = mapped_column(String(120), index=True)
    trade_id: Mapped[int] = mapped_column(ForeignKey("trade.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="curated")

    trade: Mapped[Trade] = relationship(back_populates="aliases")


class Park(db.Model):
    """省级产业转移工业园: a provincial industrial-transfer park."""

    __tablename__ = "park"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    key_park: Mapped[bool] = mapped_column(Boolean, default=False)
    leading_industries: Mapped[str] = mapped_column(String(300), default="")

    county: Mapped[Region] = relationship()
