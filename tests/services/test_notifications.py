"""Notifications: each hook tells the right people — the other parties, never the actor, never another
organisation — and a notification reads in the reader's language, whatever language it was written in."""
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Certificate, Notification, Pairing, Vacancy, VacancyTrade, WorkerSkill
from matchmaker.services import notifications, pairings, referrals, vacancies
from matchmaker.services.errors import NotFound
from tests.factories import make_trade, make_user, make_worker


def _inbox(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def _recipients(kind: str) -> set[int]:
    return set(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


@pytest.fixture
def vacancy(world):
    v = Vacancy(enterprise=world.a.enterprise, title="普工", site_county=world.a.county, headcount=2, wage_min=4000,
                wage_max=5000, status="open", age_max=55)
    db.session.add(v)
    db.session.commit()
    return v


@pytest.fixture
def colleague(world):
    """A second HR clerk of enterprise A, and a second coordinator of village A."""
    user = make_user("enterprise", enterprise_id=world.a.enterprise.id)
    coordinator = make_user("coordinator", village_id=world.a.village.id)
    db.session.commit()
    return user, coordinator


def test_a_nomination_tells_the_enterprise_staff_only(world, vacancy, colleague):
    clerk, second_coordinator = colleague
    referrals.nominate(world.a.coordinator, vacancy.id, [world.a.worker.id], "", consent=True)
    assert _recipients("referral_nominated") == {world.a.employer.id, clerk.id}
    [n] = _inbox(world.a.employer)
    assert n.params == {"village": world.a.village.name, "worker": world.a.worker.name, "vacancy": "普工"}
    assert n.link == "/referrals/" and n.read_at is None
    # Not the nominating coordinator, their colleague, the seeker, nor anyone of side B.
    for user in (world.a.coordinator, second_coordinator, world.a.seeker, world.b.employer, world.b.coordinator):
        assert _inbox(user) == []


def test_an_application_tells_the_enterprise_staff(world, vacancy):
    referrals.apply(world.a.seeker, vacancy.id, consent=True)
    assert _recipients("referral_applied") == {world.a.employer.id}
    assert _inbox(world.a.seeker) == [] and _inbox(world.b.employer) == []


def test_each_step_tells_the_other_parties_never_the_actor(world, vacancy, colleague):
    clerk, second_coordinator = colleague
    [r] = referrals.nominate(world.a.coordinator, vacancy.id, [world.a.worker.id], "", consent=True)
    db.session.execute(Notification.__table__.delete())
    db.session.commit()

    referrals.move(world.a.employer, r.id, "shortlisted")
    # The enterprise acted: the worker's own account and the nominating village's coordinators hear of it.
    assert _recipients("referral_moved") == {world.a.seeker.id, world.a.coordinator.id, second_coordinator.id}
    [n] = _inbox(world.a.seeker)
    assert n.params["status"] == "shortlisted" and n.params["worker"] == world.a.worker.name

    referrals.move(world.a.employer, r.id, "offered")
    referrals.hire(world.a.employer, r.id, date.today(), 4500)
    statuses = [n.params["status"] for n in _inbox(world.a.coordinator)]
    assert statuses == ["shortlisted", "offered", "hired"]
    assert _inbox(world.a.employer) == [] and _inbox(clerk) == []
    for user in (world.b.employer, world.b.coordinator, world.b.seeker):
        assert _inbox(user) == []


def test_a_withdrawal_tells_the_enterprise_and_the_worker_but_not_the_coordinator_who_withdrew(world, vacancy,
                                                                                              colleague):
    clerk, second_coordinator = colleague
    [r] = referrals.nominate(world.a.coordinator, vacancy.id, [world.a.worker.id], "", consent=True)
    referrals.move(world.a.coordinator, r.id, "withdrawn")
    assert _recipients("referral_moved") == {world.a.employer.id, clerk.id, world.a.seeker.id}


def test_a_rejected_application_tells_the_seeker_not_the_village(world, vacancy):
    r = referrals.apply(world.a.seeker, vacancy.id, consent=True)
    referrals.move(world.a.employer, r.id, "rejected", "经验不足")
    # An application has no nominating village: its coordinator is not a party to it.
    assert _recipients("referral_moved") == {world.a.seeker.id}


def test_pairing_proposal_and_answer_go_to_the_other_side(world, colleague):
    clerk, second_coordinator = colleague
    p = pairings.propose(world.a.employer, world.a.village.id)
    assert _recipients("pairing_proposed") == {world.a.coordinator.id, second_coordinator.id}
    assert _inbox(world.a.coordinator)[0].params == {"party": world.a.enterprise.name}
    pairings.accept(world.a.coordinator, p.id)
    assert _recipients("pairing_accepted") == {world.a.employer.id, clerk.id}
    assert _inbox(world.a.employer)[0].params == {"party": world.a.village.name}
    p2 = pairings.propose(world.b.coordinator, world.a.enterprise.id)
    assert {n.user_id for n in db.session.scalars(select(Notification).where(
        Notification.kind == "pairing_proposed"))} - {world.a.coordinator.id, second_coordinator.id} == \
        {world.a.employer.id, clerk.id}
    pairings.decline(clerk, p2.id)
    assert _recipients("pairing_declined") == {world.b.coordinator.id}


@pytest.fixture
def welding_draft(world):
    """A draft welding vacancy of enterprise A, paired with village A; village A has a certified welder (with a
    seeker account) and a newcomer with nothing recorded (with one too); village B has a welder of its own."""
    trade = make_trade("6-18-02-04", "焊工")
    a, b = world.a, world.b
    db.session.add(Pairing(enterprise=a.enterprise, village=a.village, status="active"))
    vacancy = Vacancy(enterprise=a.enterprise, title="电焊工", site_county=a.county, longitude=115.05, latitude=24.02,
                      headcount=3, wage_min=5000, wage_max=7000, status="draft", age_max=55)
    vacancy.trades.append(VacancyTrade(trade=trade, min_level=2))
    db.session.add(vacancy)
    for w in (a.worker, b.worker):
        w.radius = "county"
        db.session.add_all([WorkerSkill(worker=w, trade=trade, level=3), Certificate(worker=w, trade=trade, level=3)])
    newcomer = make_worker(a.village, name="新人")
    newcomer_account = make_user("seeker", worker_id=newcomer.id)
    db.session.commit()
    return vacancy, newcomer_account


def test_publishing_tells_the_paired_villages_strong_matches_and_their_coordinators_once(world, welding_draft):
    vacancy, newcomer_account = welding_draft
    vacancies.publish(world.a.employer, vacancy.id)
    [n] = _inbox(world.a.seeker)
    assert n.kind == "vacancy_match" and n.link == f"/seeker/vacancies/{vacancy.id}"
    assert n.params["score"] >= notifications.MATCH_THRESHOLD and n.params["enterprise"] == world.a.enterprise.name
    assert _inbox(newcomer_account) == []  # ranks far below the threshold
    [summary] = _inbox(world.a.coordinator)
    assert summary.kind == "vacancy_match_village" and summary.params["count"] == 1
    assert summary.link == f"/referrals/nominate/{vacancy.id}"
    # Village B is not paired with enterprise A; the publisher hears nothing of their own act.
    for user in (world.b.seeker, world.b.coordinator, world.a.employer):
        assert _inbox(user) == []
    # Closing and publishing again is not a new vacancy: nobody is told twice.
    vacancies.close(world.a.employer, vacancy.id)
    vacancies.publish(world.a.employer, vacancy.id)
    assert len(_inbox(world.a.seeker)) == 1 and len(_inbox(world.a.coordinator)) == 1


def test_publishing_without_a_pairing_tells_nobody(world, welding_draft):
    vacancy, _account = welding_draft
    db.session.execute(Pairing.__table__.delete())
    db.session.commit()
    vacancies.publish(world.a.employer, vacancy.id)
    assert db.session.scalar(select(Notification.id)) is None


def test_a_notification_reads_in_the_readers_language(world, vacancy):
    [r] = referrals.nominate(world.a.coordinator, vacancy.id, [world.a.worker.id], "", consent=True)
    referrals.move(world.a.employer, r.id, "shortlisted")
    [n] = _inbox(world.a.seeker)
    with force_locale("zh_CN"):
        assert notifications.render(n) == f"{world.a.worker.name}的推荐（普工）已变为：初选通过"
    with force_locale("en"):
        text = notifications.render(n)
    # The status is kept as a code and labelled when read, so it follows the reader's language.
    assert "Shortlisted" in text and "初选通过" not in text and world.a.worker.name in text


def test_rendering_survives_unknown_kinds_and_missing_params(world):
    n = Notification(user_id=world.a.seeker.id, kind="referral_moved", params={"worker": "张三"})
    with force_locale("zh_CN"):
        assert notifications.render(n).startswith("张三的推荐（）")
        assert notifications.render(Notification(user_id=1, kind="gone", params={})) == "（无法显示的通知）"


def test_each_user_reads_and_marks_only_their_own(world):
    notifications.notify([world.a.seeker.id, world.a.coordinator.id], "pairing_proposed", "/pairings/", party="X")
    notifications.notify([world.a.seeker.id], "pairing_accepted", "/pairings/", party="Y")
    db.session.commit()
    assert notifications.unread_count(world.a.seeker) == 2 and notifications.unread_count(world.a.coordinator) == 1
    mine = notifications.page_of(world.a.seeker).items
    assert [n.kind for n in mine] == ["pairing_accepted", "pairing_proposed"]  # newest first
    theirs = _inbox(world.a.coordinator)[0]
    with pytest.raises(NotFound):
        notifications.mark_read(world.a.seeker, theirs.id)
    assert db.session.get(Notification, theirs.id).read_at is None
    notifications.mark_read(world.a.seeker, mine[0].id)
    assert notifications.unread_count(world.a.seeker) == 1
    assert [n.id for n in notifications.page_of(world.a.seeker, unread_only=True).items] == [mine[1].id]
    assert notifications.mark_all_read(world.a.seeker) == 1
    assert notifications.unread_count(world.a.seeker) == 0 and notifications.unread_count(world.a.coordinator) == 1


def test_the_top_bar_count_comes_with_the_signed_in_user_and_follows_marking_read(world, login):
    from sqlalchemy import event
    from matchmaker.services.accounts import load_session_user
    notifications.notify([world.a.seeker.id], "pairing_proposed", "/pairings/", party="X")
    notifications.notify([world.a.seeker.id], "pairing_accepted", "/pairings/", party="Y")
    db.session.commit()
    loaded = load_session_user(world.a.seeker.get_id())
    assert loaded.unread_at_load[1] == 2 and notifications.unread_count(loaded) == 2
    notifications.mark_read(loaded, _inbox(world.a.seeker)[0].id)
    assert notifications.unread_count(loaded) == 1  # counted again, not the figure loaded with the user
    loaded = load_session_user(world.a.seeker.get_id())
    notifications.notify([world.a.seeker.id], "pairing_accepted", "/pairings/", party="Z")
    db.session.commit()  # another transaction: what was loaded with the user no longer holds
    assert notifications.unread_count(loaded) == 2
    counts = []
    listen = lambda conn, cursor, statement, *a: counts.append(statement) if "count(" in statement else None  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        c = login(world.a.seeker)
        counts.clear()
        page = c.get("/seeker/profile").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert 'aria-label="2 条未读">2</span>' in page
    assert len(counts) == 1 and "user_account" in counts[0]  # one statement: the user with the count
    c.post("/notifications/read-all", data={})
    assert 'class="count"' not in c.get("/seeker/profile").get_data(as_text=True)
