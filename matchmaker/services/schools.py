"""校园对接产业园, the school's side: its profile, links to provincial transfer parks (approved by the bureau),
order classes (订单班, 校企双制, 招生即招工) with park enterprises, their students, graduating a class into
placements in one step, and the demand view (what to train next)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, union_all
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.models import (Certificate, Enterprise, OrderClass, OrderClassStudent, Park, ParkSchoolLink, Region,
                               School, Trade, TrainingRecord, User, Vacancy, VacancyTrade, Worker, WorkerSkill)
from matchmaker.orm import utcnow
from matchmaker.services import audit, matching, notifications, referrals, regions, workers
from matchmaker.services.errors import DomainError, Forbidden, NotFound, refused_on_conflict
from matchmaker.services.permissions import load_for, require

MAX_INTAKE = 500
MAX_SPECIALTIES = 300
PARK_LIST_LIMIT = 50
# Order classes that still hold places in their vacancy.
LIVE_CLASS_STATUSES = ("open", "running")


def own_school(actor: User) -> School:
    """The school the actor works for; only school staff act here."""
    school = getattr(actor, "school", None) if getattr(actor, "role", None) == "school" else None
    if school is None:
        raise Forbidden(_("只有院校可以进行此操作。"))
    require(actor, "edit", school)
    return school


# --- profile ----------------------------------------------------------------------------------------------------

def update_profile(actor: User, specialties: str) -> School:
    school = own_school(actor)
    # People type lists with any separator; keep one house style (；) so the list reads the same everywhere.
    parts = [p.strip() for p in (specialties or "").replace(",", "；").replace("，", "；").replace(";", "；")
             .replace("、", "；").split("；")]
    text = "；".join(dict.fromkeys(p for p in parts if p))
    if len(text) > MAX_SPECIALTIES:
        raise DomainError(_("主要专业不能超过 %(n)s 个字。", n=MAX_SPECIALTIES), "specialties")
    old = school.specialties
    school.specialties = text
    audit.record(actor, "school.profile", "school", school.id, old=old, new=text)
    db.session.commit()
    return school


# --- park links -------------------------------------------------------------------------------------------------

def parks(search: str = "") -> list[Park]:
    """Provincial transfer parks to choose from, by name or county name."""
    query = select(Park).join(Region, Park.county_id == Region.id).options(selectinload(Park.county))
    text = (search or "").strip()[:40]
    if text:
        query = query.where(Park.name.contains(text, autoescape=True) | Region.name.contains(text, autoescape=True))
    return list(db.session.scalars(query.order_by(Park.key_park.desc(), Park.name, Park.id).limit(PARK_LIST_LIMIT)))


def links(actor: User) -> list[ParkSchoolLink]:
    school = own_school(actor)
    return list(db.session.scalars(
        select(ParkSchoolLink).where(ParkSchoolLink.school_id == school.id)
        .options(selectinload(ParkSchoolLink.park).selectinload(Park.county))
        .order_by(ParkSchoolLink.created_at.desc(), ParkSchoolLink.id.desc())))


def _branch(branch_campus: bool, branch_address: str) -> str:
    address = (branch_address or "").strip()
    if branch_campus and not address:
        raise DomainError(_("设有园区分校时，请填写分校地址。"), "branch_address")
    if len(address) > 200:
        raise DomainError(_("分校地址不能超过 200 个字。"), "branch_address")
    return address if branch_campus else ""


def _year(year) -> int:
    this = date.today().year
    if isinstance(year, bool) or not isinstance(year, int) or not this - 1 <= year <= this + 5:
        raise DomainError(_("对接年度应在 %(a)s 到 %(b)s 之间。", a=this - 1, b=this + 5), "year")
    return year


def propose_link(actor: User, park_id, branch_campus: bool = False, branch_address: str = "",
                 year=None) -> ParkSchoolLink:
    """The school asks to link with a park; the bureau approves. A declined or ended link may be proposed again:
    the same row starts over (one row per school and park)."""
    school = own_school(actor)
    park = db.session.get(Park, park_id) if isinstance(park_id, int) else None
    if park is None:
        raise DomainError(_("请从列表中选择产业园。"), "park_id")
    address = _branch(branch_campus, branch_address)
    year = _year(year)
    link = db.session.scalar(select(ParkSchoolLink).where(ParkSchoolLink.school_id == school.id,
                                                          ParkSchoolLink.park_id == park.id))
    if link is not None and link.status in ("proposed", "active"):
        raise DomainError(_("已与%(park)s对接，或对接申请正在等待人社部门确认。", park=park.name), "park_id")
    if link is None:
        link = ParkSchoolLink(school_id=school.id, park_id=park.id)
        db.session.add(link)
    link.status = "proposed"
    link.branch_campus, link.branch_address, link.year = bool(branch_campus), address, year
    link.proposed_by_id, link.approved_by_id, link.approved_at = actor.id, None, None
    # The same proposal sent twice at once.
    with refused_on_conflict(_("已与%(park)s对接，或对接申请正在等待人社部门确认。", park=park.name), "park_id"):
        db.session.flush()
    audit.record(actor, "park_link.propose", "park_school_link", link.id, park_id=park.id, year=year,
                 branch_campus=link.branch_campus)
    db.session.commit()
    return link


def link_for(actor: User, link_id: int) -> ParkSchoolLink:
    """One of the school's own links (NotFound for anyone else's)."""
    own_school(actor)
    return load_for(actor, ParkSchoolLink, link_id, "edit")


def update_branch(actor: User, link_id: int, branch_campus: bool, branch_address: str) -> ParkSchoolLink:
    """Branch campus details (分校/校区 in the park) on a proposed or active link."""
    link = link_for(actor, link_id)
    if link.status not in ("proposed", "active"):
        raise DomainError(_("已结束或未通过的对接不能修改。"))
    link.branch_address = _branch(branch_campus, branch_address)
    link.branch_campus = bool(branch_campus)
    audit.record(actor, "park_link.branch", "park_school_link", link.id, branch_campus=link.branch_campus)
    db.session.commit()
    return link


def withdraw_link(actor: User, link_id: int) -> ParkSchoolLink:
    """The school withdraws its proposal before the bureau decides (kept as ended, so the row's history stays)."""
    link = link_for(actor, link_id)
    if link.status != "proposed":
        raise DomainError(_("只有待确认的对接申请可以撤回。"))
    link.status = "ended"
    audit.record(actor, "park_link.withdraw", "park_school_link", link.id)
    db.session.commit()
    return link


def end_link(actor: User, link_id: int) -> ParkSchoolLink:
    link = link_for(actor, link_id)
    if link.status != "active":
        raise DomainError(_("只有进行中的对接可以结束。"))
    link.status = "ended"
    audit.record(actor, "park_link.end", "park_school_link", link.id)
    matching.note_change("context")  # the school–park bonus goes at once
    db.session.commit()
    return link


def decide_link(actor: User, link_id: int, approve: bool, reason: str = "") -> ParkSchoolLink:
    """The bureau of the park's or the school's region approves or declines a proposed link."""
    if getattr(actor, "role", None) != "bureau":
        raise Forbidden(_("只有人社部门可以审核对接申请。"))
    link = load_for(actor, ParkSchoolLink, link_id, "approve")
    if link.status != "proposed":
        raise DomainError(_("该对接申请已处理。"))
    reason = (reason or "").strip()[:500]
    if approve:
        link.status = "active"
        link.approved_by_id, link.approved_at = actor.id, utcnow()
        matching.note_change("context")
    else:
        link.status = "declined"
    audit.record(actor, "park_link.approve" if approve else "park_link.decline", "park_school_link", link.id,
                 reason=reason)
    notifications.park_link_decided(link, approve, reason)
    db.session.commit()
    return link


# --- order classes ----------------------------------------------------------------------------------------------

def linked_park_ids(school: School) -> list[int]:
    return list(db.session.scalars(select(ParkSchoolLink.park_id).where(ParkSchoolLink.school_id == school.id,
                                                                        ParkSchoolLink.status == "active")))


def partner_enterprises(actor: User) -> list[Enterprise]:
    """Enterprises located in a park the school has an active link with."""
    school = own_school(actor)
    return list(db.session.scalars(
        select(Enterprise).where(Enterprise.park_id.in_(linked_park_ids(school)))
        .options(selectinload(Enterprise.park)).order_by(Enterprise.name, Enterprise.id)))


def partner_vacancies(actor: User) -> list[Vacancy]:
    """Open vacancies of those enterprises, whose places a class may reserve."""
    ids = [e.id for e in partner_enterprises(actor)]
    return list(db.session.scalars(
        select(Vacancy).where(Vacancy.enterprise_id.in_(ids), Vacancy.status == "open")
        .options(selectinload(Vacancy.enterprise)).order_by(Vacancy.enterprise_id, Vacancy.id)))


def reserved_places(vacancy_id: int, except_class: int | None = None) -> int:
    """Places in a vacancy already held by live order classes."""
    query = select(func.coalesce(func.sum(OrderClass.intake), 0)).where(
        OrderClass.vacancy_id == vacancy_id, OrderClass.status.in_(LIVE_CLASS_STATUSES))
    if except_class:
        query = query.where(OrderClass.id != except_class)
    return db.session.scalar(query) or 0


def resolve_trade(code: str, text: str, field_name: str = "trade") -> Trade:
    """The trade picker's code when it is a known trade, else the typed name normalised (workers._trade)."""
    code = (code or "").strip()
    if code:
        trade = db.session.scalar(select(Trade).where(Trade.code == code))
        if trade is not None:
            return trade
    return workers._trade(text or code, field_name)


@dataclass
class OrderClassInput:
    name: str = ""
    enterprise_id: int | None = None
    trade_code: str = ""
    trade_text: str = ""
    intake: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    vacancy_id: int | None = None


def create_order_class(actor: User, data: OrderClassInput) -> OrderClass:
    school = own_school(actor)
    name = (data.name or "").strip()
    if not name or len(name) > 120:
        raise DomainError(_("请填写班级名称（不超过 120 个字）。"), "name")
    enterprise = db.session.get(Enterprise, data.enterprise_id) if data.enterprise_id else None
    if enterprise is None:
        raise DomainError(_("请选择合作企业。"), "enterprise_id")
    if enterprise.park_id is None or enterprise.park_id not in linked_park_ids(school):
        raise DomainError(_("合作企业须位于本校已对接（进行中）的产业园内。"), "enterprise_id")
    trade = resolve_trade(data.trade_code, data.trade_text)
    intake = data.intake
    if isinstance(intake, bool) or not isinstance(intake, int) or not 1 <= intake <= MAX_INTAKE:
        raise DomainError(_("计划招生人数应在 1 到 %(n)s 之间。", n=MAX_INTAKE), "intake")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise DomainError(_("结业日期不能早于开班日期。"), "ends_on")
    vacancy = None
    if data.vacancy_id:
        vacancy = db.session.get(Vacancy, data.vacancy_id)
        if vacancy is None or vacancy.enterprise_id != enterprise.id:
            raise DomainError(_("预留岗位须是该合作企业的岗位。"), "vacancy_id")
        if vacancy.status != "open":
            raise DomainError(_("预留岗位须在招聘中。"), "vacancy_id")
        left = vacancy.headcount - vacancy.filled - reserved_places(vacancy.id)
        if left < intake:
            raise DomainError(_("该岗位可预留的名额只剩 %(n)s 个，少于计划招生 %(i)s 人。", n=max(left, 0), i=intake),
                              "vacancy_id")
    oc = OrderClass(school_id=school.id, enterprise_id=enterprise.id, park_id=enterprise.park_id, trade_id=trade.id,
                    vacancy_id=vacancy.id if vacancy else None, name=name, intake=intake, starts_on=data.starts_on,
                    ends_on=data.ends_on, status="open")
    db.session.add(oc)
    db.session.flush()
    audit.record(actor, "order_class.create", "order_class", oc.id, enterprise_id=enterprise.id, trade_id=trade.id,
                 intake=intake, vacancy_id=oc.vacancy_id)
    db.session.commit()
    return oc


def order_class(actor: User, class_id: int, action: str = "view") -> OrderClass:
    oc = load_for(actor, OrderClass, class_id, action)
    db.session.refresh(oc)
    return oc


def class_students(oc: OrderClass) -> list[OrderClassStudent]:
    return list(db.session.scalars(
        select(OrderClassStudent).where(OrderClassStudent.order_class_id == oc.id)
        .options(selectinload(OrderClassStudent.worker).selectinload(Worker.home_region))
        .order_by(OrderClassStudent.id)))


def enrollable(actor: User, oc: OrderClass) -> list[Worker]:
    """The school's own students who could join this class: available and not in it yet."""
    in_class = select(OrderClassStudent.worker_id).where(OrderClassStudent.order_class_id == oc.id)
    return list(db.session.scalars(
        select(Worker).where(Worker.school_id == oc.school_id, Worker.status == "available",
                             Worker.anonymised_at.is_(None), Worker.id.not_in(in_class))
        .options(selectinload(Worker.home_region)).order_by(Worker.name, Worker.id)))


def _live_class_for_update(actor: User, class_id: int) -> OrderClass:
    own_school(actor)
    load_for(actor, OrderClass, class_id, "edit")
    # Lock the class row and read it afresh (PostgreSQL), so two clerks enrolling or graduating at once see
    # each other's work: the second counts the first one's students, or finds the class already graduated.
    oc = db.session.scalar(select(OrderClass).where(OrderClass.id == class_id).with_for_update()
                           .execution_options(populate_existing=True))
    if oc.status not in LIVE_CLASS_STATUSES:
        raise DomainError(_("该订单班已结业或已取消。"))
    return oc


def _enrol(actor: User, oc: OrderClass, worker_list: list[Worker]) -> None:
    enrolled = db.session.scalar(select(func.count(OrderClassStudent.id))
                                 .where(OrderClassStudent.order_class_id == oc.id)) or 0
    if enrolled + len(worker_list) > oc.intake:
        raise DomainError(_("超出计划招生人数：已招 %(e)s 人，计划 %(i)s 人。", e=enrolled, i=oc.intake), "worker_ids")
    for w in worker_list:
        if w.school_id != oc.school_id:
            raise Forbidden(_("您无权进行此操作。"))
        if w.status != "available":
            raise DomainError(_("%(name)s 当前不在求职状态，不能入班。", name=w.name), "worker_ids")
        db.session.add(OrderClassStudent(order_class_id=oc.id, worker_id=w.id, enrolled_on=date.today()))
    with refused_on_conflict(_("所选学员已在本班。"), "worker_ids"):
        db.session.flush()
    for w in worker_list:
        audit.record(actor, "order_class.enrol", "order_class", oc.id, worker_id=w.id)
        matching.note_change("worker", w.id)
    matching.note_change("context")  # the order-class bonus for this enterprise's vacancies
    if oc.status == "open" and oc.starts_on and oc.starts_on <= date.today():
        oc.status = "running"


def enrol(actor: User, class_id: int, worker_ids: list[int]) -> OrderClass:
    """Enrol existing students of the school. All or none; the intake cannot be exceeded."""
    oc = _live_class_for_update(actor, class_id)
    ids = list(dict.fromkeys(i for i in worker_ids if isinstance(i, int)))
    if not ids:
        raise DomainError(_("请至少选择一名学员。"), "worker_ids")
    found = [load_for(actor, Worker, wid, "edit") for wid in ids]
    already = set(db.session.scalars(select(OrderClassStudent.worker_id).where(
        OrderClassStudent.order_class_id == oc.id, OrderClassStudent.worker_id.in_(ids))))
    if already:
        raise DomainError(_("所选学员已在本班。"), "worker_ids")
    _enrol(actor, oc, found)
    db.session.commit()
    return oc


def add_student(actor: User, entry: workers.LedgerEntry, village_code: str, class_id: int | None = None) -> Worker:
    """A new student: a worker record with the school as source (one person, one record — the ledger's own
    validation and duplicate check), optionally enrolled in a class in the same step."""
    school = own_school(actor)
    oc = _live_class_for_update(actor, class_id) if class_id else None
    code = (village_code or "").strip()
    if not code:
        raise DomainError(_("请选择户籍所在村（居）。"), "village_code")
    try:
        home = regions.by_code(code, "village")
    except NotFound:
        raise DomainError(_("请选择户籍所在村（居）。"), "village_code") from None
    worker = workers.new_worker(actor, entry, home.id, source="school", school_id=school.id)
    audit.record(actor, "worker.create", "worker", worker.id, school_id=school.id)
    matching.note_change("worker", worker.id)
    if oc is not None:
        _enrol(actor, oc, [worker])
    db.session.commit()
    return worker


def students(actor: User) -> list[Worker]:
    school = own_school(actor)
    return list(db.session.scalars(
        select(Worker).where(Worker.school_id == school.id, Worker.anonymised_at.is_(None))
        .options(selectinload(Worker.home_region)).order_by(Worker.name, Worker.id)))


# --- graduation ----------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    graduated: bool | None = None   # None: not decided on the form
    reason: str = ""


@dataclass
class GraduationResult:
    order_class: OrderClass
    placements: list = field(default_factory=list)
    not_graduated: int = 0


def graduate(actor: User, class_id: int, outcomes: dict[int, Outcome], start_date: date | None,
             monthly_wage: int | None = None) -> GraduationResult:
    """Graduate a class in one step, all or nothing: each graduate takes a reserved place in the class's
    vacancy (the hire's guarded UPDATE, so it cannot overfill) with a placement and its follow-ups; those who
    did not graduate leave the class with the reason recorded."""
    oc = _live_class_for_update(actor, class_id)
    rows = [s for s in class_students(oc) if s.status == "enrolled"]
    if not rows:
        raise DomainError(_("本班还没有在读学员。"))
    decided = {}
    for s in rows:
        outcome = outcomes.get(s.id)
        if outcome is None or outcome.graduated is None:
            raise DomainError(_("请为每位学员选择是否结业：%(name)s 未选择。", name=s.worker.name), "outcomes")
        reason = (outcome.reason or "").strip()[:1000]
        if not outcome.graduated and not reason:
            raise DomainError(_("请填写 %(name)s 未结业的原因。", name=s.worker.name), "outcomes")
        decided[s.id] = (outcome.graduated, reason)
    graduates = [s for s in rows if decided[s.id][0]]
    vacancy = oc.vacancy
    if graduates:
        if vacancy is None:
            raise DomainError(_("本班没有预留岗位，无法办理结业就业。请联系合作企业发布岗位后再结业。"))
        if vacancy.status not in ("open", "filled"):
            raise DomainError(_("预留岗位已关闭，无法办理入职。"))
        if start_date is None or abs((start_date - date.today()).days) > 366:
            raise DomainError(_("请填写一年内的入职日期。"), "start_date")
        if monthly_wage is not None and not 0 < monthly_wage <= 100_000:
            raise DomainError(_("月薪应在 1 到 100000 元之间。"), "monthly_wage")
        if not referrals.take_openings(vacancy.id, len(graduates)):
            db.session.rollback()
            db.session.refresh(vacancy)
            raise DomainError(_("岗位名额不足：还剩 %(n)s 个名额，结业 %(g)s 人。",
                                n=max(vacancy.headcount - vacancy.filled, 0), g=len(graduates)))
        db.session.refresh(vacancy)
    result = GraduationResult(order_class=oc)
    # The seats are all taken already: the first placement finds the vacancy full and lapses its pending
    # invitations. The graduates' own must lapse first, as hires, or they would be told it filled without them.
    for s in rows:
        if decided[s.id][0]:
            referrals.lapse_invitations(worker_id=s.worker_id, hired_by=vacancy.enterprise_id)
    for s in rows:
        ok, reason = decided[s.id]
        s.outcome_note = reason
        if ok:
            placement = referrals.new_placement(s.worker, vacancy, start_date, "school_link", monthly_wage)
            db.session.flush()
            s.status, s.placement_id = "graduated", placement.id
            result.placements.append(placement)
            audit.record(actor, "order_class.placement", "placement", placement.id, order_class_id=oc.id,
                         worker_id=s.worker_id, vacancy_id=vacancy.id)
        else:
            s.status = "left"
            result.not_graduated += 1
        matching.note_change("worker", s.worker_id)
    oc.status = "graduated"
    audit.record(actor, "order_class.graduate", "order_class", oc.id, graduated=len(graduates),
                 not_graduated=result.not_graduated, start_date=str(start_date) if graduates else None)
    if vacancy is not None:
        matching.note_change("vacancy", vacancy.id)
    matching.note_change("context")
    db.session.commit()
    return result


# --- demand: what to train next ---------------------------------------------------------------------------------

@dataclass
class DemandRow:
    park: Park
    trade: Trade
    min_level: int
    open_headcount: int
    qualified: int      # available workers within reach holding the trade at the level (skill or certificate)
    trained: int        # available workers within reach with a completed course in the trade

    @property
    def gap(self) -> int:
        return self.open_headcount - self.qualified


def _city(code: str) -> str:
    return code[:4]


def demand(actor: User) -> list[DemandRow]:
    """Open headcount (headcount − filled of open vacancies sited in the school's actively linked parks) by park,
    trade and minimum level, against the supply within reach — available workers whose home village is in the
    park's prefecture city — sorted by gap. Four grouped queries, whatever the number of rows."""
    school = own_school(actor)
    park_ids = linked_park_ids(school)
    if not park_ids:
        return []
    need = db.session.execute(
        select(Vacancy.site_park_id, VacancyTrade.trade_id, VacancyTrade.min_level,
               func.sum(Vacancy.headcount - Vacancy.filled))
        .join(VacancyTrade, VacancyTrade.vacancy_id == Vacancy.id)
        .where(Vacancy.site_park_id.in_(park_ids), Vacancy.status == "open", Vacancy.filled < Vacancy.headcount)
        .group_by(Vacancy.site_park_id, VacancyTrade.trade_id, VacancyTrade.min_level)).all()
    if not need:
        return []
    park_by_id = {p.id: p for p in db.session.scalars(select(Park).where(Park.id.in_(park_ids))
                                                     .options(selectinload(Park.county)))}
    trade_ids = {t for _p, t, _l, _n in need}
    trade_by_id = {t.id: t for t in db.session.scalars(select(Trade).where(Trade.id.in_(trade_ids)))}
    cities = {_city(p.county.code) for p in park_by_id.values()}
    city = func.substr(Region.code, 1, 4)
    reach = (Worker.status == "available", Worker.anonymised_at.is_(None), city.in_(cities))

    # Each worker's best level per trade, from skills and certificates alike.
    held = union_all(select(WorkerSkill.worker_id, WorkerSkill.trade_id, WorkerSkill.level)
                     .where(WorkerSkill.trade_id.in_(trade_ids)),
                     select(Certificate.worker_id, Certificate.trade_id, Certificate.level)
                     .where(Certificate.trade_id.in_(trade_ids))).subquery()
    best = (select(held.c.worker_id, held.c.trade_id, func.max(held.c.level).label("level"))
            .group_by(held.c.worker_id, held.c.trade_id).subquery())
    qualified: dict[tuple[str, int], dict[int, int]] = {}
    for c, trade_id, level, n in db.session.execute(
            select(city, best.c.trade_id, best.c.level, func.count())
            .select_from(best).join(Worker, Worker.id == best.c.worker_id)
            .join(Region, Worker.home_region_id == Region.id).where(*reach)
            .group_by(city, best.c.trade_id, best.c.level)):
        qualified.setdefault((c, trade_id), {})[level] = n
    trained = {(c, t): n for c, t, n in db.session.execute(
        select(city, TrainingRecord.trade_id, func.count(func.distinct(Worker.id)))
        .select_from(TrainingRecord).join(Worker, Worker.id == TrainingRecord.worker_id)
        .join(Region, Worker.home_region_id == Region.id)
        .where(TrainingRecord.completed.is_(True), TrainingRecord.trade_id.in_(trade_ids), *reach)
        .group_by(city, TrainingRecord.trade_id))}
    rows = []
    for park_id, trade_id, min_level, open_headcount in need:
        park = park_by_id[park_id]
        key = (_city(park.county.code), trade_id)
        levels = qualified.get(key, {})
        rows.append(DemandRow(park=park, trade=trade_by_id[trade_id], min_level=min_level,
                              open_headcount=int(open_headcount or 0),
                              qualified=sum(n for lv, n in levels.items() if lv >= min_level),
                              trained=trained.get(key, 0)))
    rows.sort(key=lambda r: (-r.gap, -r.open_headcount, r.trade.code, r.park.name))
    return rows

