"""CSRF protection and login rate limiting, tested with the protections switched on."""
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
