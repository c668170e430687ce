"""The bureau's administration pages: what each shows, what a POST changes, bad input kept and explained."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import (Enterprise, KpiTarget, Pairing, Park, PolicySetting, Region, TradeAlias, Vacancy,
                               VacancyTrade)
from matchmaker.services import pairings
from tests.factories import make_enterprise, make_trade


def test_organisations_page_lists_the_unverified_and_verifies(world, login):
    new = make_enterprise(world.a.county, name="新登记企业")
    new.verified = False
    other = make_enterprise(world.b.county, name="外地企业")
    other.verified = False
    db.session.commit()
    c = login(world.a.county_bureau)
    page = c.get("/bureau/organisations").get_data(as_text=True)
    assert "新登记企业" in page and "外地企业" not in page and world.a.school.name in page
    r = c.post(f"/bureau/organisations/enterprise/{new.id}/verify")
    assert r.status_code == 302
    assert db.session.get(Enterprise, new.id).verified is True
    page = c.get("/bureau/organisations").get_data(as_text=True)
    assert "已认证：新登记企业" in page and "<td data-label=\"名称\">新登记企业" not in page
    assert c.post(f"/bureau/organisations/enterprise/{other.id}/verify").status_code == 404
    assert c.post(f"/bureau/organisations/worker/{other.id}/verify").status_code == 404
    assert db.session.get(Enterprise, other.id).verified is False


def test_approvals_page_approves_and_a_rejection_needs_a_reason(world, login):
    agreed = pairings.accept(world.a.coordinator, pairings.propose(world.a.employer, world.a.village.id).id)
    proposal = pairings.propose(world.b.employer, world.a.village.id)
    c = login(world.a.county_bureau)
    page = c.get("/bureau/approvals").get_data(as_text=True)
    assert f"{world.a.enterprise.name} ↔ {world.a.village.name}" in page
    assert f"{world.b.enterprise.name} ↔ {world.a.village.name}" in page
    r = c.post(f"/bureau/pairings/{proposal.id}/reject", data={"reason": ""}, follow_redirects=True)
    assert "请填写不通过的原因" in r.get_data(as_text=True)
    assert db.session.get(Pairing, proposal.id).status == "proposed"
    c.post(f"/bureau/pairings/{proposal.id}/reject", data={"reason": "企业不在本期计划内"})
    assert db.session.get(Pairing, proposal.id).status == "declined"
    r = c.post(f"/bureau/pairings/{agreed.id}/approve", follow_redirects=True)
    assert "结对已审批通过" in r.get_data(as_text=True)
    p = db.session.get(Pairing, agreed.id)
    assert (p.status, p.approved_by_id) == ("active", world.a.county_bureau.id)
    assert "暂无待审批的结对" in c.get("/bureau/approvals").get_data(as_text=True)
    assert login(world.b.county_bureau).post(f"/bureau/pairings/{agreed.id}/reject",
                                             data={"reason": "x"}).status_code == 404


def _policy_form(**changes):
    form = {"w_skills": "0.5", "w_location": "0.3", "w_training": "0.2", "bonus_pairing": "5",
            "bonus_school_link": "3", "bonus_order_class": "5", "bonus_zone_flow": "2", "bonus_poor_household": "3",
            "bonus_cap": "10", "shortage_open_days": "30", "note": "调整"}
    return form | changes


def test_policy_page_province_edits_county_reads(world, login):
    county = login(world.a.county_bureau)
    page = county.get("/bureau/policy").get_data(as_text=True)
    assert "市、县人社部门只能查看" in page and 'name="w_skills"' not in page and "0.5" in page
    assert county.post("/bureau/policy", data=_policy_form(w_skills="0.9")).status_code == 403
    province = login(world.province_bureau)
    r = province.post("/bureau/policy", data=_policy_form(w_location="很多"))
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "请填写数字" in body and 'value="很多"' in body and "调整" in body
    assert db.session.scalar(select(func.count(PolicySetting.id))) == 0
    r = province.post("/bureau/policy", data=_policy_form(w_location="0.6", note="就近转移优先"))
    assert r.status_code == 302
    page = province.get("/bureau/policy").get_data(as_text=True)
    assert "第 1 版" in page and "距离权重：0.3 → 0.6" in page and "就近转移优先" in page
    assert world.province_bureau.display_name in page


def test_targets_page_saves_the_year_and_keeps_bad_input(world, login):
    c = login(world.a.county_bureau)
    page = c.get("/bureau/targets?year=2026").get_data(as_text=True)
    assert "2026 年度目标" in page and "无默认值" in page and 'value="85"' in page
    r = c.post("/bureau/targets?year=2026", data={"active_pairings": "20", "trained_share_pct": "120"})
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "应在 0 到 100 之间" in body and 'value="120"' in body
    assert db.session.scalar(select(func.count(KpiTarget.id))) == 0
    r = c.post("/bureau/targets?year=2026", data={"active_pairings": "20", "trained_share_pct": "90"})
    assert r.status_code == 302
    assert dict(db.session.execute(select(KpiTarget.kpi, KpiTarget.target)).all()) == {
        "active_pairings": 20, "trained_share_pct": 90}


def test_catalogue_page_zones_parks_and_aliases(world, login):
    make_trade("6-18-02-04", "焊工")
    province = login(world.province_bureau)
    page = province.get("/bureau/catalogue").get_data(as_text=True)
    assert world.a.county.name in page and world.b.county.name in page and 'name="zone"' in page
    province.post(f"/bureau/counties/{world.a.county.id}/zone", data={"zone": "aggregation"})
    assert db.session.get(Region, world.a.county.id).zone == "aggregation"
    r = province.post("/bureau/aliases", data={"alias": "电焊仔", "trade_code": "焊 工"}, follow_redirects=True)
    body = r.get_data(as_text=True)
    assert "请填写工种代码或标准名称" in body and 'value="电焊仔"' in body
    province.post("/bureau/aliases", data={"alias": "电焊仔", "trade_code": "焊工"})
    alias = db.session.scalar(select(TradeAlias).where(TradeAlias.alias == "电焊仔"))
    assert alias.trade.code == "6-18-02-04"
    county = login(world.a.county_bureau)
    page = county.get("/bureau/catalogue?q=电焊").get_data(as_text=True)
    assert "电焊仔" in page and "只能查看" in page and 'name="zone"' not in page
    assert world.b.county.name not in page
    assert county.post("/bureau/aliases", data={"alias": "焊仔", "trade_code": "焊工"}).status_code == 403
    assert county.post(f"/bureau/aliases/{alias.id}/delete").status_code == 403
    assert county.post(f"/bureau/counties/{world.a.county.id}/zone", data={"zone": "output"}).status_code == 403
    alias_id = alias.id
    province.post(f"/bureau/aliases/{alias_id}/delete")
    assert db.session.get(TradeAlias, alias_id) is None
    r = county.post("/bureau/parks/new", data={"name": "五华新园", "county_code": "441424", "latitude": "24"})
    assert "经度和纬度请同时填写" in r.get_data(as_text=True) and 'value="五华新园"' in r.get_data(as_text=True)
    assert county.post("/bureau/parks/new", data={"name": "五华新园", "county_code": "441424"}).status_code == 302
    park = db.session.scalar(select(Park).where(Park.name == "五华新园"))
    assert park.county_id == world.a.county.id
    assert "五华新园" in county.get(f"/bureau/parks/{park.id}").get_data(as_text=True)
    assert login(world.b.county_bureau).get(f"/bureau/parks/{park.id}").status_code == 404


def test_shortages_page_shows_the_stale_vacancy_and_the_gap(world, login):
    welder = make_trade("6-18-02-04", "焊工")
    v = Vacancy(enterprise=world.a.enterprise, title="焊工急招", site_county=world.a.county, headcount=6,
                wage_min=5000, wage_max=7000, status="open", age_max=55,
                published_at=datetime.now(timezone.utc) - timedelta(days=45))
    v.trades.append(VacancyTrade(trade=welder, min_level=2))
    db.session.add(v)
    db.session.commit()
    page = login(world.a.county_bureau).get("/bureau/shortages").get_data(as_text=True)
    assert "焊工急招" in page and "45 天" in page
    assert page.count('class="gap-row"') == 1 and "列入培训目录" in page
    assert "暂无长期空缺的岗位" in login(world.b.county_bureau).get("/bureau/shortages").get_data(as_text=True)


def test_other_roles_are_turned_away(world, login):
    for user in (world.a.employer, world.a.coordinator, world.a.teacher, world.a.seeker):
        c = login(user)
        for path in ("/bureau/organisations", "/bureau/approvals", "/bureau/policy", "/bureau/targets",
                     "/bureau/catalogue", "/bureau/shortages"):
            assert c.get(path).status_code == 403, (user.role, path)


def test_approvals_page_decides_park_school_links(world, login):
    from matchmaker.models import ParkSchoolLink
    park = Park(code="P960", name="五华对接园", county_id=world.a.county.id)
    db.session.add(park)
    db.session.flush()
    first = ParkSchoolLink(school_id=world.a.school.id, park_id=park.id, year=2026)
    second = ParkSchoolLink(school_id=world.b.school.id, park_id=park.id, year=2026, branch_campus=True,
                            branch_address="园区大道 1 号")
    db.session.add_all([first, second])
    db.session.commit()
    c = login(world.a.county_bureau)
    page = c.get("/bureau/approvals").get_data(as_text=True)
    assert f"{world.a.school.name} ↔ 五华对接园" in page and "园区大道 1 号" in page
    r = c.post(f"/bureau/links/{first.id}/decide", data={"decision": "decline", "reason": ""}, follow_redirects=True)
    assert "请填写不通过的原因" in r.get_data(as_text=True)
    assert db.session.get(ParkSchoolLink, first.id).status == "proposed"
    c.post(f"/bureau/links/{first.id}/decide", data={"decision": "decline", "reason": "专业与园区产业不符"})
    c.post(f"/bureau/links/{second.id}/decide", data={"decision": "approve"})
    assert db.session.get(ParkSchoolLink, first.id).status == "declined"
    link = db.session.get(ParkSchoolLink, second.id)
    assert (link.status, link.approved_by_id) == ("active", world.a.county_bureau.id)
    assert "暂无待审批的校园对接" in c.get("/bureau/approvals").get_data(as_text=True)


def test_home_counts_what_awaits_the_bureau_as_the_approvals_page_lists_it(world, login):
    agreed = pairings.accept(world.a.coordinator, pairings.propose(world.a.employer, world.a.village.id).id)
    pairings.propose(world.b.employer, world.a.village.id)
    world.a.school.verified = True
    db.session.commit()
    c = login(world.a.county_bureau)
    page = c.get("/bureau/").get_data(as_text=True)
    assert "<strong>2</strong><span>待审批结对</span>" in page and "<strong>0</strong><span>待认证机构</span>" in page
    c.post(f"/bureau/pairings/{agreed.id}/approve")
    assert "<strong>1</strong><span>待审批结对</span>" in c.get("/bureau/").get_data(as_text=True)
