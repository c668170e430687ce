"""The audit chain: entries are written unsealed with the action, sealed after commit, and the sealed chain
verifies — also when transactions commit out of id order and when many writers race on PostgreSQL."""
from __future__ import annotations

import os
import threading
from datetime import date

import pytest
from sqlalchemy import func, select, update

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, Placement, Referral, User, Vacancy
from matchmaker.services import audit, referrals
from matchmaker.services.errors import DomainError
from tests.factories import make_worker


def _hashes():
    return db.session.execute(select(AuditEntry.id, AuditEntry.prev_hash, AuditEntry.hash)
                              .order_by(AuditEntry.id)).all()


def test_an_entry_is_unsealed_until_its_transaction_commits_then_chained(world):
    entry = audit.record(world.a.coordinator, "worker.update", "worker", world.a.worker.id, field="phone")
    db.session.flush()
    assert db.session.scalar(select(AuditEntry.hash).where(AuditEntry.id == entry.id)) is None
    db.session.commit()
    audit.record(world.a.coordinator, "worker.update", "worker", world.a.worker.id, field="radius")
    db.session.commit()
    rows = _hashes()
    assert len(rows) == 2 and all(len(r.hash) == 64 for r in rows)
    assert rows[0].prev_hash == "" and rows[1].prev_hash == rows[0].hash
    assert audit.unsealed_count() == 0
    assert audit.verify_chain() is None


def test_a_rolled_back_entry_leaves_no_trace_and_the_chain_holds(world):
    audit.record(world.a.coordinator, "a", "worker", 1)
    db.session.commit()
    audit.record(world.a.coordinator, "b", "worker", 2)
    db.session.flush()
    db.session.rollback()
    audit.record(world.a.coordinator, "c", "worker", 3)
    db.session.commit()
    assert [r.action for r in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == ["a", "c"]
    assert audit.verify_chain() is None


def test_a_late_commit_with_a_lower_id_is_chained_in_id_order(world):
    """Writer 1 takes id n, writer 2 takes n+1 and commits and is sealed first; when writer 1 commits, seal
    re-links the chain from n on, so it still runs in id order."""
    audit.record(world.a.coordinator, "a", "worker", 1)
    db.session.commit()
    audit.record(world.a.coordinator, "b", "worker", 2)
    c = audit.record(world.a.coordinator, "c", "worker", 3)
    db.session.info.pop("audit_unsealed")
    db.session.commit()
    a_hash = db.session.scalar(select(AuditEntry.hash).where(AuditEntry.action == "a"))
    # The state right after writer 2's seal: c chained to a, b (writer 1's, not yet visible) unsealed.
    c_row = db.session.execute(select(*audit._COLUMNS).where(AuditEntry.id == c.id)).one()
    db.session.execute(update(AuditEntry).where(AuditEntry.id == c.id)
                       .values(prev_hash=a_hash, hash=audit._entry_digest(a_hash, c_row)))
    db.session.commit()
    assert audit.verify_chain() is None  # the unsealed entry is not part of the chain yet
    assert audit.seal() == 2  # b sealed, c re-linked after it
    db.session.expire_all()
    rows = _hashes()
    assert [r.prev_hash for r in rows[1:]] == [rows[0].hash, rows[1].hash]
    assert audit.verify_chain() is None
    assert audit.unsealed_count() == 0


def test_an_edited_or_deleted_sealed_entry_breaks_the_chain(world):
    for i in range(4):
        audit.record(world.a.coordinator, f"step{i}", "worker", i)
        db.session.commit()
    ids = [r.id for r in _hashes()]
    db.session.execute(update(AuditEntry).where(AuditEntry.id == ids[1]).values(action="forged"))
    db.session.commit()
    assert audit.verify_chain() == ids[1]
    db.session.execute(update(AuditEntry).where(AuditEntry.id == ids[1]).values(action="step1"))
    db.session.execute(AuditEntry.__table__.delete().where(AuditEntry.id == ids[2]))
    db.session.commit()
    assert audit.verify_chain() == ids[3]


def test_the_cli_seals_what_was_left_unsealed(world, app):
    audit.record(world.a.coordinator, "x", "worker", 1)
    db.session.info.pop("audit_unsealed")  # as if the process died between commit and seal
    db.session.commit()
    audit.record(world.a.coordinator, "y", "worker", 2)  # a later commit seals only from its own entry on
    db.session.commit()
    assert audit.unsealed_count() == 1 and audit.verify_chain() is None
    result = app.test_cli_runner().invoke(args=["audit", "seal"])
    assert result.exit_code == 0, result.output
    assert "sealed 2 entries" in result.output and "holds" in result.output
    db.session.expire_all()
    assert audit.unsealed_count() == 0
    assert audit.verify_chain() is None
    rows = _hashes()
    assert rows[1].prev_hash == rows[0].hash


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="SQLite serialises writers; the race is only real on PostgreSQL")
def test_parallel_writers_and_hires_leave_a_verifiable_chain(app, world):
    v = Vacancy(enterprise=world.a.enterprise, title="普工", site_county=world.a.county, headcount=3, wage_min=4000,
                wage_max=5000, status="open", age_max=55)
    db.session.add(v)
    db.session.commit()
    workers = [make_worker(world.a.village, name=f"工{i}") for i in range(20)]
    db.session.commit()
    ids = []
    for w in workers:
        r = Referral(worker=w, vacancy=v, channel="nomination", status="offered")
        db.session.add(r)
        db.session.flush()
        ids.append(r.id)
    employer_id, coordinator_id = world.a.employer.id, world.a.coordinator.id
    db.session.commit()
    before = db.session.scalar(select(func.count(AuditEntry.id)))
    results, errors, barrier = [], [], threading.Barrier(40)

    def hire(referral_id):
        barrier.wait()
        with app.app_context():
            try:
                referrals.hire(db.session.get(User, employer_id), referral_id, date.today(), 4500)
                results.append("hired")
            except DomainError as e:
                results.append(e.message)
            except Exception as e:  # noqa: BLE001 — a deadlock or any other failure must show in the assert
                errors.append(repr(e))
            finally:
                db.session.remove()

    def write(i):
        barrier.wait()
        with app.app_context():
            try:
                for k in range(5):
                    audit.record(db.session.get(User, coordinator_id), "test.write", "worker", i * 10 + k)
                    db.session.commit()
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=hire, args=(i,)) for i in ids]
    threads += [threading.Thread(target=write, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    assert errors == []
    assert results.count("hired") == 3
    assert db.session.scalar(select(func.count(Placement.id)).where(Placement.vacancy_id == v.id)) == 3
    total = db.session.scalar(select(func.count(AuditEntry.id)))
    assert total >= before + 100 + 3
    assert audit.unsealed_count() == 0
    assert audit.verify_chain() is None
    prevs = db.session.scalars(select(AuditEntry.prev_hash)).all()
    assert len(prevs) == len(set(prevs))  # no two entries chained to the same predecessor
