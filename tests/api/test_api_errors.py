"""Errors are JSON under /api/ (never an HTML page), with a code, a field and a message in the request's language
(Accept-Language), and the OpenAPI document describes exactly the API's routes."""
from __future__ import annotations

import re

from matchmaker.api.openapi import document
from tests.api.conftest import make_objects


def _error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    return response.get_json()["error"]


def test_not_found_message_in_chinese_and_english(world, api):
    for language, text in (("zh-CN", "找不到该记录，或您无权查看。"),
                           ("en", "This record does not exist, or you do not have permission to view it."),
                           ("en-US,en;q=0.8", "This record does not exist"), ("fr", "找不到该记录")):
        error = _error(api(world.a.coordinator, language).get(f"/workers/{world.b.worker.id}"), 404)
        assert error["code"] == "not_found" and error["message"].startswith(text), language


def test_forbidden_message_follows_accept_language(world, api):
    ids = make_objects(world.a)
    zh = _error(api(world.b.employer, "zh-CN").post(f"/vacancies/{ids['vacancy_id']}/close"), 403)
    en = _error(api(world.b.employer, "en").post(f"/vacancies/{ids['vacancy_id']}/close"), 403)
    assert (zh["code"], zh["message"]) == ("forbidden", "您无权进行此操作。")
    assert en["message"] == "You do not have permission to do this."


def test_the_api_ignores_the_session_locale(world, api, login):
    """A cookie may not even choose the language: only Accept-Language does."""
    secret = api(world.a.coordinator).secret
    browser = login(world.a.coordinator)
    with browser.session_transaction() as session:
        session["locale"] = "zh_CN"
    response = browser.get(f"/api/v1/workers/{world.b.worker.id}",
                           headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"})
    assert _error(response, 404)["message"].startswith("This record")


def test_unknown_routes_methods_and_bodies_answer_json(world, api):
    c = api(world.a.employer)
    assert _error(c.get("/no-such-thing"), 404)["code"] == "not_found"
    assert _error(c.open("DELETE", "/vacancies"), 405)["code"] == "method_not_allowed"
    assert _error(c.post("/pairings", data="{", headers={"Content-Type": "application/json"}), 400)[
        "code"] == "bad_request"
    assert _error(c.get("/vacancies/99999999999"), 404)["code"] == "not_found"
    invalid = _error(c.post("/pairings", json={"other_id": "1"}), 422)
    assert (invalid["code"], invalid["field"]) == ("invalid", "other_id")
    assert _error(c.get("/vacancies?colour=red"), 400)["field"] == "colour"


def test_rate_limit_is_429_json(world, api, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3/minute")
    c = api(world.a.seeker)
    statuses = [c.get("/vacancies").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    assert _error(c.get("/vacancies"), 429)["code"] == "rate_limited"
    # Per token: another user's token is not slowed down.
    assert api(world.a.employer).get("/vacancies").status_code == 200


def test_openapi_document_is_public_and_lists_every_api_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.get_json()["openapi"].startswith("3.")
    doc = document()
    described = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        routed |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == described, (routed - described, described - routed)
    operation_ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))
    # Each described endpoint name is the route's real endpoint.
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    assert {f"api.{i}" for i in operation_ids} == endpoints


def test_an_unexpected_error_is_a_json_500_without_details(world, api, app, monkeypatch):
    from matchmaker.services import vacancies

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(vacancies, "open_vacancies_page", boom)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = api(world.a.seeker, "en").get("/vacancies")
    error = _error(response, 500)
    assert error["code"] == "internal_error" and "secret internals" not in response.get_data(as_text=True)


def test_the_api_needs_no_csrf_token_but_the_pages_still_do(world, api, app, login, monkeypatch):
    browser = login(world.a.employer)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    proposed = api(world.a.employer).post("/pairings", json={"other_id": world.b.village.id})
    assert proposed.status_code == 201
    refused = browser.post("/settings/tokens", data={"name": "x"})
    assert refused.status_code == 400 and "表单已过期" in refused.get_data(as_text=True)
