"""What the index answered is remembered while the index stays as it is, and only then."""
import sys
from datetime import date

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Vacancy
from matchmaker.services import matching, rankings
from matchmaker.services.workers import LedgerEntry, add_to_ledger
from tests.factories import id_number, make_worker
from tests.services.test_rankings import welding  # noqa: F401  (a fixture)


@pytest.fixture
def crowd(world, welding):  # noqa: F811
    for i in range(12):
        make_worker(world.a.village, name=f"工{i}", birth=date(1980, 1, 1 + i), radius="county")
    db.session.commit()
    return welding


def _index_must_not_rank(monkeypatch, state):
    def refuse(*args, **kwargs):
        raise AssertionError("asked the index again")
    monkeypatch.setattr(state.index, "rank_workers", refuse)
    monkeypatch.setattr(state.index, "explain_many", refuse)


def test_a_shorter_ranking_is_served_from_a_longer_one_and_agrees_with_the_index(world, crowd, monkeypatch):
    state = matching.current()
    fresh = {k: [int(i) for i in state.index.rank_workers(crowd.id, k=k).ids] for k in (3, 8)}
    assert state.rank_workers(crowd.id, k=8) == fresh[8]
    _index_must_not_rank(monkeypatch, state)
    assert state.rank_workers(crowd.id, k=3) == fresh[3] == fresh[8][:3]
    assert state.rank_workers(crowd.id, k=8) == fresh[8]
    with pytest.raises(AssertionError, match="asked the index again"):  # longer than remembered: ranked again
        state.rank_workers(crowd.id, k=9)


def test_a_ranking_shorter_than_asked_is_whole_and_serves_any_length(world, crowd, monkeypatch):
    state = matching.current()
    whole = state.rank_workers(crowd.id, k=100)
    assert 12 < len(whole) < 100
    _index_must_not_rank(monkeypatch, state)
    assert state.rank_workers(crowd.id, k=400) == whole


def test_filters_and_statuses_are_remembered_apart(world, crowd):
    state = matching.current()
    everyone = state.rank_workers(crowd.id, k=50)
    of_b = state.rank_workers(crowd.id, k=50, counties=(world.b.county.code,))
    assert of_b == [world.b.worker.id] != everyone
    assert state.rank_workers(crowd.id, k=50) == everyone
    ids = everyone[:3]
    available = state.explain_many(ids, [crowd.id] * 3)
    browsing = state.explain_many(ids, [crowd.id] * 3, statuses=("available", "nominated"))
    assert [e.worker_id for e in available] == [e.worker_id for e in browsing] == ids
    assert state.explain_many(ids, [crowd.id] * 3) == available
    assert len([k for k in state.remembered if k[0] == "explain"]) == 6


def test_explanations_are_worked_out_only_for_pairs_not_remembered(world, crowd, monkeypatch):
    state = matching.current()
    ids = state.rank_workers(crowd.id, k=4)
    first = state.explain_many(ids[:2], [crowd.id] * 2)
    asked = []
    explain_many = state.index.explain_many
    monkeypatch.setattr(state.index, "explain_many",
                        lambda w, v, **kw: asked.append(list(w)) or explain_many(w, v, **kw))
    page = state.explain_many(ids, [crowd.id] * 4)
    assert asked == [ids[2:]]
    assert page[:2] == first and [e.worker_id for e in page] == ids
    assert page == state.index.explain_many(ids, [crowd.id] * 4)


def test_a_change_applied_forgets_what_was_remembered(world, crowd):
    before = rankings.candidates_for(world.a.employer, crowd.id, rankings.CandidateFilters())
    assert matching.current().remembered
    newcomer = add_to_ledger(world.a.coordinator, world.a.village,
                             LedgerEntry(name="新人", id_number=id_number(birth=date(1995, 1, 1), serial=321)))
    after = rankings.candidates_for(world.a.employer, crowd.id, rankings.CandidateFilters())
    assert newcomer.id in [r.worker.id for r in after.rows]
    assert newcomer.id not in [r.worker.id for r in before.rows]


def test_the_date_turning_moves_ages_on_and_forgets_what_was_remembered(world, crowd):
    state = matching.current()
    state.rank_workers(crowd.id, k=5)
    state.index.today = date(2001, 1, 1)  # as for a process started that day and still serving
    assert matching.current().index.today == date.today()
    assert matching.current().remembered == {}


def test_what_is_remembered_stays_bounded(world, crowd, monkeypatch):
    monkeypatch.setattr(matching, "REMEMBERED_MAX", 2)
    state = matching.current()
    answers = [state.rank_workers(crowd.id, k=k, max_km=km) for k, km in ((5, 50.0), (5, 100.0), (5, 200.0))]
    assert len(state.remembered) <= 2
    assert answers[2] == [int(i) for i in state.index.rank_workers(crowd.id, k=5, max_km=200.0).ids]


def test_the_pages_stay_right_across_a_change(world, crowd, login):
    vacancy_id = db.session.scalar(select(Vacancy.id))
    c = login(world.a.employer)
    assert "新*" not in c.get(f"/enterprise/vacancies/{vacancy_id}/candidates").get_data(as_text=True)
    add_to_ledger(world.a.coordinator, world.a.village,
                  LedgerEntry(name="新人", id_number=id_number(birth=date(1995, 1, 1), serial=321)))
    page = c.get(f"/enterprise/vacancies/{vacancy_id}/candidates").get_data(as_text=True)
    assert "新*" in page


@pytest.fixture
def counted_statements(app):
    """The count(*) statements run, as they reach the database."""
    from sqlalchemy import event
    seen = []

    def listen(conn, cursor, statement, *args):
        if "count(" in statement.lower():
            seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", listen)
    yield seen
    event.remove(db.engine, "before_cursor_execute", listen)


def test_the_search_total_is_counted_once_and_follows_every_vacancy_change(world, crowd, counted_statements):
    from matchmaker.services import seekers, vacancies
    everything, wage = seekers.VacancyFilters(), seekers.VacancyFilters(min_wage=6000)
    first = seekers.search_by_date(everything, 1)
    assert first.total == len(first.items) >= 1 and len(counted_statements) == 1
    assert seekers.search_by_date(everything, 1).total == first.total
    assert vacancies.open_vacancies_page(1).total == first.total
    assert len(counted_statements) == 2  # the API's list keeps its own (its filters are none)
    assert seekers.search_by_date(wage, 1).total == 1 and len(counted_statements) == 3  # other filters, counted
    vacancies.close(world.a.employer, crowd.id)
    assert seekers.search_by_date(everything, 1).total == first.total - 1
    assert vacancies.open_vacancies_page(1).total == first.total - 1
    assert seekers.search_by_date(wage, 1).total == 0
    vacancies.publish(world.a.employer, crowd.id)
    assert seekers.search_by_date(everything, 1).total == first.total
    # A change made elsewhere (another process) reaches this one through the change log, as rankings do.
    db.session.execute(Vacancy.__table__.update().where(Vacancy.id == crowd.id).values(status="closed"))
    matching.note_change("vacancy", crowd.id)
    db.session.commit()
    assert seekers.search_by_date(everything, 1).total == first.total - 1


@pytest.fixture
def change_log_reads(app):
    from sqlalchemy import event
    seen = []

    def listen(conn, cursor, statement, *args):
        if "FROM matching_change" in statement:
            seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", listen)
    yield seen
    event.remove(db.engine, "before_cursor_execute", listen)


def test_the_change_log_is_read_once_a_transaction_until_it_writes(world, crowd, change_log_reads):
    matching.current()  # built
    db.session.commit()
    change_log_reads.clear()
    matching.current()
    matching.current()
    assert len(change_log_reads) == 1  # a page asking twice (its list, then its filters) reads it once
    db.session.commit()
    matching.current()
    assert len(change_log_reads) == 2  # a new transaction reads it again
    newcomer = add_to_ledger(world.a.coordinator, world.a.village,
                             LedgerEntry(name="新人", id_number=id_number(birth=date(1995, 1, 1), serial=321)))
    assert newcomer.id in matching.current().rank_workers(crowd.id, k=100)
    crowd.title = "焊工（夜班）"  # unflushed
    matching.current()
    db.session.flush()  # written, not committed
    matching.current()
    assert len(change_log_reads) == 5


def test_what_was_worked_out_across_a_change_is_not_kept(world, crowd):
    state = matching.current()

    def ranked_while_another_thread_applies_a_change(*args, **kwargs):
        state.forget()  # as _apply does, between this ranking's start and its end
        return rank(*args, **kwargs)
    rank = state.index.rank_workers
    state.index.rank_workers = ranked_while_another_thread_applies_a_change
    try:
        first = state.rank_workers(crowd.id, k=5)
    finally:
        del state.index.rank_workers
    assert state.remembered == {}  # not kept: it may come from the index before the change
    assert state.rank_workers(crowd.id, k=5) == first and len(state.remembered) == 1
    assert state.remember(("open vacancies", ()), lambda: state.forget() or 7) == 7 and state.remembered == {}


# --- what a change forgets, and what it keeps ----------------------------------------------------------------

def _stale(state) -> list:
    """The remembered answers the index would now give otherwise (the search totals aside: they come from
    the database, and the test above follows them)."""
    stale = []
    for key, value in state.remembered.items():
        if key[0] == "explain":
            fresh = state.index.explain_many([key[1]], [key[2]], statuses=key[3])[0]
        elif key[0] in ("workers", "vacancies"):
            rank = state.index.rank_workers if key[0] == "workers" else state.index.rank_vacancies
            k, ids = value
            fresh, value = (k, [int(i) for i in rank(key[1], k=k, **dict(key[2])).ids]), (k, ids.tolist())
        elif key == ("of vacancies", ("open counties",)):
            fresh = state.index.vacancy_counties(("open",))
        else:
            continue
        if fresh != value:
            stale.append(key)
    return stale


def _ask_everything(world, crowd):
    """Fill what is remembered as pages would: candidates of every vacancy, vacancies for every worker, their
    explanations, the counties with open vacancies."""
    from matchmaker.models import Worker
    state = matching.current()
    vacancy_ids = list(db.session.scalars(select(Vacancy.id).where(Vacancy.status == "open")))
    worker_ids = list(db.session.scalars(select(Worker.id)))
    for v in vacancy_ids:
        ranked = state.rank_workers(v, k=5)
        state.explain_many(ranked, [v] * len(ranked))
        state.rank_workers(v, k=50, counties=(world.a.county.code,))
    for w in worker_ids:
        ranked = state.rank_vacancies(w, k=10, statuses=("available", "nominated"))
        state.explain_many([w] * len(ranked), ranked, statuses=("available", "nominated"))
    matching.open_vacancy_counties()
    assert not _stale(state)
    return state


@pytest.fixture
def two_vacancies(world, crowd):
    """The welding vacancy of A and a general-labour vacancy of B in B's county."""
    labour = Vacancy(enterprise=world.b.enterprise, title="普工", site_county=world.b.county, longitude=116.1,
                     latitude=23.3, headcount=3, wage_min=4000, wage_max=5000, status="open", age_max=55)
    db.session.add(labour)
    db.session.commit()
    return crowd, labour


def test_a_worker_change_forgets_what_depends_on_that_worker_and_keeps_the_rest(world, two_vacancies):
    from matchmaker.models import WorkerSkill
    welding, labour = two_vacancies
    from matchmaker.models import Worker
    state = _ask_everything(world, welding)
    changed, other = db.session.scalar(select(Worker).where(Worker.name == "工11")), world.a.worker
    kept = {key: value for key, value in state.remembered.items()
            if key[0] == "vacancies" and key[1] != changed.id
            or key[0] == "explain" and key[1] != changed.id or key[0] == "of vacancies"}
    assert any(k[0] == "vacancies" and k[1] == other.id for k in kept)
    assert changed.id not in state.rank_workers(welding.id, k=5)
    db.session.add(WorkerSkill(worker=changed, trade=welding.trades[0].trade, level=5))  # now the best welder
    changed.radius = "province"
    matching.note_change("worker", changed.id)
    db.session.commit()
    state = matching.current()
    assert not _stale(state)
    assert all(state.remembered.get(key) is value for key, value in kept.items())  # kept, not worked out again
    assert not [k for k in state.remembered if k[0] == "workers"]  # it may now enter any vacancy's top k
    assert not [k for k in state.remembered if k[0] in ("vacancies", "explain") and k[1] == changed.id]
    assert changed.id in state.rank_workers(welding.id, k=5)  # the ranking it entered was worked out again
    _ask_everything(world, welding)


def test_a_vacancy_change_forgets_what_depends_on_that_vacancy_and_keeps_the_rest(world, two_vacancies):
    welding, labour = two_vacancies
    state = _ask_everything(world, welding)
    kept = {key: value for key, value in state.remembered.items()
            if key[0] == "workers" and key[1] != labour.id or key[0] == "explain" and key[2] != labour.id}
    assert any(k[0] == "workers" and k[1] == welding.id for k in kept)
    labour.site_county, labour.longitude, labour.latitude = world.a.county, 115.05, 24.02  # moves near village A
    labour.housing = True
    matching.note_change("vacancy", labour.id)
    db.session.commit()
    state = matching.current()
    assert not _stale(state)
    assert all(state.remembered.get(key) is value for key, value in kept.items())
    assert not [k for k in state.remembered if k[0] in ("vacancies", "of vacancies")]  # it may enter any list
    assert not [k for k in state.remembered if k[0] == "workers" and k[1] == labour.id]
    _ask_everything(world, welding)


def test_a_context_change_forgets_everything(world, two_vacancies):
    welding, _labour = two_vacancies
    state = _ask_everything(world, welding)
    assert state.remembered
    matching.note_change("context")
    db.session.commit()
    assert matching.current().remembered == {}


def test_remembered_answers_stay_true_through_a_run_of_changes(world, two_vacancies):
    """Workers and vacancies change one after another, and two at once; after each, everything still remembered
    is what the index answers, and what was forgotten is asked again."""
    from matchmaker.models import Worker, WorkerSkill
    welding, labour = two_vacancies
    trade = welding.trades[0].trade
    workers = list(db.session.scalars(select(Worker).where(Worker.name.like("工%")).order_by(Worker.id)))

    def worker_gets_skill(i):
        db.session.add(WorkerSkill(worker=workers[i], trade=trade, level=1 + i % 5))
        matching.note_change("worker", workers[i].id)

    def worker_stops(i):
        workers[i].status = "employed"
        matching.note_change("worker", workers[i].id)

    def vacancy_wants(v, level):
        if v.trades:
            v.trades[0].min_level = level
        v.housing = not v.housing  # a wider radius to come from
        matching.note_change("vacancy", v.id)

    def vacancy_closes(v):
        v.status = "closed"
        matching.note_change("vacancy", v.id)

    steps = [lambda: worker_gets_skill(3), lambda: vacancy_wants(welding, 4), lambda: worker_stops(0),
             lambda: (worker_gets_skill(5), vacancy_wants(labour, 1)), lambda: vacancy_closes(labour),
             lambda: (worker_gets_skill(7), worker_stops(3))]
    for step in steps:
        _ask_everything(world, welding)
        step()
        db.session.commit()
        assert _stale(matching.current()) == []
    _ask_everything(world, welding)


def test_what_was_worked_out_across_a_record_change_is_not_kept(world, crowd):
    state = matching.current()

    def ranked_while_another_thread_applies_a_change(*args, **kwargs):
        state.forget_records({world.b.worker.id}, set())  # as _apply does for a worker's change, meanwhile
        return rank(*args, **kwargs)
    rank = state.index.rank_workers
    state.index.rank_workers = ranked_while_another_thread_applies_a_change
    try:
        state.rank_workers(crowd.id, k=5)
    finally:
        del state.index.rank_workers
    assert state.remembered == {}  # not kept: it may come from the index before the change


def test_threads_keeping_answers_while_another_forgets_neither_fail_nor_keep_a_stale_one(world, crowd):
    """On a threaded server, pages keep answers while a thread applying changes walks what is remembered."""
    import threading
    state = matching.current()
    stop, errors = threading.Event(), []

    def keep_answers(offset):
        try:
            n = 0
            while not stop.is_set():
                n += 1
                state._remember(("explain", 10_000 + offset, n, ()), n, state.generation)
        except Exception as e:  # noqa: BLE001 — what the test is about
            errors.append(e)
    threads = [threading.Thread(target=keep_answers, args=(i * 1_000_000,)) for i in range(2)]
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns often, so that one walks the dict while another stores
    for t in threads:
        t.start()
    try:
        for i in range(300):
            state.forget_records({10_000 + (i % 2) * 1_000_000}, set())
    finally:
        stop.set()
        for t in threads:
            t.join()
        sys.setswitchinterval(switch_interval)
    assert errors == []
    generation = state.generation
    state._remember(("explain", 1, 1, ()), "old", generation - 1)  # worked out before the last forgetting
    assert ("explain", 1, 1, ()) not in state.remembered
