"""The worker page in the ledger: masked view, editing, and an edit from an old version refused without losing
what was typed."""
from matchmaker.extensions import db
from matchmaker.models import Worker


def _w(world) -> Worker:
    return db.session.get(Worker, world.a.worker.id)


def test_view_is_masked_and_shows_completeness(world, login):
    c = login(world.a.coordinator)
    assert f"/village/workers/{world.a.worker.id}" in c.get("/village/").get_data(as_text=True)
    page = c.get(f"/village/workers/{world.a.worker.id}").get_data(as_text=True)
    assert world.a.worker.name in page and _w(world).id_number_masked in page and "资料完整度" in page
    assert f'name="version" value="{_w(world).version}"' in page


def test_edit_profile_and_add_skill(world, login):
    c = login(world.a.coordinator)
    url = f"/village/workers/{world.a.worker.id}"
    r = c.post(url, data={"action": "profile", "version": _w(world).version, "education": "3", "radius": "county",
                          "min_wage": "4200", "willing_to_train": "1"})
    assert r.status_code == 302
    w = _w(world)
    assert (w.education, w.radius, w.min_wage, w.willing_to_train) == (3, "county", 4200, True)
    r = c.post(url, data={"action": "add_skill", "version": w.version, "trade": "焊工", "level": "2"})
    assert r.status_code == 302 and _w(world).skills[0].level == 2
    r = c.post(url, data={"action": "add_skill", "version": _w(world).version, "trade": "宇宙飞船驾驶", "level": "2"})
    assert r.status_code == 400 and "无法识别" in r.get_data(as_text=True) and "宇宙飞船驾驶" in r.get_data(as_text=True)


def test_two_edits_from_the_same_old_version_second_refused_and_typed_kept(world, login):
    old = _w(world).version
    url = f"/village/workers/{world.a.worker.id}"
    first = login(world.a.coordinator).post(url, data={"action": "profile", "version": old, "education": "4",
                                                       "radius": "city", "min_wage": "5000"})
    assert first.status_code == 302
    second = login(world.a.coordinator).post(url, data={"action": "profile", "version": old, "education": "1",
                                                        "radius": "village", "min_wage": "3333"})
    body = second.get_data(as_text=True)
    assert second.status_code == 400 and "该记录已被他人修改，请刷新后重新编辑" in body
    assert 'value="3333"' in body  # what the user typed is shown again
    assert f'name="version" value="{_w(world).version}"' in body
    assert (_w(world).education, _w(world).min_wage) == (4, 5000)


def test_not_seeking_then_available(world, login):
    c = login(world.a.coordinator)
    url = f"/village/workers/{world.a.worker.id}"
    assert c.post(url, data={"action": "not_seeking", "version": _w(world).version}).status_code == 302
    assert _w(world).status == "not_seeking"
    assert c.post(url, data={"action": "available", "version": _w(world).version}).status_code == 302
    assert _w(world).status == "available"


def test_another_village_gets_404(world, login):
    c = login(world.b.coordinator)
    url = f"/village/workers/{world.a.worker.id}"
    assert c.get(url).status_code == 404
    assert c.post(url, data={"action": "not_seeking", "version": _w(world).version}).status_code == 404
    assert _w(world).status == "available"


def test_coordinator_removes_a_certificate_and_a_training_record(world, login):
    c = login(world.a.coordinator)
    url = f"/village/workers/{world.a.worker.id}"
    c.post(url, data={"action": "add_certificate", "version": _w(world).version, "trade": "焊工", "level": "3"})
    c.post(url, data={"action": "add_training", "version": _w(world).version, "course": "焊接实操", "hours": "8"})
    cert, course = _w(world).certificates[0], _w(world).trainings[0]
    assert f'name="item_id" value="{course.id}"' in c.get(url).get_data(as_text=True)
    assert c.post(url, data={"action": "remove_certificate", "version": _w(world).version,
                             "item_id": str(cert.id)}).status_code == 302
    assert c.post(url, data={"action": "remove_training", "version": _w(world).version,
                             "item_id": str(course.id)}).status_code == 302
    assert _w(world).certificates == [] and _w(world).trainings == []


def test_the_new_worker_and_new_student_forms_hold_every_ledger_field(world, login):
    names = ("name", "id_number", "phone", "education", "radius", "min_wage", "available_from", "willing_to_train",
             "poor_household", "no_employed_member")
    village_form = login(world.a.coordinator).get("/village/workers/new").get_data(as_text=True)
    school_form = login(world.a.teacher).get("/school/students/new").get_data(as_text=True)
    for page in (village_form, school_form):
        assert all(f'name="{n}"' in page for n in names)
    assert 'name="village_code"' in school_form and 'name="village_code"' not in village_form
    assert school_form.index('name="phone"') < school_form.index('data-level="village"') \
        < school_form.index('name="education"')  # the school's region picker sits after the phone
