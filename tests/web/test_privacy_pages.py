"""Revealing a worker's full ID number and phone (only to those entitled, audited, never cached) and the seeker's
"who viewed my record" page (role, organisation, time — no one else's personal data)."""
import re

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, Referral, Vacancy, Worker
from matchmaker.services import audit, pii, pii_access
from matchmaker.services.errors import DomainError, NotFound
from tests.factories import make_user

PHONE = "13812345678"


def _with_phone(world):
    w = db.session.get(Worker, world.a.worker.id)
    w.phone_enc, w.phone_masked = pii.encrypt(PHONE), pii.mask_phone(PHONE)
    db.session.commit()
    return w


def _full(world) -> str:
    return pii.decrypt(db.session.get(Worker, world.a.worker.id).id_number_enc)


def _views():
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == "pii.view")
                              .order_by(AuditEntry.id)).all()


def _refer(world, worker):
    v = Vacancy(enterprise=world.a.enterprise, title="普工", site_county=world.a.county, headcount=5,
                wage_min=4000, wage_max=5000, status="open", age_max=55)
    db.session.add(v)
    db.session.add(Referral(worker=worker, vacancy=v, channel="nomination"))
    db.session.commit()


def test_the_coordinator_reveals_the_full_numbers_once_audited_and_not_cached(world, login):
    w = _with_phone(world)
    c = login(world.a.coordinator)
    page = c.get(f"/village/workers/{w.id}").get_data(as_text=True)
    assert "显示完整号码" in page and f"/workers/{w.id}/reveal" in page
    assert _full(world) not in page and PHONE not in page  # masked until asked
    r = c.post(f"/workers/{w.id}/reveal", data={"purpose": "  核实身份  ", "next": f"/village/workers/{w.id}"})
    body = r.get_data(as_text=True)
    assert r.status_code == 200
    assert _full(world) in body and PHONE in body
    assert r.headers["Cache-Control"] == "no-store"
    assert f'href="/village/workers/{w.id}"' in body  # the "hide" link goes back to the masked page
    [entry] = _views()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (world.a.coordinator.id, "worker", w.id)
    assert entry.detail["purpose"] == "核实身份"
    assert _full(world) not in str(entry.detail) and PHONE not in str(entry.detail)
    assert audit.verify_chain() is None and audit.unsealed_count() == 0


def test_hide_link_ignores_an_off_site_next(world, login):
    r = login(world.a.coordinator).post(f"/workers/{world.a.worker.id}/reveal",
                                        data={"next": "//evil.example/x"})
    assert r.status_code == 200 and "evil.example" not in r.get_data(as_text=True)


def test_reveal_requires_a_post(world, login):
    assert login(world.a.coordinator).get(f"/workers/{world.a.worker.id}/reveal").status_code == 405
    assert _views() == []


@pytest.mark.parametrize("who, allowed", [
    ("a.coordinator", True), ("a.seeker", True), ("a.county_bureau", True), ("province_bureau", True),
    ("b.coordinator", False), ("b.county_bureau", False), ("a.teacher", False), ("a.employer", False),
    ("b.employer", False), ("b.seeker", False),
])
def test_only_those_entitled_may_reveal_and_a_refusal_is_not_audited_as_a_view(world, login, who, allowed):
    user = world
    for part in who.split("."):
        user = getattr(user, part)
    r = login(user).post(f"/workers/{world.a.worker.id}/reveal", data={})
    if allowed:
        assert r.status_code == 200 and _full(world) in r.get_data(as_text=True)
        assert [e.actor_id for e in _views()] == [user.id]
    else:
        assert r.status_code == 404 and _full(world) not in r.get_data(as_text=True)
        assert _views() == []


def test_anonymous_is_sent_to_sign_in(world, client):
    r = client.post(f"/workers/{world.a.worker.id}/reveal")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert _views() == []


def test_an_enterprise_may_reveal_only_once_a_referral_to_it_exists(world):
    with pytest.raises(NotFound):
        pii_access.reveal(world.a.employer, world.a.worker.id)
    _refer(world, world.a.worker)
    assert pii_access.reveal(world.a.employer, world.a.worker.id)["id_number"] == _full(world)
    with pytest.raises(NotFound):  # another enterprise still may not
        pii_access.reveal(world.b.employer, world.a.worker.id)


def test_a_school_may_reveal_its_own_students(world):
    w = db.session.get(Worker, world.a.worker.id)
    with pytest.raises(NotFound):
        pii_access.reveal(world.a.teacher, w.id)
    w.school_id = world.a.school.id
    db.session.commit()
    assert pii_access.reveal(world.a.teacher, w.id)["id_number"] == _full(world)


def test_an_anonymised_record_cannot_be_revealed(world):
    w = db.session.get(Worker, world.a.worker.id)
    w.anonymised_at = w.created_at
    db.session.commit()
    with pytest.raises(DomainError, match="匿名"):
        pii_access.reveal(world.a.coordinator, w.id)
    assert _views() == []


# --- who viewed my record --------------------------------------------------------------------------------------

def test_the_seeker_sees_each_view_and_each_export_of_their_village_with_role_and_organisation(world, login):
    _with_phone(world)
    _refer(world, world.a.worker)
    pii_access.reveal(world.a.coordinator, world.a.worker.id, "核实身份")
    pii_access.reveal(world.a.employer, world.a.worker.id, "")
    pii_access.reveal(world.a.county_bureau, world.a.worker.id, "抽查")
    # Not about this worker: a reveal of side B's worker and an export of side B's ledger.
    pii_access.reveal(world.b.coordinator, world.b.worker.id, "别人的")
    audit.record(world.a.coordinator, "ledger.export", "village", world.a.village.id, rows=1, masked=True)
    audit.record(world.b.coordinator, "ledger.export", "village", world.b.village.id, rows=1, masked=True)
    db.session.commit()
    page = login(world.a.seeker).get("/privacy/views")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    rows = body.split("<tbody>")[1].split("</tbody>")[0].count("<tr>")
    assert rows == 4
    for text in ("核实身份", "抽查", "村级协调员", "企业", world.a.enterprise.name, world.a.village.region.name,
                 world.a.county.name, "导出村台账", "查看完整号码"):
        assert text in body, text
    assert "别人的" not in body
    # Nobody's personal data: not the viewers' names or logins, not the worker's own full numbers.
    for secret in (world.a.coordinator.login, world.a.employer.login, world.a.coordinator.display_name,
                   _full(world), PHONE):
        assert secret not in body, secret


def test_the_seeker_sees_their_own_reveal_as_themself(world, login):
    pii_access.reveal(world.a.seeker, world.a.worker.id)
    body = login(world.a.seeker).get("/privacy/views").get_data(as_text=True)
    assert "本人" in body


def test_the_list_is_paged_newest_first(world, login):
    for i in range(23):
        audit.record(world.a.coordinator, "pii.view", "worker", world.a.worker.id, purpose=f"核查{i:02d}")
    db.session.commit()
    c = login(world.a.seeker)
    first = c.get("/privacy/views").get_data(as_text=True)
    second = c.get("/privacy/views?page=2").get_data(as_text=True)
    assert len(re.findall(r"核查\d\d", first)) == 20 and len(re.findall(r"核查\d\d", second)) == 3
    assert "核查22" in first and "核查00" in second and "?page=2" in first


def test_a_seeker_without_a_ledger_record_sees_an_explanation(world, login):
    lonely = make_user("seeker")
    db.session.commit()
    r = login(lonely).get("/privacy/views")
    assert r.status_code == 200 and "尚未关联" in r.get_data(as_text=True)


def test_other_roles_may_not_open_the_seekers_page(world, login):
    assert login(world.a.coordinator).get("/privacy/views").status_code == 403
    with pytest.raises(Exception):
        pii_access.viewings_page(world.a.coordinator)
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "pii.view")) == 0
