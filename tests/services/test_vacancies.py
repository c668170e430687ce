"""Vacancies as the enterprise keeps them: create, edit, publish, close, copy — validated, owned, audited."""
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, MatchingChange, Park, Trade, TradeAlias, Vacancy, VacancyTrade
from matchmaker.services import matching, rankings, vacancies
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from matchmaker.services.vacancies import TradeRequirement, VacancyInput
from tests.factories import make_trade


@pytest.fixture
def trades(world):
    """焊工 (with the aliases 电焊 and 电焊工) and 电工."""
    welder = db.session.scalar(select(Trade).where(Trade.code == "6-18-02-04"))
    db.session.add_all([TradeAlias(alias="电焊", trade=welder), TradeAlias(alias="电焊工", trade=welder)])
    electrician = make_trade("6-31-01-03", "电工")
    db.session.commit()
    matching.reset()
    return {"welder": welder, "electrician": electrician}


def good_input(world, **changes) -> VacancyInput:
    data = VacancyInput(title="电焊工", site_county_code=world.a.county.code,
                        trades=[TradeRequirement(code="6-18-02-04", name="焊工", level=2)], headcount=3,
                        wage_min=5000, wage_max=7000, age_min=18, age_max=50, min_education=2,
                        training_mode="work_then_train", housing=True, description="两班倒，包吃住。",
                        deadline=date.today() + timedelta(days=30), reserved_for_paired=False)
    return replace(data, **changes)


def counts():
    return (db.session.scalar(select(func.count(Vacancy.id))), db.session.scalar(select(func.count(VacancyTrade.id))),
            db.session.scalar(select(func.count(AuditEntry.id))), db.session.scalar(select(func.count(MatchingChange.id))))


def test_create_saves_a_draft_with_site_trades_audit_and_change(world, trades):
    v = vacancies.create_vacancy(world.a.employer, good_input(world))
    db.session.expire_all()
    v = db.session.get(Vacancy, v.id)
    assert v.status == "draft" and v.published_at is None and v.filled == 0
    assert v.enterprise_id == world.a.enterprise.id and v.site_county_id == world.a.county.id
    assert (v.longitude, v.latitude) == (world.a.county.longitude, world.a.county.latitude)
    assert [(t.trade.name, t.min_level) for t in v.trades] == [("焊工", 2)]
    assert (v.headcount, v.wage_min, v.wage_max, v.age_min, v.age_max) == (3, 5000, 7000, 18, 50)
    assert v.training_mode == "work_then_train" and v.housing and v.min_education == 2
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "vacancy.create"))
    assert entry.object_id == v.id and entry.actor_id == world.a.employer.id
    assert db.session.scalar(select(MatchingChange).where(MatchingChange.object_id == v.id)).kind == "vacancy"


def test_no_trades_is_general_labour(world, trades):
    v = vacancies.create_vacancy(world.a.employer, good_input(world, title="普工", trades=[TradeRequirement()]))
    assert v.trades == []


def test_a_park_site_takes_the_parks_county_and_coordinates(world, trades):
    park = Park(code="P01", name="梅州高新区", county=world.a.county, longitude=116.1, latitude=24.3)
    world.a.enterprise.park = park
    db.session.commit()
    v = vacancies.create_vacancy(world.a.employer, good_input(world, site_park_id=park.id, site_county_code=""))
    assert v.site_park_id == park.id and v.site_county_id == world.a.county.id
    assert (v.longitude, v.latitude) == (116.1, 24.3)


def test_a_county_site_anywhere_in_the_province(world, trades):
    v = vacancies.create_vacancy(world.a.employer, good_input(world, site_county_code=world.b.county.code))
    assert v.site_county_id == world.b.county.id and v.latitude == world.b.county.latitude


@pytest.mark.parametrize("typed", ["电焊", "电焊工", "焊工", " 焊 工 ", "焊工（电焊）"])
def test_a_typed_name_or_alias_is_normalised_without_a_code(world, trades, typed):
    v = vacancies.create_vacancy(world.a.employer, good_input(world, trades=[TradeRequirement(name=typed, level=3)]))
    assert [(t.trade.code, t.min_level) for t in v.trades] == [("6-18-02-04", 3)]


def refused(world, field, message, **changes):
    before = counts()
    with pytest.raises(DomainError) as e:
        vacancies.create_vacancy(world.a.employer, good_input(world, **changes))
    db.session.rollback()
    assert e.value.field == field, e.value.message
    assert message in e.value.message
    assert counts() == before  # nothing written, not even the audit entry
    return e.value


@pytest.mark.parametrize("changes, field, message", [
    ({"title": ""}, "title", "请填写岗位名称"),
    ({"title": "岗" * 81}, "title", "不超过 80 个字"),
    ({"site_county_code": ""}, "site_county_code", "请选择岗位所在的县"),
    ({"site_county_code": "441424101"}, "site_county_code", "请选择岗位所在的县"),  # a town, not a county
    ({"site_park_id": 999}, "site_park_id", "本企业所在的产业园"),
    ({"headcount": 0}, "headcount", "招聘人数应为 1 到"),
    ({"headcount": None}, "headcount", "招聘人数应为 1 到"),
    ({"wage_min": -1}, "wage_min", "月薪应为 0 到"),
    ({"wage_max": None}, "wage_max", "月薪应为 0 到"),
    ({"wage_min": 8000, "wage_max": 6000}, "wage_min", "月薪下限不能高于上限"),
    ({"age_min": 15}, "age_min", "年龄下限应在 16 到 65 岁之间"),
    ({"age_max": 66}, "age_max", "年龄上限应在 16 到 65 岁之间"),
    ({"age_min": 40, "age_max": 30}, "age_min", "年龄下限不能高于上限"),
    ({"min_education": 6}, "min_education", "请选择最低文化程度"),
    ({"training_mode": "apprenticeship"}, "training_mode", "请选择培训方式"),
    ({"description": "字" * 2001}, "description", "岗位描述不超过"),
    ({"deadline": date.today() - timedelta(days=1)}, "deadline", "报名截止日期不能早于今天"),
    ({"trades": [TradeRequirement(code="6-18-02-04", level=0)]}, "trades", "技能等级应为 1 到 5 级"),
    ({"trades": [TradeRequirement(code="6-18-02-04", level=6)]}, "trades", "技能等级应为 1 到 5 级"),
    ({"trades": [TradeRequirement(code="6-18-02-04", level=1), TradeRequirement(name="电焊", level=2)]},
     "trades", "“焊工”填写了不止一次"),
    ({"trades": [TradeRequirement(name="宇航员", level=1)]}, "trades", "未能"),
    ({"trades": [TradeRequirement(name=f"工种{i}", level=1) for i in range(11)]}, "trades", "最多填写 10 个"),
])
def test_each_rule_is_refused_with_its_message_and_nothing_is_written(world, trades, changes, field, message):
    refused(world, field, message, **changes)


def test_another_enterprises_park_is_refused(world, trades):
    park = Park(code="P02", name="惠州园区", county=world.b.county)
    world.b.enterprise.park = park
    db.session.commit()
    refused(world, "site_park_id", "本企业所在的产业园", site_park_id=park.id)


def test_an_unclear_trade_name_lists_the_candidates_to_choose_from(world, trades):
    error = refused(world, "trades", "您要找的是不是", trades=[TradeRequirement(name="焊", level=1)])
    assert "焊工" in error.message and "“焊”" in error.message


def test_only_enterprise_staff_create(world, trades):
    for user in (world.a.coordinator, world.a.seeker, world.a.county_bureau):
        with pytest.raises(Forbidden):
            vacancies.create_vacancy(user, good_input(world))
    assert counts()[0] == 0


# --- edit --------------------------------------------------------------------------------------------------

@pytest.fixture
def draft(world, trades):
    return vacancies.create_vacancy(world.a.employer, good_input(world))


def test_update_changes_fields_and_trades_and_records_what_changed(world, draft):
    data = good_input(world, title="高级焊工", headcount=5, trades=[
        TradeRequirement(code="6-18-02-04", level=3), TradeRequirement(name="电工", level=1)])
    vacancies.update_vacancy(world.a.employer, draft.id, data)
    db.session.expire_all()
    v = db.session.get(Vacancy, draft.id)
    assert v.title == "高级焊工" and v.headcount == 5
    assert sorted((t.trade.name, t.min_level) for t in v.trades) == [("焊工", 3), ("电工", 1)]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "vacancy.update"))
    assert entry.detail["changes"]["title"] == ["电焊工", "高级焊工"] and "trades" in entry.detail["changes"]
    assert db.session.scalar(select(func.count(MatchingChange.id)).where(MatchingChange.object_id == v.id)) == 2
    # dropping a trade and re-adding another in the same edit
    vacancies.update_vacancy(world.a.employer, draft.id, replace(data, trades=[TradeRequirement(name="电工", level=2)]))
    db.session.expire_all()
    assert [(t.trade.name, t.min_level) for t in db.session.get(Vacancy, draft.id).trades] == [("电工", 2)]


def test_a_refused_update_changes_nothing(world, draft):
    before = counts()
    with pytest.raises(DomainError) as e:
        vacancies.update_vacancy(world.a.employer, draft.id, good_input(world, title="新名字", wage_min=9000,
                                                                          wage_max=100))
    db.session.rollback()
    assert e.value.field == "wage_min"
    assert counts() == before and db.session.get(Vacancy, draft.id).title == "电焊工"


def test_headcount_never_below_filled_and_full_means_filled(world, draft):
    vacancies.publish(world.a.employer, draft.id)
    draft.filled = 2
    db.session.commit()
    with pytest.raises(DomainError) as e:
        vacancies.update_vacancy(world.a.employer, draft.id, good_input(world, headcount=1))
    db.session.rollback()
    assert e.value.field == "headcount" and "不能少于已录用的 2 人" in e.value.message
    v = vacancies.update_vacancy(world.a.employer, draft.id, good_input(world, headcount=2))
    assert v.status == "filled"
    with pytest.raises(DomainError):  # no places left: cannot reopen
        vacancies.publish(world.a.employer, draft.id)
    db.session.rollback()
    vacancies.update_vacancy(world.a.employer, draft.id, good_input(world, headcount=4))
    assert vacancies.publish(world.a.employer, draft.id).status == "open"


def test_another_enterprise_can_neither_see_a_draft_nor_touch_an_open_vacancy(world, draft):
    other = world.b.employer
    for action in (lambda: vacancies.update_vacancy(other, draft.id, good_input(world)),
                   lambda: vacancies.publish(other, draft.id), lambda: vacancies.close(other, draft.id),
                   lambda: vacancies.copy(other, draft.id), lambda: vacancies.vacancy_for_edit(other, draft.id)):
        with pytest.raises(NotFound):
            action()
    vacancies.publish(world.a.employer, draft.id)
    for action in (lambda: vacancies.update_vacancy(other, draft.id, good_input(world, title="改")),
                   lambda: vacancies.close(other, draft.id), lambda: vacancies.copy(other, draft.id),
                   lambda: vacancies.vacancy_for_edit(other, draft.id)):
        with pytest.raises(Forbidden):
            action()
    db.session.rollback()
    v = db.session.get(Vacancy, draft.id)
    assert v.status == "open" and v.title == "电焊工"
    assert db.session.scalar(select(func.count(Vacancy.id))) == 1


# --- status -----------------------------------------------------------------------------------------------

def test_publish_close_and_reopen(world, draft):
    v = vacancies.publish(world.a.employer, draft.id)
    assert v.status == "open" and v.published_at is not None
    with pytest.raises(DomainError) as e:
        vacancies.publish(world.a.employer, draft.id)
    assert "无需再次发布" in e.value.message
    assert vacancies.close(world.a.employer, draft.id).status == "closed"
    with pytest.raises(DomainError) as e:
        vacancies.close(world.a.employer, draft.id)
    assert "只有招聘中的岗位可以关闭" in e.value.message
    assert vacancies.publish(world.a.employer, draft.id).status == "open"
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == draft.id)
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["vacancy.create", "vacancy.publish", "vacancy.close", "vacancy.publish"]


def test_a_draft_cannot_be_closed(world, draft):
    with pytest.raises(DomainError):
        vacancies.close(world.a.employer, draft.id)


def test_a_draft_past_its_deadline_is_not_published(world, draft):
    draft.deadline = date.today() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(DomainError) as e:
        vacancies.publish(world.a.employer, draft.id)
    assert e.value.field == "deadline"


def test_copy_is_a_new_draft_with_the_same_fields_and_trades(world, draft):
    vacancies.publish(world.a.employer, draft.id)
    draft.filled = 1
    db.session.commit()
    c = vacancies.copy(world.a.employer, draft.id)
    db.session.expire_all()
    c, v = db.session.get(Vacancy, c.id), db.session.get(Vacancy, draft.id)
    assert c.id != v.id and c.status == "draft" and c.filled == 0 and c.published_at is None
    for name in ("title", "site_county_id", "headcount", "wage_min", "wage_max", "age_min", "age_max", "housing",
                 "training_mode", "min_education", "description", "deadline", "reserved_for_paired"):
        assert getattr(c, name) == getattr(v, name), name
    assert [(t.trade_id, t.min_level) for t in c.trades] == [(t.trade_id, t.min_level) for t in v.trades]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "vacancy.copy")).detail == {
        "source_id": v.id}


def test_published_vacancy_is_ranked_and_listed_and_closed_one_is_not(world, draft):
    a = world.a
    from matchmaker.models import WorkerSkill
    db.session.add(WorkerSkill(worker=a.worker, trade_id=draft.trades[0].trade_id, level=3))
    db.session.commit()
    assert rankings.vacancies_for(a.seeker) == []  # a draft is not ranked
    vacancies.publish(a.employer, draft.id)
    assert [r.vacancy.id for r in rankings.vacancies_for(a.seeker)] == [draft.id]
    assert [r.worker.id for r in rankings.candidates_for(a.employer, draft.id, rankings.CandidateFilters()).rows][:1] \
        == [a.worker.id]
    assert [v.id for v in vacancies.open_vacancies_page(1).items] == [draft.id]
    vacancies.close(a.employer, draft.id)
    assert rankings.vacancies_for(a.seeker) == [] and vacancies.open_vacancies_page(1).items == []
