"""Every /api/v1 route × every role, generated from the URL map: an API route that is not in EXPECTED fails, so no
API route can be added without saying who may use it.

Outcomes: "ok" (past the gates: 2xx, or 400/409/422 for the empty body sent here), "unauthorized" (401: no token —
the anonymous caller), "denied" (403 or 404). Objects in URLs belong to side A of the `world` fixture; every role
acts with its own token on side A's objects (its own, for A's staff). Cross-side access is in test_api_resources."""
from __future__ import annotations

import re

import pytest

from matchmaker.services import api_tokens
from tests.api.conftest import make_objects

ROLES = ("anonymous", "seeker", "coordinator", "enterprise", "school", "bureau")
SIGNED_IN = set(ROLES) - {"anonymous"}
# (endpoint, method) → roles that get "ok". Anything else is "unauthorized" (anonymous) or "denied".
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("api.openapi", "GET"): set(ROLES),
    ("api.region_children", "GET"): SIGNED_IN, ("api.region_search", "GET"): SIGNED_IN,
    ("api.trade_search", "GET"): SIGNED_IN,
    ("api.vacancy_list", "GET"): SIGNED_IN, ("api.vacancy_create", "POST"): {"enterprise"},
    ("api.vacancy_get", "GET"): SIGNED_IN, ("api.vacancy_update", "PATCH"): {"enterprise"},
    ("api.vacancy_publish", "POST"): {"enterprise"}, ("api.vacancy_close", "POST"): {"enterprise"},
    ("api.vacancy_candidates", "GET"): {"enterprise", "coordinator"},
    ("api.recommendations", "GET"): {"seeker"},
    ("api.worker_list", "GET"): {"coordinator", "school", "bureau"},
    ("api.worker_create", "POST"): {"coordinator"},
    # A's worker: its coordinator, its county bureau, itself (the seeker) and A's enterprise (a referral exists).
    ("api.worker_get", "GET"): {"coordinator", "bureau", "seeker", "enterprise"},
    ("api.referral_list", "GET"): {"enterprise", "coordinator", "seeker"},
    ("api.referral_get", "GET"): {"enterprise", "coordinator", "seeker", "bureau"},
    ("api.referral_nominate", "POST"): {"coordinator"},
    ("api.referral_apply", "POST"): {"seeker"},
    ("api.referral_move", "POST"): {"enterprise", "coordinator", "seeker"},
    ("api.referral_hire", "POST"): {"enterprise"},
    ("api.placement_list", "GET"): SIGNED_IN,
    ("api.placement_get", "GET"): {"enterprise", "coordinator", "seeker", "bureau"},
    ("api.follow_up_list", "GET"): {"coordinator"},
    ("api.follow_up_record", "POST"): {"coordinator", "bureau"},
    ("api.pairing_list", "GET"): {"enterprise", "coordinator"},
    ("api.pairing_get", "GET"): {"enterprise", "coordinator"},
    ("api.pairing_propose", "POST"): {"enterprise", "coordinator"},
    ("api.pairing_accept", "POST"): {"enterprise", "coordinator"},
    # A's invitation of A's worker to A's vacancy: the enterprise sends (refused in the body: A's worker has a
    # referral), the worker's side answers.
    ("api.invitation_list", "GET"): {"enterprise", "coordinator", "seeker"},
    ("api.invitation_create", "POST"): {"enterprise"},
    ("api.invitation_accept", "POST"): {"coordinator", "seeker"},
    ("api.invitation_decline", "POST"): {"coordinator", "seeker"},
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _outcome(response) -> str:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert response.is_json, response.get_data(as_text=True)[:200]
    if response.status_code == 401:
        return "unauthorized"
    if response.status_code in (403, 404):
        return "denied"
    assert response.status_code in (200, 201, 400, 409, 422), response.status_code
    return "ok"


def test_every_api_route_is_in_the_matrix(app):
    missing = sorted({(rule.endpoint, method) for rule, method in _routes(app)} - set(EXPECTED))
    assert not missing, f"say who may use these API routes in EXPECTED: {missing}"
    stale = sorted(set(EXPECTED) - {(rule.endpoint, method) for rule, method in _routes(app)})
    assert not stale, f"EXPECTED names routes that do not exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_api_route_matrix(app, world, role):
    a = world.a
    ids = make_objects(a)
    user = {"seeker": a.seeker, "coordinator": a.coordinator, "enterprise": a.employer, "school": a.teacher,
            "bureau": a.county_bureau}.get(role)
    headers = {}
    if user is not None:
        headers["Authorization"] = "Bearer " + api_tokens.create(user, "matrix")[1]
    client = app.test_client(use_cookies=False)
    wrong = []
    # Reads first, then writes: a write (closing the vacancy, say) must not change what a later read may see.
    for rule, method in sorted(_routes(app), key=lambda rm: (rm[1] != "GET", rm[0].rule)):
        url = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(ids[m.group(1)]), rule.rule)
        response = client.open(url, method=method, json={} if method in ("POST", "PATCH") else None,
                               headers=headers)
        got = _outcome(response)
        expected_ok = role in EXPECTED.get((rule.endpoint, method), set())
        want = "ok" if expected_ok else ("unauthorized" if role == "anonymous" else "denied")
        if got != want:
            wrong.append((rule.endpoint, method, response.status_code, want))
    assert not wrong, wrong
