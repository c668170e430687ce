"""Fixtures: an app on a throwaway database (SQLite by default, PostgreSQL when TEST_DATABASE_URL is set),
emptied between tests, and one logged-in client per role."""
from __future__ import annotations

import os

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.services import matching, regions
from tests import factories


class FreshContextClient(FlaskClient):
    """Each request in its own app context, as in production: its own `g` (Flask-Login's cached user) and its
    own database session. The test's session is expired afterwards so it reads what the request wrote."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{instance / 'test.sqlite'}"
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "PII_KEYS": "uCDyw0dF3vhjQb4Ue2SMJtq3Dm4r0zkM9cT6BvZ1y0c=",
        "WTF_CSRF_ENABLED": False,
        # Rate limiting stays on (Flask-Limiter's switch is process-wide); tests that need it tighten the limit.
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": "10000/minute",
        "SERVER_NAME": "localhost",
    })
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()


def _empty_all_tables():
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def _clean(app):
    with app.app_context():
        yield
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()
        matching.reset()
        regions.forget()


@pytest.fixture
def world(app):
    """Two of everything: region trees, villages, enterprises, schools, and a user of every role."""
    return factories.make_world()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(app):
    """login(user) → a test client signed in as that user (through the real sign-in form)."""
    def _login(user, password=factories.PASSWORD):
        c = app.test_client()
        response = c.post("/login", data={"login": user.login, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return c
    return _login
