"""The village page's figures (村情统计): labour force, available, transferred this year, trained share, priority
households with no one employed — for the year, and by month of the year. Three grouped queries, whatever the
ledger's size; the coordinator sees their own village only (they see every record in it anyway, so no small
counts are suppressed here)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import and_, case, exists, extract, func, or_, select

from matchmaker.extensions import db
from matchmaker.models import Certificate, Placement, TrainingRecord, User, Village, Worker
from matchmaker.services.permissions import require


@dataclass
class Month:
    month: int
    transferred: int = 0   # placements that started in the month
    registered: int = 0    # workers added to the ledger in the month


@dataclass
class VillageStats:
    year: int
    labour_force: int = 0          # workers in the ledger (anonymised records are no longer people here)
    available: int = 0
    employed: int = 0
    transferred: int = 0           # placements started this year
    trained: int = 0               # with a completed training or a certificate
    priority: int = 0              # registered poor household, or household with no employed member
    priority_not_employed: int = 0
    months: list[Month] = field(default_factory=list)

    @property
    def trained_share(self) -> float | None:
        return self.trained / self.labour_force if self.labour_force else None


def _utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def village_stats(actor: User, village: Village, year: int | None = None) -> VillageStats:
    require(actor, "view", village)
    year = year or date.today().year
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    ledger = and_(Worker.home_region_id == village.region_id, Worker.anonymised_at.is_(None))
    trained = or_(exists().where(TrainingRecord.worker_id == Worker.id, TrainingRecord.completed.is_(True)),
                  exists().where(Certificate.worker_id == Worker.id))
    priority = or_(Worker.poor_household.is_(True), Worker.no_employed_member.is_(True))

    def count_if(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = db.session.execute(select(
        func.count(Worker.id), count_if(Worker.status == "available"), count_if(Worker.status == "employed"),
        count_if(trained), count_if(priority), count_if(and_(priority, Worker.status != "employed")),
    ).where(ledger)).one()
    stats = VillageStats(year, **dict(zip(("labour_force", "available", "employed", "trained", "priority",
                                           "priority_not_employed"), (int(v or 0) for v in row))))

    month_of_start = extract("month", Placement.start_date)
    transferred = {int(m): n for m, n in db.session.execute(
        select(month_of_start, func.count(Placement.id)).join(Worker, Placement.worker_id == Worker.id)
        .where(Worker.home_region_id == village.region_id, Placement.start_date >= start, Placement.start_date < end)
        .group_by(month_of_start))}
    month_of_entry = extract("month", Worker.created_at)
    registered = {int(m): n for m, n in db.session.execute(
        select(month_of_entry, func.count(Worker.id))
        .where(ledger, Worker.created_at >= _utc(start), Worker.created_at < _utc(end)).group_by(month_of_entry))}
    stats.months = [Month(m, transferred.get(m, 0), registered.get(m, 0)) for m in range(1, 13)]
    stats.transferred = sum(transferred.values())
    return stats
