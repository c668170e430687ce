"""The labour ledger (劳动力台账): adding and finding workers. One person, one record: the ID number is the key."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from matchmaker.extensions import db
from matchmaker.models import User, Village, Worker
from matchmaker.models.workers import RADII
from matchmaker.services import audit, matching, pii
from matchmaker.services.accounts import normalise_phone
from matchmaker.services.errors import DomainError
from matchmaker.services.identity import check_id_number
from matchmaker.services.permissions import can, require

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


def add_to_ledger(actor: User, village: Village, entry: LedgerEntry) -> Worker:
    require(actor, "edit", village)
    id_number, birth, sex, phone = validate_entry(entry)
    existing = find_by_id_number(id_number)
    if existing is not None:
        raise _duplicate_error(actor, existing)
    worker = Worker(
        name=entry.name.strip(), id_number_enc=pii.encrypt(id_number), id_number_index=pii.blind_index(id_number),
        id_number_masked=pii.mask_id_number(id_number), birth_date=birth, sex=sex,
        phone_enc=pii.encrypt(phone) if phone else None, phone_masked=pii.mask_phone(phone) if phone else "",
        home_region_id=village.region_id, education=entry.education, poor_household=entry.poor_household,
        no_employed_member=entry.no_employed_member, radius=entry.radius, min_wage=entry.min_wage,
        willing_to_train=entry.willing_to_train, available_from=entry.available_from, source="ledger")
    db.session.add(worker)
    try:
        db.session.flush()
    except IntegrityError:
        # Another clerk saved the same person a moment ago: the unique index caught it.
        db.session.rollback()
        raise DomainError(_("该身份证号已登记。"), "id_number") from None
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
