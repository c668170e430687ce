"""Accounts: one role each, member of one organisation (or, for a bureau, scoped to a region)."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.orm import in_list, utcnow
from matchmaker.models.orgs import Enterprise, School, Village
from matchmaker.models.regions import Region

ROLES = ("seeker", "enterprise", "coordinator", "school", "bureau")
STAFF_ROLES = ("enterprise", "coordinator", "school", "bureau")

# Which membership column each role must (and only it may) fill.
ROLE_MEMBERSHIP = {
    "enterprise": "enterprise_id",
    "coordinator": "village_id",
    "school": "school_id",
    "bureau": "region_id",
}


def _membership_check() -> str:
    parts = []
    for role, col in ROLE_MEMBERSHIP.items():
        others = [c for c in ROLE_MEMBERSHIP.values() if c != col]
        parts.append(f"(role = '{role}' AND {col} IS NOT NULL AND " + " AND ".join(f"{o} IS NULL" for o in others) + ")")
    parts.append("(role = 'seeker' AND " + " AND ".join(f"{c} IS NULL" for c in ROLE_MEMBERSHIP.values()) + ")")
    return " OR ".join(parts)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(in_list("role", ROLES), name="role"),
        CheckConstraint(_membership_check(), name="membership"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Seekers sign in with their phone number, staff with a user name.
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(12), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped at logout-everywhere, password change and disable: old session cookies stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Second factor (TOTP): the secret encrypted with the PII keys, and the last time step used (no replays).
    totp_secret: Mapped[str | None] = mapped_column(String(200))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Account lockout (beside the per-IP rate limit): wrong passwords in a row, and until when sign-in is refused.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    enterprise: Mapped[Enterprise | None] = relationship()
    village: Mapped[Village | None] = relationship()
    school: Mapped[School | None] = relationship()
    region: Mapped[Region | None] = relationship()
    worker = relationship("Worker", foreign_keys=[worker_id])

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def organisation(self):
        return self.enterprise or self.village or self.school or self.region


class Invitation(db.Model):
    """A one-time link for a staff member to set up an account in a given organisation."""

    __tablename__ = "invitation"
    __table_args__ = (CheckConstraint(in_list("role", STAFF_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(12))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    display_name: Mapped[str] = mapped_column(String(60), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    enterprise: Mapped[Enterprise | None] = relationship()
    village: Mapped[Village | None] = relationship()
    school: Mapped[School | None] = relationship()
    region: Mapped[Region | None] = relationship()


LINK_REQUEST_STATUSES = ("pending", "confirmed", "declined", "cancelled")


class LedgerLinkRequest(db.Model):
    """A job seeker asks to be linked to their record in a village's labour ledger. Only the village's coordinator
    can confirm it, by choosing the record after checking who the person is; typing an ID number links nothing."""

    __tablename__ = "ledger_link_request"
    __table_args__ = (CheckConstraint(in_list("status", LINK_REQUEST_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    # What the seeker says about themselves, for the coordinator to find the record; never matched automatically.
    name_given: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decline_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    village: Mapped[Village] = relationship()
    worker = relationship("Worker", foreign_keys=[worker_id])


class ApiToken(db.Model):
    """A personal token for the JSON API. Only a SHA-256 of the secret is kept; the secret is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the secret, so the owner can tell tokens apart in the list.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()
