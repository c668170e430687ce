"""校园对接产业园, the school's side: park links (with the bureau's decision), order classes, enrolment within the
intake, graduating a class into placements all or nothing, and the demand view."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import (AuditEntry, Certificate, FollowUp, OrderClass, OrderClassStudent, Park,
                               ParkSchoolLink, Placement, Trade, TrainingRecord, Vacancy, VacancyTrade, Worker,
                               WorkerSkill)
from matchmaker.services import matching, schools
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from matchmaker.services.workers import LedgerEntry
from tests.factories import id_number, make_worker

YEAR = date.today().year


def make_park(county, code="P4414001", name="梅州高新区产业转移工业园") -> Park:
    park = Park(code=code, name=name, county=county, longitude=116.1, latitude=24.3, key_park=True)
    db.session.add(park)
    db.session.flush()
    return park


@pytest.fixture
def park(world):
    p = make_park(world.a.county)
    world.a.enterprise.park_id = p.id
    db.session.commit()
    return p


@pytest.fixture
def welder():
    return db.session.scalar(select(Trade).where(Trade.code == "6-18-02-04"))


def _vacancy(world, park, headcount=3, trade=None, level=1, filled=0, enterprise=None):
    v = Vacancy(enterprise=enterprise or world.a.enterprise, title="焊工", site_county=world.a.county,
                site_park_id=park.id, headcount=headcount, filled=filled, wage_min=4000, wage_max=6000,
                status="open", age_max=55)
    if trade is not None:
        v.trades.append(VacancyTrade(trade=trade, min_level=level))
    db.session.add(v)
    db.session.commit()
    return v


def _active_link(world, park):
    link = schools.propose_link(world.a.teacher, park.id, True, "园区大道 1 号", YEAR)
    return schools.decide_link(world.a.county_bureau, link.id, True)


def _student(world, name="学员一", serial=None, status="available"):
    return make_worker(world.a.village, name=name, source="school", school_id=world.a.school.id, status=status)


def _class(world, park, welder, vacancy=None, intake=3):
    return schools.create_order_class(world.a.teacher, schools.OrderClassInput(
        name="焊工订单班", enterprise_id=world.a.enterprise.id, trade_code=welder.code, intake=intake,
        starts_on=date.today() - timedelta(days=30), ends_on=date.today() + timedelta(days=60),
        vacancy_id=vacancy.id if vacancy else None))


def _audit_actions():
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- profile and park links -----------------------------------------------------------------------------------

def test_specialties_are_tidied_and_audited(world):
    schools.update_profile(world.a.teacher, "焊接技术, 数控加工、焊接技术；电工")
    assert db.session.get(type(world.a.school), world.a.school.id).specialties == "焊接技术；数控加工；电工"
    assert _audit_actions()[-1] == "school.profile"
    with pytest.raises(DomainError) as e:
        schools.update_profile(world.a.teacher, "很长" * 200)
    assert e.value.field == "specialties"
    with pytest.raises(Forbidden):
        schools.update_profile(world.a.employer, "焊接")


def test_propose_then_bureau_approves_and_the_bonus_context_knows(world, park):
    link = schools.propose_link(world.a.teacher, park.id, True, "园区大道 1 号", YEAR)
    assert (link.status, link.branch_campus, link.branch_address, link.year) == ("proposed", True, "园区大道 1 号", YEAR)
    decided = schools.decide_link(world.a.county_bureau, link.id, True)
    assert decided.status == "active" and decided.approved_by_id == world.a.county_bureau.id
    assert decided.approved_at is not None
    assert (park.code, world.a.school.id) in matching.current().index.ctx.park_school_links
    assert _audit_actions()[-2:] == ["park_link.propose", "park_link.approve"]


def test_a_duplicate_link_is_refused_clearly(world, park):
    schools.propose_link(world.a.teacher, park.id, False, "", YEAR)
    with pytest.raises(DomainError, match="已与梅州高新区产业转移工业园对接") as e:
        schools.propose_link(world.a.teacher, park.id, False, "", YEAR)
    assert e.value.field == "park_id"
    assert db.session.scalar(select(func.count(ParkSchoolLink.id))) == 1


def test_link_input_is_checked(world, park):
    with pytest.raises(DomainError) as e:
        schools.propose_link(world.a.teacher, park.id, True, "  ", YEAR)
    assert e.value.field == "branch_address"
    with pytest.raises(DomainError) as e:
        schools.propose_link(world.a.teacher, park.id, False, "", YEAR + 30)
    assert e.value.field == "year"
    with pytest.raises(DomainError) as e:
        schools.propose_link(world.a.teacher, 999999, False, "", YEAR)
    assert e.value.field == "park_id"
    assert db.session.scalar(select(func.count(ParkSchoolLink.id))) == 0


def test_withdraw_a_proposal_end_an_active_link_and_propose_again(world, park):
    link = schools.propose_link(world.a.teacher, park.id, False, "", YEAR)
    with pytest.raises(DomainError, match="进行中"):
        schools.end_link(world.a.teacher, link.id)
    assert schools.withdraw_link(world.a.teacher, link.id).status == "ended"
    again = schools.propose_link(world.a.teacher, park.id, True, "分校路 2 号", YEAR)
    assert again.id == link.id and again.status == "proposed"
    schools.decide_link(world.a.county_bureau, link.id, True)
    with pytest.raises(DomainError, match="待确认"):
        schools.withdraw_link(world.a.teacher, link.id)
    assert schools.end_link(world.a.teacher, link.id).status == "ended"
    assert (park.code, world.a.school.id) not in matching.current().index.ctx.park_school_links


def test_branch_details_can_be_edited_on_a_live_link(world, park):
    link = schools.propose_link(world.a.teacher, park.id, False, "", YEAR)
    schools.update_branch(world.a.teacher, link.id, True, "园区东路 8 号")
    link = db.session.get(ParkSchoolLink, link.id)
    assert (link.branch_campus, link.branch_address) == (True, "园区东路 8 号")
    schools.update_branch(world.a.teacher, link.id, False, "园区东路 8 号")
    assert db.session.get(ParkSchoolLink, link.id).branch_address == ""


def test_only_the_bureau_of_the_region_decides(world, park):
    link = schools.propose_link(world.a.teacher, park.id, False, "", YEAR)
    with pytest.raises(Forbidden):
        schools.decide_link(world.a.teacher, link.id, True)
    with pytest.raises(NotFound):
        schools.decide_link(world.b.county_bureau, link.id, True)
    declined = schools.decide_link(world.province_bureau, link.id, False, "园区暂无用工计划")
    assert declined.status == "declined"
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert entry.action == "park_link.decline" and entry.detail["reason"] == "园区暂无用工计划"
    with pytest.raises(DomainError, match="已处理"):
        schools.decide_link(world.province_bureau, link.id, True)


def test_another_school_cannot_touch_the_link(world, park):
    link = schools.propose_link(world.a.teacher, park.id, False, "", YEAR)
    with pytest.raises(NotFound):
        schools.withdraw_link(world.b.teacher, link.id)
    assert db.session.get(ParkSchoolLink, link.id).status == "proposed"


# --- order classes -----------------------------------------------------------------------------------------------

def test_an_order_class_needs_an_enterprise_in_an_actively_linked_park(world, park, welder):
    schools.propose_link(world.a.teacher, park.id, False, "", YEAR)
    with pytest.raises(DomainError, match="已对接") as e:
        _class(world, park, welder)
    assert e.value.field == "enterprise_id"
    schools.decide_link(world.a.county_bureau, db.session.scalar(select(ParkSchoolLink.id)), True)
    oc = _class(world, park, welder)
    assert (oc.enterprise_id, oc.park_id, oc.trade_id, oc.intake, oc.status) == (
        world.a.enterprise.id, park.id, welder.id, 3, "open")
    assert world.a.enterprise in schools.partner_enterprises(world.a.teacher)
    assert world.b.enterprise not in schools.partner_enterprises(world.a.teacher)


def test_the_trade_may_be_typed_and_is_normalised(world, park, welder):
    _active_link(world, park)
    oc = schools.create_order_class(world.a.teacher, schools.OrderClassInput(
        name="焊工班", enterprise_id=world.a.enterprise.id, trade_text="焊工", intake=2))
    assert oc.trade_id == welder.id
    with pytest.raises(DomainError) as e:
        schools.create_order_class(world.a.teacher, schools.OrderClassInput(
            name="焊工班", enterprise_id=world.a.enterprise.id, trade_text="", intake=2))
    assert e.value.field == "trade"


def test_the_reserved_vacancy_must_be_the_enterprises_and_hold_the_intake(world, park, welder):
    _active_link(world, park)
    other = _vacancy(world, park, enterprise=world.b.enterprise)
    with pytest.raises(DomainError, match="该合作企业") as e:
        _class(world, park, welder, vacancy=other)
    assert e.value.field == "vacancy_id"
    small = _vacancy(world, park, headcount=4, filled=2)
    with pytest.raises(DomainError, match="只剩 2 个"):
        _class(world, park, welder, vacancy=small, intake=3)
    _class(world, park, welder, vacancy=small, intake=2)
    # A second class cannot reserve places the first one already holds.
    with pytest.raises(DomainError, match="只剩 0 个"):
        _class(world, park, welder, vacancy=small, intake=1)
    assert db.session.scalar(select(func.count(OrderClass.id))) == 1


def test_enrol_own_students_within_the_intake(world, park, welder):
    _active_link(world, park)
    oc = _class(world, park, welder, intake=2)
    s1, s2, s3 = _student(world, "学员一"), _student(world, "学员二"), _student(world, "学员三")
    schools.enrol(world.a.teacher, oc.id, [s1.id, s2.id])
    assert db.session.scalar(select(func.count(OrderClassStudent.id))) == 2
    assert db.session.get(OrderClass, oc.id).status == "running"  # it started a month ago
    with pytest.raises(DomainError, match="超出计划招生人数"):
        schools.enrol(world.a.teacher, oc.id, [s3.id])
    with pytest.raises(DomainError, match="已在本班"):
        schools.enrol(world.a.teacher, oc.id, [s1.id])
    # The order-class bonus for the enterprise knows its students at once.
    assert (world.a.enterprise.id, s1.id) in matching.current().index.ctx.order_classes


def test_only_the_schools_own_students_are_enrolled(world, park, welder):
    _active_link(world, park)
    oc = _class(world, park, welder)
    with pytest.raises(NotFound):
        schools.enrol(world.a.teacher, oc.id, [world.a.worker.id])  # a village worker, not a student
    with pytest.raises(NotFound):
        schools.enrol(world.b.teacher, oc.id, [_student(world).id])
    assert db.session.scalar(select(func.count(OrderClassStudent.id))) == 0


def test_add_a_new_student_reuses_the_ledger_checks(world, park, welder):
    _active_link(world, park)
    oc = _class(world, park, welder)
    number = id_number(birth=date(2005, 3, 1), serial=321)
    worker = schools.add_student(world.a.teacher, LedgerEntry(name="新学员", id_number=number, phone="13800001111"),
                                 world.a.village.region.code, oc.id)
    assert (worker.source, worker.school_id, worker.home_region_id) == ("school", world.a.school.id,
                                                                       world.a.village.region_id)
    assert worker.id_number_masked != number and worker.phone_masked == "138****1111"
    assert [s.worker_id for s in db.session.get(OrderClass, oc.id).students] == [worker.id]
    with pytest.raises(DomainError, match="已登记") as e:
        schools.add_student(world.a.teacher, LedgerEntry(name="重复", id_number=number), world.a.village.region.code)
    assert e.value.field == "id_number"
    with pytest.raises(DomainError) as e:
        bad = number[:-1] + ("1" if number[-1] != "1" else "2")  # a wrong check digit
        schools.add_student(world.a.teacher, LedgerEntry(name="某人", id_number=bad), world.a.village.region.code)
    assert e.value.field == "id_number"
    with pytest.raises(DomainError) as e:  # the home must be a village, not a county
        schools.add_student(world.a.teacher, LedgerEntry(name="某人", id_number=id_number(serial=322)),
                            world.a.county.code)
    assert e.value.field == "village_code"
    assert db.session.scalar(select(func.count(Worker.id)).where(Worker.source == "school")) == 1


# --- graduation ---------------------------------------------------------------------------------------------

def _ready_class(world, park, welder, headcount=3, intake=3, students=3):
    _active_link(world, park)
    vacancy = _vacancy(world, park, headcount=headcount, trade=welder)
    oc = _class(world, park, welder, vacancy=vacancy, intake=intake)
    people = [_student(world, f"学员{i}") for i in range(students)]
    schools.enrol(world.a.teacher, oc.id, [p.id for p in people])
    rows = sorted(db.session.get(OrderClass, oc.id).students, key=lambda s: s.id)
    return oc, vacancy, people, rows


def test_graduating_creates_placements_and_follow_ups_in_one_step(world, park, welder):
    oc, vacancy, people, rows = _ready_class(world, park, welder)
    start = date.today() + timedelta(days=7)
    outcomes = {rows[0].id: schools.Outcome(True), rows[1].id: schools.Outcome(True),
                rows[2].id: schools.Outcome(False, "考核未通过")}
    result = schools.graduate(world.a.teacher, oc.id, outcomes, start, 5200)
    assert len(result.placements) == 2 and result.not_graduated == 1
    placements = db.session.scalars(select(Placement).order_by(Placement.id)).all()
    assert [(p.worker_id, p.vacancy_id, p.channel, p.transfer_type, p.start_date, p.monthly_wage)
            for p in placements] == [(people[0].id, vacancy.id, "school_link", "local", start, 5200),
                                     (people[1].id, vacancy.id, "school_link", "local", start, 5200)]
    assert sorted(db.session.scalars(select(FollowUp.due_month).where(FollowUp.placement_id == placements[0].id))) \
        == [1, 3, 6, 12]
    students = {s.worker_id: s for s in db.session.scalars(select(OrderClassStudent))}
    assert (students[people[0].id].status, students[people[0].id].placement_id) == ("graduated", placements[0].id)
    assert (students[people[2].id].status, students[people[2].id].outcome_note) == ("left", "考核未通过")
    assert [db.session.get(Worker, p.id).status for p in people] == ["employed", "employed", "available"]
    assert db.session.get(Vacancy, vacancy.id).filled == 2
    assert db.session.get(OrderClass, oc.id).status == "graduated"
    actions = _audit_actions()
    assert actions.count("order_class.placement") == 2 and actions[-1] == "order_class.graduate"
    # The employed graduates leave the rankings at once.
    assert not matching.explain(people[0].id, vacancy.id).eligible
    with pytest.raises(DomainError, match="已结业"):
        schools.graduate(world.a.teacher, oc.id, outcomes, start, 5200)
    assert db.session.scalar(select(func.count(Placement.id))) == 2


def test_graduates_invited_to_their_vacancy_are_not_told_it_filled_without_them(world, park, welder):
    """All seats are taken before the first placement, which finds the vacancy full: the graduates' own pending
    invitations lapse as hires (no message), and only an outsider's side hears that the vacancy filled."""
    from matchmaker.models import JobInvitation, Notification
    oc, vacancy, people, rows = _ready_class(world, park, welder, headcount=2, intake=2, students=2)
    outsider = make_worker(world.b.village, name="外村人")
    db.session.add_all([JobInvitation(worker_id=w.id, vacancy_id=vacancy.id) for w in (*people, outsider)])
    db.session.commit()
    schools.graduate(world.a.teacher, oc.id, {r.id: schools.Outcome(True) for r in rows},
                     date.today() + timedelta(days=7), 5200)
    assert set(db.session.scalars(select(JobInvitation.status))) == {"expired"}
    told = db.session.scalars(select(Notification).where(Notification.kind == "invitation_lapsed_filled")).all()
    assert [(n.user_id, n.params["worker"]) for n in told] == [(world.b.coordinator.id, "外村人")]


def test_graduation_is_all_or_nothing_when_places_ran_out(world, park, welder):
    oc, vacancy, people, rows = _ready_class(world, park, welder)
    # Meanwhile the enterprise filled two of the three places another way.
    db.session.execute(Vacancy.__table__.update().where(Vacancy.id == vacancy.id).values(filled=2))
    db.session.commit()
    outcomes = {r.id: schools.Outcome(True) for r in rows}
    with pytest.raises(DomainError, match="还剩 1 个名额，结业 3 人"):
        schools.graduate(world.a.teacher, oc.id, outcomes, date.today(), None)
    assert db.session.scalar(select(func.count(Placement.id))) == 0
    assert db.session.get(Vacancy, vacancy.id).filled == 2
    assert db.session.get(OrderClass, oc.id).status == "running"
    assert {s.status for s in db.session.scalars(select(OrderClassStudent))} == {"enrolled"}
    assert {db.session.get(Worker, p.id).status for p in people} == {"available"}


def test_every_student_needs_a_decision_and_a_reason_when_not_graduated(world, park, welder):
    oc, vacancy, people, rows = _ready_class(world, park, welder)
    with pytest.raises(DomainError, match="未选择"):
        schools.graduate(world.a.teacher, oc.id, {rows[0].id: schools.Outcome(True)}, date.today(), None)
    outcomes = {r.id: schools.Outcome(True) for r in rows}
    outcomes[rows[1].id] = schools.Outcome(False, "  ")
    with pytest.raises(DomainError, match="未结业的原因"):
        schools.graduate(world.a.teacher, oc.id, outcomes, date.today(), None)
    outcomes[rows[1].id] = schools.Outcome(True)
    with pytest.raises(DomainError) as e:
        schools.graduate(world.a.teacher, oc.id, outcomes, None, None)
    assert e.value.field == "start_date"
    assert db.session.scalar(select(func.count(Placement.id))) == 0


def test_a_class_without_a_reserved_vacancy_cannot_place_graduates(world, park, welder):
    _active_link(world, park)
    oc = _class(world, park, welder)
    s = _student(world)
    schools.enrol(world.a.teacher, oc.id, [s.id])
    [row] = db.session.get(OrderClass, oc.id).students
    with pytest.raises(DomainError, match="没有预留岗位"):
        schools.graduate(world.a.teacher, oc.id, {row.id: schools.Outcome(True)}, date.today(), None)
    # Nobody graduating needs no vacancy.
    schools.graduate(world.a.teacher, oc.id, {row.id: schools.Outcome(False, "转学")}, None, None)
    assert db.session.get(OrderClass, oc.id).status == "graduated"


def test_another_school_cannot_graduate_the_class(world, park, welder):
    oc, vacancy, people, rows = _ready_class(world, park, welder, students=1)
    with pytest.raises(NotFound):
        schools.graduate(world.b.teacher, oc.id, {rows[0].id: schools.Outcome(True)}, date.today(), None)
    with pytest.raises(Forbidden):  # the enterprise may see its class, not graduate it
        schools.graduate(world.a.employer, oc.id, {rows[0].id: schools.Outcome(True)}, date.today(), None)


# --- demand ---------------------------------------------------------------------------------------------------

def test_demand_counts_open_headcount_against_qualified_and_trained_supply(world, park, welder):
    _active_link(world, park)
    electrician = Trade(code="6-31-01-03", name="电工", level=4, parent_id=welder.parent.parent.id)
    db.session.add(electrician)
    db.session.flush()
    _vacancy(world, park, headcount=5, filled=1, trade=welder, level=2)
    _vacancy(world, park, headcount=3, trade=welder, level=2)
    _vacancy(world, park, headcount=2, trade=electrician, level=1)
    closed = _vacancy(world, park, headcount=9, trade=welder, level=2)
    closed.status = "closed"
    # Supply in the park's city (梅州 4414): level 3 skill qualifies; level 1 skill does not; a level 2 certificate
    # does; an employed welder does not count; one trained (completed course) welder.
    w1 = make_worker(world.a.village, name="甲")
    w1.skills.append(WorkerSkill(trade=welder, level=3))
    w2 = make_worker(world.a.village, name="乙")
    w2.skills.append(WorkerSkill(trade=welder, level=1))
    w2.trainings.append(TrainingRecord(course="焊工培训", trade=welder, hours=80, completed=True))
    w3 = make_worker(world.a.village, name="丙")
    w3.certificates.append(Certificate(trade=welder, level=2))
    w3.skills.append(WorkerSkill(trade=welder, level=1))
    w4 = make_worker(world.a.village, name="丁", status="employed")
    w4.skills.append(WorkerSkill(trade=welder, level=5))
    w5 = make_worker(world.b.village, name="戊")  # another city: out of reach
    w5.skills.append(WorkerSkill(trade=welder, level=5))
    db.session.commit()
    rows = schools.demand(world.a.teacher)
    got = [(r.trade.name, r.min_level, r.open_headcount, r.qualified, r.trained, r.gap) for r in rows]
    assert got == [("焊工", 2, 7, 2, 1, 5), ("电工", 1, 2, 0, 0, 2)]
    assert schools.demand(world.b.teacher) == []  # no linked park


# --- races (only real on PostgreSQL: SQLite serialises writers) ---------------------------------------------

def _race(app, actor_id, calls):
    """Run each call at once in its own thread, app context and session; returns "ok" or the refusal."""
    import threading
    from matchmaker.models import User
    results, barrier = [], threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        with app.app_context():
            try:
                call(db.session.get(User, actor_id))
                results.append("ok")
            except DomainError as e:
                results.append(e.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    return results


postgres_only = pytest.mark.skipif(not __import__("os").environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                                   reason="SQLite serialises writers; the race is only real on PostgreSQL")


@postgres_only
def test_parallel_enrolments_never_exceed_the_intake(app, world, park, welder):
    _active_link(world, park)
    oc = _class(world, park, welder, intake=3)
    ids = [_student(world, f"学员{i}").id for i in range(8)]
    db.session.commit()
    results = _race(app, world.a.teacher.id, [lambda u, i=i: schools.enrol(u, oc.id, [i]) for i in ids])
    assert results.count("ok") == 3
    assert db.session.scalar(select(func.count(OrderClassStudent.id))) == 3


@postgres_only
def test_a_class_graduates_once_even_when_confirmed_twice_at_once(app, world, park, welder):
    oc, vacancy, people, rows = _ready_class(world, park, welder, headcount=6)
    outcomes = {r.id: schools.Outcome(True) for r in rows}
    db.session.commit()
    results = _race(app, world.a.teacher.id, [lambda u: schools.graduate(u, oc.id, outcomes, date.today(), None)] * 2)
    assert sorted(results) == ["ok", "该订单班已结业或已取消。"]
    assert db.session.scalar(select(func.count(Placement.id))) == 3
    assert db.session.get(Vacancy, vacancy.id).filled == 3
