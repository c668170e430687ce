"""Training records and certificates recorded by a school: the 80% attendance rule for appraisal, who the school
may record for, and the matching score rising at once."""
from datetime import date

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, Certificate, Trade, TrainingRecord, Vacancy, VacancyTrade
from matchmaker.services import matching, training
from matchmaker.services.errors import DomainError, Forbidden
from tests.factories import make_worker


@pytest.fixture
def welder():
    return db.session.scalar(select(Trade).where(Trade.code == "6-18-02-04"))


@pytest.fixture
def student(world):
    return make_worker(world.a.village, name="学员", source="school", school_id=world.a.school.id)


@pytest.fixture
def vacancy(world, welder):
    v = Vacancy(enterprise=world.a.enterprise, title="焊工", site_county=world.a.county, headcount=3,
                wage_min=4000, wage_max=6000, status="open", age_max=55)
    v.trades.append(VacancyTrade(trade=welder, min_level=2))
    db.session.add(v)
    db.session.commit()
    return v


def _input(**kw):
    values = dict(course="焊工中级培训", trade_code="6-18-02-04", mode="train_then_work", hours=120,
                  attendance_pct=92, completed=True, started_on=date(2026, 3, 1), ended_on=date(2026, 5, 30))
    values.update(kw)
    return training.TrainingInput(**values)


def _counts():
    return (db.session.scalar(select(func.count(TrainingRecord.id))),
            db.session.scalar(select(func.count(Certificate.id))))


def test_a_course_with_a_passed_appraisal_gives_a_certificate(world, student, welder):
    record = training.record(world.a.teacher, training.trainee(world.a.teacher, worker_id=student.id),
                             _input(cert_level=2, cert_number="GD2026-0001"))
    assert (record.course, record.trade_id, record.mode, record.hours, record.attendance_pct, record.completed,
            record.certified, record.school_id, record.provider) == (
        "焊工中级培训", welder.id, "train_then_work", 120, 92, True, True, world.a.school.id, world.a.school.name)
    cert = db.session.scalar(select(Certificate))
    assert (cert.worker_id, cert.trade_id, cert.level, cert.number, cert.training_id, cert.issued_on) == (
        student.id, welder.id, 2, "GD2026-0001", record.id, date(2026, 5, 30))
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["training.record", "training.certificate"]


def test_no_certificate_below_80_percent_attendance(world, student):
    with pytest.raises(DomainError, match="出勤率 79% 未达到 80%") as e:
        training.record(world.a.teacher, student, _input(attendance_pct=79, cert_level=2))
    assert e.value.field == "cert_level"
    assert _counts() == (0, 0)  # nothing half-written
    # The course itself may be recorded without the appraisal, and exactly 80% may sit it.
    record = training.record(world.a.teacher, student, _input(attendance_pct=79))
    assert not record.certified and _counts() == (1, 0)
    training.record(world.a.teacher, student, _input(attendance_pct=80, cert_level=1))
    assert _counts() == (2, 1)


def test_input_is_checked(world, student):
    for kw, field in ((dict(course=""), "course"), (dict(mode="weekend"), "mode"), (dict(hours=0), "hours"),
                      (dict(attendance_pct=101), "attendance_pct"), (dict(trade_code="", trade_text=""), "trade"),
                      (dict(cert_level=7), "cert_level"), (dict(completed=False, cert_level=2), "cert_level"),
                      (dict(cert_number="X1"), "cert_level"),
                      (dict(started_on=date(2026, 6, 1), ended_on=date(2026, 5, 1)), "ended_on")):
        with pytest.raises(DomainError) as e:
            training.record(world.a.teacher, student, _input(**kw))
        assert e.value.field == field, kw
    assert _counts() == (0, 0)


def test_a_village_worker_sent_to_the_school_is_found_by_the_exact_id_number(world):
    from matchmaker.services import pii
    number = pii.decrypt(world.a.worker.id_number_enc)
    assert training.trainee(world.a.teacher, id_number=number).id == world.a.worker.id
    with pytest.raises(DomainError) as e:
        training.trainee(world.a.teacher, id_number=number[:-1] + ("1" if number[-1] != "1" else "2"))
    assert e.value.field == "id_number"
    # Another school's student, or any worker by id, is not the school's to pick from a list.
    with pytest.raises(DomainError) as e:
        training.trainee(world.a.teacher, worker_id=world.a.worker.id)
    assert e.value.field == "worker_id"
    with pytest.raises(Forbidden):
        training.trainee(world.a.employer, id_number=number)


def test_training_and_certificate_raise_the_matching_score_at_once(world, student, vacancy):
    before = matching.explain(student.id, vacancy.id)
    training.record(world.a.teacher, student, _input(cert_level=None))
    trained = matching.explain(student.id, vacancy.id)
    assert trained.training > before.training
    assert trained.total > before.total
    training.record(world.a.teacher, student, _input(course="焊工鉴定", cert_level=2))
    certified = matching.explain(student.id, vacancy.id)
    assert certified.training > trained.training
    assert certified.total > trained.total
