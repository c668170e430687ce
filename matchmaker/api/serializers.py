"""Objects as the API returns them. ID numbers and phones are ALWAYS the masked forms here: the API never gives
out a whole one, whoever asks. Birth dates are left out too (they are digits 7–14 of the ID number)."""
from __future__ import annotations

import math
from datetime import date, datetime, timezone

from matchmaker.services import regions
from matchmaker.services.permissions import can
from matchmaker.services.workers import age_on
from matchmaker.vocabulary import label
from matchmaker.web.reasons import render_reason


def when(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite returns naive values; they were written in UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat()


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def number(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return round(value, 2) if math.isfinite(value) else None


def region(r, with_path: list | None = None) -> dict:
    out = {"code": r.code, "name": r.name, "level": r.level, "level_label": label("region_level", r.level),
           "zone": r.zone}
    if with_path is not None:
        out["path"] = " / ".join(p.name for p in with_path[1:])
    return out


def vacancy(v) -> dict:
    return {
        "id": v.id, "title": v.title, "status": v.status,
        "enterprise": {"id": v.enterprise.id, "name": v.enterprise.name},
        "site": {"county_code": v.site_county.code, "county_name": v.site_county.name,
                 "park_id": v.site_park_id, "park_name": v.site_park.name if v.site_park is not None else None},
        "trades": [{"code": t.trade.code, "name": t.trade.name, "min_level": t.min_level} for t in v.trades],
        "headcount": v.headcount, "filled": v.filled, "open_places": v.open_places,
        "wage_min": v.wage_min, "wage_max": v.wage_max, "age_min": v.age_min, "age_max": v.age_max,
        "min_education": v.min_education, "training_mode": v.training_mode, "housing": bool(v.housing),
        "description": v.description or "", "deadline": day(v.deadline),
        "reserved_for_paired": bool(v.reserved_for_paired), "published_at": when(v.published_at),
    }


def worker_summary(w) -> dict:
    return {"id": w.id, "name": w.name, "id_number_masked": w.id_number_masked, "phone_masked": w.phone_masked or "",
            "sex": w.sex, "age": age_on(w.birth_date, date.today()),
            "home_region": {"code": w.home_region.code, "name": w.home_region.name}, "status": w.status}


def candidate(w) -> dict:
    """A ranked candidate as the enterprise's candidates page shows one: no full name, no ID number, no phone —
    an enterprise sees those only once a referral (with the worker's consent) exists."""
    home = regions.home_place(w.home_region_id)
    return {"id": w.id, "display_name": (w.name or "")[:1] + "*", "sex": w.sex,
            "age": age_on(w.birth_date, date.today()), "education": w.education,
            "home_region": {"code": home.code, "name": home.name, "county_name": home.county_name}}


def invitation(inv, actor) -> dict:
    """The enterprise sees the invited worker masked, as on its candidates page, until a referral exists."""
    name = inv.worker.name or ""
    return {"id": inv.id, "status": inv.status, "note": inv.note or "",
            "vacancy": {"id": inv.vacancy.id, "title": inv.vacancy.title,
                        "enterprise_name": inv.vacancy.enterprise.name},
            "worker": {"id": inv.worker.id,
                       "display_name": name[:1] + "*" if actor.role == "enterprise" and inv.referral_id is None
                       else name},
            "created_at": when(inv.created_at), "answered_at": when(inv.answered_at), "referral_id": inv.referral_id}


def worker(w, actor) -> dict:
    out = worker_summary(w)
    out.update({
        "education": w.education, "source": w.source, "radius": w.radius, "min_wage": w.min_wage,
        "willing_to_train": bool(w.willing_to_train), "available_from": day(w.available_from), "version": w.version,
        "skills": [{"trade_code": s.trade.code, "trade_name": s.trade.name, "level": s.level} for s in w.skills],
        "certificates": [{"trade_code": c.trade.code, "trade_name": c.trade.name, "level": c.level,
                          "issued_on": day(c.issued_on)} for c in w.certificates],
        "trainings": [{"course": t.course, "trade_code": t.trade.code if t.trade is not None else None,
                       "hours": t.hours, "completed": bool(t.completed)} for t in w.trainings],
    })
    # Household flags (poverty) only for those who keep the record, not for an enterprise reviewing a referral.
    if can(actor, "edit", w):
        out["household"] = {"poor_household": bool(w.poor_household),
                            "no_employed_member": bool(w.no_employed_member)}
    return out


def explanation(ex) -> dict:
    return {
        "total": number(ex.total) or 0.0, "eligible": bool(ex.eligible), "skill": number(ex.skill) or 0.0,
        "location": number(ex.location) or 0.0, "training": number(ex.training) or 0.0,
        "bonus": number(ex.bonus) or 0.0, "coverage": number(ex.coverage) or 0.0,
        "distance_km": number(ex.distance_km),
        "reasons": [{"key": key, "text": render_reason(key, params)} for key, params in ex.reasons],
    }


def step(s) -> dict:
    return {"from_status": s.from_status, "to_status": s.to_status, "at": when(s.at), "reason": s.reason or ""}


def referral(r, with_steps: bool = False) -> dict:
    out = {
        "id": r.id, "status": r.status, "channel": r.channel,
        "vacancy": {"id": r.vacancy.id, "title": r.vacancy.title, "enterprise_name": r.vacancy.enterprise.name},
        "worker": worker_summary(r.worker), "created_at": when(r.created_at), "updated_at": when(r.updated_at),
        "score_at_referral": number(r.score_at_referral),
        "consent": {"version": r.consent_version, "at": when(r.consent_at), "recipient": r.consent_recipient,
                    "purpose": r.consent_purpose},
    }
    if with_steps:
        out["steps"] = [step(s) for s in r.steps]
    return out


def follow_up(f) -> dict:
    return {"id": f.id, "placement_id": f.placement_id, "due_month": f.due_month, "due_on": day(f.due_on),
            "done_on": day(f.done_on), "still_employed": f.still_employed, "wage": f.wage,
            "problems": f.problems or "", "next_step": f.next_step or ""}


def placement(p) -> dict:
    return {
        "id": p.id, "worker": worker_summary(p.worker), "vacancy": {"id": p.vacancy.id, "title": p.vacancy.title},
        "enterprise": {"id": p.enterprise.id, "name": p.enterprise.name}, "referral_id": p.referral_id,
        "start_date": day(p.start_date), "channel": p.channel, "transfer_type": p.transfer_type,
        "monthly_wage": p.monthly_wage, "ended_on": day(p.ended_on),
        "follow_ups": [follow_up(f) for f in p.follow_ups],
    }


def due_row(row) -> dict:
    return {"id": row.follow_up.id, "placement_id": row.follow_up.placement_id, "worker": worker_summary(row.worker),
            "enterprise": {"id": row.enterprise.id, "name": row.enterprise.name},
            "start_date": day(row.start_date), "due_month": row.due_month, "due_on": day(row.due_on),
            "section": row.section}


def pairing(p, stats=None, activities=None) -> dict:
    out = {"id": p.id, "status": p.status, "enterprise": {"id": p.enterprise.id, "name": p.enterprise.name},
           "village": {"id": p.village.id, "name": p.village.region.name, "code": p.village.region.code},
           "annual_target": p.annual_target or 0, "proposed_at": when(p.proposed_at),
           "approved_at": when(p.approved_at), "ended_at": when(p.ended_at)}
    if stats is not None:
        out["stats"] = {"nominated": stats.nominated, "hired": stats.hired, "retained_6m": stats.retained_6m,
                        "target": stats.target}
    if activities is not None:
        out["activities"] = [{"id": a.id, "kind": a.kind, "held_on": day(a.held_on),
                              "people_reached": a.people_reached, "notes": a.notes or ""} for a in activities]
    return out
