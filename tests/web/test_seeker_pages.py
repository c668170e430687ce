"""The job seeker's pages end to end (linking through the coordinator, a record of one's own, profile steps,
vacancy search and the vacancy page), and the coordinator's link-request pages."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import LedgerLinkRequest, Park, Referral, User, Vacancy, VacancyTrade, Worker
from tests.factories import id_number, make_trade, make_user, make_worker


@pytest.fixture
def newcomer(world):
    user = make_user("seeker", login="13900005555")
    db.session.commit()
    return user


@pytest.fixture
def vacancies(world):
    welder = make_trade("6-18-02-04", "焊工")
    weld = Vacancy(enterprise=world.a.enterprise, title="电焊工岗位", site_county=world.a.county, longitude=115.05,
                   latitude=24.02, headcount=2, wage_min=6000, wage_max=8000, status="open", age_max=55,
                   training_mode="work_then_train", description="岗前培训一周")
    weld.trades.append(VacancyTrade(trade=welder, min_level=2))
    labour = Vacancy(enterprise=world.b.enterprise, title="包装普工", site_county=world.b.county, longitude=114.4,
                     latitude=23.1, headcount=5, wage_min=3800, wage_max=4500, status="open", age_max=55, housing=True)
    db.session.add_all([weld, labour])
    db.session.commit()
    return {"weld": weld, "labour": labour}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _no_inline_code(html: str) -> None:
    assert " style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)


# --- linking ----------------------------------------------------------------------------------------------------

def test_unlinked_seeker_asks_the_village_and_the_coordinator_confirms(world, login, newcomer):
    seeker = login(newcomer)
    home = _text(seeker.get("/seeker/"))
    assert "申请关联" in home and "自己建立档案" in home
    form = _text(seeker.get("/seeker/link"))
    assert 'class="region-picker"' in form and 'data-level="village"' in form
    _no_inline_code(form)
    r = seeker.post("/seeker/link", data={"village_code": world.a.village.region.code, "name": "工人甲",
                                          "message": "三组"})
    assert r.status_code == 302
    link = db.session.scalar(select(LedgerLinkRequest))
    assert (link.user_id, link.village_id, link.status) == (newcomer.id, world.a.village.id, "pending")
    assert "关联申请待确认" in _text(seeker.get("/seeker/"))

    coordinator = login(world.a.coordinator)
    listing = _text(coordinator.get("/ledger-links/"))
    assert "工人甲" in listing and "三组" in listing and "139****5555" in listing and "13900005555" not in listing
    fresh = make_worker(world.a.village, name="工人甲二", phone_masked="138****0001")
    db.session.commit()
    review = _text(coordinator.get(f"/ledger-links/{link.id}?q=工人甲"))
    # Both records named 工人甲…: masked ID and phone only; A's worker is held by another account.
    assert fresh.id_number_masked in review and "138****0001" in review and "已与其他账号关联" in review
    assert f'name="worker_id" value="{world.a.worker.id}"' not in review
    r = coordinator.post(f"/ledger-links/{link.id}/confirm", data={"worker_id": fresh.id})
    assert r.status_code == 302
    assert db.session.get(User, newcomer.id).worker_id == fresh.id
    assert db.session.get(LedgerLinkRequest, link.id).status == "confirmed"
    assert f"您的档案已与台账关联：{world.a.village.region.name}。" in _text(seeker.get("/seeker/"))


def test_another_villages_coordinator_gets_not_found(world, login, newcomer):
    link_id = _ask(world, login, newcomer)
    other = login(world.b.coordinator)
    assert "工人甲" not in _text(other.get("/ledger-links/"))
    assert other.get(f"/ledger-links/{link_id}").status_code == 404
    assert other.post(f"/ledger-links/{link_id}/confirm", data={"worker_id": world.b.worker.id}).status_code == 404
    assert other.post(f"/ledger-links/{link_id}/decline", data={"reason": "x"}).status_code == 404
    assert db.session.get(LedgerLinkRequest, link_id).status == "pending"
    assert db.session.get(User, newcomer.id).worker_id is None


def _ask(world, login, user) -> int:
    login(user).post("/seeker/link", data={"village_code": world.a.village.region.code, "name": "工人甲"})
    return db.session.scalar(select(LedgerLinkRequest.id).where(LedgerLinkRequest.user_id == user.id))


def test_decline_without_a_reason_is_refused_then_the_seeker_sees_the_reason(world, login, newcomer):
    link_id = _ask(world, login, newcomer)
    coordinator = login(world.a.coordinator)
    r = coordinator.post(f"/ledger-links/{link_id}/decline", data={"reason": ""}, follow_redirects=True)
    assert "请填写不予关联的原因" in _text(r)
    assert db.session.get(LedgerLinkRequest, link_id).status == "pending"
    coordinator.post(f"/ledger-links/{link_id}/decline", data={"reason": "台账无此人，请来村委登记"})
    assert "台账无此人，请来村委登记" in _text(login(newcomer).get("/seeker/"))


def test_the_seeker_cancels_a_pending_request(world, login, newcomer):
    link_id = _ask(world, login, newcomer)
    seeker = login(newcomer)
    assert seeker.post(f"/seeker/link/{link_id}/cancel").status_code == 302
    assert db.session.get(LedgerLinkRequest, link_id).status == "cancelled"
    assert login(world.b.seeker).post(f"/seeker/link/{link_id}/cancel").status_code == 404


def test_a_bad_link_form_keeps_what_was_typed(world, login, newcomer):
    r = login(newcomer).post("/seeker/link", data={"village_code": "", "name": "王小明", "message": "下午在家"})
    html = _text(r)
    assert r.status_code == 200 and "请选择您户籍所在的村" in html and "王小明" in html and "下午在家" in html
    assert db.session.scalar(select(LedgerLinkRequest)) is None


# --- a record of one's own ---------------------------------------------------------------------------------------

def test_own_record_then_a_duplicate_is_told_to_ask_the_village(world, login, newcomer):
    number = id_number(birth=date(1996, 6, 6), serial=123)
    r = login(newcomer).post("/seeker/record/new", data={"village_code": world.a.village.region.code,
                                                         "name": "李自建", "id_number": number, "education": "3"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/seeker/profile")
    worker = db.session.get(Worker, db.session.get(User, newcomer.id).worker_id)
    assert (worker.name, worker.source, worker.phone_masked) == ("李自建", "self", "139****5555")

    other = make_user("seeker", login="13900006666")
    db.session.commit()
    r = login(other).post("/seeker/record/new", data={"village_code": world.b.village.region.code,
                                                      "name": "冒名", "id_number": number, "education": "2"})
    html = _text(r)
    assert r.status_code == 200 and "请向户籍所在村申请关联" in html and "李自建" not in html
    assert world.a.village.region.name not in html and "冒名" in html  # what was typed stays
    assert db.session.get(User, other.id).worker_id is None


# --- profile steps -----------------------------------------------------------------------------------------------

def _w(world) -> Worker:
    return db.session.get(Worker, world.a.worker.id)


def test_profile_steps_one_short_form_each(world, login):
    c = login(world.a.seeker)
    overview = _text(c.get("/seeker/profile"))
    assert "资料完整度" in overview and overview.count("/seeker/profile/") == 6
    page = _text(c.get("/seeker/profile/skills"))
    assert 'class="trade-rows"' in page and 'data-max="1"' in page and "第 1 步，共 6 步" in page
    _no_inline_code(page)
    r = c.post("/seeker/profile/skills", data={"action": "add", "version": _w(world).version, "trade": "焊工",
                                               "level": "3"})
    assert r.status_code == 302 and [(s.trade.name, s.level) for s in _w(world).skills] == [("焊工", 3)]
    r = c.post("/seeker/profile/certificates", data={"action": "add", "version": _w(world).version,
                                                     "trade": "焊工", "level": "2", "number": "GD-001"})
    assert r.status_code == 302 and [(x.number, x.level) for x in _w(world).certificates] == [("GD-001", 2)]
    r = c.post("/seeker/profile/training", data={"action": "add", "version": _w(world).version,
                                                 "course": "焊工岗前培训", "hours": "40", "completed": "1"})
    assert r.status_code == 302 and _w(world).trainings[0].completed
    r = c.post("/seeker/profile/where", data={"version": _w(world).version, "radius": "province",
                                              "willing_to_train": "1"})
    assert r.headers["Location"].endswith("/seeker/profile/wage")
    assert (_w(world).radius, _w(world).willing_to_train) == ("province", True)
    r = c.post("/seeker/profile/wage", data={"version": _w(world).version, "min_wage": "5200"})
    assert r.headers["Location"].endswith("/seeker/profile/availability") and _w(world).min_wage == 5200
    r = c.post("/seeker/profile/availability", data={"version": _w(world).version, "available_from": "2030-01-02",
                                                     "seeking": "0"})
    assert r.headers["Location"].endswith("/seeker/profile")
    assert (_w(world).available_from, _w(world).status) == (date(2030, 1, 2), "not_seeking")


def test_a_refused_step_keeps_what_was_typed_and_changes_nothing(world, login):
    c = login(world.a.seeker)
    r = c.post("/seeker/profile/skills", data={"action": "add", "version": _w(world).version,
                                               "trade": "宇宙飞船驾驶", "level": "2"})
    assert r.status_code == 400 and "无法识别" in _text(r) and 'value="宇宙飞船驾驶"' in _text(r)
    old = _w(world).version
    c.post("/seeker/profile/wage", data={"version": old, "min_wage": "5000"})
    r = c.post("/seeker/profile/wage", data={"version": old, "min_wage": "7777"})
    assert r.status_code == 400 and 'value="7777"' in _text(r) and _w(world).min_wage == 5000
    huge = "9" * 5000  # int() refuses 4,300+ digits: a 500 before posted_int bounded the length
    r = c.post("/seeker/profile/wage", data={"version": _w(world).version, "min_wage": huge})
    assert r.status_code == 400 and _w(world).min_wage == 5000
    assert c.get("/seeker/profile/nowhere").status_code == 404


def test_an_unlinked_seeker_is_sent_to_link_first(world, login, newcomer):
    r = login(newcomer).get("/seeker/profile/skills")
    assert r.status_code == 302 and r.headers["Location"].endswith("/seeker/")


# --- vacancies ---------------------------------------------------------------------------------------------------

def test_filters_on_both_lists_and_the_tabs_keep_them(world, login, vacancies):
    c = login(world.a.seeker)
    by_date = _text(c.get("/seeker/?housing=1"))
    assert "包装普工" in by_date and "电焊工岗位" not in by_date
    assert "/seeker/recommended?housing=1" in by_date  # the other tab keeps the filter
    html = _text(c.get(f"/seeker/?county={world.a.county.code}&min_wage=5000"))
    assert "电焊工岗位" in html and "包装普工" not in html
    assert "电焊工岗位" in _text(c.get("/seeker/?training=1")) and "包装普工" not in _text(c.get("/seeker/?training=1"))
    ranked = _text(c.get("/seeker/recommended?trade=焊工"))
    assert "电焊工岗位" in ranked and "包装普工" not in ranked and "资料完整度" in ranked
    bad = c.get("/seeker/?trade=宇宙飞船驾驶")
    assert bad.status_code == 200 and "无法识别" in _text(bad) and "包装普工" in _text(bad)
    _no_inline_code(_text(c.get("/seeker/recommended")))


def test_a_listed_vacancy_shows_enterprise_site_wage_places_and_trades_on_both_lists(world, login, vacancies):
    park = Park(code="P-TEST-1", name="五华产业转移工业园", county=world.a.county)
    electrician = make_trade("6-31-01-03", "电工")
    vacancies["weld"].site_park = park
    vacancies["weld"].filled = 1
    vacancies["weld"].trades.append(VacancyTrade(trade=electrician, min_level=3))
    db.session.commit()
    c = login(world.a.seeker)
    for html in (_text(c.get("/seeker/")), _text(c.get("/seeker/recommended"))):
        weld = html[html.index("电焊工岗位"):]
        weld = weld[:weld.index("</article>")]
        assert f"{world.a.enterprise.name} · 五华产业转移工业园" in weld  # the park, not its county
        assert "6000–8000" in weld and "招 1 人" in weld and "先就业后培训" in weld
        assert "焊工（四级/中级工）、电工（三级/高级工）" in weld  # in the order they were added
        assert f"/seeker/vacancies/{vacancies['weld'].id}" in weld
    labour = _text(c.get("/seeker/"))
    labour = labour[labour.index("包装普工"):]
    labour = labour[:labour.index("</article>")]
    assert f"{world.b.enterprise.name} · {world.b.county.name}" in labour and "包住宿" in labour
    assert "普工，不限工种" in labour and "招 5 人" in labour


def test_vacancy_page_apply_see_status_and_withdraw(world, login, vacancies):
    c = login(world.a.seeker)
    v = vacancies["weld"]
    page = _text(c.get(f"/seeker/vacancies/{v.id}"))
    for shown in ("电焊工岗位", world.a.enterprise.name, "制造业", "6000–8000", "先就业后培训", "不提供住宿",
                  "岗前培训一周", "与您的匹配程度", "申请该岗位"):
        assert shown in page, shown
    _no_inline_code(page)
    r = c.post(f"/referrals/apply/{v.id}", data={"consent": "1"}, headers={"Referer": f"http://localhost/seeker/vacancies/{v.id}"})
    assert r.status_code == 302
    referral = db.session.scalar(select(Referral).where(Referral.vacancy_id == v.id))
    page = _text(c.get(f"/seeker/vacancies/{v.id}"))
    assert "已提交" in page and "撤回申请" in page and "申请该岗位" not in page
    c.post(f"/referrals/{referral.id}/move", data={"to": "withdrawn"})
    assert db.session.get(Referral, referral.id).status == "withdrawn"
    assert "已撤回" in _text(c.get(f"/seeker/vacancies/{v.id}"))


def test_an_unlinked_seeker_sees_the_vacancy_but_is_asked_to_link_before_applying(world, login, newcomer, vacancies):
    page = _text(login(newcomer).get(f"/seeker/vacancies/{vacancies['labour'].id}"))
    assert "包装普工" in page and "关联或建立台账记录后即可申请" in page and "申请该岗位" not in page


def test_staff_cannot_use_the_seeker_pages(world, login, vacancies):
    assert login(world.a.coordinator).get(f"/seeker/vacancies/{vacancies['weld'].id}").status_code == 403
    assert login(world.a.seeker).get("/ledger-links/").status_code == 403


def test_a_seeker_removes_a_certificate_and_a_training_record(world, login):
    c = login(world.a.seeker)
    c.post("/seeker/profile/certificates", data={"action": "add", "version": _w(world).version, "trade": "焊工",
                                                 "level": "2"})
    c.post("/seeker/profile/training", data={"action": "add", "version": _w(world).version, "course": "焊工岗前培训",
                                             "hours": "40"})
    cert, course = _w(world).certificates[0], _w(world).trainings[0]
    page = _text(c.get("/seeker/profile/certificates"))
    assert f'name="item_id" value="{cert.id}"' in page
    r = c.post("/seeker/profile/certificates", data={"action": "remove", "version": _w(world).version,
                                                     "item_id": str(cert.id)})
    assert r.status_code == 302 and _w(world).certificates == []
    r = c.post("/seeker/profile/training", data={"action": "remove", "version": _w(world).version,
                                                 "item_id": str(course.id)})
    assert r.status_code == 302 and _w(world).trainings == []
