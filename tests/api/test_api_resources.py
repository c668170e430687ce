"""Each API resource end to end, as each role, on its own side's objects and on the other side's (IDOR)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Pairing, Referral, Trade, Vacancy, VacancyTrade, Worker, WorkerSkill
from matchmaker.services import pii
from tests import factories

NEW_VACANCY = {"title": "电焊工", "headcount": 3, "wage_min": 5000, "wage_max": 7000, "age_min": 18, "age_max": 50,
               "trades": [{"code": "6-18-02-04", "level": 2}], "housing": True, "training_mode": "work_then_train"}


def _vacancy(world, side="a", **extra):
    s = getattr(world, side)
    v = Vacancy(enterprise=s.enterprise, title=extra.pop("title", "普工"), site_county=s.county,
                headcount=extra.pop("headcount", 3),
                wage_min=4000, wage_max=5000, status="open", age_max=55, **extra)
    db.session.add(v)
    db.session.commit()
    return v


# --- regions and trades ---------------------------------------------------------------------------------------

def test_regions_children_search_and_trades(world, api):
    c = api(world.a.seeker)
    cities = c.get("/regions").get_json()
    assert sorted(r["code"] for r in cities["items"]) == ["441300", "441400"]
    counties = c.get("/regions?code=441400").get_json()["items"]
    assert [(r["code"], r["level"], r["zone"]) for r in counties] == [("441424", "county", "output")]
    assert c.get("/regions?code=999999").status_code == 404
    found = c.get("/regions/search?q=大坝&level=village").get_json()["items"]
    assert [r["path"] for r in found] == ["惠州市 / 惠城区 / 惠城区水寨镇 / 惠城区大坝村",
                                          "梅州市 / 五华县 / 五华县水寨镇 / 五华县大坝村"]
    trades = c.get("/trades?q=焊工").get_json()
    assert trades["items"][0]["code"] == "6-18-02-04" and trades["total"] >= 1


# --- vacancies ------------------------------------------------------------------------------------------------

def test_enterprise_creates_publishes_updates_and_closes_a_vacancy(world, api):
    c = api(world.a.employer)
    response = c.post("/vacancies", json={**NEW_VACANCY, "site_county_code": world.a.county.code})
    assert response.status_code == 201, response.get_json()
    v = response.get_json()
    assert (v["status"], v["headcount"], v["trades"][0]["code"], v["trades"][0]["min_level"]) == (
        "draft", 3, "6-18-02-04", 2)
    vid = v["id"]
    # A draft is the enterprise's own: others do not even see it.
    for other in (world.b.employer, world.a.seeker, world.a.coordinator):
        assert api(other).get(f"/vacancies/{vid}").status_code == 404
    assert c.post(f"/vacancies/{vid}/publish").get_json()["status"] == "open"
    assert vid in [x["id"] for x in api(world.b.seeker).get("/vacancies").get_json()["items"]]
    patched = c.patch(f"/vacancies/{vid}", json={"title": "焊工（二保焊）", "headcount": 5})
    assert patched.status_code == 200
    assert (patched.get_json()["title"], patched.get_json()["headcount"], patched.get_json()["wage_min"]) == (
        "焊工（二保焊）", 5, 5000)
    # Another enterprise may look at an open vacancy but not change it.
    assert api(world.b.employer).patch(f"/vacancies/{vid}", json={"title": "x"}).status_code == 403
    assert api(world.b.employer).post(f"/vacancies/{vid}/close").status_code == 403
    assert db.session.get(Vacancy, vid).title == "焊工（二保焊）"
    assert c.post(f"/vacancies/{vid}/close").get_json()["status"] == "closed"
    assert c.post(f"/vacancies/{vid}/close").status_code == 409
    mine = c.get("/vacancies?mine=true&status=closed").get_json()
    assert [x["id"] for x in mine["items"]] == [vid]


def test_vacancy_bad_input_is_refused_and_nothing_written(world, api):
    c = api(world.a.employer)
    cases = [({"headcount": 0}, "headcount"), ({"headcount": "3"}, "headcount"), ({"wage_min": 9000}, "wage_min"),
             ({"title": ""}, "title"), ({"site_county_code": "000000"}, "site_county_code"),
             ({"trades": [{"name": "zzzz不存在的工种qq"}]}, "trades"), ({"deadline": "2020-13-01"}, "deadline")]
    for change, name in cases:
        response = c.post("/vacancies", json={**NEW_VACANCY, "site_county_code": world.a.county.code, **change})
        assert response.status_code == 422, (change, response.get_json())
        assert response.get_json()["error"]["field"] == name
    assert c.post("/vacancies", data="not json", headers={"Content-Type": "application/json"}).status_code == 400
    assert c.post("/vacancies", json=[1, 2]).status_code == 400
    assert db.session.scalar(select(Vacancy.id)) is None
    # Only an enterprise posts vacancies.
    assert api(world.a.coordinator).post("/vacancies", json={**NEW_VACANCY, "site_county_code": "441424"}
                                         ).status_code == 403


# --- rankings -------------------------------------------------------------------------------------------------

def test_candidates_for_enterprise_and_coordinator_and_no_one_else(world, api):
    v = _vacancy(world)
    extra = factories.make_worker(world.b.village, name="工人丙")
    db.session.commit()
    ranked = api(world.a.employer).get(f"/vacancies/{v.id}/candidates").get_json()
    ids = [row["worker"]["id"] for row in ranked["items"]]
    assert {world.a.worker.id, world.b.worker.id, extra.id} <= set(ids)
    # Before a referral an enterprise sees no name, ID number or phone: as on its candidates page.
    shown = ranked["items"][0]["worker"]
    assert shown["display_name"].endswith("*") and len(shown["display_name"]) == 2
    assert not {"name", "id_number_masked", "phone_masked"} & set(shown)
    body = api(world.a.employer).get(f"/vacancies/{v.id}/candidates").get_data(as_text=True)
    assert world.b.worker.name not in body and world.b.worker.id_number_masked not in body
    top = ranked["items"][0]["score"]
    assert 0 <= top["total"] <= 100 and top["reasons"] and top["reasons"][0]["text"]
    # The coordinator sees only its own village's workers who fit.
    own = api(world.a.coordinator).get(f"/vacancies/{v.id}/candidates").get_json()
    assert [row["worker"]["id"] for row in own["items"]] == [world.a.worker.id]
    assert api(world.b.employer).get(f"/vacancies/{v.id}/candidates").status_code == 403
    for role in (world.a.seeker, world.a.teacher, world.a.county_bureau):
        assert api(role).get(f"/vacancies/{v.id}/candidates").status_code == 403
    zone = api(world.a.employer).get(f"/vacancies/{v.id}/candidates?zone=optimisation").get_json()
    assert {row["worker"]["id"] for row in zone["items"]} == {world.b.worker.id, extra.id}


def test_candidates_are_paged_with_a_next_link_until_the_ranking_ends(world, api):
    v = _vacancy(world)
    welding = _vacancy(world, title="焊工")
    welding.trades.append(VacancyTrade(trade=db.session.scalar(select(Trade).where(Trade.code == "6-18-02-04")),
                                       min_level=1))
    db.session.add(WorkerSkill(worker=world.b.worker, trade=welding.trades[0].trade, level=2))
    for i in range(4):
        factories.make_worker(world.b.village, name=f"工人{i}")
    db.session.commit()
    c = api(world.a.employer)
    whole = [row["worker"]["id"] for row in c.get(f"/vacancies/{v.id}/candidates?per_page=100").get_json()["items"]]
    seen, url = [], f"/vacancies/{v.id}/candidates?per_page=2"
    while url:
        page = c.get(url).get_json()
        seen += [row["worker"]["id"] for row in page["items"]]
        url = page["next"] and page["next"].removeprefix("/api/v1")
    assert seen == whole and len(whole) == 6
    assert c.get(f"/vacancies/{v.id}/candidates?min_level=9").status_code == 400
    # 普工 requires no trade: a level filter has nothing to apply to; with a required trade it keeps the skilled
    general = c.get(f"/vacancies/{v.id}/candidates?min_level=2&per_page=100").get_json()["items"]
    assert [row["worker"]["id"] for row in general] == whole
    skilled = c.get(f"/vacancies/{welding.id}/candidates?min_level=2").get_json()["items"]
    assert [row["worker"]["id"] for row in skilled] == [world.b.worker.id]
    assert api(world.a.employer).get(f"/vacancies/{v.id}/candidates?county=abc").status_code == 400


def test_seeker_recommendations(world, api):
    v = _vacancy(world)
    rows = api(world.a.seeker).get("/recommendations").get_json()["items"]
    assert [r["vacancy"]["id"] for r in rows] == [v.id]
    assert rows[0]["score"]["eligible"] is True
    assert api(world.a.employer).get("/recommendations").status_code == 403


# --- workers --------------------------------------------------------------------------------------------------

def test_ledger_list_is_scoped_and_masked(world, api):
    mine = api(world.a.coordinator).get("/workers").get_json()
    assert [w["id"] for w in mine["items"]] == [world.a.worker.id]
    w = mine["items"][0]
    assert w["id_number_masked"] == world.a.worker.id_number_masked and "*" in w["id_number_masked"]
    assert "birth_date" not in w and "household" in w
    assert [w["id"] for w in api(world.a.county_bureau).get("/workers").get_json()["items"]] == [world.a.worker.id]
    assert {w["id"] for w in api(world.province_bureau).get("/workers").get_json()["items"]} == {
        world.a.worker.id, world.b.worker.id}
    assert api(world.a.teacher).get("/workers").get_json()["total"] == 0
    for role in (world.a.employer, world.a.seeker):
        assert api(role).get("/workers").status_code == 403
    assert api(world.a.coordinator).get(f"/workers/{world.b.worker.id}").status_code == 404
    assert api(world.a.county_bureau).get(f"/workers/{world.b.worker.id}").status_code == 404


def test_coordinator_adds_a_worker_and_the_id_number_never_comes_back_whole(world, api):
    number = factories.id_number(birth=date(1992, 3, 4))
    c = api(world.a.coordinator)
    response = c.post("/workers", json={"name": "李四", "id_number": number, "phone": "13812345678",
                                        "radius": "province", "willing_to_train": True})
    assert response.status_code == 201, response.get_json()
    body = response.get_data(as_text=True)
    assert number not in body and "13812345678" not in body
    created = response.get_json()
    assert created["id_number_masked"] == pii.mask_id_number(number) and created["phone_masked"] == "138****5678"
    assert db.session.get(Worker, created["id"]).home_region_id == world.a.village.region_id
    for path in ("/workers", f"/workers/{created['id']}"):
        assert number not in c.get(path).get_data(as_text=True)
    again = c.post("/workers", json={"name": "李四", "id_number": number})
    assert again.status_code == 422 and again.get_json()["error"]["field"] == "id_number"
    bad = c.post("/workers", json={"name": "王五", "id_number": number[:-1] + ("0" if number[-1] != "0" else "1")})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "id_number"
    assert api(world.a.county_bureau).post("/workers", json={"name": "x", "id_number": number}).status_code == 403


def test_enterprise_sees_a_worker_only_through_a_referral_and_without_household_flags(world, api):
    v = _vacancy(world)
    assert api(world.a.employer).get(f"/workers/{world.b.worker.id}").status_code == 404
    db.session.add(Referral(worker=world.b.worker, vacancy=v, channel="nomination"))
    db.session.commit()
    seen = api(world.a.employer).get(f"/workers/{world.b.worker.id}").get_json()
    assert seen["id"] == world.b.worker.id and "household" not in seen


# --- referrals, placements, follow-ups ------------------------------------------------------------------------

def test_nominate_move_hire_and_follow_up(world, api):
    v = _vacancy(world, headcount=1)
    coordinator, employer = api(world.a.coordinator), api(world.a.employer)
    refused = coordinator.post(f"/vacancies/{v.id}/nominations", json={"worker_ids": [world.a.worker.id]})
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "consent"
    assert coordinator.post(f"/vacancies/{v.id}/nominations",
                            json={"worker_ids": [world.b.worker.id], "consent": True}).status_code == 404
    done = coordinator.post(f"/vacancies/{v.id}/nominations", json={"worker_ids": [world.a.worker.id],
                                                                    "consent": True, "note": "能吃苦"})
    assert done.status_code == 201
    rid = done.get_json()["items"][0]["id"]
    assert done.get_json()["items"][0]["consent"]["version"]
    assert api(world.b.employer).get(f"/referrals/{rid}").status_code == 404
    assert employer.post(f"/referrals/{rid}/move", json={"to": "rejected"}).get_json()["error"]["field"] == "reason"
    for step in ("shortlisted", "interview", "offered"):
        assert employer.post(f"/referrals/{rid}/move", json={"to": step}).get_json()["status"] == step
    assert coordinator.post(f"/referrals/{rid}/move", json={"to": "offered"}).status_code == 403
    detail = coordinator.get(f"/referrals/{rid}").get_json()
    assert [s["to_status"] for s in detail["steps"]] == ["submitted", "shortlisted", "interview", "offered"]
    assert [r["id"] for r in employer.get("/referrals?status=offered").get_json()["items"]] == [rid]
    hired = employer.post(f"/referrals/{rid}/hire", json={"start_date": date.today().isoformat(),
                                                          "monthly_wage": 5200})
    assert hired.status_code == 201, hired.get_json()
    placement = hired.get_json()
    assert [f["due_month"] for f in placement["follow_ups"]] == [1, 3, 6, 12]
    assert db.session.get(Vacancy, v.id).status == "filled"
    assert [p["id"] for p in employer.get("/placements").get_json()["items"]] == [placement["id"]]
    assert [p["id"] for p in coordinator.get("/placements").get_json()["items"]] == [placement["id"]]
    assert api(world.b.employer).get("/placements").get_json()["total"] == 0
    assert api(world.b.coordinator).get(f"/placements/{placement['id']}").status_code == 404
    due = coordinator.get("/follow-ups").get_json()
    assert [d["due_month"] for d in due["items"]] == [1, 3, 6, 12]
    first = due["items"][0]["id"]
    assert api(world.b.coordinator).post(f"/follow-ups/{first}", json={"still_employed": True}).status_code == 404
    recorded = coordinator.post(f"/follow-ups/{first}", json={"still_employed": True, "wage": 5300})
    assert recorded.status_code == 200 and recorded.get_json()["done_on"] == date.today().isoformat()
    assert coordinator.post(f"/follow-ups/{first}", json={"still_employed": True}).status_code == 409
    assert coordinator.post(f"/follow-ups/{due['items'][1]['id']}", json={"still_employed": "yes"}
                            ).status_code == 422


def test_seeker_applies(world, api):
    v = _vacancy(world)
    response = api(world.a.seeker).post(f"/vacancies/{v.id}/applications", json={"consent": True})
    assert response.status_code == 201 and response.get_json()["channel"] == "application"
    assert api(world.a.seeker).post(f"/vacancies/{v.id}/applications", json={"consent": True}).status_code == 409
    assert api(world.a.employer).post(f"/vacancies/{v.id}/applications", json={"consent": True}).status_code == 403


# --- pairings -------------------------------------------------------------------------------------------------

def test_pairing_propose_and_accept(world, api):
    proposed = api(world.a.employer).post("/pairings", json={"other_id": world.b.village.id})
    assert proposed.status_code == 201 and proposed.get_json()["status"] == "proposed"
    pid = proposed.get_json()["id"]
    # The proposer cannot accept its own proposal; an outsider cannot see it.
    assert api(world.a.employer).post(f"/pairings/{pid}/accept").status_code == 403
    assert api(world.a.coordinator).get(f"/pairings/{pid}").status_code == 404
    assert api(world.b.employer).post(f"/pairings/{pid}/accept").status_code == 404
    accepted = api(world.b.coordinator).post(f"/pairings/{pid}/accept")
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "active"
    assert db.session.get(Pairing, pid).status == "active"
    detail = api(world.b.coordinator).get(f"/pairings/{pid}").get_json()
    assert detail["stats"]["hired"] == 0 and detail["activities"] == []
    assert [p["id"] for p in api(world.a.employer).get("/pairings?status=active").get_json()["items"]] == [pid]
    assert api(world.a.seeker).get("/pairings").status_code == 403


# --- pagination -----------------------------------------------------------------------------------------------

def test_pagination_total_next_and_bounds(world, api):
    for i in range(24):
        factories.make_worker(world.a.village, name=f"工人{i:02d}")
    db.session.commit()
    c = api(world.a.coordinator)
    first = c.get("/workers?per_page=10").get_json()
    assert (first["total"], first["page"], first["per_page"], len(first["items"])) == (25, 1, 10, 10)
    second = c.get(first["next"].removeprefix("/api/v1")).get_json()
    assert second["page"] == 2 and not {w["id"] for w in first["items"]} & {w["id"] for w in second["items"]}
    last = c.get("/workers?per_page=10&page=3").get_json()
    assert len(last["items"]) == 5 and last["next"] is None
    assert c.get("/workers?per_page=100").get_json()["per_page"] == 100
    for bad in ("per_page=101", "per_page=0", "page=0", "page=x", "per_page=-1", "page=" + "9" * 5000):
        response = c.get(f"/workers?{bad}")
        assert response.status_code == 400, bad
        assert response.get_json()["error"]["field"] in ("page", "per_page")
    assert c.get("/workers?pgae=2").status_code == 400  # a misspelt parameter is not silently ignored


def test_a_bureau_cannot_edit_or_close_a_vacancy_in_its_region(world, api):
    """The permission rule lets a bureau "own" objects in its region; the API's role gate (as the pages') stops it."""
    v = _vacancy(world)
    bureau = api(world.a.county_bureau)
    assert bureau.get(f"/vacancies/{v.id}").status_code == 200
    assert bureau.patch(f"/vacancies/{v.id}", json={"title": "改了"}).status_code == 403
    assert bureau.post(f"/vacancies/{v.id}/close").status_code == 403
    db.session.refresh(v)
    assert (v.title, v.status) == ("普工", "open")


def test_school_and_bureau_scopes_for_workers_and_placements(world, api):
    from tests.api.conftest import make_objects
    make_objects(world.a)
    make_objects(world.b)
    student = factories.make_worker(world.b.village, name="学员甲", school_id=world.a.school.id)
    db.session.commit()
    # A school keeps its own students, wherever they come from, and nobody else.
    assert [w["id"] for w in api(world.a.teacher).get("/workers").get_json()["items"]] == [student.id]
    assert api(world.a.teacher).get(f"/workers/{student.id}").status_code == 200
    assert api(world.b.teacher).get(f"/workers/{student.id}").status_code == 404
    # A county bureau sees its county's placements; the province bureau sees both sides'.
    county = api(world.a.county_bureau).get("/placements").get_json()["items"]
    assert {p["worker"]["id"] for p in county} == {world.a.worker.id}
    assert api(world.province_bureau).get("/placements").get_json()["total"] == 2
    assert api(world.a.teacher).get("/placements").get_json()["total"] == 0
    assert [p["worker"]["id"] for p in api(world.b.seeker).get("/placements").get_json()["items"]] == [
        world.b.worker.id]


def test_invitations_through_the_api(world, api):
    v = _vacancy(world)
    a = world.a
    employer, seeker = api(a.employer), api(a.seeker)
    r = employer.post(f"/vacancies/{v.id}/invitations", json={"worker_id": a.worker.id, "note": "欢迎"})
    assert r.status_code == 201
    sent = r.get_json()
    assert sent["status"] == "pending" and sent["worker"]["display_name"] == a.worker.name[0] + "*"
    assert a.worker.name not in employer.get("/invitations").get_data(as_text=True)
    again = employer.post(f"/vacancies/{v.id}/invitations", json={"worker_id": a.worker.id})
    assert again.status_code in (409, 422) and "已邀请过" in again.get_json()["error"]["message"]
    mine = seeker.get("/invitations").get_json()["items"]
    assert [(i["id"], i["worker"]["display_name"]) for i in mine] == [(sent["id"], a.worker.name)]
    assert api(world.b.seeker).get("/invitations").get_json()["items"] == []
    assert api(world.b.coordinator).post(f"/invitations/{sent['id']}/decline").status_code == 404
    no_consent = seeker.post(f"/invitations/{sent['id']}/accept", json={})
    assert no_consent.status_code in (409, 422) and no_consent.get_json()["error"]["field"] == "consent"
    accepted = seeker.post(f"/invitations/{sent['id']}/accept", json={"consent": True}).get_json()
    assert accepted["status"] == "accepted" and accepted["referral_id"]
    referral = employer.get(f"/referrals/{accepted['referral_id']}").get_json()
    assert referral["channel"] == "invitation" and referral["worker"]["name"] == a.worker.name
    shown = employer.get("/invitations").get_json()["items"][0]
    assert shown["worker"]["display_name"] == a.worker.name  # a referral exists now: the name is shared
