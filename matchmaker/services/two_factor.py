"""A second factor (TOTP, RFC 6238) for staff accounts: an authenticator app's six-digit code after the password.

Bureau and village staff see the most personal data, so they are asked to turn it on; job seekers sign in with
phone and password only (their account holds their own record alone, and many share a phone with family).
The secret is kept encrypted with the PII keys; each code is accepted once (the time step is remembered)."""
from __future__ import annotations

import hmac

import pyotp
import segno
from flask_babel import gettext as _
from sqlalchemy import or_, update

from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.models.users import STAFF_ROLES
from matchmaker.orm import utcnow
from matchmaker.services import audit, pii
from matchmaker.services.errors import DomainError, Forbidden

ISSUER = "Matchmaker"
# one step (30 s) either side: phones whose clocks drift a little still work
VALID_WINDOW = 1


def may_use(user: User) -> bool:
    return user.role in STAFF_ROLES


def is_on(user: User) -> bool:
    return bool(user.totp_secret)


def new_secret() -> str:
    return pyotp.random_base32()


def setup_qr_svg(user: User, secret: str) -> str:
    """The otpauth:// link as an inline SVG QR code, for the authenticator app to scan."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.login, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_inline(scale=4)


def _match(secret: str, code: str, after_step: int | None) -> int | None:
    """The time step the code belongs to, if it is valid now and newer than ``after_step``."""
    code = (code or "").strip().replace(" ", "")
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(utcnow())
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if (after_step is None or step > after_step) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def turn_on(user: User, secret: str, code: str) -> None:
    """Keep the secret once the user proves their app holds it (a code it made)."""
    if not may_use(user):
        raise Forbidden(_("求职者账号使用手机号和密码登录，无需两步验证。"))
    if is_on(user):
        raise DomainError(_("两步验证已开启。"))
    step = _match(secret, code, None)
    if step is None:
        raise DomainError(_("验证码不正确或已过期，请输入验证器应用中当前显示的 6 位数字。"), "code")
    user.totp_secret, user.totp_last_step = pii.encrypt(secret), step
    audit.record(user, "account.totp_on", "user", user.id)
    db.session.commit()


def disable(user: User) -> None:
    """Forget the secret (the caller has checked a current code: services.accounts.turn_off_second_factor)."""
    user.totp_secret, user.totp_last_step = None, None
    audit.record(user, "account.totp_off", "user", user.id)
    db.session.commit()


def check(user: User, code: str) -> bool:
    """The code is right and newer than any used before. The step is claimed with a conditional UPDATE, so the
    same code sent twice at once passes only once."""
    step = _match(pii.decrypt(user.totp_secret), code, user.totp_last_step) if is_on(user) else None
    if step is None:
        return False
    claimed = db.session.execute(update(User).where(
        User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step)).values(totp_last_step=step))
    db.session.refresh(user, ["totp_last_step"])
    return claimed.rowcount == 1
