"""The follow-up pages: a coordinator's list in three sections, the short record form, and what it refuses."""
from datetime import date, timedelta

from matchmaker.extensions import db
from matchmaker.models import FollowUp, Placement, Worker
from tests.services.test_follow_ups import make_placement


def _month(placement, m) -> FollowUp:
    return next(f for f in placement.follow_ups if f.due_month == m)


def test_list_shows_overdue_this_week_and_later_in_order(world, login):
    today = date.today()
    old = make_placement(world.a, today - timedelta(days=95))
    make_placement(world.a, today - timedelta(days=27))
    c = login(world.a.coordinator)
    home = c.get("/village/").get_data(as_text=True)
    assert 'href="/follow-ups/"' in home and "回访" in home
    page = c.get("/follow-ups/").get_data(as_text=True)
    overdue, week, later = page.index("已逾期"), page.index("本周到期"), page.index("以后")
    assert overdue < week < later
    assert page.index(f"/follow-ups/{_month(old, 1).id}") < week
    assert page.index(f"/follow-ups/{_month(old, 3).id}") < week
    assert world.a.enterprise.name in page and world.a.worker.name in page


def test_record_then_a_second_record_is_refused(world, login):
    placement = make_placement(world.a, date.today() - timedelta(days=40))
    f = _month(placement, 1)
    c = login(world.a.coordinator)
    form = c.get(f"/follow-ups/{f.id}").get_data(as_text=True)
    assert "是否仍在岗" in form and 'name="wage"' in form
    r = c.post(f"/follow-ups/{f.id}", data={"still_employed": "1", "wage": "5100", "problems": "", "next_step": "继续跟进"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/follow-ups/")
    f = db.session.get(FollowUp, f.id)
    assert f.done_on == date.today() and f.wage == 5100 and f.recorded_by_id == world.a.coordinator.id
    again = c.post(f"/follow-ups/{f.id}", data={"still_employed": "0"})
    assert again.status_code == 400 and "已经记录过" in again.get_data(as_text=True)
    assert db.session.get(FollowUp, f.id).still_employed is True


def test_bad_input_keeps_what_was_typed(world, login):
    placement = make_placement(world.a, date.today() - timedelta(days=40))
    f = _month(placement, 1)
    c = login(world.a.coordinator)
    r = c.post(f"/follow-ups/{f.id}", data={"still_employed": "1", "wage": "abc", "problems": "宿舍太挤"})
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and "月工资" in body and "宿舍太挤" in body
    r = c.post(f"/follow-ups/{f.id}", data={"problems": "宿舍太挤"})
    assert "是否仍在岗" in r.get_data(as_text=True)
    assert db.session.get(FollowUp, f.id).done_on is None


def test_left_work_frees_the_worker(world, login):
    placement = make_placement(world.a, date.today() - timedelta(days=40))
    c = login(world.a.coordinator)
    r = c.post(f"/follow-ups/{_month(placement, 1).id}", data={"still_employed": "0", "problems": "家里有事"})
    assert r.status_code == 302
    assert db.session.get(Placement, placement.id).ended_on == date.today()
    assert db.session.get(Worker, world.a.worker.id).status == "available"
    assert "暂无" in c.get("/follow-ups/").get_data(as_text=True)


def test_another_village_gets_404(world, login):
    placement = make_placement(world.a, date.today() - timedelta(days=40))
    f = _month(placement, 1)
    c = login(world.b.coordinator)
    assert world.a.worker.name not in c.get("/follow-ups/").get_data(as_text=True)
    assert c.get(f"/follow-ups/{f.id}").status_code == 404
    assert c.post(f"/follow-ups/{f.id}", data={"still_employed": "0"}).status_code == 404
    assert db.session.get(FollowUp, f.id).done_on is None
    assert login(world.a.employer).get("/follow-ups/").status_code == 403
