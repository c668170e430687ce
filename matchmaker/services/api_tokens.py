"""Personal API tokens: create (the secret is shown once), list, revoke, and authenticate a bearer secret.

Only a SHA-256 of the secret is stored: a leaked database does not leak working tokens. A secret is 256 random
bits, so a plain hash (no salt, no slow KDF) is enough and lets the lookup be one indexed query."""
from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.models.users import ApiToken
from matchmaker.orm import as_utc, utcnow
from matchmaker.services import audit
from matchmaker.services.errors import DomainError, NotFound

SECRET_PREFIX = "mm_"
PREFIX_LEN = 10  # "mm_" + 7 characters: enough to tell tokens apart, far too few to guess the rest
NAME_MAX = 60
MAX_TOKENS = 20  # live tokens per user
MAX_DAYS = 366
# last_used_at is written at most this often, so a busy integration does not write on every request.
TOUCH_EVERY = timedelta(minutes=1)
SECRET_MAX = 200


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def is_live(token: ApiToken, now: datetime | None = None) -> bool:
    now = now or utcnow()
    expires = as_utc(token.expires_at)
    return token.revoked_at is None and (expires is None or expires > now)


def create(actor: User, name: str, expires_on: date | None = None) -> tuple[ApiToken, str]:
    """A new token for the actor; returns it with its secret, which is never shown again."""
    if actor is None or not getattr(actor, "is_active", False):
        raise DomainError(_("您无权进行此操作。"))
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise DomainError(_("请填写令牌名称（不超过 %(n)s 个字）。", n=NAME_MAX), "name")
    today = date.today()
    if expires_on is not None and not today < expires_on <= today + timedelta(days=MAX_DAYS):
        raise DomainError(_("有效期至应在明天到一年之内。"), "expires_on")
    live = [t for t in tokens_of(actor) if is_live(t)]
    if len(live) >= MAX_TOKENS:
        raise DomainError(_("有效令牌最多 %(n)s 个，请先撤销不用的令牌。", n=MAX_TOKENS), "name")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    # Expires at the end of the chosen day (UTC), so "valid until 5 March" includes 5 March.
    expires_at = (datetime.combine(expires_on + timedelta(days=1), time.min, tzinfo=timezone.utc)
                  if expires_on is not None else None)
    token = ApiToken(user_id=actor.id, name=name, token_hash=_hash(secret), prefix=secret[:PREFIX_LEN],
                     expires_at=expires_at)
    db.session.add(token)
    db.session.flush()
    audit.record(actor, "api_token.create", "api_token", token.id, name=name, prefix=token.prefix,
                 expires_at=expires_at.isoformat() if expires_at else None)
    db.session.commit()
    return token, secret


def tokens_of(actor: User) -> list[ApiToken]:
    """The actor's own tokens, newest first (revoked and expired ones too, marked as such by is_live)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == actor.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke(actor: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    # Only the owner: not even a bureau over the owner's region may see or end someone's token.
    if token is None or actor is None or token.user_id != actor.id:
        raise NotFound(_("找不到该令牌。"))
    if token.revoked_at is not None:
        raise DomainError(_("该令牌已撤销。"))
    token.revoked_at = utcnow()
    audit.record(actor, "api_token.revoke", "api_token", token.id, prefix=token.prefix)
    db.session.commit()
    return token


# Run for every API request, so built once (see notifications._UNREAD_COUNT); the user comes in the same round trip.
_TOKEN_BY_HASH = (select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash"))
                  .options(joinedload(ApiToken.user)))


def authenticate(secret: str | None) -> User | None:
    """The active user a live token belongs to, or None (unknown, revoked, expired, or the account disabled)."""
    if not secret or len(secret) > SECRET_MAX or not secret.startswith(SECRET_PREFIX):
        return None
    token = db.session.scalar(_TOKEN_BY_HASH, {"token_hash": _hash(secret)})
    now = utcnow()
    if token is None or not is_live(token, now):
        return None
    user = token.user
    if user is None or not user.is_active:
        return None
    last = as_utc(token.last_used_at)
    if last is None or now - last >= TOUCH_EVERY:
        # Conditional UPDATE: parallel requests do not all write.
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id,
                                                  (ApiToken.last_used_at.is_(None))
                                                  | (ApiToken.last_used_at <= now - TOUCH_EVERY))
                           .values(last_used_at=now).execution_options(synchronize_session=False))
        db.session.commit()
        db.session.refresh(token)
    return user
