"""The referral journey through the pages: a coordinator nominates, the enterprise moves it on and hires, the
seeker applies and follows their application."""
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Pairing, Placement, Referral, Vacancy


def _vacancy(world, **kw):
    v = Vacancy(enterprise=world.a.enterprise, title="装配普工", site_county=world.a.county, headcount=2,
                wage_min=4500, wage_max=5500, status="open", age_max=55, **kw)
    db.session.add(v)
    db.session.add(Pairing(enterprise=world.a.enterprise, village=world.a.village, status="active"))
    db.session.commit()
    return v


def test_coordinator_nominates_from_the_paired_vacancies(world, login):
    v = _vacancy(world)
    c = login(world.a.coordinator)
    assert "装配普工" in c.get("/referrals/vacancies").get_data(as_text=True)
    page = c.get(f"/referrals/nominate/{v.id}").get_data(as_text=True)
    assert world.a.worker.name in page and "单独同意" in page
    refused = c.post(f"/referrals/nominate/{v.id}", data={"worker_id": world.a.worker.id, "note": "踏实"})
    assert "单独同意" in refused.get_data(as_text=True) and 'value="' in refused.get_data(as_text=True)
    assert db.session.scalar(select(Referral.id)) is None
    r = c.post(f"/referrals/nominate/{v.id}", data={"worker_id": world.a.worker.id, "note": "踏实", "consent": "1"})
    assert r.status_code == 302
    assert db.session.scalar(select(Referral)).channel == "nomination"
    assert "装配普工" in c.get("/referrals/").get_data(as_text=True)
    # Another village may put its own people forward for a public vacancy, but never sees ours.
    other = login(world.b.coordinator).get(f"/referrals/nominate/{v.id}").get_data(as_text=True)
    assert world.a.worker.name not in other


def test_enterprise_moves_a_referral_to_a_hire(world, login):
    v = _vacancy(world)
    login(world.a.coordinator).post(f"/referrals/nominate/{v.id}", data={"worker_id": world.a.worker.id,
                                                                        "consent": "1"})
    referral = db.session.scalar(select(Referral))
    e = login(world.a.employer)
    assert world.a.worker.name in e.get("/referrals/").get_data(as_text=True)
    for step in ("shortlisted", "interview", "offered"):
        e.post(f"/referrals/{referral.id}/move", data={"to": step})
    r = e.post(f"/referrals/{referral.id}/hire", data={"start_date": "2026-12-01", "monthly_wage": "5000"},
               follow_redirects=True)
    assert "已办理入职" in r.get_data(as_text=True)
    placement = db.session.scalar(select(Placement))
    assert placement.channel == "pairing" and placement.monthly_wage == 5000
    other = login(world.b.employer)
    assert other.post(f"/referrals/{referral.id}/move", data={"to": "rejected", "reason": "x"}).status_code == 404


def test_seeker_applies_with_consent_and_sees_the_status(world, login):
    v = _vacancy(world)
    s = login(world.a.seeker)
    assert "申请" in s.get("/seeker/").get_data(as_text=True)
    r = s.post(f"/referrals/apply/{v.id}", data={}, follow_redirects=True)
    assert "单独同意" in r.get_data(as_text=True)
    s.post(f"/referrals/apply/{v.id}", data={"consent": "1"})
    page = s.get("/referrals/").get_data(as_text=True)
    assert "我的申请" in page and "装配普工" in page and "撤回" in page
