"""A transaction that only read ends with COMMIT (psycopg keeps its prepared statements); anything that wrote, or
holds unflushed changes, or raised, still rolls back."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select, text, update

from matchmaker.extensions import db
from matchmaker.models import Trade, Worker


@pytest.fixture
def endings(app):
    """How each transaction on the engine ended, in order."""
    seen: list[str] = []
    engine = db.engine

    def on_commit(conn):
        seen.append("commit")

    def on_rollback(conn):
        seen.append("rollback")

    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    yield seen
    event.remove(engine, "commit", on_commit)
    event.remove(engine, "rollback", on_rollback)


def _name(worker_id: int) -> str:
    with db.engine.connect() as conn:
        return conn.execute(select(Worker.name).where(Worker.id == worker_id)).scalar_one()


def test_a_page_that_only_reads_ends_with_commit(world, login, endings):
    employer = login(world.a.employer)
    endings.clear()
    assert employer.get("/enterprise/").status_code == 200
    assert endings == ["commit"]


def test_a_statement_that_writes_keeps_the_rollback(app, world, endings):
    with app.app_context():
        db.session.execute(update(Worker).where(Worker.id == world.a.worker.id).values(name="改名"))
    assert endings == ["rollback"]
    assert _name(world.a.worker.id) == "工人甲"


def test_unflushed_changes_are_not_committed_by_the_end_of_the_request(app, world, endings):
    with app.app_context():
        worker = db.session.get(Worker, world.a.worker.id)  # a SELECT only, then a change left unflushed
        worker.name = "改名"
    assert endings == ["rollback"]
    assert _name(world.a.worker.id) == "工人甲"


def test_an_added_object_is_not_committed_by_the_end_of_the_request(app, world, endings):
    with app.app_context():
        db.session.execute(select(Worker.id)).all()
        db.session.add(Trade(code="9", name="新大类", level=1))
    assert endings == ["rollback"]
    with db.engine.connect() as conn:
        assert conn.execute(select(Trade.id).where(Trade.code == "9")).first() is None


def test_a_request_that_raised_rolls_back(app, world, endings):
    with pytest.raises(RuntimeError):
        with app.app_context():
            db.session.execute(select(Worker.id)).all()
            raise RuntimeError("the view failed")
    assert endings == ["rollback"]


def test_a_new_transaction_starts_clean(app, world, endings):
    """A write in one transaction does not mark the next one on the same connection."""
    with app.app_context():
        db.session.execute(text("UPDATE worker SET name = name WHERE id = :id"), {"id": world.a.worker.id})
        db.session.commit()
        endings.clear()
        db.session.execute(select(Worker.id)).all()
    assert endings == ["commit"]


def test_no_session_used_means_no_transaction(app, endings):
    with app.app_context():
        pass
    assert endings == []


def test_sql_not_built_by_select_counts_as_a_write(app, world, endings):
    """A text() statement may say SELECT and still write (a function, a second statement): it keeps the
    rollback, as does a read from a WITH."""
    with app.app_context():
        db.session.execute(text("SELECT 1")).all()
    with app.app_context():
        db.session.execute(select(Worker.id).cte("w").select()).all()
    assert endings == ["rollback", "rollback"]


def test_objects_read_stay_readable_after_the_request(app, world):
    with app.app_context():
        worker = db.session.get(Worker, world.a.worker.id)
    assert worker.name == "工人甲"  # not expired by the commit: nothing to reload, no detached-instance error


def test_a_connection_lost_during_the_request_still_closes_quietly(app, world, endings):
    with app.app_context():
        db.session.execute(select(Worker.id)).all()
        db.session.connection().invalidate()
    assert "commit" not in endings
