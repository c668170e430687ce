"""The second factor (TOTP) for staff: turning it on with a code, signing in in two steps, no replays, lockout."""
import re
from datetime import timedelta

import pyotp
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, User
from matchmaker.services import accounts, two_factor
from tests.factories import PASSWORD


def _code(secret, steps_ahead=0):
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(two_factor.utcnow()) + steps_ahead)


def _turn_on(c):
    page = c.post("/settings/two-factor", data={"action": "start"}).get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert "<svg" in page  # the QR code for the app
    return secret, c.post("/settings/two-factor", data={"action": "confirm", "code": _code(secret)})


def _sign_in(app, user, password=PASSWORD):
    c = app.test_client()
    return c, c.post("/login", data={"login": user.login, "password": password})


def test_turning_it_on_needs_a_code_from_the_app_and_keeps_the_secret_encrypted(world, login):
    c = login(world.a.coordinator)
    assert "未开启" in c.get("/settings/two-factor").get_data(as_text=True)
    page = c.post("/settings/two-factor", data={"action": "start"}).get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    wrong = c.post("/settings/two-factor", data={"action": "confirm", "code": "000000" if _code(secret) != "000000"
                                                 else "111111"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.get_data(as_text=True)
    assert db.session.get(User, world.a.coordinator.id).totp_secret is None
    r = c.post("/settings/two-factor", data={"action": "confirm", "code": _code(secret)})
    assert r.status_code == 302
    db.session.expire_all()
    stored = db.session.get(User, world.a.coordinator.id).totp_secret
    assert stored and secret not in stored  # encrypted at rest
    assert "已开启" in c.get("/settings/two-factor").get_data(as_text=True)
    assert login(world.a.seeker).get("/settings/two-factor").status_code == 403


def test_sign_in_takes_the_code_after_the_password_and_a_code_counts_once(world, app, login):
    secret, _ = _turn_on(login(world.a.coordinator))
    c, r = _sign_in(app, world.a.coordinator)
    assert r.status_code == 302 and "/login/code" in r.headers["Location"]
    assert c.get("/village/").status_code == 302  # not signed in yet: the password alone is not enough
    assert c.post("/login/code", data={"code": "12345"}).status_code == 400
    code = _code(secret, 1)
    r = c.post("/login/code", data={"code": code})
    assert r.status_code == 302 and c.get("/village/").status_code == 200
    c2, _ = _sign_in(app, world.a.coordinator)
    replay = c2.post("/login/code", data={"code": code})  # the same code again: refused
    assert replay.status_code == 400 and c2.get("/village/").status_code == 302
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == world.a.coordinator.id)))
    assert {"account.totp_on", "account.password_ok", "account.login_second_factor",
            "account.second_factor_failed"} <= actions


def test_the_code_step_expires_and_wrong_codes_lock_the_account(world, app, login, monkeypatch):
    secret, _ = _turn_on(login(world.a.employer))
    c, _ = _sign_in(app, world.a.employer)
    wrong = "000001" if _code(secret, 1) != "000001" else "000002"
    for _ in range(accounts.LOCKOUT_AFTER):
        assert c.post("/login/code", data={"code": wrong}).status_code == 400
    r = c.post("/login/code", data={"code": _code(secret, 1)})  # locked: even the right code waits
    assert r.status_code == 400 and c.get("/enterprise/").status_code == 302
    c, _ = _sign_in(app, world.b.employer)  # no second factor: signs in at once
    assert c.get("/enterprise/").status_code == 200
    c, r = _sign_in(app, world.a.teacher)
    assert "/login/code" not in r.headers["Location"] and c.get("/school/").status_code == 200
    secret, _ = _turn_on(login(world.a.county_bureau))
    c, _ = _sign_in(app, world.a.county_bureau)
    later = accounts.utcnow() + timedelta(seconds=accounts.SECOND_STEP_SECONDS + 5)
    monkeypatch.setattr(accounts, "utcnow", lambda: later)
    assert c.get("/login/code").status_code == 400  # the password step is too old: sign in again


def test_signing_in_with_the_password_again_does_not_wipe_the_wrong_codes(world, app, login):
    secret, _ = _turn_on(login(world.a.coordinator))
    wrong = "000001" if _code(secret, 1) != "000001" else "000002"
    c, _ = _sign_in(app, world.a.coordinator)
    for _ in range(accounts.LOCKOUT_AFTER - 1):
        c.post("/login/code", data={"code": wrong})
    c, _ = _sign_in(app, world.a.coordinator)  # the password again …
    c.post("/login/code", data={"code": wrong})  # … and the fifth wrong code in a row locks
    assert c.post("/login/code", data={"code": _code(secret, 1)}).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, world.a.coordinator.id).locked_until is not None


def test_a_code_claimed_once_cannot_be_claimed_again(world, login):
    secret, _ = _turn_on(login(world.a.coordinator))
    user = db.session.get(User, world.a.coordinator.id)
    code = _code(secret, 1)
    assert two_factor.check(user, code) is True
    # as if another request had read the account just before this one claimed the step
    set_committed_value(user, "totp_last_step", None)
    assert two_factor.check(user, code) is False  # the conditional UPDATE refuses the second claim


def test_turning_it_off_takes_a_current_code(world, login):
    c = login(world.a.county_bureau)
    secret, _ = _turn_on(c)
    assert c.post("/settings/two-factor", data={"action": "off", "code": "999999" if _code(secret, 1) != "999999"
                                                else "888888"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, world.a.county_bureau.id).failed_logins == 1  # a wrong code here counts too
    assert c.post("/settings/two-factor", data={"action": "off", "code": _code(secret, 1)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world.a.county_bureau.id).totp_secret is None
