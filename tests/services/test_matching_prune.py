"""The change log is pruned; a process that had not read the pruned changes rebuilds instead of missing them."""
from datetime import date, timedelta

from sqlalchemy import func, select, update

from matchmaker.extensions import db
from matchmaker.models import MatchingChange
from matchmaker.orm import utcnow
from matchmaker.services import matching
from matchmaker.services.workers import LedgerEntry, add_to_ledger
from tests.factories import id_number


def _add(world, serial):
    return add_to_ledger(world.a.coordinator, world.a.village,
                         LedgerEntry(name=f"新人{serial}", id_number=id_number(birth=date(1990, 1, 1), serial=serial)))


def _age_all(days=30):
    db.session.execute(update(MatchingChange).values(at=utcnow() - timedelta(days=days)))
    db.session.commit()


def test_prune_keeps_recent_rows_and_the_newest(world):
    _add(world, 301)
    _add(world, 302)
    _age_all()
    total = db.session.scalar(select(func.count(MatchingChange.id)))
    newest = db.session.scalar(select(func.max(MatchingChange.id)))
    assert matching.prune_changes(7) == total - 1  # the newest stays, old as it is: ids must not restart
    assert db.session.scalars(select(MatchingChange.id)).all() == [newest]
    _add(world, 303)
    assert matching.prune_changes(7) == 1 and db.session.scalar(select(func.count(MatchingChange.id))) == 1


def test_a_process_that_missed_pruned_changes_rebuilds_and_sees_them(world):
    index = matching.current().index
    worker = _add(world, 311)  # a change this process has not read yet …
    _age_all()
    _add(world, 312)
    matching.prune_changes(7)  # … pruned
    state = matching.current()
    assert state.index is not index  # rebuilt from the database
    assert worker.id in _ranked_ids(state)
    again = matching.current()
    assert again.index is state.index  # nothing new: no rebuild


def test_a_process_up_to_date_is_not_rebuilt_by_a_prune(world):
    _add(world, 321)
    index = matching.current().index
    _age_all()
    _add(world, 322)
    matching.prune_changes(7)
    assert matching.current().index is index  # it had read all but the newest, which is kept


def _ranked_ids(state):
    return set(int(i) for i in state.index.W.id[:state.index.W.n])
