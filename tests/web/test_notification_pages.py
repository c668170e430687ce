"""Notification pages: the count in the top bar, the list, mark read, open; another user's notification is not
found; a stored link that leads off the site is never followed."""
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Notification
from matchmaker.services import notifications


def _add(user, link="/pairings/", kind="pairing_proposed", **params) -> Notification:
    notifications.notify([user.id], kind, link, **(params or {"party": "企业甲"}))
    db.session.commit()
    return db.session.scalar(select(Notification).where(Notification.user_id == user.id)
                             .order_by(Notification.id.desc()).limit(1))


def test_the_top_bar_counts_unread_and_the_list_renders_them(world, login):
    _add(world.a.coordinator, party="企业甲")
    _add(world.a.coordinator, party="企业丙")
    coord = login(world.a.coordinator)
    home = coord.get("/village/").get_data(as_text=True)
    assert 'class="nav-notifications"' in home and '<span class="count"' in home and ">2</span>" in home
    page = coord.get("/notifications/").get_data(as_text=True)
    assert "企业甲向您发起一企一村结对申请。" in page and "企业丙向您发起一企一村结对申请。" in page
    # Someone else's list is empty; their top bar shows no count.
    other = login(world.a.employer).get("/notifications/").get_data(as_text=True)
    assert "企业甲" not in other and '<span class="count"' not in other and "暂无通知" in other


def test_open_marks_read_and_goes_to_the_link(world, login):
    n = _add(world.a.coordinator, link="/pairings/")
    coord = login(world.a.coordinator)
    response = coord.post(f"/notifications/{n.id}/open")
    assert response.status_code == 302 and response.headers["Location"] == "/pairings/"
    assert db.session.get(Notification, n.id).read_at is not None
    assert '<span class="count"' not in coord.get("/notifications/").get_data(as_text=True)


def test_mark_read_and_mark_all(world, login):
    first, second = _add(world.a.seeker), _add(world.a.seeker)
    seeker = login(world.a.seeker)
    assert seeker.post(f"/notifications/{first.id}/read").status_code == 302
    assert db.session.get(Notification, first.id).read_at is not None
    assert db.session.get(Notification, second.id).read_at is None
    unread = seeker.get("/notifications/?unread=1").get_data(as_text=True)
    assert f"/notifications/{second.id}/read" in unread and f"/notifications/{first.id}/read" not in unread
    assert seeker.post("/notifications/read-all").status_code == 302
    assert db.session.get(Notification, second.id).read_at is not None


def test_another_users_notification_cannot_be_read_or_opened(world, login):
    theirs = _add(world.a.coordinator)
    for user in (world.a.seeker, world.a.employer, world.b.coordinator):
        c = login(user)
        assert c.post(f"/notifications/{theirs.id}/read").status_code == 404
        assert c.post(f"/notifications/{theirs.id}/open").status_code == 404
        c.post("/notifications/read-all")
    assert db.session.get(Notification, theirs.id).read_at is None


def test_a_link_off_the_site_is_refused(world, login):
    coord = login(world.a.coordinator)
    for link in ("https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        n = _add(world.a.coordinator, link=link)
        response = coord.post(f"/notifications/{n.id}/open")
        assert response.status_code == 302 and response.headers["Location"] == "/notifications/", link
        assert db.session.get(Notification, n.id).read_at is not None


def test_anonymous_users_are_sent_to_sign_in(world, client):
    n = _add(world.a.coordinator)
    assert "/login" in client.get("/notifications/").headers["Location"]
    assert "/login" in client.post(f"/notifications/{n.id}/open").headers["Location"]
    assert db.session.get(Notification, n.id).read_at is None


def test_the_list_is_paged(world, login):
    for i in range(notifications.PER_PAGE + 3):
        notifications.notify([world.a.seeker.id], "pairing_proposed", "/pairings/", party=f"企业{i:02d}")
    db.session.commit()
    seeker = login(world.a.seeker)
    first = seeker.get("/notifications/").get_data(as_text=True)
    second = seeker.get("/notifications/?page=2").get_data(as_text=True)
    assert "企业22" in first and "企业00" not in first
    assert "企业00" in second and "企业22" not in second
