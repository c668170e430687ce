"""Plain rows read on the session's connection behave as Session.execute's: the same transaction, what the
session holds unflushed is read back, and a transaction that only read them still counts as read-only."""
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Worker
from matchmaker.read_only import only_read
from matchmaker.services.rows import rows, value


def test_plain_rows_read_what_the_session_changed_and_stay_in_its_transaction(world):
    worker = world.a.worker
    worker_id = worker.id  # loaded now: reading it later would flush the change below on its own
    worker.name = "改名未提交"  # not flushed yet
    assert rows(select(Worker.id, Worker.name).where(Worker.id == worker_id)) == [(worker_id, "改名未提交")]
    db.session.rollback()  # the same transaction: the flushed change goes with it
    assert value(select(Worker.name).where(Worker.id == worker_id)) != "改名未提交"


def test_a_transaction_that_read_plain_rows_only_is_read_only(world):
    db.session.commit()
    assert value(select(Worker.id).where(Worker.id == -1)) is None
    assert rows(select(Worker.id).where(Worker.id == world.a.worker.id)) == [(world.a.worker.id,)]
    assert only_read(db.session())
