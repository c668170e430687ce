"""API fixtures: `api(user)` → a client that sends that user's bearer token (and no cookie)."""
from __future__ import annotations

from datetime import date

import pytest

from matchmaker.extensions import db
from matchmaker.models import FollowUp, JobInvitation, Pairing, Placement, Referral, Vacancy
from matchmaker.services import api_tokens


class ApiClient:
    def __init__(self, app, secret: str | None, language: str = "zh-CN"):
        self.client = app.test_client(use_cookies=False)
        self.secret = secret
        self.language = language

    def open(self, method: str, path: str, json=None, headers=None, **kwargs):
        h = {"Accept-Language": self.language}
        if self.secret:
            h["Authorization"] = f"Bearer {self.secret}"
        h.update(headers or {})
        return self.client.open("/api/v1" + path, method=method, json=json, headers=h, **kwargs)

    def get(self, path, **kw):
        return self.open("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.open("POST", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.open("PATCH", path, json=json, **kw)


@pytest.fixture
def api(app):
    def _api(user, language="zh-CN"):
        if user is None:
            return ApiClient(app, None, language)
        _token, secret = api_tokens.create(user, "test")
        return ApiClient(app, secret, language)
    return _api


def make_objects(side):
    """An open vacancy of side's enterprise, a referral of side's worker to it, a placement with a due follow-up,
    and an active pairing of side's enterprise and village."""
    vacancy = Vacancy(enterprise=side.enterprise, title="普工", site_county=side.county, headcount=5, wage_min=4000,
                      wage_max=5000, status="open", age_max=55)
    db.session.add(vacancy)
    db.session.flush()
    referral = Referral(worker=side.worker, vacancy=vacancy, channel="nomination")
    db.session.add(referral)
    placement = Placement(worker=side.worker, vacancy=vacancy, enterprise_id=side.enterprise.id,
                          start_date=date.today(), channel="open_market", transfer_type="local")
    follow_up = FollowUp(placement=placement, due_month=1, due_on=date.today())
    pairing = Pairing(enterprise=side.enterprise, village=side.village, status="active",
                      proposed_by_id=side.employer.id)
    invitation = JobInvitation(worker=side.worker, vacancy=vacancy)
    db.session.add_all([placement, follow_up, pairing, invitation])
    db.session.commit()
    return {"vacancy_id": vacancy.id, "referral_id": referral.id, "placement_id": placement.id,
            "follow_up_id": follow_up.id, "pairing_id": pairing.id, "worker_id": side.worker.id,
            "invitation_id": invitation.id}
