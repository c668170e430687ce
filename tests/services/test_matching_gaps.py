"""Change-log ids are taken when a transaction writes its row, but transactions commit in any order: a process
that has read id 11 must still apply id 10 when its transaction commits later."""
from sqlalchemy import update

from matchmaker.extensions import db
from matchmaker.models import MatchingChange, Worker
from matchmaker.services import matching


def _later_commit(worker, change_id):
    """A worker's change whose transaction took `change_id` and commits now."""
    db.session.execute(update(Worker).where(Worker.id == worker.id).values(status="not_seeking"))
    db.session.add(MatchingChange(id=change_id, kind="worker", object_id=worker.id))
    db.session.commit()


def _read_one_change(world):
    """A process in steady state: it has read the change log up to its newest row."""
    matching.note_change("worker", world.a.worker.id)
    db.session.commit()
    return matching.current().seen


def _status(state, worker):
    return state.index.worker_record(worker.id).status


def test_a_change_committed_after_a_later_one_is_still_applied(world):
    seen = _read_one_change(world)
    first, second = world.a.worker, world.b.worker
    _later_commit(second, seen + 2)  # committed first
    state = matching.current()
    assert _status(state, second) == "not_seeking" and seen + 1 in state.gaps
    _later_commit(first, seen + 1)  # its transaction commits only now
    state = matching.current()
    assert _status(state, first) == "not_seeking"
    assert state.gaps == {} and state.seen == seen + 2


def test_an_id_never_used_is_given_up_after_a_while(world, monkeypatch):
    seen = _read_one_change(world)
    _later_commit(world.a.worker, seen + 2)  # seen + 1 was rolled back: it never comes
    assert seen + 1 in matching.current().gaps
    monkeypatch.setattr(matching, "GAP_WAIT_SECONDS", 0.0)
    db.session.commit()  # a later request: one transaction reads the change log once
    assert matching.current().gaps == {}


def test_a_build_waits_for_ids_below_the_newest_too(world):
    newest = _read_one_change(world)
    _later_commit(world.b.worker, newest + 2)
    matching.reset()
    state = matching.current()  # built while the transaction holding newest + 1 is still open
    assert state.seen == newest + 2 and newest + 1 in state.gaps
    _later_commit(world.a.worker, newest + 1)
    assert _status(matching.current(), world.a.worker) == "not_seeking"
