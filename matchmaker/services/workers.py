"""The labour ledger (劳动力台账): adding and finding workers. One person, one record: the ID number is the key."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from matchmaker.extensions import db
from matchmaker.models import Certificate, TrainingRecord, Trade, User, Village, Worker, WorkerSkill
from matchmaker.models.workers import RADII
from matchmaker.services import audit, matching, pii
from matchmaker.services.accounts import normalise_phone
from matchmaker.services.errors import DomainError, refused_on_conflict
from matchmaker.services.identity import check_id_number
from matchmaker.orm import utcnow
from matchmaker.services.permissions import can, load_for, require

LEGAL_WORKING_AGE = 16


@dataclass
class LedgerEntry:
    name: str
    id_number: str
    phone: str = ""
    education: int = 2
    poor_household: bool = False
    no_employed_member: bool = False
    radius: str = "city"
    min_wage: int | None = None
    willing_to_train: bool = False
    available_from: date | None = None


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def find_by_id_number(id_number: str) -> Worker | None:
    return db.session.scalar(select(Worker).where(Worker.id_number_index == pii.blind_index(id_number)))


def _duplicate_error(actor: User, existing: Worker) -> DomainError:
    if can(actor, "view", existing):
        return DomainError(_("该身份证号已登记：%(name)s，%(place)s 台账。", name=existing.name,
                             place=existing.home_region.name), "id_number")
    return DomainError(_("该身份证号已在其他村的台账中登记，请联系当地人社部门核实。"), "id_number")


def validate_entry(entry: LedgerEntry) -> tuple[str, date, str, str]:
    """Check one ledger entry; returns (id number, birth date, sex, phone). Shared by the form and the importer."""
    name = (entry.name or "").strip()
    if not name or len(name) > 40:
        raise DomainError(_("请填写姓名（不超过 40 个字）。"), "name")
    if not any(ch.isalpha() for ch in name):  # "-", "+86…", "@": a stray cell, not a person's name
        raise DomainError(_("姓名应包含汉字或字母。"), "name")
    id_number, birth, sex = check_id_number(entry.id_number)
    if age_on(birth, date.today()) < LEGAL_WORKING_AGE:
        raise DomainError(_("未满 16 周岁，不能登记为劳动力。"), "id_number")
    phone = normalise_phone(entry.phone) if (entry.phone or "").strip() else ""
    if entry.education not in range(6):
        raise DomainError(_("请选择文化程度。"), "education")
    if entry.radius not in RADII:
        raise DomainError(_("请选择意向就业范围。"), "radius")
    if entry.min_wage is not None and not 0 <= entry.min_wage <= 100000:
        raise DomainError(_("期望最低月薪应在 0 到 100000 元之间。"), "min_wage")
    return id_number, birth, sex, phone


def new_worker(actor: User, entry: LedgerEntry, home_region_id: int, source: str = "ledger",
               school_id: int | None = None) -> Worker:
    """Validate an entry and add the person (ID number and phone encrypted, blind-indexed) to the session,
    flushed; the caller audits and commits. Shared by the village ledger and a school's new students."""
    id_number, birth, sex, phone = validate_entry(entry)
    existing = find_by_id_number(id_number)
    if existing is not None:
        raise _duplicate_error(actor, existing)
    worker = Worker(
        name=entry.name.strip(), **pii.id_number_columns(id_number), birth_date=birth, sex=sex,
        **pii.phone_columns(phone),
        home_region_id=home_region_id, education=entry.education, poor_household=entry.poor_household,
        no_employed_member=entry.no_employed_member, radius=entry.radius, min_wage=entry.min_wage,
        willing_to_train=entry.willing_to_train, available_from=entry.available_from, source=source,
        school_id=school_id)
    db.session.add(worker)
    # Another clerk saved the same person a moment ago: the unique index caught it.
    with refused_on_conflict(_("该身份证号已登记。"), "id_number"):
        db.session.flush()
    return worker


def add_to_ledger(actor: User, village: Village, entry: LedgerEntry) -> Worker:
    require(actor, "edit", village)
    worker = new_worker(actor, entry, village.region_id)
    audit.record(actor, "worker.create", "worker", worker.id, village_id=village.id)
    matching.note_change("worker", worker.id)
    db.session.commit()
    return worker


def ledger_summary(village: Village) -> dict[str, int]:
    rows = db.session.execute(select(Worker.status, func.count(Worker.id))
                              .where(Worker.home_region_id == village.region_id).group_by(Worker.status))
    by_status = {status: n for status, n in rows}
    return {"total": sum(by_status.values()), **{k: by_status.get(k, 0) for k in
                                                  ("available", "nominated", "employed", "not_seeking")}}


def ledger_page(actor: User, village: Village, page: int, per_page: int = 20, search: str = ""):
    require(actor, "view", village)
    query = select(Worker).where(Worker.home_region_id == village.region_id)
    if search:
        query = query.where(Worker.name.contains(search.strip()))
    return db.paginate(query.order_by(Worker.id.desc()), page=page, per_page=per_page, error_out=False)


# --- editing one worker in the ledger ----------------------------------------------------------------------------
# Every edit carries the version of the record the form was built from; an edit based on an older version is
# refused (and the ORM's version check catches two saves racing on the same version), never silently lost.

class StaleEdit(DomainError):
    pass


def stale_message() -> str:
    return _("该记录已被他人修改，请刷新后重新编辑")


@dataclass
class Profile:
    phone: str = ""  # empty: keep the phone on record
    education: int = 2
    radius: str = "city"
    min_wage: int | None = None
    willing_to_train: bool = False
    available_from: date | None = None
    poor_household: bool = False
    no_employed_member: bool = False


def worker_for_edit(actor: User, worker_id: int) -> Worker:
    return load_for(actor, Worker, worker_id, "edit")


def _editable(actor: User, worker_id: int, version) -> Worker:
    worker = worker_for_edit(actor, worker_id)
    try:
        version = int(version)
    except (TypeError, ValueError):
        version = None
    if version != worker.version:
        raise StaleEdit(stale_message())
    return worker


def _save(actor: User, worker: Worker, action: str, **detail) -> Worker:
    worker.updated_at = utcnow()  # always UPDATE the worker row, so its version moves on and is checked
    with refused_on_conflict(stale_message(), conflicts=(StaleDataError,), error=StaleEdit):
        db.session.flush()
    audit.record(actor, action, "worker", worker.id, **detail)
    matching.note_change("worker", worker.id)
    db.session.commit()
    return worker


def update_profile(actor: User, worker_id: int, version, profile: Profile) -> Worker:
    """Intention and household: education, radius, minimum wage, training, availability, household, phone."""
    worker = _editable(actor, worker_id, version)
    if profile.education not in range(6):
        raise DomainError(_("请选择文化程度。"), "education")
    if profile.radius not in RADII:
        raise DomainError(_("请选择意向就业范围。"), "radius")
    if profile.min_wage is not None and not 0 <= profile.min_wage <= 100000:
        raise DomainError(_("期望最低月薪应在 0 到 100000 元之间。"), "min_wage")
    if (profile.phone or "").strip():
        phone = normalise_phone(profile.phone)
        for column, value in pii.phone_columns(phone).items():
            setattr(worker, column, value)
    for f in ("education", "radius", "min_wage", "willing_to_train", "available_from", "poor_household",
              "no_employed_member"):
        setattr(worker, f, getattr(profile, f))
    return _save(actor, worker, "worker.update")


def set_seeking(actor: User, worker_id: int, version, seeking: bool) -> Worker:
    """Mark a worker as not seeking work, or available again."""
    worker = _editable(actor, worker_id, version)
    if seeking and worker.status != "not_seeking":
        raise DomainError(_("%(name)s 当前不是“暂不求职”状态。", name=worker.name))
    if not seeking and worker.status != "available":
        raise DomainError(_("只有求职中的人员可以标记为暂不求职。"))
    worker.status = "available" if seeking else "not_seeking"
    return _save(actor, worker, "worker.status", status=worker.status)


def _trade(text: str, field: str) -> Trade:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("请填写工种。"), field)
    found = matching.current().catalogue.normalise(text)
    trade = db.session.scalar(select(Trade).where(Trade.code == found.code)) if found.code else None
    if trade is None:
        names = "、".join(dict.fromkeys(name for _code, name, _score in found.candidates[:5]))
        raise DomainError(_("工种“%(text)s”无法识别，您是否要填：%(names)s？", text=text, names=names) if names
                          else _("工种“%(text)s”无法识别，请填写国家职业分类中的工种名称。", text=text), field)
    return trade


def _level(level, field: str = "level") -> int:
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        raise DomainError(_("技能等级应为 1 到 5 级。"), field)
    return level


def add_skill(actor: User, worker_id: int, version, typed: str, level) -> WorkerSkill:
    worker = _editable(actor, worker_id, version)
    trade = _trade(typed, "trade")
    level = _level(level)
    if any(s.trade_id == trade.id for s in worker.skills):
        raise DomainError(_("已登记该技能：%(name)s。", name=trade.name), "trade")
    skill = WorkerSkill(trade=trade, level=level, typed_name=typed.strip()[:60])
    worker.skills.append(skill)
    _save(actor, worker, "worker.skill_add", trade_id=trade.id, level=level)
    return skill


def _remove(actor: User, worker_id: int, version, items: str, item_id, action: str, missing: str) -> Worker:
    """Take one skill / certificate / training record off the worker. What a school recorded (a course it ran,
    a certificate from its appraisal) is the school's to correct, not the worker's side."""
    worker = _editable(actor, worker_id, version)
    collection = getattr(worker, items)
    item = next((x for x in collection if x.id == item_id), None)
    if item is None:
        raise DomainError(missing)
    if getattr(item, "training_id", None) is not None or getattr(item, "school_id", None) is not None:
        raise DomainError(_("院校登记的培训记录和证书不能在此删除，如有错误请联系该院校更正。"))
    collection.remove(item)
    return _save(actor, worker, action, **{"trade_id": getattr(item, "trade_id", None)})


def remove_skill(actor: User, worker_id: int, version, skill_id: int) -> Worker:
    return _remove(actor, worker_id, version, "skills", skill_id, "worker.skill_remove", _("找不到该技能。"))


def remove_certificate(actor: User, worker_id: int, version, certificate_id: int) -> Worker:
    return _remove(actor, worker_id, version, "certificates", certificate_id, "worker.certificate_remove",
                   _("找不到该证书。"))


def remove_training(actor: User, worker_id: int, version, training_id: int) -> Worker:
    return _remove(actor, worker_id, version, "trainings", training_id, "worker.training_remove",
                   _("找不到该培训记录。"))


def add_certificate(actor: User, worker_id: int, version, trade_text: str, level, number: str = "",
                    issued_on: date | None = None) -> Certificate:
    worker = _editable(actor, worker_id, version)
    trade = _trade(trade_text, "trade")
    level = _level(level)
    number = (number or "").strip()
    if len(number) > 40:
        raise DomainError(_("证书编号不能超过 40 个字符。"), "number")
    if issued_on is not None and issued_on > date.today():
        raise DomainError(_("发证日期不能晚于今天。"), "issued_on")
    certificate = Certificate(trade=trade, level=level, number=number, issued_on=issued_on)
    worker.certificates.append(certificate)
    _save(actor, worker, "worker.certificate_add", trade_id=trade.id, level=level)
    return certificate


def add_training(actor: User, worker_id: int, version, course: str, trade_text: str = "", hours=0,
                 completed: bool = False) -> TrainingRecord:
    worker = _editable(actor, worker_id, version)
    course = (course or "").strip()
    if not course or len(course) > 120:
        raise DomainError(_("请填写培训课程名称（不超过 120 个字）。"), "course")
    trade = _trade(trade_text, "trade") if (trade_text or "").strip() else None
    if isinstance(hours, bool) or not isinstance(hours, int) or not 0 <= hours <= 10000:
        raise DomainError(_("培训学时应在 0 到 10000 之间。"), "hours")
    record = TrainingRecord(course=course, trade=trade, hours=hours, completed=bool(completed))
    worker.trainings.append(record)
    _save(actor, worker, "worker.training_add", course=course)
    return record


def completeness(worker: Worker) -> tuple[float, list[str]]:
    """Share of the record that is filled in, and what is missing (in the user's language)."""
    checks = [(bool(worker.phone_masked), _("手机号")), (bool(worker.skills), _("技能")),
              (bool(worker.radius), _("意向就业范围")), (worker.education is not None, _("文化程度")),
              (bool(worker.trainings or worker.certificates), _("培训或证书"))]
    return sum(ok for ok, _name in checks) / len(checks), [name for ok, name in checks if not ok]
