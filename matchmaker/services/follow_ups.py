"""Follow-up visits (跟踪服务 / 回访) of placed workers at 1, 3, 6 and 12 months: what is due for a village, and
recording one. A follow-up is recorded once: one UPDATE that only succeeds while it is still open, so two
coordinators saving the same visit at once end with exactly one record."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from matchmaker.extensions import db
from matchmaker.models import Enterprise, FollowUp, Placement, User, Worker
from matchmaker.services import audit, matching
from matchmaker.services.errors import DomainError, Forbidden, refused_on_conflict
from matchmaker.services.permissions import load_for

MAX_TEXT = 1000
MAX_WAGE = 100_000
SECTIONS = ("overdue", "this_week", "later")


@dataclass
class DueRow:
    follow_up: FollowUp
    worker: Worker
    enterprise: Enterprise
    start_date: date
    due_month: int
    due_on: date
    section: str  # one of SECTIONS


def section_of(due_on: date, today: date) -> str:
    if due_on < today:
        return "overdue"
    if due_on <= today + timedelta(days=7):
        return "this_week"
    return "later"


def due_for(actor: User, today: date | None = None, limit: int = 500) -> list[DueRow]:
    """The coordinator's village's open follow-ups of placements still running: overdue first, then due this
    week, then later — each group by due date."""
    if actor.role != "coordinator" or actor.village is None:
        raise Forbidden(_("只有村级协调员可以查看本村回访。"))
    today = today or date.today()
    rows = db.session.scalars(
        select(FollowUp).join(Placement).join(Worker, Placement.worker_id == Worker.id)
        .where(Worker.home_region_id == actor.village.region_id, FollowUp.done_on.is_(None),
               Placement.ended_on.is_(None))
        .options(joinedload(FollowUp.placement).joinedload(Placement.worker),
                 joinedload(FollowUp.placement).joinedload(Placement.enterprise))
        .order_by(FollowUp.due_on, FollowUp.id).limit(limit)).unique().all()
    return [DueRow(follow_up=f, worker=f.placement.worker, enterprise=f.placement.enterprise,
                   start_date=f.placement.start_date, due_month=f.due_month, due_on=f.due_on,
                   section=section_of(f.due_on, today)) for f in rows]


def _validate(still_employed, wage, problems: str, next_step: str) -> tuple[bool, int | None, str, str]:
    if not isinstance(still_employed, bool):
        raise DomainError(_("请选择该人员是否仍在岗。"), "still_employed")
    if wage is not None:
        if isinstance(wage, bool) or not isinstance(wage, int) or not 0 <= wage <= MAX_WAGE:
            raise DomainError(_("月工资应在 0 到 100000 元之间。"), "wage")
    problems, next_step = (problems or "").strip(), (next_step or "").strip()
    if len(problems) > MAX_TEXT:
        raise DomainError(_("遇到的问题不能超过 1000 字。"), "problems")
    if len(next_step) > MAX_TEXT:
        raise DomainError(_("下一步措施不能超过 1000 字。"), "next_step")
    return still_employed, wage, problems, next_step


def _already_recorded() -> DomainError:
    return DomainError(_("该回访已经记录过，不能重复记录。"))


def record(actor: User, follow_up_id: int, still_employed, wage: int | None = None, problems: str = "",
           next_step: str = "", today: date | None = None) -> FollowUp:
    """Record a visit: only the coordinator of the worker's village, or a bureau over it. A worker who has left
    ends the placement and is available again."""
    follow_up = load_for(actor, FollowUp, follow_up_id)
    if actor.role not in ("coordinator", "bureau"):
        raise Forbidden(_("只有本村协调员或主管人社部门可以记录回访。"))
    load_for(actor, FollowUp, follow_up_id, "record")
    still_employed, wage, problems, next_step = _validate(still_employed, wage, problems, next_step)
    if follow_up.done_on is not None:
        raise _already_recorded()
    placement = follow_up.placement
    if placement.ended_on is not None:
        # The placement is read after the visit: it may have ended by this very visit, recorded meanwhile.
        db.session.refresh(follow_up)
        if follow_up.done_on is not None:
            raise _already_recorded()
        raise DomainError(_("该人员已离职，此回访无需再记录。"))
    today = today or date.today()
    # The guard against a second record: one statement that only succeeds while the visit is still open.
    done = db.session.execute(
        update(FollowUp).where(FollowUp.id == follow_up.id, FollowUp.done_on.is_(None))
        .values(done_on=today, still_employed=still_employed, wage=wage, problems=problems, next_step=next_step,
                recorded_by_id=actor.id).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        raise _already_recorded()
    db.session.refresh(follow_up)
    worker = placement.worker
    if not still_employed:
        placement.ended_on = today
        if worker.status == "employed":
            worker.status = "available"
    with refused_on_conflict(_("该记录已被他人修改，请刷新后重新编辑"), conflicts=(StaleDataError,)):
        db.session.flush()
    audit.record(actor, "follow_up.record", "follow_up", follow_up.id, placement_id=placement.id,
                 worker_id=worker.id, due_month=follow_up.due_month, still_employed=still_employed)
    if not still_employed:
        matching.note_change("worker", worker.id)
        matching.note_change("context")
    db.session.commit()
    return follow_up


def load(actor: User, follow_up_id: int) -> FollowUp:
    """One follow-up for its form: NotFound outside the actor's scope."""
    return load_for(actor, FollowUp, follow_up_id)
