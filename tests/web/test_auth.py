"""Sign-up, sign-in, sign-out and password change through the real pages, including revoked sessions."""
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import User
from tests.factories import PASSWORD


def test_seeker_signs_up_and_lands_on_the_seeker_page_in_chinese(client):
    r = client.post("/signup", data={"phone": "139 1234 5678", "display_name": "阿强", "password": "my-new-job-2026"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/seeker/")
    page = client.get("/seeker/").get_data(as_text=True)
    assert "您好，阿强" in page and "尚未与村劳动力台账关联" in page
    user = db.session.scalar(select(User).where(User.login == "13912345678"))
    assert user.role == "seeker" and user.password_hash.startswith("$argon2")


def test_sign_up_errors_are_shown_and_nothing_is_saved(client):
    r = client.post("/signup", data={"phone": "12345", "display_name": "阿强", "password": "my-new-job-2026"})
    assert "请输入 11 位手机号码" in r.get_data(as_text=True)
    r = client.post("/signup", data={"phone": "13912345678", "display_name": "阿强", "password": "12345678"})
    assert "太常见" in r.get_data(as_text=True)
    r = client.post("/signup", data={"phone": "13912345678", "display_name": "阿强", "password": "x13912345678"})
    assert "不能包含您的手机号" in r.get_data(as_text=True)
    assert db.session.scalar(select(User.id)) is None


def test_each_role_lands_on_its_own_page(world, login):
    expected = {world.a.coordinator: ("/village/", "劳动力台账"), world.a.employer: ("/enterprise/", "企业甲"),
                world.a.teacher: ("/school/", "技师学院甲"), world.a.seeker: ("/seeker/", "最新岗位"),
                world.a.county_bureau: ("/bureau/", "人社部门工作台")}
    for user, (path, text) in expected.items():
        c = login(user)
        page = c.get(path)
        assert page.status_code == 200 and text in page.get_data(as_text=True), path


def test_wrong_password_and_unknown_user_get_the_same_answer(world, client):
    a = client.post("/login", data={"login": world.a.employer.login, "password": "wrong-password"})
    b = client.post("/login", data={"login": "nobody-here", "password": "wrong-password"})
    for r in (a, b):
        assert r.status_code == 200 and "手机号/用户名或密码不正确" in r.get_data(as_text=True)


def test_a_role_cannot_open_another_roles_pages(world, login):
    c = login(world.a.coordinator)
    for path in ("/enterprise/", "/school/", "/bureau/", "/seeker/", "/bureau/enterprises/new"):
        r = c.get(path)
        assert r.status_code == 403 and "无权" in r.get_data(as_text=True)
    assert login(world.a.employer).get("/village/").status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client):
    r = client.get("/village/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_logout_revokes_the_session_on_the_server(world, app, login):
    c = login(world.a.employer)
    with c.session_transaction() as s:
        stolen = dict(s)
    c.post("/logout")
    replay = app.test_client()
    with replay.session_transaction() as s:
        s.update(stolen)
    r = replay.get("/enterprise/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_password_change_ends_other_sessions_but_keeps_this_one(world, login):
    phone, pc = login(world.a.coordinator), login(world.a.coordinator)
    r = pc.post("/password", data={"current": PASSWORD, "new": "a-brand-new-secret"})
    assert r.status_code == 302
    assert pc.get("/village/").status_code == 200
    assert phone.get("/village/").status_code == 302
    bad = pc.post("/password", data={"current": "not-it", "new": "another-secret-1"})
    assert "当前密码不正确" in bad.get_data(as_text=True)


def test_open_redirects_are_refused(world, client):
    r = client.post("/login?next=//evil.example/x", data={"login": world.a.employer.login, "password": PASSWORD})
    assert r.headers["Location"].endswith("/enterprise/")
