"""The enterprise's vacancy pages and the trade picker, as a clerk uses them (with and without JavaScript)."""
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, Trade, TradeAlias, Vacancy, VacancyTrade, WorkerSkill
from matchmaker.services import matching, seed, vacancies
from matchmaker.services.vacancies import TradeRequirement, VacancyInput
from tests.factories import make_trade

SEED = Path(__file__).resolve().parents[2] / "seed"


@pytest.fixture
def welder(world):
    trade = db.session.scalar(select(Trade).where(Trade.code == "6-18-02-04"))
    db.session.add_all([TradeAlias(alias="电焊", trade=trade), TradeAlias(alias="电焊工", trade=trade)])
    make_trade("6-31-01-03", "电工")
    db.session.commit()
    matching.reset()
    return trade


def form(world, **changes):
    data = {"title": "电焊工", "site_park_id": "", "site_county_code": world.a.county.code,
            "trades-0-code": "6-18-02-04", "trades-0-text": "焊工", "trades-0-level": "2",
            "trades-1-code": "", "trades-1-text": "", "trades-1-level": "1",
            "headcount": "3", "wage_min": "5000", "wage_max": "7000", "age_min": "18", "age_max": "50",
            "min_education": "2", "training_mode": "work_then_train", "housing": "y", "description": "包吃住",
            "deadline": (date.today() + timedelta(days=20)).isoformat()}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def vacancy_count():
    return db.session.scalar(select(func.count(Vacancy.id)))


@pytest.fixture
def draft(world, welder):
    return vacancies.create_vacancy(world.a.employer, VacancyInput(
        title="电焊工", site_county_code=world.a.county.code, trades=[TradeRequirement("6-18-02-04", "", 2)],
        headcount=2, wage_min=5000, wage_max=7000))


def test_home_links_to_the_vacancy_list(world, login):
    page = login(world.a.employer).get("/enterprise/").get_data(as_text=True)
    assert 'href="/enterprise/vacancies"' in page and 'href="/enterprise/vacancies/new"' in page


def test_new_vacancy_form_offers_the_trade_picker_and_the_enterprises_county(world, welder, login):
    page = login(world.a.employer).get("/enterprise/vacancies/new").get_data(as_text=True)
    assert "发布新岗位" in page and "所需工种" in page and 'data-search-url="/trades/search"' in page
    assert 'name="trades-0-code"' in page and 'name="trades-0-text"' in page and 'name="trades-0-level"' in page
    assert "五级/初级工" in page and "先就业后培训" in page and "本科及以上" in page
    assert f'value="{world.a.county.code}"' in page and "五华县" in page
    assert "<script>" not in page and "onclick" not in page  # CSP: script-src 'self'


def test_creating_a_vacancy_saves_a_draft_and_lists_it(world, welder, login):
    c = login(world.a.employer)
    r = c.post("/enterprise/vacancies/new", data=form(world))
    assert r.status_code == 302 and r.headers["Location"].endswith("/enterprise/vacancies")
    v = db.session.scalar(select(Vacancy))
    assert v.status == "draft" and v.housing and v.training_mode == "work_then_train" and v.headcount == 3
    assert [(t.trade.name, t.min_level) for t in v.trades] == [("焊工", 2)]
    page = c.get("/enterprise/vacancies").get_data(as_text=True)
    assert "电焊工" in page and "草稿" in page and "0 / 3" in page and "焊工（四级/中级工）" in page
    for action in ("publish", "copy"):
        assert f'action="/enterprise/vacancies/{v.id}/{action}"' in page
    assert f'action="/enterprise/vacancies/{v.id}/close"' not in page
    assert page.count('name="csrf_token"') >= 3


def test_save_and_publish_in_one_step(world, welder, login):
    r = login(world.a.employer).post("/enterprise/vacancies/new", data=form(world, publish="1"),
                                     follow_redirects=True)
    assert "已发布" in r.get_data(as_text=True)
    v = db.session.scalar(select(Vacancy))
    assert v.status == "open" and v.published_at is not None


@pytest.mark.parametrize("typed", ["电焊", "电焊工", "焊工（电焊）"])
def test_without_javascript_a_typed_alias_is_normalised(world, welder, login, typed):
    r = login(world.a.employer).post("/enterprise/vacancies/new",
                                     data=form(world, **{"trades-0-code": "", "trades-0-text": typed}))
    assert r.status_code == 302
    assert [t.trade.name for t in db.session.scalar(select(Vacancy)).trades] == ["焊工"]


def test_no_trade_at_all_is_general_labour(world, welder, login):
    r = login(world.a.employer).post("/enterprise/vacancies/new",
                                     data=form(world, title="普工", **{"trades-0-code": "", "trades-0-text": ""}))
    assert r.status_code == 302 and db.session.scalar(select(Vacancy)).trades == []


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, "请填写岗位名称"),
    ({"site_county_code": ""}, "请选择岗位所在的县"),
    ({"headcount": "0"}, "招聘人数应为 1 到"),
    ({"headcount": ""}, "招聘人数应为 1 到"),
    ({"headcount": "9" * 5000}, "不是有效的整数"),  # int() refuses 4,300+ digits: no 500
    ({"wage_min": "8000", "wage_max": "6000"}, "月薪下限不能高于上限"),
    ({"age_min": "15"}, "年龄下限应在 16 到 65 岁之间"),
    ({"age_max": "70"}, "年龄上限应在 16 到 65 岁之间"),
    ({"age_min": "40", "age_max": "30"}, "年龄下限不能高于上限"),
    ({"deadline": "2001-01-01"}, "报名截止日期不能早于今天"),
    ({"trades-0-code": "", "trades-0-text": "焊"}, "您要找的是不是：焊工"),
    ({"trades-0-code": "", "trades-0-text": "宇航员"}, "未能"),
    ({"trades-1-code": "", "trades-1-text": "电焊"}, "“焊工”填写了不止一次"),
])
def test_bad_input_is_shown_beside_the_form_and_nothing_is_saved(world, welder, login, changes, message):
    c = login(world.a.employer)
    audit_before = db.session.scalar(select(func.count(AuditEntry.id)))
    r = c.post("/enterprise/vacancies/new", data=form(world, **changes))
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and message in page
    assert 'value="电焊工"' in page or changes.get("title") == ""  # what was typed stays
    assert vacancy_count() == 0 and db.session.scalar(select(func.count(VacancyTrade.id))) == 0
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audit_before


def test_edit_shows_the_vacancy_and_saves_changes(world, draft, login):
    c = login(world.a.employer)
    page = c.get(f"/enterprise/vacancies/{draft.id}/edit").get_data(as_text=True)
    assert "编辑岗位" in page and 'value="电焊工"' in page and 'value="6-18-02-04"' in page and 'value="焊工"' in page
    r = c.post(f"/enterprise/vacancies/{draft.id}/edit", data=form(world, title="高级焊工", headcount="4",
                                                                   **{"trades-1-text": "电工", "trades-1-level": "3"}))
    assert r.status_code == 302
    db.session.expire_all()
    v = db.session.get(Vacancy, draft.id)
    assert v.title == "高级焊工" and v.headcount == 4
    assert sorted((t.trade.name, t.min_level) for t in v.trades) == [("焊工", 2), ("电工", 3)]


def test_edit_refused_keeps_the_old_values(world, draft, login):
    r = login(world.a.employer).post(f"/enterprise/vacancies/{draft.id}/edit",
                                     data=form(world, title="新", wage_min="9000", wage_max="10"))
    assert r.status_code == 200 and "月薪下限不能高于上限" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Vacancy, draft.id).title == "电焊工"


def test_publish_close_reopen_and_copy_through_the_list(world, draft, login):
    c = login(world.a.employer)
    r = c.post(f"/enterprise/vacancies/{draft.id}/publish", follow_redirects=True)
    assert "正在招聘" in r.get_data(as_text=True) and db.session.get(Vacancy, draft.id).status == "open"
    page = c.get("/enterprise/vacancies").get_data(as_text=True)
    assert f'action="/enterprise/vacancies/{draft.id}/close"' in page and "招聘中" in page
    assert f'href="/enterprise/vacancies/{draft.id}/candidates"' in page
    r = c.post(f"/enterprise/vacancies/{draft.id}/publish", follow_redirects=True)
    assert "无需再次发布" in r.get_data(as_text=True)
    c.post(f"/enterprise/vacancies/{draft.id}/close")
    db.session.expire_all()
    assert db.session.get(Vacancy, draft.id).status == "closed"
    assert "重新开放" in c.get("/enterprise/vacancies").get_data(as_text=True)
    r = c.post(f"/enterprise/vacancies/{draft.id}/copy")
    copy = db.session.scalar(select(Vacancy).where(Vacancy.id != draft.id))
    assert r.headers["Location"].endswith(f"/enterprise/vacancies/{copy.id}/edit")
    assert copy.status == "draft" and copy.title == "电焊工" and [t.trade.name for t in copy.trades] == ["焊工"]


def _routes(vacancy_id):
    return ([("get", f"/enterprise/vacancies/{vacancy_id}/edit"), ("post", f"/enterprise/vacancies/{vacancy_id}/edit"),
             ("get", f"/enterprise/vacancies/{vacancy_id}/candidates")]
            + [("post", f"/enterprise/vacancies/{vacancy_id}/{a}") for a in ("publish", "close", "copy")])


def test_another_enterprise_gets_404_on_a_draft_and_403_on_a_published_vacancy(world, draft, login):
    other = login(world.b.employer)
    for method, url in _routes(draft.id):
        kwargs = {"data": form(world, title="改")} if url.endswith("edit") and method == "post" else {}
        assert getattr(other, method)(url, **kwargs).status_code == 404, url
    vacancies.publish(world.a.employer, draft.id)
    for method, url in _routes(draft.id):
        kwargs = {"data": form(world, title="改")} if url.endswith("edit") and method == "post" else {}
        assert getattr(other, method)(url, **kwargs).status_code == 403, url
    assert "电焊工" not in other.get("/enterprise/vacancies").get_data(as_text=True)
    db.session.expire_all()
    v = db.session.get(Vacancy, draft.id)
    assert v.status == "open" and v.title == "电焊工" and vacancy_count() == 1


def test_other_roles_and_strangers_cannot_use_the_vacancy_pages(world, draft, login, client):
    for user in (world.a.coordinator, world.a.seeker, world.a.county_bureau):
        c = login(user)
        for method, url in _routes(draft.id) + [("get", "/enterprise/vacancies"), ("get", "/enterprise/vacancies/new"),
                                                ("post", "/enterprise/vacancies/new")]:
            assert getattr(c, method)(url).status_code == 403, (user.role, url)
    r = client.get("/enterprise/vacancies")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert vacancy_count() == 1


def test_trade_search_finds_the_welder_for_electric_welding(world, welder, login, client):
    items = login(world.a.employer).get("/trades/search?q=电焊").get_json()["items"]
    assert items[0]["code"] == "6-18-02-04" and items[0]["name"] == "焊工" and items[0]["score"] > 0
    assert login(world.a.seeker).get("/trades/search?q=").get_json() == {"items": []}
    assert client.get("/trades/search?q=电焊").status_code == 302  # sign-in required


def test_trade_search_on_the_real_trade_list(world, login):
    db.session.execute(delete(Trade).where(Trade.level == 4))
    db.session.execute(delete(Trade))
    seed.load_trades(SEED)
    db.session.commit()
    matching.reset()
    c = login(world.a.employer)
    assert "焊工" in [i["name"] for i in c.get("/trades/search?q=电焊").get_json()["items"][:3]]
    assert "电工" in [i["name"] for i in c.get("/trades/search?q=电工").get_json()["items"][:3]]
    r = c.post("/enterprise/vacancies/new", data=form(world, **{"trades-0-code": "", "trades-0-text": "电焊工"}))
    assert r.status_code == 302
    assert [t.trade.code for t in db.session.scalar(select(Vacancy)).trades] == ["6-18-02-04"]


def test_a_published_vacancy_is_ranked_for_the_enterprise_and_listed_for_seekers(world, draft, login):
    db.session.add(WorkerSkill(worker=world.a.worker, trade_id=draft.trades[0].trade_id, level=3))
    db.session.commit()
    seeker = login(world.a.seeker)
    assert "电焊工" not in seeker.get("/seeker/").get_data(as_text=True)
    login(world.a.employer).post(f"/enterprise/vacancies/{draft.id}/publish")
    page = login(world.a.employer).get(f"/enterprise/vacancies/{draft.id}/candidates").get_data(as_text=True)
    assert "推荐候选人" in page and world.a.worker.name[0] + "*" in page
    # A hand-edited county filter that is not a county code filters nothing instead of failing.
    odd = login(world.a.employer).get(f"/enterprise/vacancies/{draft.id}/candidates?county=abc")
    assert odd.status_code == 200 and world.a.worker.name[0] + "*" in odd.get_data(as_text=True)
    listing = seeker.get("/seeker/").get_data(as_text=True)
    assert "电焊工" in listing and world.a.enterprise.name in listing
    assert "电焊工" in seeker.get("/seeker/recommended").get_data(as_text=True)
    login(world.a.employer).post(f"/enterprise/vacancies/{draft.id}/close")
    assert "电焊工" not in seeker.get("/seeker/").get_data(as_text=True)


def test_an_enterprise_in_a_park_can_place_the_vacancy_in_its_park(world, welder, login):
    from matchmaker.models import Park
    park = Park(code="P09", name="梅州高新区", county=world.a.county, longitude=116.2, latitude=24.4)
    world.a.enterprise.park = park
    db.session.commit()
    c = login(world.a.employer)
    page = c.get("/enterprise/vacancies/new").get_data(as_text=True)
    assert "所在产业园" in page and "梅州高新区" in page
    assert c.post("/enterprise/vacancies/new", data=form(world, site_park_id=str(park.id))).status_code == 302
    v = db.session.scalar(select(Vacancy))
    assert v.site_park_id == park.id and (v.longitude, v.latitude) == (116.2, 24.4)
    assert "梅州高新区" in c.get("/enterprise/vacancies").get_data(as_text=True)
    # without a park, the park choice is not offered at all
    assert "所在产业园" not in login(world.b.employer).get("/enterprise/vacancies/new").get_data(as_text=True)
