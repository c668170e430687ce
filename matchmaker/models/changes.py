"""A log of changes the matching index must pick up: every process reads what is newer than what it has seen, so
a change made through one gunicorn worker shows in the rankings of all of them at their next query."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.extensions import db
from matchmaker.orm import in_list, utcnow

CHANGE_KINDS = ("worker", "vacancy", "context", "policy", "rebuild")


class MatchingChange(db.Model):
    __tablename__ = "matching_change"
    __table_args__ = (CheckConstraint(in_list("kind", CHANGE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    object_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
