"""Migrations: an empty database goes up to head and back down to base, on SQLite and on PostgreSQL, and the
models match what the migrations build (nothing left for autogenerate to find)."""
from __future__ import annotations

import os
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from matchmaker import create_app
from matchmaker.extensions import db


def _scratch_databases(tmp_path):
    yield "sqlite", f"sqlite:///{tmp_path / 'migrations.sqlite'}", None
    pg = os.environ.get("TEST_DATABASE_URL")
    if pg and pg.startswith("postgresql"):
        name = f"mig_{uuid.uuid4().hex[:10]}"
        server = create_engine(make_url(pg).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield "postgresql", str(make_url(pg).set(database=name).render_as_string(hide_password=False)), None
        finally:
            with server.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            server.dispose()


def test_upgrade_downgrade_upgrade_and_no_drift(tmp_path):
    ran = []
    for dialect, url, _ in _scratch_databases(tmp_path):
        # Extensions are process-wide objects (Flask-Limiter keeps its on/off switch and storage on itself):
        # this second app must be configured like the suite's own.
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True,
                          "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "10000/minute",
                          "PII_KEYS": "uCDyw0dF3vhjQb4Ue2SMJtq3Dm4r0zkM9cT6BvZ1y0c="})
        with app.app_context():
            upgrade()
            tables = set(inspect(db.engine).get_table_names())
            assert {"worker", "vacancy", "referral", "placement", "audit_entry"} <= tables
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert diff == [], f"{dialect}: models and migrations differ: {diff}"
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            db.engine.dispose()
        ran.append(dialect)
    assert "sqlite" in ran
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        assert "postgresql" in ran
