"""Editing a worker in the ledger: intention and household, seeking status, skills, certificates and training,
each checked against the version the form was built from."""
import os
from datetime import date

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, Certificate, MatchingChange, TrainingRecord, Worker
from matchmaker.services import workers
from matchmaker.services.errors import DomainError, NotFound


def _w(world) -> Worker:
    return db.session.get(Worker, world.a.worker.id)


def test_update_profile_sets_fields_audits_and_notes_the_change(world):
    w = _w(world)
    v = w.version
    workers.update_profile(world.a.coordinator, w.id, v, workers.Profile(
        phone="13800138000", education=3, radius="province", min_wage=4500, willing_to_train=True,
        available_from=date(2027, 1, 1), poor_household=True, no_employed_member=True))
    w = _w(world)
    assert (w.education, w.radius, w.min_wage, w.willing_to_train, w.poor_household, w.no_employed_member) == (
        3, "province", 4500, True, True, True)
    assert w.available_from == date(2027, 1, 1) and w.phone_masked and w.version == v + 1
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "worker.update")).object_id == w.id
    assert db.session.scalar(select(MatchingChange).where(MatchingChange.kind == "worker",
                                                          MatchingChange.object_id == w.id))


def test_two_edits_from_the_same_old_version_the_second_is_refused(world):
    w = _w(world)
    v = w.version
    workers.update_profile(world.a.coordinator, w.id, v, workers.Profile(education=4, radius="county"))
    with pytest.raises(DomainError, match="该记录已被他人修改，请刷新后重新编辑"):
        workers.update_profile(world.a.coordinator, w.id, v, workers.Profile(education=1, radius="village"))
    with pytest.raises(DomainError, match="他人修改"):
        workers.add_skill(world.a.coordinator, w.id, v, "焊工", 2)
    assert (_w(world).education, _w(world).radius, _w(world).skills) == (4, "county", [])


def test_bad_profile_input_names_the_field(world):
    w = _w(world)
    with pytest.raises(DomainError) as e:
        workers.update_profile(world.a.coordinator, w.id, w.version, workers.Profile(min_wage=-5))
    assert e.value.field == "min_wage"
    with pytest.raises(DomainError) as e:
        workers.update_profile(world.a.coordinator, w.id, w.version, workers.Profile(radius="moon"))
    assert e.value.field == "radius"


def test_not_seeking_and_available_again(world):
    w = _w(world)
    workers.set_seeking(world.a.coordinator, w.id, w.version, False)
    assert _w(world).status == "not_seeking"
    with pytest.raises(DomainError):
        workers.set_seeking(world.a.coordinator, w.id, _w(world).version, False)
    workers.set_seeking(world.a.coordinator, w.id, _w(world).version, True)
    assert _w(world).status == "available"


def test_skills_are_normalised_and_removable(world):
    w = _w(world)
    skill = workers.add_skill(world.a.coordinator, w.id, w.version, "焊工", 3)
    assert _w(world).skills[0].trade.name == "焊工" and skill.level == 3
    with pytest.raises(DomainError) as e:
        workers.add_skill(world.a.coordinator, w.id, _w(world).version, "焊工", 2)
    assert e.value.field == "trade"
    with pytest.raises(DomainError) as e:
        workers.add_skill(world.a.coordinator, w.id, _w(world).version, "电焊", 9)
    with pytest.raises(DomainError) as e:
        workers.add_skill(world.a.coordinator, w.id, _w(world).version, "宇宙飞船驾驶", 2)
    assert e.value.field == "trade" and "无法识别" in e.value.message
    workers.remove_skill(world.a.coordinator, w.id, _w(world).version, skill.id)
    assert _w(world).skills == []


def test_low_confidence_trade_lists_candidates(world):
    w = _w(world)
    with pytest.raises(DomainError) as e:
        workers.add_skill(world.a.coordinator, w.id, w.version, "焊", 2)
    assert e.value.field == "trade" and "无法识别" in e.value.message


def test_certificate_and_training(world):
    w = _w(world)
    assert workers.completeness(w)[0] < 1
    workers.add_certificate(world.a.coordinator, w.id, w.version, "焊工", 4, "GD-2026-001", date(2025, 6, 1))
    workers.add_training(world.a.coordinator, w.id, _w(world).version, "焊接实操", "焊工", 80, True)
    w = _w(world)
    assert w.certificates[0].number == "GD-2026-001" and w.certificates[0].level == 4
    assert (w.trainings[0].course, w.trainings[0].hours, w.trainings[0].completed) == ("焊接实操", 80, True)
    with pytest.raises(DomainError) as e:
        workers.add_training(world.a.coordinator, w.id, w.version, "", "", 10, False)
    assert e.value.field == "course"


def test_certificates_and_training_are_removable_but_not_what_a_school_recorded(world):
    a = world.a
    w = _w(world)
    cert = workers.add_certificate(a.coordinator, w.id, w.version, "焊工", 3)
    own = workers.add_training(a.seeker, w.id, _w(world).version, "自学焊接", "焊工", 20, True)
    school_course = TrainingRecord(worker_id=w.id, course="焊工订单班", school_id=a.school.id, completed=True)
    db.session.add(school_course)
    db.session.flush()
    appraised = Certificate(worker_id=w.id, trade_id=cert.trade_id, level=4, training_id=school_course.id)
    db.session.add(appraised)
    db.session.commit()
    changes_before = len(db.session.scalars(select(MatchingChange.id).where(MatchingChange.object_id == w.id)).all())
    with pytest.raises(DomainError, match="院校"):
        workers.remove_certificate(a.seeker, w.id, _w(world).version, appraised.id)
    with pytest.raises(DomainError, match="院校"):
        workers.remove_training(a.coordinator, w.id, _w(world).version, school_course.id)
    with pytest.raises(DomainError, match="找不到"):
        workers.remove_certificate(a.seeker, w.id, _w(world).version, 10**9)
    with pytest.raises(NotFound):  # another village's coordinator
        workers.remove_certificate(world.b.coordinator, w.id, _w(world).version, cert.id)
    workers.remove_certificate(a.seeker, w.id, _w(world).version, cert.id)
    workers.remove_training(a.coordinator, w.id, _w(world).version, own.id)
    w = _w(world)
    assert [c.id for c in w.certificates] == [appraised.id] and [t.id for t in w.trainings] == [school_course.id]
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == w.id)))
    assert {"worker.certificate_remove", "worker.training_remove"} <= actions
    changes = db.session.scalars(select(MatchingChange.id).where(MatchingChange.kind == "worker",
                                                                 MatchingChange.object_id == w.id)).all()
    assert len(changes) == changes_before + 2  # the engine hears of each removal


def test_another_village_cannot_edit(world):
    w = _w(world)
    with pytest.raises(NotFound):
        workers.update_profile(world.b.coordinator, w.id, w.version, workers.Profile())


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="SQLite serialises writers; the race is only real on PostgreSQL")
def test_ten_parallel_edits_from_one_version_exactly_one_lands(app, world):
    from tests.services.test_follow_ups import _parallel
    w = _w(world)
    worker_id, version, coordinator_id = w.id, w.version, world.a.coordinator.id
    db.session.commit()

    def work(i):
        from matchmaker.models import User
        workers.update_profile(db.session.get(User, coordinator_id), worker_id, version,
                               workers.Profile(min_wage=1000 + i))
        return "saved"

    results = _parallel(app, 10, work)
    assert results.count("saved") == 1, results
    assert all(m == workers.stale_message() for m in results if m != "saved")
    assert db.session.get(Worker, worker_id).version == version + 1


REFUSED_EDITS = {
    "bad phone": lambda c, w: workers.update_profile(c, w.id, w.version, workers.Profile(phone="12345")),
    "bad wage": lambda c, w: workers.update_profile(c, w.id, w.version, workers.Profile(min_wage=-5)),
    "stale version": lambda c, w: workers.update_profile(c, w.id, w.version - 1, workers.Profile(education=2)),
    "already available": lambda c, w: workers.set_seeking(c, w.id, w.version, True),
    "unknown trade": lambda c, w: workers.add_skill(c, w.id, w.version, "宇宙飞船驾驶", 2),
    "bad level": lambda c, w: workers.add_skill(c, w.id, w.version, "焊工", 9),
    "certificate bad level": lambda c, w: workers.add_certificate(c, w.id, w.version, "焊工", 0, "X-1"),
    "training without course": lambda c, w: workers.add_training(c, w.id, w.version, "", "焊工", 10),
    "missing skill": lambda c, w: workers.remove_skill(c, w.id, w.version, 10**9),
}


@pytest.mark.parametrize("edit", REFUSED_EDITS.values(), ids=REFUSED_EDITS.keys())
def test_a_refused_edit_leaves_nothing_half_done(world, edit):
    """The page shown again after a refusal reads the record from this same session, and the views do not roll
    it back: the service must refuse before it changes anything."""
    w = _w(world)
    workers.update_profile(world.a.coordinator, w.id, w.version, workers.Profile(education=3, radius="county"))
    w = _w(world)
    before = (w.version, w.education, w.phone_masked, w.status, len(w.skills), len(w.certificates), len(w.trainings))
    with pytest.raises(DomainError):
        edit(world.a.coordinator, w)
    assert not (db.session.new or db.session.dirty or db.session.deleted)
    w = _w(world)
    assert (w.version, w.education, w.phone_masked, w.status, len(w.skills), len(w.certificates),
            len(w.trainings)) == before
