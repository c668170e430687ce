"""Training records and skill appraisal (技能鉴定) recorded by a school: a course for one of its students, or for a
village worker sent to it (found by the exact ID number). A completed course and its certificate feed the
matching score at once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.models import Certificate, TrainingRecord, User, Worker
from matchmaker.models.workers import TRAINING_MODES
from matchmaker.orm import utcnow
from matchmaker.services import audit, matching, schools, workers
from matchmaker.services.errors import DomainError
from matchmaker.services.identity import check_id_number

# 中山市: “规定上课率达不到80%以上的学员，不得参加当次的技能鉴定考试” (seeds/002_*, 严把鉴定质量关):
# below this attendance there is no appraisal, so no certificate.
MIN_ATTENDANCE_FOR_APPRAISAL = 80
MAX_HOURS = 10000


@dataclass
class TrainingInput:
    course: str = ""
    trade_code: str = ""
    trade_text: str = ""
    mode: str = ""
    hours: int | None = None
    attendance_pct: int | None = None
    completed: bool = False
    started_on: date | None = None
    ended_on: date | None = None
    # The skill appraisal's result: a certificate level 1–5 and its number (empty level: no appraisal).
    cert_level: int | None = None
    cert_number: str = ""


def trainee(actor: User, worker_id: int | None = None, id_number: str = "") -> Worker:
    """Whom the course is for: one of the school's students, or a village worker sent to the school — the
    school types their ID number in full, matched through the blind index (no browsing of other ledgers)."""
    school = schools.own_school(actor)
    if worker_id:
        worker = db.session.get(Worker, worker_id)
        if worker is None or worker.school_id != school.id or worker.anonymised_at is not None:
            raise DomainError(_("请选择本校学员。"), "worker_id")
        return worker
    if not (id_number or "").strip():
        raise DomainError(_("请选择本校学员，或填写送培人员的身份证号。"), "id_number")
    number, _birth, _sex = check_id_number(id_number)
    worker = workers.find_by_id_number(number)
    if worker is None or worker.anonymised_at is not None:
        raise DomainError(_("没有找到该身份证号的登记人员，请先由其所在村登记台账。"), "id_number")
    return worker


def _validate(data: TrainingInput):
    course = (data.course or "").strip()
    if not course or len(course) > 120:
        raise DomainError(_("请填写培训课程名称（不超过 120 个字）。"), "course")
    trade = schools.resolve_trade(data.trade_code, data.trade_text)
    if data.mode not in TRAINING_MODES:
        raise DomainError(_("请选择培训模式。"), "mode")
    hours = data.hours
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= MAX_HOURS:
        raise DomainError(_("培训学时应在 1 到 %(n)s 之间。", n=MAX_HOURS), "hours")
    attendance = data.attendance_pct
    if isinstance(attendance, bool) or not isinstance(attendance, int) or not 0 <= attendance <= 100:
        raise DomainError(_("出勤率应为 0 到 100 之间的整数。"), "attendance_pct")
    if data.started_on and data.ended_on and data.ended_on < data.started_on:
        raise DomainError(_("结束日期不能早于开始日期。"), "ended_on")
    if data.ended_on and data.ended_on > date.today():
        raise DomainError(_("结束日期不能晚于今天。"), "ended_on")
    number = (data.cert_number or "").strip()
    if data.cert_level is None:
        if number:
            raise DomainError(_("填写了证书编号，请同时选择鉴定等级。"), "cert_level")
        return course, trade, None, ""
    if data.cert_level not in range(1, 6):
        raise DomainError(_("技能等级应为 1 到 5 级。"), "cert_level")
    if attendance < MIN_ATTENDANCE_FOR_APPRAISAL:
        raise DomainError(_("出勤率 %(p)s%% 未达到 %(m)s%%，按技能鉴定规定不能参加鉴定，不能发证。请清空鉴定等级后保存培训记录。",
                            p=attendance, m=MIN_ATTENDANCE_FOR_APPRAISAL), "cert_level")
    if not data.completed:
        raise DomainError(_("培训未完成，不能登记鉴定证书。"), "cert_level")
    if len(number) > 40:
        raise DomainError(_("证书编号不能超过 40 个字符。"), "cert_number")
    return course, trade, data.cert_level, number


def record(actor: User, worker: Worker, data: TrainingInput) -> TrainingRecord:
    """Record one course (and its certificate, when the appraisal was passed). All or nothing."""
    school = schools.own_school(actor)
    course, trade, level, number = _validate(data)
    training = TrainingRecord(course=course, provider=school.name, school_id=school.id, trade=trade, mode=data.mode,
                              hours=data.hours, attendance_pct=data.attendance_pct, completed=bool(data.completed),
                              certified=level is not None, started_on=data.started_on, ended_on=data.ended_on)
    worker.trainings.append(training)
    worker.updated_at = utcnow()  # moves the record's version on, so an edit based on the old one is refused
    db.session.flush()
    certificate = None
    if level is not None:
        certificate = Certificate(trade=trade, level=level, number=number, issued_on=data.ended_on or date.today(),
                                  issuer=school.name, training_id=training.id)
        worker.certificates.append(certificate)
        db.session.flush()
    audit.record(actor, "training.record", "worker", worker.id, training_id=training.id, trade_id=trade.id,
                 hours=data.hours, attendance_pct=data.attendance_pct, completed=bool(data.completed),
                 own_student=worker.school_id == school.id)
    if certificate is not None:
        audit.record(actor, "training.certificate", "worker", worker.id, certificate_id=certificate.id,
                     trade_id=trade.id, level=level)
    matching.note_change("worker", worker.id)
    db.session.commit()
    return training


def recorded_by(actor: User, limit: int = 100) -> list[TrainingRecord]:
    """The school's latest training records (students and workers sent to it)."""
    school = schools.own_school(actor)
    return list(db.session.scalars(
        select(TrainingRecord).where(TrainingRecord.school_id == school.id)
        .options(selectinload(TrainingRecord.worker), selectinload(TrainingRecord.trade))
        .order_by(TrainingRecord.id.desc()).limit(limit)))

