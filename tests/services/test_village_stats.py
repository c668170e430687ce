"""The village page's figures, checked against counts made independently from the rows the test wrote."""
from datetime import date, datetime, timezone

import pytest

from matchmaker.extensions import db
from matchmaker.models import Certificate, Placement, TrainingRecord, Vacancy
from matchmaker.services.errors import Forbidden
from matchmaker.services.village_stats import village_stats
from tests.factories import make_trade, make_worker

YEAR = date.today().year


@pytest.fixture
def ledger(world):
    """Village A: a mix of statuses, training, certificates, household flags and placements (this year and last);
    village B's worker and placement must not count."""
    trade = make_trade("6-18-02-04", "焊工")
    a, b = world.a, world.b
    vacancy = Vacancy(enterprise=a.enterprise, title="普工", site_county=a.county, headcount=50, wage_min=4000,
                      wage_max=5000, status="open", age_max=55)
    db.session.add(vacancy)
    specs = [
        # name, status, completed training, uncompleted training, certificate, poor, no employed member
        ("甲一", "available", True, False, False, True, False),
        ("甲二", "available", False, True, False, False, True),   # training not completed: not trained
        ("甲三", "employed", False, False, True, True, False),
        ("甲四", "employed", True, False, True, False, False),
        ("甲五", "nominated", False, False, False, False, True),
        ("甲六", "not_seeking", False, False, False, False, False),
        ("甲七", "available", False, False, False, False, False),
    ]
    workers = [a.worker]  # the world's own worker: available, nothing recorded
    for name, status, done, undone, cert, poor, none_employed in specs:
        w = make_worker(a.village, name=name, status=status, poor_household=poor, no_employed_member=none_employed)
        if done:
            db.session.add(TrainingRecord(worker=w, course="焊工培训", completed=True))
        if undone:
            db.session.add(TrainingRecord(worker=w, course="电工培训", completed=False))
        if cert:
            db.session.add(Certificate(worker=w, trade=trade, level=2))
        workers.append(w)
    gone = make_worker(a.village, name="已匿名", status="available", poor_household=True)
    gone.anonymised_at = datetime.now(timezone.utc)
    # Created last year: counts in the labour force, not among this year's new entries.
    workers[-1].created_at = datetime(YEAR - 1, 6, 1, tzinfo=timezone.utc)
    by_name = {w.name: w for w in workers}
    starts = [("甲三", date(YEAR, 1, 15)), ("甲四", date(YEAR, 3, 2)), ("甲四", date(YEAR, 3, 28)),
              ("甲一", date(YEAR - 1, 12, 31))]
    for name, start in starts:
        db.session.add(Placement(worker=by_name[name], vacancy=vacancy, enterprise_id=a.enterprise.id,
                                 start_date=start, channel="pairing", transfer_type="local"))
    db.session.add(Placement(worker=b.worker, vacancy=vacancy, enterprise_id=a.enterprise.id,
                             start_date=date(YEAR, 3, 5), channel="open_market", transfer_type="in_province"))
    make_worker(b.village, name="乙二", poor_household=True)
    db.session.commit()
    return workers, specs, starts


def test_figures_match_independent_counts(world, ledger):
    workers, specs, starts = ledger
    s = village_stats(world.a.coordinator, world.a.village)
    assert s.year == YEAR
    assert s.labour_force == len(workers) == 8
    assert s.available == sum(1 for w in workers if w.status == "available") == 4
    assert s.employed == 2
    trained = {name for name, _st, done, _u, cert, _p, _n in specs if done or cert}
    assert s.trained == len(trained) == 3
    assert s.trained_share == pytest.approx(3 / 8)
    priority = [(name, status) for name, status, _d, _u, _c, poor, none in specs if poor or none]
    assert s.priority == len(priority) == 4
    assert s.priority_not_employed == sum(1 for _n, status in priority if status != "employed") == 3
    this_year = [start for _n, start in starts if start.year == YEAR]
    assert s.transferred == len(this_year) == 3
    assert [m.transferred for m in s.months] == [sum(1 for d in this_year if d.month == m) for m in range(1, 13)]
    assert s.months[0].transferred == 1 and s.months[2].transferred == 2
    created_this_year = [w for w in workers if w.created_at.year == YEAR]
    assert sum(m.registered for m in s.months) == len(created_this_year) == 7
    assert s.months[date.today().month - 1].registered == 7


def test_an_empty_village_has_no_share_rather_than_zero(world):
    db.session.delete(world.a.seeker)
    db.session.delete(world.a.worker)
    db.session.commit()
    s = village_stats(world.a.coordinator, world.a.village)
    assert s.labour_force == 0 and s.trained_share is None and len(s.months) == 12


def test_only_the_villages_own_coordinator_may_see_it(world):
    with pytest.raises(Forbidden):
        village_stats(world.b.coordinator, world.a.village)
    with pytest.raises(Forbidden):
        village_stats(world.a.employer, world.a.village)


def test_the_page_shows_the_figures(world, login, ledger):
    page = login(world.a.coordinator).get("/village/stats").get_data(as_text=True)
    assert "村情统计" in page and "38%" in page  # 3 of 8 trained
    assert '<td data-label="转移就业（人次）">2</td>' in page  # March
    assert "/village/stats" in login(world.a.coordinator).get("/village/").get_data(as_text=True)
    assert login(world.a.employer).get("/village/stats").status_code == 403
