"""The school's pages: profile, proposing a park link, opening an order class, enrolling (existing and new
students), graduating with the review page, recording training with the 80% rule, and the demand view; other
schools get 404, other roles 403; a refused form keeps what was typed."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import (Certificate, OrderClass, OrderClassStudent, Park, ParkSchoolLink, Placement, School,
                               Trade, TrainingRecord, Vacancy, VacancyTrade, Worker, WorkerSkill)
from matchmaker.services import pii, schools
from tests.factories import id_number, make_worker

YEAR = date.today().year


@pytest.fixture
def park(world):
    p = Park(code="P4414001", name="梅州高新区产业转移工业园", county=world.a.county, key_park=True)
    db.session.add(p)
    db.session.flush()
    world.a.enterprise.park_id = p.id
    db.session.commit()
    return p


@pytest.fixture
def welder():
    return db.session.scalar(select(Trade).where(Trade.code == "6-18-02-04"))


@pytest.fixture
def linked(world, park):
    link = schools.propose_link(world.a.teacher, park.id, False, "", YEAR)
    schools.decide_link(world.a.county_bureau, link.id, True)
    return link


@pytest.fixture
def vacancy(world, park, welder):
    v = Vacancy(enterprise=world.a.enterprise, title="焊工", site_county=world.a.county, site_park_id=park.id,
                headcount=4, wage_min=4000, wage_max=6000, status="open", age_max=55)
    v.trades.append(VacancyTrade(trade=welder, min_level=2))
    db.session.add(v)
    db.session.commit()
    return v


def _student(world, name):
    w = make_worker(world.a.village, name=name, source="school", school_id=world.a.school.id)
    db.session.commit()  # the pages' requests write from their own sessions
    return w


def test_landing_links_every_school_task(world, login):
    page = login(world.a.teacher).get("/school/").get_data(as_text=True)
    for href in ("/school/classes/new", "/school/training/new", "/school/students", "/school/links",
                 "/school/demand", "/school/profile"):
        assert f'href="{href}"' in page


def test_profile_saves_specialties(world, login):
    c = login(world.a.teacher)
    assert c.post("/school/profile", data={"specialties": "焊接技术，电工"}).status_code == 302
    assert db.session.get(School, world.a.school.id).specialties == "焊接技术；电工"


def test_propose_a_link_then_a_duplicate_is_refused_with_the_form_kept(world, login, park):
    c = login(world.a.teacher)
    page = c.get("/school/links?q=梅州").get_data(as_text=True)
    assert park.name in page
    data = {"park_id": park.id, "year": YEAR, "branch_campus": "y", "branch_address": "园区大道 1 号"}
    assert c.post("/school/links", data=data).status_code == 302
    link = db.session.scalar(select(ParkSchoolLink))
    assert (link.status, link.branch_campus, link.branch_address) == ("proposed", True, "园区大道 1 号")
    again = c.post("/school/links", data=data)
    assert again.status_code == 200
    body = again.get_data(as_text=True)
    assert "等待人社部门确认" in body and 'value="园区大道 1 号"' in body
    assert db.session.scalar(select(func.count(ParkSchoolLink.id))) == 1
    # Withdraw it; then the list shows it ended.
    assert c.post(f"/school/links/{link.id}/withdraw").status_code == 302
    assert db.session.get(ParkSchoolLink, link.id).status == "ended"
    assert "已结束" in c.get("/school/links").get_data(as_text=True)


def test_branch_campus_edit_and_end_an_active_link(world, login, linked):
    c = login(world.a.teacher)
    assert c.post(f"/school/links/{linked.id}", data={"branch_campus": "y", "branch_address": ""}).status_code == 200
    assert c.post(f"/school/links/{linked.id}", data={"branch_campus": "y", "branch_address": "东路 8 号"}).status_code == 302
    assert db.session.get(ParkSchoolLink, linked.id).branch_address == "东路 8 号"
    assert c.post(f"/school/links/{linked.id}/end").status_code == 302
    assert db.session.get(ParkSchoolLink, linked.id).status == "ended"


def test_open_a_class_with_the_trade_picker_fields_and_a_reserved_vacancy(world, login, linked, vacancy, welder):
    c = login(world.a.teacher)
    page = c.get("/school/classes/new").get_data(as_text=True)
    assert world.a.enterprise.name in page and 'class="trade-rows' in page and "焊工（还缺 4 人）" in page
    data = {"name": "焊工订单班", "enterprise_id": world.a.enterprise.id, "trade_code": welder.code,
            "trade_text": "焊工", "intake": 5, "vacancy_id": vacancy.id}
    refused = c.post("/school/classes/new", data=data)
    assert refused.status_code == 200 and "只剩 4 个" in refused.get_data(as_text=True)
    assert 'value="焊工订单班"' in refused.get_data(as_text=True)
    data["intake"] = 3
    r = c.post("/school/classes/new", data=data)
    assert r.status_code == 302
    oc = db.session.scalar(select(OrderClass))
    assert r.headers["Location"].endswith(f"/school/classes/{oc.id}")
    assert (oc.trade_id, oc.intake, oc.vacancy_id, oc.enterprise_id) == (welder.id, 3, vacancy.id, world.a.enterprise.id)


def _class(world, vacancy, welder, intake=3):
    return schools.create_order_class(world.a.teacher, schools.OrderClassInput(
        name="焊工订单班", enterprise_id=world.a.enterprise.id, trade_code=welder.code, intake=intake,
        vacancy_id=vacancy.id))


def test_enrol_existing_and_new_students_then_graduate(world, login, linked, vacancy, welder):
    oc = _class(world, vacancy, welder)
    s1, s2 = _student(world, "学员甲"), _student(world, "学员乙")
    c = login(world.a.teacher)
    page = c.get(f"/school/classes/{oc.id}").get_data(as_text=True)
    assert "学员甲" in page and "学员乙" in page and world.a.worker.name not in page  # only the school's own
    assert c.post(f"/school/classes/{oc.id}/enrol", data={"worker_ids": [s1.id, s2.id]}).status_code == 302
    number = id_number(birth=date(2006, 1, 9), serial=77)
    r = c.post(f"/school/students/new?class_id={oc.id}", data={
        "name": "新学员丙", "id_number": number, "phone": "13900002222", "village_code": world.a.village.region.code,
        "education": 3, "radius": "province"})
    assert r.status_code == 302, r.get_data(as_text=True)
    new = db.session.scalar(select(Worker).where(Worker.name == "新学员丙"))
    assert (new.source, new.school_id, new.radius) == ("school", world.a.school.id, "province")
    assert pii.decrypt(new.id_number_enc) == number
    assert db.session.scalar(select(func.count(OrderClassStudent.id))) == 3
    # The intake of 3 is full.
    full = c.post(f"/school/classes/{oc.id}/enrol", data={"worker_ids": [_student(world, "学员丁").id]},
                  follow_redirects=True)
    assert "超出计划招生人数" in full.get_data(as_text=True)

    review = c.get(f"/school/classes/{oc.id}/graduate").get_data(as_text=True)
    assert "学员甲" in review and "新学员丙" in review and "还有 4 个名额" in review
    rows = {s.worker.name: s.id for s in db.session.scalars(select(OrderClassStudent))}
    start = (date.today() + timedelta(days=3)).isoformat()
    form = {f"outcome-{rows['学员甲']}": "1", f"outcome-{rows['学员乙']}": "0", f"reason-{rows['学员乙']}": "",
            f"outcome-{rows['新学员丙']}": "1", "start_date": start, "monthly_wage": "5000"}
    refused = c.post(f"/school/classes/{oc.id}/graduate", data=form)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "学员乙 未结业的原因" in body
    assert f'name="outcome-{rows["学员甲"]}" value="1" checked' in body  # the choices made are kept
    assert db.session.scalar(select(func.count(Placement.id))) == 0
    form[f"reason-{rows['学员乙']}"] = "退学"
    assert c.post(f"/school/classes/{oc.id}/graduate", data=form).status_code == 302
    placements = db.session.scalars(select(Placement)).all()
    assert sorted(p.worker.name for p in placements) == ["学员甲", "新学员丙"]
    assert {(p.channel, p.monthly_wage, p.start_date.isoformat()) for p in placements} == {("school_link", 5000, start)}
    assert db.session.get(Vacancy, vacancy.id).filled == 2
    page = c.get(f"/school/classes/{oc.id}").get_data(as_text=True)
    assert "已结业" in page and "退学" in page and "办理结业" not in page


def test_record_training_with_a_certificate_and_the_attendance_rule(world, login, welder):
    s = _student(world, "学员甲")
    c = login(world.a.teacher)
    page = c.get(f"/school/training/new?worker_id={s.id}").get_data(as_text=True)
    assert f'<option selected value="{s.id}">' in page or f'value="{s.id}" selected' in page
    assert "需求储备式培训" in page and "先就业后培训" in page
    data = {"worker_id": s.id, "course": "焊工中级", "trade_code": welder.code, "trade_text": "焊工",
            "mode": "order", "hours": 100, "attendance_pct": 75, "completed": "y", "cert_level": 2,
            "cert_number": "GD-1"}
    refused = c.post("/school/training/new", data=data)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "出勤率 75% 未达到 80%" in body and 'value="焊工中级"' in body
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == 0
    data["attendance_pct"] = 85
    assert c.post("/school/training/new", data=data).status_code == 302
    cert = db.session.scalar(select(Certificate))
    assert (cert.worker_id, cert.level, cert.number) == (s.id, 2, "GD-1")
    assert db.session.scalar(select(TrainingRecord.mode)) == "order"


def test_training_for_a_village_worker_by_id_number(world, login, welder):
    number = pii.decrypt(world.a.worker.id_number_enc)
    c = login(world.a.teacher)
    data = {"worker_id": "", "id_number": number, "course": "电焊入门", "trade_text": "焊工", "mode": "reserve",
            "hours": 40, "attendance_pct": 90, "completed": "y"}
    assert c.post("/school/training/new", data=data).status_code == 302
    t = db.session.scalar(select(TrainingRecord))
    assert (t.worker_id, t.school_id, t.completed, t.certified) == (world.a.worker.id, world.a.school.id, True, False)


def test_demand_page_lists_the_gap(world, login, linked, vacancy, welder):
    w = make_worker(world.a.village, name="焊工甲")
    w.skills.append(WorkerSkill(trade=welder, level=3))
    db.session.commit()
    page = login(world.a.teacher).get("/school/demand").get_data(as_text=True)
    assert "焊工" in page and "梅州高新区产业转移工业园" in page
    assert "<strong>3</strong>" in page  # 4 open places, 1 qualified worker nearby


def test_other_schools_get_404_and_other_roles_403(world, login, linked, vacancy, welder):
    oc = _class(world, vacancy, welder)
    other = login(world.b.teacher)
    assert other.get(f"/school/classes/{oc.id}").status_code == 404
    assert other.get(f"/school/classes/{oc.id}/graduate").status_code == 404
    assert other.post(f"/school/classes/{oc.id}/enrol", data={"worker_ids": [world.b.worker.id]}).status_code == 404
    assert other.post(f"/school/links/{linked.id}/end").status_code == 404
    assert db.session.get(ParkSchoolLink, linked.id).status == "active"
    for user in (world.a.employer, world.a.coordinator, world.a.county_bureau, world.a.seeker):
        c = login(user)
        assert c.get(f"/school/classes/{oc.id}").status_code == 403
        assert c.post("/school/training/new", data={}).status_code == 403
