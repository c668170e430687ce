"""CSRF protection and login rate limiting, tested with the protections switched on."""
import re

import pytest

from matchmaker.extensions import limiter


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_a_form_without_its_token_is_refused_and_changes_nothing(world, client, csrf_on):
    r = client.post("/signup", data={"phone": "13912345678", "display_name": "阿强", "password": "my-new-job-2026"})
    assert r.status_code == 400 and "表单已过期" in r.get_data(as_text=True)
    r = client.post("/login", data={"login": world.a.employer.login, "password": "correct-horse-77"})
    assert r.status_code == 400


def test_a_form_with_its_token_goes_through(world, client, csrf_on):
    import re
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"login": world.a.employer.login, "password": "correct-horse-77",
                                    "csrf_token": token})
    assert r.status_code == 302


def test_login_is_rate_limited(app, world, client):
    app.config["LOGIN_RATE_LIMIT"] = "5/minute"
    limiter.reset()
    try:
        codes = [client.post("/login", data={"login": "x", "password": "y"}).status_code for _ in range(7)]
        page = client.post("/login", data={"login": "x", "password": "y"}).get_data(as_text=True)
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10000/minute"
        limiter.reset()
    assert codes == [200] * 5 + [429, 429]
    assert "尝试次数过多" in page


def test_five_wrong_passwords_lock_the_account_for_a_while(world, client, monkeypatch):
    from datetime import timedelta

    from sqlalchemy import select

    from matchmaker.extensions import db
    from matchmaker.models import AuditEntry, User
    from matchmaker.services import accounts
    from tests.factories import PASSWORD

    user = world.a.employer
    for _ in range(accounts.LOCKOUT_AFTER - 1):
        client.post("/login", data={"login": user.login, "password": "wrong-guess-1"})
    assert client.post("/login", data={"login": user.login, "password": PASSWORD}).status_code == 302  # resets
    client.post("/logout")
    for _ in range(accounts.LOCKOUT_AFTER):
        r = client.post("/login", data={"login": user.login, "password": "wrong-guess-1"})
        assert r.status_code == 200
    r = client.post("/login", data={"login": user.login, "password": PASSWORD})  # the right one, too late
    locked_page = r.get_data(as_text=True)
    assert r.status_code == 200 and client.get("/enterprise/").status_code == 302  # not signed in
    assert "密码不正确" in locked_page and "连续输错 5 次密码或验证码，账号将锁定 15 分钟" in locked_page
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == user.id)).all()
    assert "account.locked" in actions and "account.login_locked" in actions
    # A locked account answers as an unknown login does: "locked" would tell a guesser the login exists.
    unknown = client.post("/login", data={"login": "nobody-here", "password": "x"}).get_data(as_text=True)
    flash = re.compile(r'<div class="flash[^"]*"[^>]*>.*?</div>', re.S)
    assert flash.findall(locked_page) == flash.findall(unknown)
    # Another account is not affected.
    assert client.post("/login", data={"login": world.b.employer.login, "password": PASSWORD}).status_code == 302
    # When the time is up, the right password works again.
    later = accounts.utcnow() + timedelta(minutes=accounts.LOCKOUT_MINUTES + 1)
    monkeypatch.setattr(accounts, "utcnow", lambda: later)
    assert client.post("/login", data={"login": user.login, "password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until is None
