"""API routes: each parses its input, calls the service the page calls, and returns JSON. No rules live here."""
from __future__ import annotations

from datetime import date

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker.api import (ApiError, actor, arg_bool, arg_choice, arg_int, body, bp, field, page_args, paged,
                            paged_list, paged_query, roles)
from matchmaker.api import serializers as out
from matchmaker.extensions import db
from matchmaker.models import Placement, Referral, Region, Vacancy, Worker
from matchmaker.models.pairings import LINK_STATUSES
from matchmaker.models.referrals import REFERRAL_STATUSES
from matchmaker.models.workers import WORKER_STATUSES
from matchmaker.services import (follow_ups, invitations, matching, pairings, rankings, referrals, regions, scoped_lists,
                                 vacancies, workers)
from matchmaker.services.errors import Forbidden
from matchmaker.services.permissions import load_for
from matchmaker.vocabulary import ZONE

TEXT_MAX = 1000


def _created(payload: dict):
    return payload, 201


# --- regions and trades ---------------------------------------------------------------------------------------

@bp.get("/regions")
def region_children():
    """The regions one level below `code` (the cities when no code is given)."""
    code = request.args.get("code", "").strip()[:20]
    level = None
    if code:
        parent = db.session.scalar(select(Region).where(Region.code == code).order_by(Region.id).limit(1))
        if parent is None:
            raise ApiError(404, "not_found", _("找不到该地区。"))
        level = parent.level
    return paged_list(regions.children(code, level), out.region)


@bp.get("/regions/search")
def region_search():
    level = arg_choice("level", ("province", "city", "county", "town", "village"))
    found = regions.search(request.args.get("q", "")[:40], level or None, limit=100)
    return paged_list(found, lambda r: out.region(r, regions.path(r)))


@bp.get("/trades")
def trade_search():
    text = request.args.get("q", "").strip()[:40]
    found = matching.current().catalogue.search(text, 100) if text else []
    return paged_list(found, lambda t: {"code": t[0], "name": t[1], "score": out.number(t[2]) or 0.0})


# --- vacancies ------------------------------------------------------------------------------------------------

_VACANCY_FIELDS = {
    "title": str, "site_county_code": str, "description": str, "training_mode": str, "headcount": int,
    "wage_min": int, "wage_max": int, "age_min": int, "age_max": int, "min_education": int, "site_park_id": int,
    "housing": bool, "reserved_for_paired": bool, "deadline": date,
}


def _vacancy_input(data: dict, base: vacancies.VacancyInput | None = None) -> vacancies.VacancyInput:
    """A VacancyInput from a JSON body; for an update, fields left out keep their current value."""
    entry = base or vacancies.VacancyInput()
    for name, kind in _VACANCY_FIELDS.items():
        if name in data:
            nullable = name in ("site_park_id", "deadline", "wage_min", "wage_max")
            value = field(data, name, kind, nullable=nullable, max_length=vacancies.DESCRIPTION_MAX + 1)
            setattr(entry, name, value)
    if "trades" in data:
        rows = data["trades"]
        if not isinstance(rows, list) or len(rows) > vacancies.MAX_TRADES:
            raise ApiError(422, "invalid", _("所需工种最多填写 %(n)s 个。", n=vacancies.MAX_TRADES), "trades")
        entry.trades = []
        for row in rows:
            if not isinstance(row, dict):
                raise ApiError(422, "invalid", _("字段 %(name)s 的值无效。", name="trades"), "trades")
            entry.trades.append(vacancies.TradeRequirement(
                code=field(row, "code", str, "", max_length=20) or "", name=field(row, "name", str, "", max_length=60)
                or "", level=field(row, "level", int, 1, nullable=False)))
    return entry


@bp.get("/vacancies")
def vacancy_list():
    page, per_page = page_args()
    status = arg_choice("status", tuple(vacancies.VACANCY_TRANSITIONS))
    if arg_bool("mine"):
        return paged_query(vacancies.enterprise_vacancies_page(actor(), page, per_page, status), out.vacancy)
    return paged_query(vacancies.open_vacancies_page(page, per_page), out.vacancy)


@bp.post("/vacancies")
@roles("enterprise")
def vacancy_create():
    data = body()
    for name in ("title", "site_county_code", "headcount", "wage_min", "wage_max"):
        if name not in data and not (name == "site_county_code" and "site_park_id" in data):
            raise ApiError(422, "invalid", _("请填写 %(name)s。", name=name), name)
    return _created(out.vacancy(vacancies.create_vacancy(actor(), _vacancy_input(data))))


@bp.get("/vacancies/<int:vacancy_id>")
def vacancy_get(vacancy_id):
    return out.vacancy(load_for(actor(), Vacancy, vacancy_id))


@bp.patch("/vacancies/<int:vacancy_id>")
@roles("enterprise")
def vacancy_update(vacancy_id):
    current = vacancies.vacancy_for_edit(actor(), vacancy_id)
    data = _vacancy_input(body(), vacancies.input_from(current))
    return out.vacancy(vacancies.update_vacancy(actor(), vacancy_id, data))


@bp.post("/vacancies/<int:vacancy_id>/publish")
@roles("enterprise")
def vacancy_publish(vacancy_id):
    return out.vacancy(vacancies.publish(actor(), vacancy_id))


@bp.post("/vacancies/<int:vacancy_id>/close")
@roles("enterprise")
def vacancy_close(vacancy_id):
    return out.vacancy(vacancies.close(actor(), vacancy_id))


# --- rankings, both ways --------------------------------------------------------------------------------------

@bp.get("/vacancies/<int:vacancy_id>/candidates")
@roles("enterprise", "coordinator")
def vacancy_candidates(vacancy_id):
    """An enterprise: the best candidates for its vacancy (any village). A coordinator: its own village's
    workers who fit, best first (as on the nomination page)."""
    page, per_page = page_args()
    user = actor()
    max_km = arg_int("max_km", None, 1, 5000)
    county = request.args.get("county", "")
    if county and not (county.isascii() and county.isdigit() and len(county) == 6):
        # The engine compares county codes as numbers: anything else is refused here, not passed on.
        raise ApiError(400, "bad_request", _("参数 %(name)s 应为 6 位县级区划代码。", name="county"), "county")
    filters = rankings.CandidateFilters(county=county, zone=arg_choice("zone", tuple(ZONE)),
                                        max_km=float(max_km) if max_km is not None else None,
                                        paired_only=arg_bool("paired_only"), min_level=arg_int("min_level", None, 1, 5))
    if user.role == "enterprise":
        # Only this page is ranked deep enough and explained; "total" counts the rows ranked so far, one more
        # when the ranking goes on, so that "next" is offered exactly when there is a next page.
        result = rankings.candidates_for(user, vacancy_id, filters, k=per_page, offset=(page - 1) * per_page)
        items = [{"worker": out.candidate(r.worker), "score": out.explanation(r.explanation)} for r in result.rows]
        return paged(items, result.offset + len(result.rows) + int(result.has_more), page, per_page)
    elif user.role == "coordinator":
        _vacancy, nominees = referrals.nominees_for(user, vacancy_id)
        rows = [(n.worker, n.explanation) for n in nominees]
    else:
        raise Forbidden(_("只有企业和村级协调员可以查看岗位的候选人。"))
    return paged_list(rows, lambda r: {"worker": out.candidate(r[0]), "score": out.explanation(r[1])},
                      page, per_page)


@bp.get("/recommendations")
@roles("seeker")
def recommendations():
    """The seeker's open vacancies ranked for their own record, with the reasons each is shown."""
    user = actor()
    if user.role != "seeker":
        raise Forbidden(_("只有求职者可以查看为自己推荐的岗位。"))
    page, per_page = page_args()
    rows = rankings.vacancies_for(user, k=min(page * per_page, rankings.RANK_DEPTH_MAX))
    return paged_list(rows, lambda r: {"vacancy": out.vacancy(r.vacancy), "score": out.explanation(r.explanation)},
                      page, per_page)


# --- workers (the labour ledger) ------------------------------------------------------------------------------

@bp.get("/workers")
@roles("coordinator", "school", "bureau")
def worker_list():
    page, per_page = page_args()
    status = arg_choice("status", WORKER_STATUSES)
    result = scoped_lists.workers_page(actor(), page, per_page, request.args.get("q", "")[:40], status)
    return paged_query(result, lambda w: out.worker(w, actor()))


@bp.get("/workers/<int:worker_id>")
def worker_get(worker_id):
    return out.worker(load_for(actor(), Worker, worker_id), actor())


@bp.post("/workers")
@roles("coordinator")
def worker_create():
    user = actor()
    if user.role != "coordinator":
        raise Forbidden(_("只有村级协调员可以登记台账。"))
    data = body()
    entry = workers.LedgerEntry(
        name=field(data, "name", str, required=True, max_length=200),
        id_number=field(data, "id_number", str, required=True, max_length=40),
        phone=field(data, "phone", str, "", max_length=40) or "",
        education=field(data, "education", int, 2, nullable=False),
        poor_household=field(data, "poor_household", bool, False, nullable=False),
        no_employed_member=field(data, "no_employed_member", bool, False, nullable=False),
        radius=field(data, "radius", str, "city", nullable=False, max_length=20),
        min_wage=field(data, "min_wage", int),
        willing_to_train=field(data, "willing_to_train", bool, False, nullable=False),
        available_from=field(data, "available_from", date))
    return _created(out.worker(workers.add_to_ledger(user, user.village, entry), user))


# --- referrals ------------------------------------------------------------------------------------------------

@bp.get("/referrals")
@roles("enterprise", "coordinator", "seeker")
def referral_list():
    status = arg_choice("status", REFERRAL_STATUSES)
    return paged_list(referrals.inbox(actor(), status or None, limit=10000), out.referral)


@bp.get("/referrals/<int:referral_id>")
def referral_get(referral_id):
    return out.referral(load_for(actor(), Referral, referral_id), with_steps=True)


@bp.post("/vacancies/<int:vacancy_id>/nominations")
@roles("coordinator")
def referral_nominate(vacancy_id):
    data = body()
    ids = field(data, "worker_ids", list, required=True)
    if not ids or len(ids) > 100 or not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i <= 2**31 - 1
                                              for i in ids):
        raise ApiError(422, "invalid", _("请选择 1 到 100 名人员。"), "worker_ids")
    done = referrals.nominate(actor(), vacancy_id, ids, field(data, "note", str, "", max_length=TEXT_MAX) or "",
                              field(data, "consent", bool, False, nullable=False))
    return _created({"items": [out.referral(r, with_steps=True) for r in done]})


@bp.post("/vacancies/<int:vacancy_id>/applications")
@roles("seeker")
def referral_apply(vacancy_id):
    data = body()
    done = referrals.apply(actor(), vacancy_id, field(data, "consent", bool, False, nullable=False))
    return _created(out.referral(done, with_steps=True))


@bp.get("/invitations")
@roles("enterprise", "coordinator", "seeker")
def invitation_list():
    user = actor()
    rows = invitations.sent_by(user) if user.role == "enterprise" else invitations.for_worker_side(user, limit=1000)
    return paged_list(rows, lambda inv: out.invitation(inv, user))


@bp.post("/vacancies/<int:vacancy_id>/invitations")
@roles("enterprise")
def invitation_create(vacancy_id):
    data = body()
    worker_id = field(data, "worker_id", int, required=True)
    done = invitations.invite(actor(), vacancy_id, worker_id,
                              field(data, "note", str, "", max_length=invitations.NOTE_MAX) or "")
    return _created(out.invitation(done, actor()))


@bp.post("/invitations/<int:invitation_id>/accept")
@roles("coordinator", "seeker")
def invitation_accept(invitation_id):
    data = body()
    done = invitations.answer(actor(), invitation_id, True, field(data, "consent", bool, False, nullable=False))
    return out.invitation(done, actor())


@bp.post("/invitations/<int:invitation_id>/decline")
@roles("coordinator", "seeker")
def invitation_decline(invitation_id):
    return out.invitation(invitations.answer(actor(), invitation_id, False), actor())


@bp.post("/referrals/<int:referral_id>/move")
@roles("enterprise", "coordinator", "seeker")
def referral_move(referral_id):
    data = body()
    to = field(data, "to", str, required=True, max_length=20)
    reason = field(data, "reason", str, "", max_length=TEXT_MAX) or ""
    return out.referral(referrals.move(actor(), referral_id, to, reason), with_steps=True)


@bp.post("/referrals/<int:referral_id>/hire")
@roles("enterprise")
def referral_hire(referral_id):
    data = body()
    start = field(data, "start_date", date, required=True)
    wage = field(data, "monthly_wage", int)
    return _created(out.placement(referrals.hire(actor(), referral_id, start, wage)))


# --- placements and follow-ups --------------------------------------------------------------------------------

@bp.get("/placements")
def placement_list():
    page, per_page = page_args()
    return paged_query(scoped_lists.placements_page(actor(), page, per_page), out.placement)


@bp.get("/placements/<int:placement_id>")
def placement_get(placement_id):
    return out.placement(load_for(actor(), Placement, placement_id))


@bp.get("/follow-ups")
@roles("coordinator")
def follow_up_list():
    return paged_list(follow_ups.due_for(actor(), limit=10000), out.due_row)


@bp.post("/follow-ups/<int:follow_up_id>")
@roles("coordinator", "bureau")
def follow_up_record(follow_up_id):
    data = body()
    done = follow_ups.record(actor(), follow_up_id, field(data, "still_employed", bool, required=True),
                             field(data, "wage", int), field(data, "problems", str, "", max_length=TEXT_MAX) or "",
                             field(data, "next_step", str, "", max_length=TEXT_MAX) or "")
    return out.follow_up(done)


# --- 一企一村 pairings ---------------------------------------------------------------------------------------

@bp.get("/pairings")
@roles("enterprise", "coordinator")
def pairing_list():
    status = arg_choice("status", LINK_STATUSES)
    rows = [p for p in pairings.pairings_of(actor()) if not status or p.status == status]
    page, per_page = page_args()
    shown = rows[(page - 1) * per_page: page * per_page]
    stats = pairings.stats_many(shown)
    return paged([out.pairing(p, stats[p.id]) for p in shown], len(rows), page, per_page)


@bp.get("/pairings/<int:pairing_id>")
@roles("enterprise", "coordinator")
def pairing_get(pairing_id):
    pairing, activities = pairings.activities(actor(), pairing_id)
    return out.pairing(pairing, pairings.stats(pairing), activities)


@bp.post("/pairings")
@roles("enterprise", "coordinator")
def pairing_propose():
    data = body()
    other = field(data, "other_id", int, required=True)
    return _created(out.pairing(pairings.propose(actor(), other)))


@bp.post("/pairings/<int:pairing_id>/accept")
@roles("enterprise", "coordinator")
def pairing_accept(pairing_id):
    return out.pairing(pairings.accept(actor(), pairing_id))
