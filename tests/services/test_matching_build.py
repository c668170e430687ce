"""The index's full build reads plain columns (no ORM objects): it must give the engine exactly what the
per-record path gives it, and leave the same people out."""
from dataclasses import fields
from datetime import date, datetime, timezone

import numpy as np

from matchmaker.extensions import db
from matchmaker.matching import WorkerColumns
from matchmaker.models import Certificate, TrainingRecord, Vacancy, VacancyTrade, WorkerSkill
from matchmaker.services import matching
from tests.factories import make_trade, make_worker


def _population(world):
    welder, electrician = make_trade("6-18-02-04", "焊工"), make_trade("6-31-01-03", "电工")
    a, b = world.a, world.b
    rich = make_worker(a.village, name="李四", birth=date(1985, 3, 2), sex="F", radius="province",
                       willing_to_train=True, poor_household=True, school_id=a.school.id, education=4)
    db.session.add_all([
        WorkerSkill(worker=rich, trade=welder, level=3), WorkerSkill(worker=rich, trade=electrician, level=1),
        Certificate(worker=rich, trade=welder, level=2),
        TrainingRecord(worker=rich, course="电工上岗", trade=electrician, completed=True),
        TrainingRecord(worker=rich, course="安全常识", trade=None, completed=True),  # no trade: not a tag
        WorkerSkill(worker=b.worker, trade=electrician, level=2),
    ])
    gone = make_worker(b.village, name="王五", birth=date(1970, 1, 1), anonymised_at=datetime.now(timezone.utc))
    db.session.add(WorkerSkill(worker=gone, trade=welder, level=5))
    vacancy = Vacancy(enterprise=a.enterprise, title="焊工", site_county=a.county, headcount=3, status="open",
                      housing=True, training_mode="order")
    vacancy.trades += [VacancyTrade(trade=welder, min_level=2), VacancyTrade(trade=electrician, min_level=1)]
    db.session.add(vacancy)
    db.session.commit()
    return rich, gone, vacancy


def test_the_column_build_equals_the_record_path(world):
    rich, gone, _vacancy = _population(world)
    catalogue = matching.load_catalogue()
    fast = matching._worker_columns(catalogue)
    slow = WorkerColumns.from_records(matching._worker_records(), catalogue)
    assert rich.id in fast.id and gone.id not in fast.id  # anonymised people are never ranked
    order = np.argsort(slow.id)  # the record path keeps the database's order; the column build sorts by id
    for f in fields(WorkerColumns):
        if f.name.endswith("_ptr") or f.name.startswith(("skill_", "cert_", "train_")):
            continue
        np.testing.assert_array_equal(getattr(fast, f.name), getattr(slow, f.name)[order], err_msg=f.name)
    for name, value in (("skill", "level"), ("cert", "level"), ("train", "completed")):
        def per_worker(cols):
            ptr, trade, val = (getattr(cols, f"{name}_{x}") for x in ("ptr", "trade", value))
            return {int(cols.id[i]): sorted(zip(trade[ptr[i]:ptr[i + 1]].tolist(), val[ptr[i]:ptr[i + 1]].tolist()))
                    for i in range(len(cols.id))}
        assert per_worker(fast) == per_worker(slow), name
    row = int(np.flatnonzero(fast.id == rich.id)[0])
    assert (fast.birth[row], fast.sex[row], fast.education[row], fast.willing[row]) == (19850302, 1, 4, 1)
    assert fast.school_id[row] == world.a.school.id and fast.poor[row]
    assert fast.skill_ptr[row + 1] - fast.skill_ptr[row] == 2 and fast.train_ptr[row + 1] - fast.train_ptr[row] == 1


def test_a_full_build_ranks_as_the_per_change_upserts_do(world):
    rich, gone, vacancy = _population(world)
    built = matching.current().index
    # The same workers applied one by one through the change log (the upsert path) rank identically.
    matching.reset()
    state = matching.current()
    for w in (rich.id, world.a.worker.id, world.b.worker.id):
        state.index.upsert_worker(matching._worker_records([w])[0])
    state.index.upsert_vacancy(matching._vacancy_records([vacancy.id])[0])
    assert built.rank_workers(vacancy.id, k=10).pairs() == state.index.rank_workers(vacancy.id, k=10).pairs()
    assert built.rank_workers(vacancy.id, k=10).ids[0] == rich.id
    assert matching._worker_records([gone.id]) == []
    record = matching._vacancy_records([vacancy.id])[0]
    assert record.lon == world.a.county.longitude and record.housing and record.training_mode == "order"
    assert sorted(record.required) == [("6-18-02-04", 2), ("6-31-01-03", 1)]
