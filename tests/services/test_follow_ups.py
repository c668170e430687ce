"""Follow-up visits: what is due for a village and in which order, recording once, and a worker who left."""
import os
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, FollowUp, MatchingChange, Placement, Vacancy, Worker
from matchmaker.services import follow_ups
from matchmaker.services.errors import DomainError, Forbidden, NotFound


def make_placement(side, start: date, worker=None) -> Placement:
    """A running placement of a side's worker with its four follow-ups (as a hire creates them)."""
    worker = worker or side.worker
    vacancy = Vacancy(enterprise=side.enterprise, title="普工", site_county=side.county, headcount=5, wage_min=4000,
                      wage_max=5000, status="open", age_max=55)
    placement = Placement(worker=worker, vacancy=vacancy, enterprise_id=side.enterprise.id, start_date=start,
                          channel="open_market", transfer_type="local", monthly_wage=4500)
    for months in (1, 3, 6, 12):
        placement.follow_ups.append(FollowUp(due_month=months, due_on=start + timedelta(days=30 * months)))
    worker.status = "employed"
    db.session.add_all([vacancy, placement])
    db.session.commit()
    return placement


def _month(placement, m) -> FollowUp:
    return next(f for f in placement.follow_ups if f.due_month == m)


def test_due_for_orders_overdue_then_this_week_then_later(world):
    today = date.today()
    # started 95 days ago: the 1- and 3-month visits are overdue; started 27 days ago: the first is due this week.
    old = make_placement(world.a, today - timedelta(days=95))
    recent = make_placement(world.a, today - timedelta(days=27))
    rows = follow_ups.due_for(world.a.coordinator)
    assert [r.section for r in rows] == sorted((r.section for r in rows), key=follow_ups.SECTIONS.index)
    assert [(r.follow_up.placement_id, r.due_month, r.section) for r in rows][:3] == [
        (old.id, 1, "overdue"), (old.id, 3, "overdue"), (recent.id, 1, "this_week")]
    assert all(r.section == "later" for r in rows[3:]) and len(rows) == 8
    assert rows[0].worker.id == world.a.worker.id and rows[0].enterprise.id == world.a.enterprise.id
    assert rows[0].start_date == old.start_date
    # the other village sees none of them
    assert follow_ups.due_for(world.b.coordinator) == []


def test_due_for_is_for_coordinators(world):
    with pytest.raises(Forbidden):
        follow_ups.due_for(world.a.employer)


def test_record_sets_done_and_recorder_and_audits(world):
    placement = make_placement(world.a, date.today() - timedelta(days=40))
    f = _month(placement, 1)
    follow_ups.record(world.a.coordinator, f.id, True, 5200, "想加班", "三个月后再访")
    f = db.session.get(FollowUp, f.id)
    assert f.done_on == date.today() and f.recorded_by_id == world.a.coordinator.id
    assert (f.still_employed, f.wage, f.problems, f.next_step) == (True, 5200, "想加班", "三个月后再访")
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "follow_up.record")).object_id == f.id
    assert db.session.get(Worker, world.a.worker.id).status == "employed"
    assert f.id not in [r.follow_up.id for r in follow_ups.due_for(world.a.coordinator)]


def test_a_second_record_is_refused(world):
    placement = make_placement(world.a, date.today() - timedelta(days=40))
    f = _month(placement, 1)
    follow_ups.record(world.a.coordinator, f.id, True, None, "", "")
    with pytest.raises(DomainError, match="已经记录过"):
        follow_ups.record(world.a.county_bureau, f.id, False, None, "", "")
    f = db.session.get(FollowUp, f.id)
    assert f.still_employed is True and f.recorded_by_id == world.a.coordinator.id


def test_left_work_ends_the_placement_and_frees_the_worker(world):
    placement = make_placement(world.a, date.today() - timedelta(days=100))
    follow_ups.record(world.a.coordinator, _month(placement, 3).id, False, None, "工厂太远", "推荐就近岗位")
    assert db.session.get(Placement, placement.id).ended_on == date.today()
    assert db.session.get(Worker, world.a.worker.id).status == "available"
    assert db.session.scalar(select(MatchingChange).where(MatchingChange.kind == "worker",
                                                          MatchingChange.object_id == world.a.worker.id))
    # the placement's remaining visits are no longer due
    assert follow_ups.due_for(world.a.coordinator) == []


@pytest.mark.parametrize("args, field", [
    ((None, None, "", ""), "still_employed"),
    ((True, -1, "", ""), "wage"),
    ((True, 100_001, "", ""), "wage"),
    ((True, None, "问" * 1001, ""), "problems"),
    ((True, None, "", "步" * 1001), "next_step"),
])
def test_bad_input_names_the_field_in_chinese(world, args, field):
    placement = make_placement(world.a, date.today() - timedelta(days=40))
    with pytest.raises(DomainError) as e:
        follow_ups.record(world.a.coordinator, _month(placement, 1).id, *args)
    assert e.value.field == field and any("\u4e00" <= ch <= "\u9fff" for ch in e.value.message)
    assert db.session.get(FollowUp, _month(placement, 1).id).done_on is None


def test_only_the_village_or_its_bureau_may_record(world):
    placement = make_placement(world.a, date.today() - timedelta(days=40))
    f1, f3 = _month(placement, 1), _month(placement, 3)
    with pytest.raises(NotFound):
        follow_ups.record(world.b.coordinator, f1.id, True)
    with pytest.raises(NotFound):
        follow_ups.record(world.b.county_bureau, f1.id, True)
    with pytest.raises(Forbidden):
        follow_ups.record(world.a.employer, f1.id, True)
    follow_ups.record(world.a.county_bureau, f1.id, True)
    follow_ups.record(world.province_bureau, f3.id, True)
    assert db.session.get(FollowUp, f3.id).recorded_by_id == world.province_bureau.id


def test_a_visit_recorded_as_left_by_someone_else_meanwhile_is_refused_as_already_recorded(world):
    """The interleaving behind a flaky parallel run: this request read the visit while open, another recorded it
    as "left" (ending the placement) before this one read the placement. The accurate refusal is "already
    recorded", not "the worker has left"."""
    placement = make_placement(world.a, date.today() - timedelta(days=40))
    f_id, p_id = _month(placement, 1).id, placement.id
    db.session.commit()
    visit = db.session.get(FollowUp, f_id)  # read while open (and kept); its placement not loaded yet
    assert visit.done_on is None
    with db.engine.begin() as other:
        other.execute(update(FollowUp).where(FollowUp.id == f_id).values(done_on=date.today(), still_employed=False))
        other.execute(update(Placement).where(Placement.id == p_id).values(ended_on=date.today()))
    with pytest.raises(DomainError, match="已经记录过"):
        follow_ups.record(world.a.coordinator, f_id, True, 4000)


def _parallel(app, n, work):
    """Run work(i) in n threads started together; returns each one's result or DomainError message."""
    results, barrier = [], threading.Barrier(n)

    def run(i):
        barrier.wait()  # before taking a connection: the pool holds fewer than n
        with app.app_context():
            try:
                results.append(work(i))
            except DomainError as e:
                results.append(e.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    return results


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="SQLite serialises writers; the race is only real on PostgreSQL")
def test_ten_parallel_records_of_one_follow_up_record_it_once(app, world):
    placement = make_placement(world.a, date.today() - timedelta(days=40))
    f_id, coordinator_id = _month(placement, 1).id, world.a.coordinator.id
    db.session.commit()

    def work(i):
        from matchmaker.models import User
        follow_ups.record(db.session.get(User, coordinator_id), f_id, i % 2 == 0, 4000 + i, "", "")
        return "recorded"

    results = _parallel(app, 10, work)
    assert results.count("recorded") == 1, results
    assert all("已经记录过" in m for m in results if m != "recorded"), results
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "follow_up.record")) == 1
