"""API tokens: created with the secret shown once, stored hashed, listed, revoked (→ 401), expiring, refused for a
disabled account; last use written at most once a minute; the settings page; create and revoke audited."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, User
from matchmaker.models.users import ApiToken
from matchmaker.orm import as_utc
from matchmaker.services import api_tokens
from matchmaker.services.errors import DomainError, NotFound


def test_secret_is_shown_once_and_stored_hashed(world):
    token, secret = api_tokens.create(world.a.employer, "ERP 对接")
    assert secret.startswith("mm_") and len(secret) > 40
    stored = db.session.get(ApiToken, token.id)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (stored.token_hash, stored.name) and stored.prefix == secret[:10]
    assert api_tokens.authenticate(secret).id == world.a.employer.id
    assert api_tokens.authenticate(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "api_token.create"))
    assert entry.actor_id == world.a.employer.id and entry.object_id == token.id
    assert secret not in str(entry.detail)


def test_bad_names_and_expiry_are_refused(world):
    with pytest.raises(DomainError) as e:
        api_tokens.create(world.a.employer, "  ")
    assert e.value.field == "name"
    with pytest.raises(DomainError) as e:
        api_tokens.create(world.a.employer, "x", date.today())
    assert e.value.field == "expires_on"
    with pytest.raises(DomainError):
        api_tokens.create(world.a.employer, "x", date.today() + timedelta(days=400))
    assert db.session.scalar(select(ApiToken.id)) is None


def test_revoked_token_gets_401(world, api):
    client = api(world.a.coordinator)
    assert client.get("/workers").status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == world.a.coordinator.id))
    api_tokens.revoke(world.a.coordinator, token.id)
    response = client.get("/workers")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "api_token.revoke"))
    with pytest.raises(DomainError):
        api_tokens.revoke(world.a.coordinator, token.id)


def test_only_the_owner_may_revoke(world):
    token, secret = api_tokens.create(world.a.coordinator, "mine")
    for other in (world.a.county_bureau, world.province_bureau, world.b.coordinator):
        with pytest.raises(NotFound):
            api_tokens.revoke(other, token.id)
    assert api_tokens.authenticate(secret) is not None


def test_expired_token_and_disabled_account_are_refused(world, api):
    token, secret = api_tokens.create(world.a.employer, "short", date.today() + timedelta(days=1))
    assert api_tokens.authenticate(secret) is not None
    token.expires_at = datetime.now(timezone.utc) - timedelta(seconds=1)
    db.session.commit()
    assert api_tokens.authenticate(secret) is None
    _t, other = api_tokens.create(world.a.employer, "long")
    db.session.get(User, world.a.employer.id).active = False
    db.session.commit()
    assert api_tokens.authenticate(other) is None


def test_last_used_is_written_at_most_once_a_minute(world):
    token, secret = api_tokens.create(world.a.employer, "t")
    assert token.last_used_at is None
    api_tokens.authenticate(secret)
    first = db.session.get(ApiToken, token.id).last_used_at
    assert first is not None
    api_tokens.authenticate(secret)
    assert db.session.get(ApiToken, token.id).last_used_at == first
    token = db.session.get(ApiToken, token.id)
    token.last_used_at = datetime.now(timezone.utc) - timedelta(minutes=2)
    db.session.commit()
    api_tokens.authenticate(secret)
    assert as_utc(db.session.get(ApiToken, token.id).last_used_at) > datetime.now(timezone.utc) - timedelta(
        seconds=30)


def test_missing_or_malformed_authorization_is_401(world, app):
    client = app.test_client()
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"},
                    {"Authorization": "Bearer mm_" + "x" * 300}, {"Authorization": "Bearer not-a-token"}):
        response = client.get("/api/v1/vacancies", headers=headers)
        assert response.status_code == 401, headers
        assert response.is_json


def test_a_signed_in_browser_session_is_not_accepted_by_the_api(world, login):
    """No cookie riding: the pages' session cookie opens no API route."""
    browser = login(world.a.employer)
    assert browser.get("/enterprise/").status_code == 200
    assert browser.get("/api/v1/vacancies").status_code == 401
    assert browser.post("/api/v1/vacancies", json={"title": "x"}).status_code == 401


# --- the settings page ----------------------------------------------------------------------------------------

def test_settings_page_creates_lists_and_revokes(world, login):
    client = login(world.a.seeker)
    assert client.get("/settings/tokens").status_code == 200
    response = client.post("/settings/tokens", data={"name": "我的脚本", "expires_on": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == world.a.seeker.id))
    secret = page.split('token-secret">', 1)[1].split("<", 1)[0]
    assert secret.startswith(token.prefix) and api_tokens.authenticate(secret).id == world.a.seeker.id
    assert response.headers["Cache-Control"] == "no-store"
    listing = client.get("/settings/tokens").get_data(as_text=True)
    assert token.prefix in listing and secret not in listing and "我的脚本" in listing
    client.post(f"/settings/tokens/{token.id}/revoke")
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert api_tokens.authenticate(secret) is None


def test_settings_page_keeps_what_was_typed_on_error(world, login):
    client = login(world.a.employer)
    past = (date.today() - timedelta(days=3)).isoformat()
    response = client.post("/settings/tokens", data={"name": "对接系统", "expires_on": past})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "对接系统" in page and "有效期至应在明天到一年之内" in page
    assert db.session.scalar(select(ApiToken.id)) is None


def test_settings_page_cannot_revoke_someone_elses_token(world, login):
    token, secret = api_tokens.create(world.a.employer, "theirs")
    response = login(world.b.employer).post(f"/settings/tokens/{token.id}/revoke")
    assert response.status_code == 404
    assert api_tokens.authenticate(secret) is not None


def test_settings_page_needs_sign_in(client):
    assert client.get("/settings/tokens").status_code == 302
