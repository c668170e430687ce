"""Accounts: job seekers sign up, staff join by invitation, everyone signs in and changes their password."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update

from matchmaker.extensions import db
from matchmaker.models import Invitation, User
from matchmaker.orm import as_utc, utcnow
from matchmaker.models.users import ROLE_MEMBERSHIP, STAFF_ROLES
from matchmaker.services import audit, notifications, two_factor
from matchmaker.services.errors import DomainError, Forbidden
from matchmaker.services.permissions import can

_hasher = PasswordHasher()
# A hash to verify against when the login is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
LOGIN_RE = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")
COMMON_PASSWORDS = {
    "12345678", "123456789", "1234567890", "11111111", "88888888", "00000000", "password", "password1",
    "qwerty123", "abc12345", "a1234567", "5201314520", "1314520520", "iloveyou", "woaini1314", "aa123456",
    "qwertyui", "12341234", "87654321", "66666666", "99999999", "123123123", "admin123", "guangdong",
}
INVITATION_DAYS = 7


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_policy(password: str, *context: str) -> None:
    """ASVS V6.2: 8–64 characters, no composition rules, no common or context-derived passwords."""
    if len(password) < 8:
        raise DomainError(_("密码至少需要 8 个字符。"), "password")
    if len(password) > 64:
        raise DomainError(_("密码最长 64 个字符。"), "password")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) <= 2:
        raise DomainError(_("这个密码太常见，容易被猜到，请换一个。"), "password")
    if any(c and len(c) >= 4 and c.lower() in lowered for c in context):
        raise DomainError(_("密码不能包含您的手机号或用户名。"), "password")


def normalise_phone(phone: str) -> str:
    phone = re.sub(r"[\s\-]", "", phone or "")
    if not PHONE_RE.match(phone):
        raise DomainError(_("请输入 11 位手机号码。"), "phone")
    return phone


def sign_up_seeker(phone: str, password: str, display_name: str) -> User:
    phone = normalise_phone(phone)
    display_name = (display_name or "").strip()
    if not display_name:
        raise DomainError(_("请填写称呼。"), "display_name")
    check_password_policy(password, phone)
    if db.session.scalar(select(User.id).where(User.login == phone)):
        raise DomainError(_("该手机号已注册，请直接登录。"), "phone")
    user = User(login=phone, display_name=display_name[:60], password_hash=hash_password(password), role="seeker")
    db.session.add(user)
    db.session.flush()
    audit.record(user, "account.sign_up", "user", user.id)
    db.session.commit()
    return user


#: wrong passwords or codes in a row that lock an account, and for how long (the per-IP rate limit is the other
#: guard). The sign-in page states the rule: a locked account gets the same answer as a wrong password, since
#: "locked" would tell a guesser that the login exists.
LOCKOUT_AFTER = 5
LOCKOUT_MINUTES = 15


def authenticate(login: str, password: str) -> User | None:
    """The user if login and password match an active, unlocked account, else None — one answer for every
    failure, so guessing from many addresses gets no further than from one."""
    login = (login or "").strip()
    user = db.session.scalar(select(User).where(User.login == login))
    now = utcnow()
    if user is not None and _locked(user, now):
        _hasher.verify(_DUMMY_HASH, "not-a-real-password")  # the same work as a real try: timing tells nothing
        audit.record(user, "account.login_locked", "user", user.id)
        db.session.commit()
        return None
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        if user is not None:
            _count_failure(user, now)
        audit.record(user, "account.login_failed", "user", user.id if user else None)
        db.session.commit()
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if two_factor.is_on(user):
        # Not signed in yet, and the count of wrong tries stays: only a right code clears it (else signing in
        # with the password again would wipe the wrong codes, and codes could be guessed for ever).
        audit.record(user, "account.password_ok", "user", user.id)
    else:
        _signed_in(user, now, "account.login")
    db.session.commit()
    return user


def _locked(user: User, now) -> bool:
    locked_until = as_utc(user.locked_until)
    return locked_until is not None and locked_until > now


def _signed_in(user: User, now, action: str) -> None:
    user.last_login_at = now
    user.failed_logins, user.locked_until = 0, None
    audit.record(user, action, "user", user.id)


#: how long the password step of a two-step sign-in stays good for its code step
SECOND_STEP_SECONDS = 300


def pending_second_step(user_id: str | None, started_at: float | None) -> User | None:
    """The account whose password was right a moment ago and which still owes its code (None when the wait was
    too long, or the account changed since: signed out everywhere, disabled)."""
    if not user_id or started_at is None or utcnow().timestamp() - started_at > SECOND_STEP_SECONDS:
        return None
    user = load_session_user(user_id)
    return user if user is not None and two_factor.is_on(user) else None


def _code_ok(user: User, code: str, now) -> bool:
    """A code from the user's authenticator app, refused while locked; wrong codes count like wrong passwords."""
    if _locked(user, now):
        audit.record(user, "account.login_locked", "user", user.id)
        return False
    if two_factor.check(user, code):
        return True
    _count_failure(user, now)
    audit.record(user, "account.second_factor_failed", "user", user.id)
    return False


def second_step(user: User, code: str) -> bool:
    """The code step of a two-step sign-in."""
    now = utcnow()
    ok = _code_ok(user, code, now)
    if ok:
        _signed_in(user, now, "account.login_second_factor")
    db.session.commit()
    return ok


def turn_off_second_factor(user: User, code: str) -> None:
    """Turning it off takes a current code too (counted like a sign-in): a stolen session alone cannot remove
    the second factor, nor guess its way there."""
    if not two_factor.is_on(user):
        raise DomainError(_("两步验证未开启。"))
    if not _code_ok(user, code, utcnow()):
        db.session.commit()  # the count and the audit entry stay
        raise DomainError(_("验证码不正确或已过期，请输入验证器应用中当前显示的 6 位数字。"), "code")
    two_factor.disable(user)


def _count_failure(user: User, now) -> None:
    # Counted in SQL, so parallel wrong guesses all count.
    db.session.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
    db.session.refresh(user, ["failed_logins"])
    if user.failed_logins >= LOCKOUT_AFTER:
        user.failed_logins, user.locked_until = 0, now + timedelta(minutes=LOCKOUT_MINUTES)
        audit.record(user, "account.locked", "user", user.id, minutes=LOCKOUT_MINUTES)


def change_password(user: User, current: str, new: str) -> User:
    try:
        _hasher.verify(user.password_hash, current or "")
    except (VerificationError, InvalidHashError):
        raise DomainError(_("当前密码不正确。"), "current")
    check_password_policy(new, user.login)
    user.password_hash = hash_password(new)
    # Every other session of this user ends now (the caller logs the current one in again).
    user.session_version += 1
    audit.record(user, "account.password_changed", "user", user.id)
    db.session.commit()
    return user


def sign_out_everywhere(user: User) -> None:
    user.session_version += 1
    audit.record(user, "account.logout", "user", user.id)
    db.session.commit()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(actor: User, role: str, organisation, display_name: str = "") -> str:
    """Invite a staff member into an organisation (or a bureau's region). Returns the one-time token.

    A bureau may invite into any organisation of its region; staff may invite colleagues to their own."""
    if role not in STAFF_ROLES:
        raise DomainError(_("无效的角色。"), "role")
    if not can(actor, "invite" if actor.role == "bureau" else "edit", organisation):
        raise Forbidden(_("您无权为该机构邀请人员。"))
    if actor.role != "bureau" and role != actor.role:
        raise Forbidden(_("您只能邀请本机构的同事。"))
    if role == "bureau" and getattr(organisation, "level", None) not in ("province", "city", "county"):
        raise DomainError(_("人社部门账号只能设在省、市或县（市、区）。"), "region_code")
    token = secrets.token_urlsafe(24)
    invitation = Invitation(token_hash=_token_hash(token), role=role, display_name=(display_name or "")[:60],
                            created_by_id=actor.id, expires_at=utcnow() + timedelta(days=INVITATION_DAYS))
    setattr(invitation, ROLE_MEMBERSHIP[role], organisation.id)
    db.session.add(invitation)
    db.session.flush()
    audit.record(actor, "invitation.create", "invitation", invitation.id, role=role)
    db.session.commit()
    return token


def find_invitation(token: str) -> Invitation:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(token or "")))
    if invitation is None or invitation.used_at is not None:
        raise DomainError(_("邀请链接无效或已被使用。"))
    expires = invitation.expires_at
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=utcnow().tzinfo)
    if expires < utcnow():
        raise DomainError(_("邀请链接已过期，请联系邀请人重新发送。"))
    return invitation


def accept_invitation(token: str, login: str, password: str, display_name: str) -> User:
    invitation = find_invitation(token)
    login = (login or "").strip()
    if not LOGIN_RE.match(login):
        raise DomainError(_("用户名只能包含字母、数字、下划线、点和连字符，3–64 个字符。"), "login")
    display_name = (display_name or invitation.display_name or "").strip()
    if not display_name:
        raise DomainError(_("请填写姓名。"), "display_name")
    check_password_policy(password, login)
    if db.session.scalar(select(User.id).where(User.login == login)):
        raise DomainError(_("该用户名已被使用。"), "login")
    user = User(login=login, display_name=display_name[:60], password_hash=hash_password(password),
                role=invitation.role)
    col = ROLE_MEMBERSHIP[invitation.role]
    setattr(user, col, getattr(invitation, col))
    invitation.used_at = utcnow()
    db.session.add(user)
    db.session.flush()
    audit.record(user, "invitation.accept", "invitation", invitation.id, user_id=user.id)
    db.session.commit()
    return user


# Run for every request of a signed-in user, so built once (see notifications._UNREAD_COUNT); the unread count
# every page shows comes with the user.
_SESSION_USER = select(User, notifications.UNREAD_COUNT_OF_USER).where(User.id == bindparam("id"))


def load_session_user(user_id: str) -> User | None:
    """Flask-Login's loader: the id carries the session version, so a bumped version ends old sessions."""
    try:
        uid, version = (int(p) for p in user_id.split(":"))
    except ValueError:
        return None
    row = db.session.execute(_SESSION_USER, {"id": uid}).first()
    if row is None or row[0].session_version != version or not row[0].active:
        return None
    user = row[0]
    user.unread_at_load = (db.session().get_transaction(), row[1])  # read by notifications.unread_count
    return user
