"""一企一村 through the pages: an enterprise finds a village and proposes, the coordinator accepts, both set the
target and log activities; other villages and enterprises get 404/403; other roles get 403."""
from datetime import date, timedelta

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Pairing, PairingActivity


def _pairing():
    return db.session.scalar(select(Pairing))


def test_enterprise_searches_proposes_and_the_village_accepts(world, login):
    ent = login(world.a.employer)
    page = ent.get("/pairings/propose?q=大坝").get_data(as_text=True)
    assert world.a.village.name in page and world.b.village.name in page
    assert ent.post("/pairings/propose", data={"other_id": world.a.village.id}).status_code == 302
    p = _pairing()
    assert p.status == "proposed"
    listing = ent.get("/pairings/").get_data(as_text=True)
    assert "我发起的" in listing and world.a.village.name in listing and "同意结对" not in listing
    # The proposer cannot accept their own proposal.
    assert ent.post(f"/pairings/{p.id}/accept").status_code == 403
    coord = login(world.a.coordinator)
    listing = coord.get("/pairings/").get_data(as_text=True)
    assert world.a.enterprise.name in listing and "同意结对" in listing
    assert coord.post(f"/pairings/{p.id}/accept").status_code == 302
    db.session.refresh(p)
    assert p.status == "active" and p.approved_by_id == world.a.coordinator.id


def test_coordinator_proposes_and_the_enterprise_declines(world, login):
    coord = login(world.a.coordinator)
    assert world.b.enterprise.name in coord.get("/pairings/propose?q=企业乙").get_data(as_text=True)
    coord.post("/pairings/propose", data={"other_id": world.b.enterprise.id})
    p = _pairing()
    assert login(world.b.employer).post(f"/pairings/{p.id}/decline").status_code == 302
    db.session.refresh(p)
    assert p.status == "declined"
    assert "已结束" in coord.get("/pairings/").get_data(as_text=True)


def test_other_parties_and_roles_are_kept_out(world, login):
    login(world.a.employer).post("/pairings/propose", data={"other_id": world.a.village.id})
    p = _pairing()
    assert login(world.b.coordinator).post(f"/pairings/{p.id}/accept").status_code == 404
    assert login(world.b.employer).post(f"/pairings/{p.id}/end").status_code == 404
    assert login(world.b.employer).get(f"/pairings/{p.id}/activities").status_code == 404
    for user in (world.a.seeker, world.a.teacher, world.a.county_bureau):
        c = login(user)
        assert c.get("/pairings/").status_code == 403
        assert c.post(f"/pairings/{p.id}/accept").status_code == 403
    assert login(world.a.employer).get("/pairings/").status_code == 200
    db.session.refresh(p)
    assert p.status == "proposed"


def _active(world):
    p = Pairing(enterprise=world.a.enterprise, village=world.a.village, status="active",
                proposed_by_id=world.a.employer.id)
    db.session.add(p)
    db.session.commit()
    return p


def test_target_and_end(world, login):
    p = _active(world)
    coord = login(world.a.coordinator)
    page = coord.post(f"/pairings/{p.id}/target", data={"annual_target": "-3"}, follow_redirects=True)
    assert "年度目标人数应为" in page.get_data(as_text=True)
    db.session.refresh(p)
    assert p.annual_target == 0
    coord.post(f"/pairings/{p.id}/target", data={"annual_target": "25"})
    db.session.refresh(p)
    assert p.annual_target == 25
    assert login(world.a.employer).post(f"/pairings/{p.id}/end").status_code == 302
    db.session.refresh(p)
    assert p.status == "ended" and p.ended_at is not None


def test_activities_form_shows_errors_beside_fields_and_saves(world, login):
    p = _active(world)
    ent = login(world.a.employer)
    page = ent.get(f"/pairings/{p.id}/activities").get_data(as_text=True)
    assert "登记活动" in page and "招聘会" in page and "已入职" in page
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    bad = ent.post(f"/pairings/{p.id}/activities", data={"kind": "job_fair", "held_on": tomorrow,
                                                        "people_reached": "30", "notes": ""})
    assert bad.status_code == 200 and "活动日期不能晚于今天" in bad.get_data(as_text=True)
    assert 'class="error"' in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PairingActivity.id))) == 0
    ok = ent.post(f"/pairings/{p.id}/activities", data={"kind": "job_fair", "held_on": date.today().isoformat(),
                                                       "people_reached": "30", "notes": "镇文化广场"})
    assert ok.status_code == 302
    page = ent.get(f"/pairings/{p.id}/activities").get_data(as_text=True)
    assert "镇文化广场" in page and "覆盖 30 人" in page
    assert db.session.scalar(select(PairingActivity)).created_by_id == world.a.employer.id


def test_nav_link_for_both_parties_only(world, login):
    assert "一企一村结对" in login(world.a.employer).get("/pairings/").get_data(as_text=True)
    assert "/pairings/" in login(world.a.coordinator).get("/referrals/").get_data(as_text=True)
    assert "/pairings/" not in login(world.a.seeker).get("/referrals/").get_data(as_text=True)
