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
from sqlalchemy import select

from matchmaker.models import (FollowUp, JobInvitation, LedgerLinkRequest, Notification, OrderClass, Pairing, Park,
                               ParkSchoolLink, Placement, Referral, Trade, TradeAlias, User, Vacancy)

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
    ("village.stats", "GET"): {"coordinator"},
    # Notifications: the list is everyone's own; the one in the URL belongs to A's coordinator.
    ("notifications.index", "GET"): SIGNED_IN, ("notifications.mark_all_read", "POST"): SIGNED_IN,
    ("notifications.mark_read", "POST"): {"coordinator"}, ("notifications.open_link", "POST"): {"coordinator"},
    # Bureau administration; set() where only a province bureau may act (the matrix's bureau is A's county).
    ("bureau.organisations", "GET"): {"bureau"}, ("bureau.verify", "POST"): {"bureau"},
    ("bureau.approvals_page", "GET"): {"bureau"}, ("bureau.approve_pairing", "POST"): {"bureau"},
    ("bureau.reject_pairing", "POST"): {"bureau"}, ("bureau.decide_link", "POST"): {"bureau"},
    ("bureau.policy_settings", "GET"): {"bureau"}, ("bureau.policy_settings", "POST"): set(),
    ("bureau.targets", "GET"): {"bureau"}, ("bureau.targets", "POST"): {"bureau"},
    ("bureau.catalogue_page", "GET"): {"bureau"}, ("bureau.set_zone", "POST"): set(),
    ("bureau.new_park", "GET"): {"bureau"}, ("bureau.new_park", "POST"): {"bureau"},
    ("bureau.edit_park", "GET"): {"bureau"}, ("bureau.edit_park", "POST"): {"bureau"},
    ("bureau.add_alias", "POST"): set(), ("bureau.remove_alias", "POST"): set(),
    ("bureau.shortages_page", "GET"): {"bureau"},
    ("kpi.dashboard", "GET"): {"bureau"}, ("kpi.region", "GET"): {"bureau"}, ("kpi.export", "GET"): {"bureau"},
    ("kpi.export_csv", "GET"): {"bureau"},
    # The seeker's own pages, and the coordinator's side of linking a seeker to the ledger.
    ("seeker.vacancy", "GET"): {"seeker"}, ("seeker.link", "GET"): {"seeker"}, ("seeker.link", "POST"): {"seeker"},
    ("seeker.cancel_link", "POST"): {"seeker"}, ("seeker.new_record", "GET"): {"seeker"},
    ("seeker.new_record", "POST"): {"seeker"}, ("seeker.profile", "GET"): {"seeker"},
    ("seeker.profile_step", "GET"): {"seeker"}, ("seeker.profile_step", "POST"): {"seeker"},
    ("ledger_links.index", "GET"): {"coordinator"}, ("ledger_links.review", "GET"): {"coordinator"},
    ("ledger_links.confirm", "POST"): {"coordinator"}, ("ledger_links.decline", "POST"): {"coordinator"},
    **{(f"school.{name}", method): {"school"} for name, method in (
        ("profile", "GET"), ("profile", "POST"), ("links", "GET"), ("links", "POST"), ("edit_link", "GET"),
        ("edit_link", "POST"), ("withdraw_link", "POST"), ("end_link", "POST"), ("new_class", "GET"),
        ("new_class", "POST"), ("order_class", "GET"), ("enrol", "POST"), ("students", "GET"),
        ("new_student", "GET"), ("new_student", "POST"), ("graduate", "GET"), ("graduate", "POST"),
        ("new_training", "GET"), ("new_training", "POST"), ("demand", "GET"))},
    # Full numbers for those who may see the worker (the enterprise holds a referral of A's worker); the seeker's
    # own view log.
    ("privacy.reveal", "POST"): {"seeker", "coordinator", "enterprise", "bureau"}, ("privacy.views", "GET"): {"seeker"},
    # API tokens: everyone manages their own; the token in the URL does not exist.
    ("settings.tokens", "GET"): SIGNED_IN, ("settings.tokens", "POST"): SIGNED_IN, ("settings.revoke", "POST"): set(),
    # Invitations to apply: the enterprise sends (A's worker cannot be invited: the form is refused, not the route);
    # the worker's side — A's seeker, A's coordinator — answers.
    # The code step of a two-step sign-in: with no password step pending it answers 400 to everyone.
    ("auth.second_step", "GET"): ANY, ("auth.second_step", "POST"): ANY,
    ("settings.two_factor_page", "GET"): SIGNED_IN - {"seeker"},
    ("settings.two_factor_page", "POST"): SIGNED_IN - {"seeker"},
    ("enterprise.invite", "POST"): {"enterprise"},
    ("invitations.index", "GET"): {"seeker", "coordinator"}, ("invitations.accept", "POST"): {"seeker", "coordinator"},
    ("invitations.decline", "POST"): {"seeker", "coordinator"},
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        # The JSON API has its own matrix (tests/api/test_api_matrix.py).
        if rule.endpoint == "static" or rule.rule.startswith("/api/"):
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
    park = Park(code="P950", name="园区", county=a.county, longitude=115.0, latitude=24.0)
    link = ParkSchoolLink(school=a.school, park=park, status="proposed", year=date.today().year)
    trade = db.session.scalars(select(Trade).where(Trade.level == 4)).first()
    alias = TradeAlias(trade_id=trade.id, alias="矩阵别名")
    order_class = OrderClass(school=a.school, enterprise=a.enterprise, trade=trade, name="订单班", intake=5)
    notification = Notification(user_id=a.coordinator.id, kind="pairing_proposed", params={"party": "x"},
                                link="/pairings/")
    link_request = LedgerLinkRequest(user_id=a.seeker.id, village_id=a.village.id, name_given="工人甲")
    invitation = JobInvitation(worker=a.worker, vacancy=vacancy)
    db.session.add_all([park, link, alias, order_class, notification, link_request, invitation])
    db.session.commit()
    ids = {"vacancy_id": vacancy.id, "referral_id": referral.id, "org_id": a.enterprise.id, "kind": "enterprise",
           "pairing_id": pairing.id,
           "follow_up_id": follow_up.id, "worker_id": a.worker.id,
           "token": "no-such-token-000000000000000000", "link_id": link.id, "park_id": park.id,
           "alias_id": alias.id, "region_id": a.county.id, "class_id": order_class.id,
           "notification_id": notification.id, "request_id": link_request.id, "step": "skills", "token_id": 999999,
           "invitation_id": invitation.id}
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
