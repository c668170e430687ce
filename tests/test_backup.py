"""Backup and restore: a round trip gives back every table, row for row, on SQLite and PostgreSQL."""
import pytest
from flask_migrate import stamp
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Referral, Vacancy
from matchmaker.services import backup
from tests.conftest import _empty_all_tables


def _snapshot():
    return {t.name: [tuple(r) for r in db.session.execute(select(t).order_by(*t.primary_key.columns))]
            for t in db.metadata.sorted_tables}


def test_round_trip_restores_every_table(app, world, tmp_path):
    stamp()  # the test schema is built by create_all: mark it at the migrations' head, as a real one would be
    v = Vacancy(enterprise=world.a.enterprise, title="普工", site_county=world.a.county, headcount=2, wage_min=4000,
                wage_max=5000, status="open", age_max=55)
    db.session.add(v)
    db.session.add(Referral(worker=world.a.worker, vacancy=v, channel="nomination"))
    db.session.commit()
    before = _snapshot()
    path = tmp_path / "backup.jsonl.gz"
    counts = backup.dump(path)
    assert counts["worker"] == 2 and counts["referral"] == 1
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(path)
    _empty_all_tables()
    backup.restore(path)
    db.session.expire_all()
    assert _snapshot() == before
    # New rows still get fresh ids after a restore (PostgreSQL sequences moved on).
    db.session.add(Vacancy(enterprise=world.a.enterprise, title="新岗位", site_county=world.a.county, headcount=1,
                           wage_min=1, wage_max=2))
    db.session.commit()


def test_restore_refuses_another_revision(app, tmp_path):
    path = tmp_path / "old.jsonl.gz"
    import gzip, json
    with gzip.open(path, "wt") as f:
        f.write(json.dumps({"format": backup.FORMAT, "revision": "0000"}) + "\n")
    with pytest.raises(backup.BackupError, match="revision"):
        backup.restore(path)
