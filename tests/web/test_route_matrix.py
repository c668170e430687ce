"""Every route × every role, generated from the URL map: a route that is not in EXPECTED fails the test, so no
route can be added without saying who may use it.

Outcomes: "ok" (the role gets past the gates: 2xx, 3xx not to the sign-in page, or 400 for a bad form), "login"
(sent to sign in), "denied" (403 or 404). Objects in URLs belong to side A of the `world` fixture; every role
acts on side A's objects (its own, for A's staff). Cross-organisation access is covered by the IDOR tests in
each feature's test module."""
from __future__ import annotations

import re
from datetime import date

import pytest

from matchmaker.extensions import db
from matchmaker.models import FollowUp, Pairing, Placement, Referral, User, Vacancy

ROLES = ("anonymous", "seeker", "coordinator", "enterprise", "school", "bureau")
ANY = set(ROLES)
SIGNED_IN = ANY - {"anonymous"}
# (endpoint, method) → roles that get "ok". Anything not listed for a role is "login" (anonymous) or "denied".
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("public.home", "GET"): ANY, ("public.healthz", "GET"): ANY, ("public.set_locale", "POST"): ANY,
    ("regions.children", "GET"): ANY, ("regions.search", "GET"): ANY,
    ("auth.login", "GET"): ANY, ("auth.login", "POST"): ANY, ("auth.signup", "GET"): ANY,
    ("auth.signup", "POST"): ANY, ("auth.accept_invitation", "GET"): set(), ("auth.accept_invitation", "POST"): set(),
    ("auth.password", "GET"): SIGNED_IN, ("auth.password", "POST"): SIGNED_IN, ("auth.logout", "POST"): SIGNED_IN,
    ("trades.search", "GET"): SIGNED_IN,
    ("bureau.home", "GET"): {"bureau"}, ("bureau.new_enterprise", "GET"): {"bureau"},
    ("bureau.new_enterprise", "POST"): {"bureau"}, ("bureau.new_village", "GET"): {"bureau"},
    ("bureau.new_village", "POST"): {"bureau"}, ("bureau.new_school", "GET"): {"bureau"},
    ("bureau.new_school", "POST"): {"bureau"}, ("bureau.invite", "POST"): {"bureau"},
    ("bureau.invite_bureau", "GET"): {"bureau"}, ("bureau.invite_bureau", "POST"): {"bureau"},
    ("enterprise.home", "GET"): {"enterprise"}, ("enterprise.vacancy_list", "GET"): {"enterprise"},
    ("enterprise.new_vacancy", "GET"): {"enterprise"}, ("enterprise.new_vacancy", "POST"): {"enterprise"},
    ("enterprise.edit_vacancy", "GET"): {"enterprise"}, ("enterprise.edit_vacancy", "POST"): {"enterprise"},
    ("enterprise.publish_vacancy", "POST"): {"enterprise"}, ("enterprise.close_vacancy", "POST"): {"enterprise"},
    ("enterprise.copy_vacancy", "POST"): {"enterprise"}, ("enterprise.candidates", "GET"): {"enterprise"},
    ("referrals.inbox", "GET"): {"enterprise", "coordinator", "seeker"},
    ("referrals.move", "POST"): {"enterprise", "coordinator", "seeker"},
    ("referrals.hire", "POST"): {"enterprise"}, ("referrals.apply", "POST"): {"seeker"},
    ("referrals.nominate", "GET"): {"coordinator"}, ("referrals.nominate", "POST"): {"coordinator"},
    ("referrals.paired_vacancies", "GET"): {"coordinator"},
    ("school.home", "GET"): {"school"},
    ("seeker.home", "GET"): {"seeker"}, ("seeker.recommended", "GET"): {"seeker"},
    ("village.home", "GET"): {"coordinator"}, ("village.new_worker", "GET"): {"coordinator"},
    ("village.new_worker", "POST"): {"coordinator"}, ("village.import_upload", "GET"): {"coordinator"},
    ("village.import_upload", "POST"): {"coordinator"}, ("village.import_template", "GET"): {"coordinator"},
    ("village.ledger_xlsx", "GET"): {"coordinator"},
    **{(f"pairings.{name}", method): {"enterprise", "coordinator"} for name, method in (
        ("index", "GET"), ("propose", "GET"), ("propose", "POST"), ("accept", "POST"), ("decline", "POST"),
        ("end", "POST"), ("target", "POST"), ("activities", "GET"), ("activities", "POST"))},
    # An unknown import token is "not found" even for the coordinator.
    ("village.import_preview", "GET"): set(), ("village.import_errors", "GET"): set(),
    ("village.import_confirm", "POST"): set(),
    ("follow_ups.index", "GET"): {"coordinator"}, ("follow_ups.record", "GET"): {"coordinator"},
    ("follow_ups.record", "POST"): {"coordinator"},
    ("village.worker", "GET"): {"coordinator"}, ("village.worker", "POST"): {"coordinator"},
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(rule, ids) -> str:
    values = {name: ids[name] for name in rule.arguments}
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def _outcome(response) -> str:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code in (403, 404):
        return "denied"
    if response.status_code == 302 and "/login" in response.headers["Location"]:
        return "login"
    return "ok"


def test_every_route_is_in_the_matrix(app):
    missing = sorted({(rule.endpoint, method) for rule, method in _routes(app)} - set(EXPECTED))
    assert not missing, f"say who may use these routes in EXPECTED: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_route_matrix(app, world, role):
    a = world.a
    vacancy = Vacancy(enterprise=a.enterprise, title="普工", site_county=a.county, headcount=5, wage_min=4000,
                      wage_max=5000, status="open", age_max=55)
    db.session.add(vacancy)
    db.session.flush()
    referral = Referral(worker=a.worker, vacancy=vacancy, channel="nomination")
    db.session.add(referral)
    placement = Placement(worker=a.worker, vacancy=vacancy, enterprise_id=a.enterprise.id, start_date=date.today(),
                          channel="open_market", transfer_type="local")
    follow_up = FollowUp(placement=placement, due_month=1, due_on=date.today())
    db.session.add_all([placement, follow_up])
    pairing = Pairing(enterprise=a.enterprise, village=a.village, status="active", proposed_by_id=a.employer.id)
    db.session.add(pairing)
    db.session.commit()
    ids = {"vacancy_id": vacancy.id, "referral_id": referral.id, "org_id": a.enterprise.id, "kind": "enterprise",
           "pairing_id": pairing.id,
           "follow_up_id": follow_up.id, "worker_id": a.worker.id,
           "token": "no-such-token-000000000000000000"}
    user_id = {"seeker": a.seeker.id, "coordinator": a.coordinator.id, "enterprise": a.employer.id,
               "school": a.teacher.id, "bureau": a.county_bureau.id}.get(role)
    client = app.test_client()
    wrong = []
    for rule, method in _routes(app):
        expected_ok = role in EXPECTED.get((rule.endpoint, method), set())
        if user_id is not None:
            user = db.session.get(User, user_id)  # the session version may have moved on (logout)
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = user.get_id(), True
        response = client.open(_url(rule, ids), method=method, data={})
        got = _outcome(response)
        want = "ok" if expected_ok else ("login" if role == "anonymous" else "denied")
        if rule.endpoint in ("auth.accept_invitation",):
            want, got = "invalid-token", ("invalid-token" if response.status_code == 400 else got)
        if got != want:
            wrong.append((rule.endpoint, method, response.status_code, want))
    assert not wrong, wrong
